"""抽查结果 on both engines: codes, 后续处置 (整改 on the to-do and timeline, 经营异常 on the business), the
publication list and its 公示期限 on the to-do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from inspection_world import RULES, make_inspection_world, make_task
from sqlmodel import Session, col, select

from imports.inspection_export import export_publication, export_results
from storage.tables import Business, ChangeLog
from workbench.domain.working_days import DEFAULT_CALENDAR
from workbench.services.errors import ValidationFailed
from workbench.services.inspection_draws import draw_task
from workbench.services.inspection_lists import result_lines
from workbench.services.inspection_results import ResultInput, mark_published, record_result
from workbench.services.reminders import todo_list
from workbench.services.timeline import business_timeline

TODAY = date(2026, 12, 7)


def _drawn(session: Session, businesses: int = 6, **task: object):  # type: ignore[no-untyped-def]
    world = make_inspection_world(session, businesses)
    fields: dict[str, object] = {"ratio": "100", "starts_on": date(2026, 10, 12), "ends_on": date(2026, 11, 2)}
    fields.update(task)
    made = make_task(session, world.world, **fields)
    report = draw_task(session, actor=world.world.actor, task=made, rules=RULES, seed="3")
    session.commit()
    assert not report.problems
    return world, made


def _record(session: Session, world, task, business: str, **entry: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {"codes": ["1"], "inspected_on": date(2026, 11, 2), "inspectors": ["李强", "单丽"]}
    values.update(entry)
    row = record_result(session, actor=world.world.actor, task=task, business_uuid=business,
                        entry=ResultInput(**values), rules=RULES, calendar=DEFAULT_CALENDAR)  # type: ignore[arg-type]  # fmt: skip
    session.commit()
    return row


def test_codes_are_multi_select_and_checked(session: Session) -> None:
    world, task = _drawn(session)
    row = _record(session, world, task, world.world.tea_uuid, codes=["b", "D"], notes="未公示年报")
    assert row.codes == "B,D"
    for codes, words in ((["Z", "9"], "「Z」不认识"), (["1", "B"], "不能与其他结果同时选择"), ([], "至少选一项")):
        with pytest.raises(ValidationFailed) as refused:
            _record(session, world, task, world.world.noodle_uuid, codes=codes)
        assert words in refused.value.errors["codes"]
    with pytest.raises(ValidationFailed, match="已录入过结果"):
        _record(session, world, task, world.world.tea_uuid)


def test_a_business_not_drawn_gets_no_result(session: Session) -> None:
    world, task = _drawn(session)
    other = make_task(session, world.world, name="未抽取的任务")
    with pytest.raises(ValidationFailed, match="还没有抽取"):
        _record(session, world, other, world.world.tea_uuid)


def test_rectification_gets_a_working_day_deadline_on_the_todo_and_timeline(session: Session) -> None:
    world, task = _drawn(session)
    row = _record(session, world, task, world.world.noodle_uuid, codes=["E"], follow_up="责令整改",
                  inspected_on=date(2026, 11, 23))  # fmt: skip
    # Mon 23 Nov + 10 working days (no holiday in between): 24–27 (4), 30 Nov–4 Dec (9), Mon 7 Dec (10)
    assert row.follow_up_due == date(2026, 12, 7)
    items = todo_list(session, actor=world.world.actor, today=TODAY)
    rectify = [item for item in items if item.kind == "rectify"]
    assert [(item.urgency, item.business_name) for item in rectify] == [("today", "老街兰州拉面馆")]
    assert "责令整改，期限 2026-12-07" in rectify[0].text and rectify[0].kind_label == "抽查整改"
    timeline = business_timeline(session, actor=world.world.actor, business_uuid=world.world.noodle_uuid)
    entry = next(entry for entry in timeline if entry.kind == "inspection")
    assert entry.title == "双随机抽查：发现问题经责令已改正" and "后续处置：责令整改（期限 2026-12-07）" in entry.detail


def test_unreachable_household_is_marked_abnormal(session: Session) -> None:
    world, task = _drawn(session)
    with pytest.raises(ValidationFailed, match="无法联系"):
        _record(session, world, task, world.world.shop_uuid, codes=["B"], follow_up="经营异常")
    _record(session, world, task, world.world.shop_uuid, codes=["6"], follow_up="经营异常", inspected_on=date(2026, 11, 5))
    shop = session.exec(select(Business).where(col(Business.uuid) == world.world.shop_uuid)).one()
    assert shop.abnormal and shop.abnormal_since == date(2026, 11, 5)
    logged = session.exec(select(ChangeLog.field).where(col(ChangeLog.entity_uuid) == shop.uuid, col(ChangeLog.action) == "update"))
    assert "abnormal" in set(logged)
    line = next(line for line in result_lines(session, actor=world.world.actor, task=task, rules=RULES)
                if line.business_uuid == shop.uuid)  # fmt: skip
    assert line.follow_up == "标记为经营异常状态"  # a household (个体工商户): marked, not listed


def test_unpublished_results_come_due_and_leave_the_todo_once_published(session: Session, tmp_path: Path) -> None:
    world, task = _drawn(session)
    _record(session, world, task, world.world.tea_uuid, codes=["B", "E"])
    # the task ended Mon 2 Nov; + 20 working days = Mon 30 Nov (no holiday in November)
    items = [item for item in todo_list(session, actor=world.world.actor, today=TODAY) if item.kind == "publish"]
    assert [(item.urgency, item.due_on, item.business_name) for item in items] == [("overdue", date(2026, 11, 30), "阿香奶茶店")]
    assert "已超过公示期限 2026-11-30" in items[0].text
    target, rows = export_publication(session=session, actor=world.world.actor, task=task, rules=RULES,
                                      path=tmp_path / "公示")  # fmt: skip
    assert target.name == "公示.xlsx" and rows == 1
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][0:6] == ["企业名称", "统一社会信用代码/注册号", "抽查事项", "检查结果", "检查日期", "检查机关"]
    assert cells[1][0] == "阿香奶茶店"
    assert cells[1][2] == "企业年度报告公示信息的检查；企业即时公示信息的检查"
    assert cells[1][3] == "未按规定公示应当公示的信息；发现问题经责令已改正"
    assert cells[1][4].date() == date(2026, 11, 2) and cells[1][5] == "五马市场监管所"
    assert mark_published(session, actor=world.world.actor, task=task, on=date(2026, 12, 7)) == 1
    session.commit()
    assert not [item for item in todo_list(session, actor=world.world.actor, today=TODAY) if item.kind == "publish"]
    target, rows = export_results(session=session, actor=world.world.actor, task=task, rules=RULES, path=tmp_path / "结果.xlsx")
    assert rows == 9  # the 6 plain businesses and the world's 3, all drawn at 100%
    results = [[cell.value for cell in row] for row in openpyxl.load_workbook(target).active.iter_rows()]  # type: ignore[union-attr]
    tea = next(row for row in results if row[1] == "阿香奶茶店")
    assert tea[14].date() == date(2026, 12, 7)  # 公示日期
