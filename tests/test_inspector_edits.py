"""Keeping the 检查人员名录 through the gateway, on both engines: validation in one sentence per field, edits,
在岗 / 停用 and 回避 relations each one transaction logged in the change log; and a draw whose list cannot serve
any business says why once (pool_shortage), not once per business."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import build_office
from tui_inspection_world import add_inspectors

from storage.audit import Actor
from storage.tables import ChangeLog
from workbench.domain.inspection_rules import load_inspection_rules
from workbench.services.errors import SaveConflict, ValidationFailed
from workbench.services.gateway import Gateway
from workbench.services.inspection_draws import draw_task
from workbench.services.inspection_tasks import TaskSpec, create_task

RULES = load_inspection_rules(None).rules


def _gateway(engine: Engine) -> tuple[Gateway, Actor]:
    office = build_office(engine, extra_businesses=4)
    return Gateway(engine), Actor("王芳", "测试终端", office.office_id)


def _log(engine: Engine, entity: str) -> list[tuple[str, str, str | None, str | None]]:
    with Session(engine) as session:
        return [(row.action, row.field, row.old, row.new) for row in session.exec(
            select(ChangeLog).where(col(ChangeLog.entity) == entity).order_by(col(ChangeLog.id)))]  # fmt: skip


def test_the_form_refuses_with_one_sentence_per_field(engine: Engine) -> None:
    desk, actor = _gateway(engine)
    with pytest.raises(ValidationFailed) as refused:
        desk.inspection.save_inspector(actor, None, {
            "name": "", "own_office": False, "unit": "", "cert_no": "", "cert_expires_on": "2027-02-30", "officer_id": 1,
        })  # fmt: skip
    errors = refused.value.errors
    assert errors["name"] == "请填写检查人员姓名"
    assert errors["unit"].startswith("外单位的检查人员须填写所在单位")
    assert errors["cert_expires_on"] == "执法证有效期「2027-02-30」不是日期，请写成如 2027-06-30"
    assert "外单位人员不是本所的包联干部" in errors["officer_id"]
    with pytest.raises(ValidationFailed) as refused:
        desk.inspection.save_inspector(actor, None, {"name": "甲", "cert_no": "", "cert_expires_on": "2027-06-30"})
    assert refused.value.errors == {"cert_no": "填了有效期就须填执法证号（没有执法证的人不能参加抽取）"}
    with pytest.raises(ValidationFailed) as refused:
        desk.inspection.save_inspector(actor, None, {"name": "甲", "cert_no": "ZJ 01", "cert_expires_on": "1927-06-30"})
    assert refused.value.errors["cert_no"].startswith("执法证号里有「 」")
    assert refused.value.errors["cert_expires_on"] == "执法证有效期 1927-06-30 不像真实的日期，请核对年份"
    assert desk.inspection.inspectors(actor) == []  # nothing was written


def test_add_edit_toggle_and_relations_are_logged(engine: Engine) -> None:
    desk, actor = _gateway(engine)
    assert desk.inspection.save_inspector(actor, None, {
        "name": "王芳", "own_office": True, "unit": "", "officer_id": None, "cert_no": "ZJ33030201",
        "cert_expires_on": "2028-12-31", "line": "综合执法",
    }) == "王芳"  # fmt: skip
    [row] = desk.inspection.inspectors(actor)
    # Left unlinked, a 本所 inspector named as exactly one 包联干部 is that officer: 回避 keeps her off her businesses.
    assert (row.line.unit, row.line.cert_expires_on, row.officer_name, row.recusals) == (
        "五马市场监管所", date(2028, 12, 31), "王芳", ())
    with pytest.raises(ValidationFailed) as refused:  # the same certificate twice
        desk.inspection.save_inspector(actor, None, {"name": "李强", "cert_no": "ZJ33030201", "cert_expires_on": "2029-01-01"})
    assert "已登记在名录中另一名检查人员名下" in refused.value.errors["cert_no"]
    officers = desk.staff.office_lists()[1][actor.office_id]
    wang = next(choice.id for choice in officers if choice.name == "王芳")
    desk.inspection.save_inspector(actor, row.line, {**_form(row.line), "cert_expires_on": "2024-12-31", "officer_id": wang})
    [row] = desk.inspection.inspectors(actor)
    assert (row.line.cert_expires_on, row.officer_name, row.line.version) == (date(2024, 12, 31), "王芳", 2)
    assert row.line.drawable_problem(date(2025, 6, 1)) is not None
    with pytest.raises(SaveConflict):  # a second terminal's save from the old version
        desk.inspection.set_inspector_active(actor, row.line.__class__(**{**row.line.__dict__, "version": 1}), False)
    desk.inspection.set_inspector_active(actor, row.line, False)
    [row] = desk.inspection.inspectors(actor)
    assert row.line.active is False
    assert [entry for entry in _log(engine, "inspector") if entry[0] == "update"] == [
        ("update", "cert_expires_on", "2028-12-31", "2024-12-31"),
        ("update", "active", "是", "否"),
    ]
    # a relation: the business found by words of its name; several matches are named
    with pytest.raises(ValidationFailed) as refused:
        desk.inspection.add_recusal(actor, row.line.uuid, "鹿城区", "亲属", "")
    assert refused.value.errors["business"].startswith("有多户相符：") and "请多写几个字" in refused.value.errors["business"]
    assert desk.inspection.add_recusal(actor, row.line.uuid, "张记", "亲属", "其表弟经营") == "鹿城区张记小吃店"
    with pytest.raises(ValidationFailed) as refused:
        desk.inspection.add_recusal(actor, row.line.uuid, "鹿城区张记小吃店", "曾经处罚", "")
    assert refused.value.errors["business"] == "王芳 与「鹿城区张记小吃店」已登记过回避（亲属）"
    [row] = desk.inspection.inspectors(actor)
    [relation] = row.recusals
    assert (relation.business_name, relation.kind, relation.note) == ("鹿城区张记小吃店", "亲属", "其表弟经营")
    desk.inspection.remove_recusal(actor, relation)
    assert desk.inspection.inspectors(actor)[0].recusals == ()
    assert [entry[0] for entry in _log(engine, "inspection_recusal")] == ["create"] * 4 + ["delete"]


def _form(line: object) -> dict[str, object]:
    names = ("name", "own_office", "unit", "officer_id", "cert_no", "cert_expires_on", "line")
    return {name: getattr(line, name) for name in names}


def _task(engine: Engine, office_id: int, departments: tuple[str, ...] = ("市场监管",)) -> int:
    with Session(engine) as session:
        task = create_task(session, actor=Actor("王芳", "测试终端", office_id), spec=TaskSpec(
            "六月抽查", "年度计划", RULES.items[:1], date(2025, 6, 1), date(2025, 6, 30), departments, None, "50",
        ))  # fmt: skip
        session.commit()
        return task.id


@pytest.mark.parametrize(("setup", "expected"), [
    ("none", "检查人员名录里还没有人，一户也配不上检查人员"),
    ("expired", "名录里的 4 名检查人员都不能抽（执法证已过期或早于任务结束日到期 3 名、外单位人员不属于参加部门 1 名），"
                "一户也配不上检查人员"),
    ("one", "能抽的检查人员只有 1 名，不够每户 2 名；另有 3 名不能抽（执法证已过期或早于任务结束日到期 2 名、"
            "外单位人员不属于参加部门 1 名）"),
])  # fmt: skip
def test_a_list_that_cannot_serve_anyone_is_said_once(engine: Engine, setup: str, expected: str) -> None:
    office = build_office(engine, extra_businesses=6)
    if setup != "none":
        add_inspectors(engine, office)  # 王芳, 李强 (valid to 2028), 陈静 (expired), 赵敏 (卫生健康局)
        with Session(engine) as session:
            from storage.tables_inspection import Inspector

            for inspector in session.exec(select(Inspector).where(col(Inspector.own_office))):
                if setup == "expired" or inspector.name == "李强":
                    inspector.cert_expires_on = date(2025, 3, 1)
                    session.add(inspector)
            session.commit()
    task_id = _task(engine, office.office_id)
    actor = Actor("王芳", "测试终端", office.office_id)
    with Session(engine) as session:
        from workbench.services.inspection_tasks import find_task

        report = draw_task(session, actor=actor, task=find_task(session, actor=actor, which=str(task_id)), rules=RULES,
                           seed="7", dry_run=True)  # fmt: skip
    assert report.shortage == expected
    assert report.problems == [] and report.lines == [] and sum(d for _m, d in report.quotas.values()) > 0


def test_the_cli_dry_run_says_it_once_too(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from workbench.cli import app

    runner = CliRunner()
    base = ["--db", str(tmp_path / "office.db")]
    assert runner.invoke(app, [*base, "init", "--office", "五马市场监管所", "--officer", "张伟", "--grid", "东片"]).exit_code == 0
    from sqlmodel import create_engine

    from storage.tables import Business

    engine = create_engine(f"sqlite:///{tmp_path / 'office.db'}")
    with Session(engine) as session:
        session.add_all([Business(office_id=1, name=f"测试商店{n:02d}", reg_no=f"3303021{n:08d}") for n in range(30)])
        session.commit()
    engine.dispose()
    made = runner.invoke(app, [*base, "inspect", "task", "create", "抽查", "--item", "1", "--ratio", "10", "--from",
                               "2026-12-01", "--to", "2026-12-31"])  # fmt: skip
    assert made.exit_code == 0, made.output
    done = runner.invoke(app, [*base, "inspect", "draw", "1", "--dry-run"])
    assert done.exit_code == 1
    assert done.output.count("检查人员名录里还没有人") == 1 and "因回避" not in done.output
    assert "inspector-add" in done.output and "测试商店" not in done.output
