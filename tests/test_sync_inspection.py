"""双随机 results recorded on a laptop come back in the return package (issue 20, with the field sync of issue
19): the office draws a task, takes 张伟's share out as an inspector, the laptop records results (and may not
draw), and the office applies them with the same per-row rules: insert, apply, conflict, nothing twice.
The office on both engines, the laptop a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from inspection_world import RULES
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from sync_inspection_world import DrawnOffice, laptop_actor, laptop_task, make_drawn_office, write_package
from sync_world import laptop_engine

from imports.sync_back import read_return_package, write_return_package
from imports.sync_read import read_field_package
from storage.tables import Business
from storage.tables_inspection import InspectionResult
from storage.tables_sync_apply import SyncConflict
from workbench.domain.working_days import DEFAULT_CALENDAR
from workbench.services.inspection_draws import LAPTOP_REFUSAL, DrawRefused, draw_task
from workbench.services.inspection_lists import publication_rows, result_lines
from workbench.services.inspection_results import ResultInput, record_result
from workbench.services.inspection_tasks import (
    LAPTOP_TASK_REFUSAL,
    TaskRefused,
    TaskSpec,
    create_task,
    find_task,
)
from workbench.services.inspection_verify import verify_task
from workbench.services.reminders import todo_list
from workbench.services.sync_apply import apply_package
from workbench.services.sync_laptop import receive_field_package
from workbench.services.sync_plan import plan_package
from workbench.services.sync_review import open_items, resolve_field
from workbench.services.timeline_inspect import inspection_entries

TODAY = date.today()


@pytest.fixture
def office(engine: Engine) -> DrawnOffice:
    return make_drawn_office(engine)


@pytest.fixture
def laptop(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    folder = tmp_path / "laptop"
    folder.mkdir()
    engine = laptop_engine(sqlite_template, folder)
    yield engine
    engine.dispose()


def _receive(laptop: Engine, package: Path) -> object:
    with Session(laptop) as session:
        result = receive_field_package(session=session, package=read_field_package(package), who="张伟", device="笔记本")
        session.commit()
        return result


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_the_field_package_carries_the_officers_draws_and_nothing_personal_of_others(
    engine: Engine, office: DrawnOffice, laptop: Engine, tmp_path: Path
) -> None:
    package = write_package(engine, office, tmp_path)
    data = read_field_package(package)
    rows = data.rows
    zhang = office.world.inspector_uuids["张伟"]
    assert len(rows["inspection_pair"]) == len(office.mine)
    assert all(zhang in str(row.values["inspector_uuids"]).split(",") for row in rows["inspection_pair"])
    assert {row.values["business_id"] for row in rows["inspection_pair"]} == {line.business.uuid for line in office.mine}
    # withheld: a pair's passed-over pairings (others' 回避) and the draw's rules; recusal relations never travel
    assert all("skipped" not in row.values for row in rows["inspection_pair"])
    assert all("rules" not in row.values for row in rows["inspection_draw"])
    assert "inspection_recusal" not in rows
    assert [row.values["name"] for row in rows["inspection_task"]] == ["2026 年度抽查"]
    assert len(rows["inspection_task_item"]) == 2 and len(rows["inspection_draw"]) == 1
    named = {name for line in office.mine for name in line.inspectors}
    assert {row.values["name"] for row in rows["inspector"]} == named
    assert [row.uuid for row in rows["inspection_result"]] == [office.office_result]
    # the drawn businesses travel (with their own 包联干部: never 张伟, who must step aside from his own)
    carried = {row.uuid: row for row in rows["business"]}
    zhang_officer = next(row.uuid for row in rows["officer"] if row.values["name"] == "张伟")
    for line in office.mine:
        assert carried[line.business.uuid].values["officer_id"] != zhang_officer
    # ... and not the businesses drawn for others alone (but for 张伟's own, which travel as his 包联)
    own = office.world.world.officer_id
    others = {line.business.uuid for line in office.others if line.business.officer_id != own}
    assert others
    assert not others & set(carried)
    _receive(laptop, package)
    assert _rows(laptop, "SELECT count(*) FROM inspection_recusal") == [(0,)]
    assert set(_rows(laptop, "SELECT skipped FROM inspection_pair")) == {("",)}
    assert _rows(laptop, "SELECT rules, status FROM inspection_draw") == [("{}", "confirmed")]
    with Session(laptop) as session:
        me = laptop_actor(session)
        lines = result_lines(session, actor=me, task=laptop_task(session, me), rules=RULES)
        assert [line.business_uuid for line in lines] == [line.business.uuid for line in office.mine]
        assert lines[1].notes == "证照齐全" and lines[1].result_uuid == office.office_result
        assert lines[0].drawn == "、".join(office.mine[0].inspectors)  # the partner's name, offline


def test_a_laptop_records_results_cannot_draw_and_the_office_takes_them_in(
    engine: Engine, office: DrawnOffice, laptop: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _receive(laptop, write_package(engine, office, tmp_path))
    first, second = office.mine[0], office.mine[1]
    with Session(laptop) as session:
        me = laptop_actor(session)
        task = laptop_task(session, me)
        for attempt in (lambda: draw_task(session, actor=me, task=task, rules=RULES, redraw_reason="笔记本上重抽"),
                        lambda: draw_task(session, actor=me, task=task, rules=RULES, dry_run=True),
                        lambda: verify_task(session, actor=me, task=task, rules=RULES)):
            with pytest.raises(DrawRefused) as refused:
                attempt()
            assert refused.value.message == LAPTOP_REFUSAL
        with pytest.raises(TaskRefused, match=LAPTOP_TASK_REFUSAL):
            create_task(session, actor=me, spec=TaskSpec("笔记本上的任务", "专项", RULES.items[:1], TODAY, TODAY, count=1))
        made = record_result(session, actor=me, task=task, business_uuid=first.business.uuid, rules=RULES,
                             calendar=DEFAULT_CALENDAR, entry=ResultInput(
                                 ["B"], TODAY, first.inspectors, "门头公示信息未更新", "责令整改", date(2026, 12, 18)))
        line = next(line for line in result_lines(session, actor=me, task=task, rules=RULES)
                    if line.business_uuid == second.business.uuid)
        record_result(session, actor=me, task=task, business_uuid=second.business.uuid, rules=RULES,
                      calendar=DEFAULT_CALENDAR, base_version=line.result_version,
                      entry=ResultInput(["1"], date(2026, 12, 2), second.inspectors, "证照齐全，消防通道畅通"))
        session.commit()
        made_uuid = made.uuid
    # a newer package refreshes the laptop: the unsent results stay
    refreshed = _receive(laptop, write_package(engine, office, tmp_path, "外业包-张伟-2.xlsx"))
    assert [kept.table for kept in refreshed.kept] == ["inspection_result"]  # type: ignore[attr-defined]
    assert _rows(laptop, f"SELECT notes, deleted_at FROM inspection_result WHERE uuid = '{made_uuid}'") == [
        ("门头公示信息未更新", None)]
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="laptop·1", device="笔记本", path=tmp_path / "回传包.xlsx")
    package = read_return_package(written.path)
    changes = {change.uuid: change for change in package.changes if change.table == "inspection_result"}
    assert set(changes) == {made_uuid, office.office_result}
    assert changes[made_uuid].base_version is None and changes[made_uuid].values["task_id"] == office.task.uuid
    assert changes[office.office_result].values == {"notes": "证照齐全，消防通道畅通"}
    actor = office.world.world.actor
    with Session(engine) as session:
        plan = plan_package(session, actor, package)
        outcomes = {row.change.uuid: row.outcome for row in plan.rows}
        assert outcomes[made_uuid] == "insert" and outcomes[office.office_result] == "apply"
        from workbench.cli_sync_apply import _show

        _show(plan, package)
        said = capsys.readouterr().out
        assert "抽查结果：新增" in said and "抽查结果：直接更新（更新 检查情况）" in said, said
        applied = apply_package(session, actor, package)
        session.commit()
        assert not applied.already_applied
    with Session(engine) as session:
        task = find_task(session, actor=actor, which="2026 年度抽查")
        lines = {line.business_uuid: line for line in result_lines(session, actor=actor, task=task, rules=RULES)}
        assert (lines[first.business.uuid].result, lines[first.business.uuid].follow_up_due) == (
            "未按规定公示应当公示的信息", date(2026, 12, 18))
        assert lines[second.business.uuid].notes == "证照齐全，消防通道畅通"
        published = {row[0] for row in publication_rows(session, actor=actor, task=task, rules=RULES)}
        assert {first.business.name, second.business.name} <= published
        todo = todo_list(session, actor=actor, today=date(2026, 12, 10))
        assert any(item.text.startswith(f"{first.business.name}：抽查后责令整改，期限 2026-12-18") for item in todo), \
            [item.text for item in todo]
        business = session.exec(select(Business).where(Business.uuid == first.business.uuid)).one()
        timeline = inspection_entries(session, actor, business.id)
        assert [entry[2] for entry in timeline] == ["双随机抽查：未按规定公示应当公示的信息"]
        assert "后续处置：责令整改（期限 2026-12-18）" in str(timeline[0][3])
        before = _rows(engine, "SELECT uuid, version FROM inspection_result ORDER BY uuid")
        again = apply_package(session, actor, package)
        session.commit()
    assert again.already_applied and "本次没有任何更改" in again.message
    assert _rows(engine, "SELECT uuid, version FROM inspection_result ORDER BY uuid") == before


def test_the_same_result_edited_at_the_office_and_on_the_laptop_is_a_conflict(
    engine: Engine, office: DrawnOffice, laptop: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _receive(laptop, write_package(engine, office, tmp_path))
    second = office.mine[1]
    actor = office.world.world.actor
    for where, notes in ((laptop, "笔记本：证照齐全"), (engine, "所里：证照齐全，已电话核实")):
        with Session(where) as session:
            me = laptop_actor(session) if where is laptop else actor
            task = find_task(session, actor=me, which="2026 年度抽查")
            row = session.exec(select(InspectionResult).where(InspectionResult.uuid == office.office_result)).one()
            record_result(session, actor=me, task=task, business_uuid=second.business.uuid, rules=RULES,
                          calendar=DEFAULT_CALENDAR, base_version=row.version,
                          entry=ResultInput(["1"], date(2026, 12, 2), second.inspectors, notes))
            session.commit()
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="laptop·1", device="笔记本", path=tmp_path / "回传包.xlsx")
    package = read_return_package(written.path)
    with Session(engine) as session:
        plan = plan_package(session, actor, package)
        (planned,) = [line for line in plan.rows if line.change.table == "inspection_result"]
        assert planned.outcome == "conflict" and [conflict.field for conflict in planned.conflicts] == ["notes"]
        from workbench.cli_sync_apply import _show

        _show(plan, package)
        assert "抽查结果：有冲突（冲突 检查情况）" in capsys.readouterr().out
        apply_package(session, actor, package)
        session.commit()
    with Session(engine) as session:
        conflict = session.exec(select(SyncConflict).where(SyncConflict.entity == "inspection_result")).one()
        assert (conflict.entity_uuid, conflict.field, conflict.status) == (office.office_result, "notes", "open")
        assert (json.loads(conflict.office_value or "null"), json.loads(conflict.laptop_value or "null")) == (
            "所里：证照齐全，已电话核实", "笔记本：证照齐全")
        assert conflict.business_uuid == second.business.uuid
    # the office's value stays until a person decides; then the laptop's is taken, as for any row
    assert _rows(engine, f"SELECT notes FROM inspection_result WHERE uuid = '{office.office_result}'") == [
        ("所里：证照齐全，已电话核实",)]
    with Session(engine) as session:
        (item,) = open_items(session, actor)
        assert item.what == "抽查结果 · 检查情况" and item.business_name == second.business.name, item
        resolve_field(session, actor, item.id, "laptop")
        session.commit()
    assert _rows(engine, f"SELECT notes FROM inspection_result WHERE uuid = '{office.office_result}'") == [
        ("笔记本：证照齐全",)]


def test_the_whole_trip_on_the_command_line(engine_url: str, engine: Engine, office: DrawnOffice, tmp_path: Path) -> None:
    """sync out → sync in → inspect draw refused / inspect result on the laptop → sync back → sync apply."""
    from typer.testing import CliRunner

    from workbench import cli

    runner = CliRunner()
    package = tmp_path / "外业包-张伟.xlsx"
    out = runner.invoke(cli.app, ["--db", engine_url, "sync", "out", "--office", "五马市场监管所", "--officer", "张伟",
                                  "-o", str(package)])
    assert out.exit_code == 0, out.output
    others = sum(1 for line in office.mine if line.business.officer_id != office.world.world.officer_id)
    assert f"（含双随机抽查任务 1 个，其中 {others} 户为他人包联的抽查对象）" in out.output
    laptop = str(tmp_path / "笔记本.db")
    assert runner.invoke(cli.app, ["sync", "in", str(package), "--db", laptop]).exit_code == 0
    refused = runner.invoke(cli.app, ["--db", laptop, "inspect", "draw", "2026 年度抽查", "--reason", "重抽"])
    assert refused.exit_code == 1 and LAPTOP_REFUSAL in refused.output and "Traceback" not in refused.output
    third = office.mine[2].business
    typed = runner.invoke(cli.app, ["--db", laptop, "inspect", "result", "2026 年度抽查", third.name, "--code", "1",
                                    "--date", "2026-12-04", "--notes", "命令行录入", "--who", "张伟"])
    assert typed.exit_code == 0, typed.output
    assert f"已录入「{third.name}」的抽查结果" in typed.output
    back = tmp_path / "回传包.xlsx"
    sent = runner.invoke(cli.app, ["sync", "back", "-o", str(back), "--db", laptop])
    assert sent.exit_code == 0 and "已生成回传包：1 处新增、修改或删除" in sent.output, sent.output
    preview = runner.invoke(cli.app, ["--db", engine_url, "sync", "apply", str(back), "--dry-run"])
    assert preview.exit_code == 0 and "抽查结果：新增" in preview.output, preview.output
    done = runner.invoke(cli.app, ["--db", engine_url, "sync", "apply", str(back), "--officer", "张伟"])
    assert done.exit_code == 0 and "的回传包已导入" in done.output, done.output
    assert _rows(engine, "SELECT r.notes, r.codes FROM inspection_result r JOIN business b ON b.id = r.business_id "
                         f"WHERE b.uuid = '{third.uuid}'") == [("命令行录入", "1")]
    again = runner.invoke(cli.app, ["--db", engine_url, "sync", "apply", str(back)])
    assert again.exit_code == 0 and "导入过，本次没有任何更改" in again.output


def test_a_package_with_draws_brought_back_unchanged_is_no_change(
    engine: Engine, office: DrawnOffice, laptop: Engine, tmp_path: Path
) -> None:
    """Round trip: the laptop's copy of the draws differs from nothing, and a field package carrying them read
    back as a hand-edited one (its 双随机 sheets are not read back) gives no changes either."""
    from imports.sync_hand import read_edited_field_package
    from workbench.services.sync_pending import pending_changes

    package = write_package(engine, office, tmp_path)
    _receive(laptop, package)
    with Session(laptop) as session:
        assert pending_changes(session.connection(), laptop_actor(session).office_id) == []
    edited = read_edited_field_package(package)
    assert (edited.changes, edited.problems) == ((), ())


def test_a_redraw_at_the_office_replaces_the_laptops_draw_and_keeps_its_unsent_result(
    engine: Engine, office: DrawnOffice, laptop: Engine, tmp_path: Path
) -> None:
    _receive(laptop, write_package(engine, office, tmp_path))
    first = office.mine[0]
    with Session(laptop) as session:
        me = laptop_actor(session)
        made = record_result(session, actor=me, task=laptop_task(session, me), business_uuid=first.business.uuid,
                             rules=RULES, calendar=DEFAULT_CALENDAR,
                             entry=ResultInput(["1"], TODAY, first.inspectors, "重抽前已检查"))
        session.commit()
        made_uuid = made.uuid
    actor = office.world.world.actor
    with Session(engine) as session:
        task = find_task(session, actor=actor, which="2026 年度抽查")
        draw_task(session, actor=actor, task=task, rules=RULES, seed="2027", redraw_reason="检查人员调离")
        session.commit()
    refreshed = _receive(laptop, write_package(engine, office, tmp_path, "外业包-张伟-重抽后.xlsx"))
    # the superseded draw and its pairs leave the laptop; the new draw in force is there; the result stays
    assert _rows(laptop, "SELECT seed FROM inspection_draw WHERE deleted_at IS NULL") in ([("2027",)], [])
    assert _rows(laptop, "SELECT count(*) FROM inspection_draw WHERE seed = '2026' AND deleted_at IS NULL") == [(0,)]
    assert _rows(laptop, f"SELECT notes, deleted_at FROM inspection_result WHERE uuid = '{made_uuid}'") == [
        ("重抽前已检查", None)]
    assert refreshed.removed.get("inspection_pair")  # type: ignore[attr-defined]
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="laptop·1", device="笔记本", path=tmp_path / "回传包.xlsx")
    package = read_return_package(written.path)
    assert [change.uuid for change in package.changes] == [made_uuid]
    with Session(engine) as session:
        apply_package(session, actor, package)
        session.commit()
    assert _rows(engine, f"SELECT notes FROM inspection_result WHERE uuid = '{made_uuid}'") == [("重抽前已检查",)]


def test_a_package_written_before_draws_travelled_is_still_read(sqlite_engine: Engine, tmp_path: Path) -> None:
    """A 外业包 of the previous version has no 双随机 sheets and counts none: it reads as carrying no draws."""
    import openpyxl
    from sync_world import make_sync_world
    from test_sync_packages import make_package

    with Session(sqlite_engine) as session:
        world = make_sync_world(session)
    package = make_package(sqlite_engine, world, tmp_path)
    titles = ("检查人员", "抽查任务", "抽查事项", "抽取记录", "抽中名单", "抽查结果")
    book = openpyxl.load_workbook(package)
    for title in titles:
        book.remove(book[title])
    manifest = book["清单"]
    for number in range(manifest.max_row, 0, -1):
        if str(manifest.cell(number, 3).value or "").removeprefix("rows:") in titles:
            manifest.delete_rows(number)
    book.save(package)
    data = read_field_package(package)
    assert all(data.rows[name] == [] for name in ("inspector", "inspection_pair", "inspection_result"))
    assert len(data.rows["business"]) == 2


def test_an_unreachable_business_marked_on_the_laptop_comes_back_with_its_result(
    engine: Engine, office: DrawnOffice, laptop: Engine, tmp_path: Path
) -> None:
    """经营异常 follows code 6: the result sets the business's flag through the register's edit, on the laptop as
    at the office, and both come back (the flag as a business change)."""
    _receive(laptop, write_package(engine, office, tmp_path))
    third = office.mine[2]
    with Session(laptop) as session:
        me = laptop_actor(session)
        record_result(session, actor=me, task=laptop_task(session, me), business_uuid=third.business.uuid,
                      rules=RULES, calendar=DEFAULT_CALENDAR,
                      entry=ResultInput(["6"], TODAY, third.inspectors, "大门紧闭，电话空号", "经营异常"))
        session.commit()
        written = write_return_package(session=session, device_id="laptop·1", device="笔记本", path=tmp_path / "回传包.xlsx")
    package = read_return_package(written.path)
    assert sorted(change.table for change in package.changes) == ["business", "inspection_result"]
    business = next(change for change in package.changes if change.table == "business")
    assert business.uuid == third.business.uuid and business.values["abnormal"] is True
    actor = office.world.world.actor
    with Session(engine) as session:
        apply_package(session, actor, package)
        session.commit()
    assert _rows(engine, f"SELECT abnormal FROM business WHERE uuid = '{third.business.uuid}'") in ([(True,)], [(1,)])
    assert _rows(engine, "SELECT r.follow_up, r.codes FROM inspection_result r JOIN business b ON b.id = r.business_id "
                         f"WHERE b.uuid = '{third.business.uuid}'") == [("经营异常", "6")]


def test_a_result_typed_into_the_field_packages_results_sheet_is_named_not_dropped(
    engine: Engine, office: DrawnOffice, tmp_path: Path
) -> None:
    """The 双随机 sheets of a field package are not read back by hand (a result is recorded where its codes and
    follow-up are checked): a result typed there comes back as a notice naming the sheet, and changes nothing."""
    import openpyxl

    from imports.sync_hand import read_edited_field_package

    package = write_package(engine, office, tmp_path)
    assert read_edited_field_package(package).notices == ()
    workbook = openpyxl.load_workbook(package)
    sheet = workbook["抽查结果"]
    headers = [cell.value for cell in sheet[1]]
    typed = [None] * len(headers)
    typed[0] = "张记小吃店"  # a person types a result on a new line below the carried ones
    typed[headers.index("uuid")] = None
    sheet.append(typed)
    workbook.save(package)
    edited = read_edited_field_package(package)
    assert [change for change in edited.changes if change.table == "inspection_result"] == []
    assert any("「抽查结果」表有 1 行手工改动没有读入" in notice for notice in edited.notices), edited.notices
