"""`workbench todo` against a real database file: grouped text, JSON, officer choice, office settings, errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import ChangeLog
from workbench import locations
from workbench.cli import app
from workbench.services.appeals import open_appeal
from workbench.services.office import officers, offices
from workbench.services.register import create_business
from workbench.services.support import record_support

runner = CliRunner()


@pytest.fixture
def office_db(tmp_path: Path) -> str:
    """An office made by `workbench init`, with one overdue appeal for 张伟 and one for 单丽 via the services."""
    path = str(tmp_path / "office.db")
    made = runner.invoke(
        app,
        [
            "--db",
            path,
            "init",
            "--office",
            "五马市场监管所",
            "--officer",
            "张伟",
            "--officer",
            "单丽",
            "--grid",
            "五马片区",
        ],
    )
    assert made.exit_code == 0, made.output
    engine = make_engine(path)
    with Session(engine) as session:
        office = offices(session=session)[0]
        staff = {choice.name: choice.id for choice in officers(session=session, office_id=office.id)}
        actor = Actor(who="张伟", device="测试机", office_id=office.id)
        for name, officer, received in (
            ("老街兰州拉面馆", "张伟", "2026-11-02"),
            ("阿香奶茶店", "单丽", "2026-11-18"),
        ):
            business = create_business(
                session=session, actor=actor, data={"name": name, "officer_id": staff[officer]}
            )
            open_appeal(
                session,
                actor=actor,
                today=date(2026, 11, 23),
                data={
                    "business_uuid": business.uuid,
                    "channel": "电话",
                    "category": "政策咨询",
                    "description": "咨询",
                    "received_on": received,
                    "officer_id": staff[officer],
                },
            )
        session.commit()
    engine.dispose()
    return path


def test_todo_for_one_officer_is_grouped_by_urgency(office_db: str) -> None:
    result = runner.invoke(app, ["--db", office_db, "todo", "--officer", "张伟", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "今日待办（张伟，2026-11-23）：共 1 项"
    assert lines[1] == "【已逾期】1 项"
    assert "[诉求] 老街兰州拉面馆：政策咨询诉求（办理中）已逾期 10 个工作日" in lines[2]
    assert "阿香奶茶店" not in result.output


def test_todo_for_the_whole_office_as_json(office_db: str) -> None:
    result = runner.invoke(app, ["--db", office_db, "todo", "--all", "--today", "2026-11-23", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["for"] == "五马市场监管所" and document["today"] == "2026-11-23"
    assert [(item["urgency_label"], item["business_name"]) for item in document["items"]] == [
        ("已逾期", "老街兰州拉面馆"),
        ("本周", "阿香奶茶店"),
    ]
    first = document["items"][0]
    assert first["entity"] == "appeal" and len(first["entity_uuid"]) == 36 and first["due_on"] == "2026-11-09"


def test_an_unknown_officer_is_named_with_the_offices_staff(office_db: str) -> None:
    result = runner.invoke(app, ["--db", office_db, "todo", "--officer", "李四"])
    assert result.exit_code == 1
    assert "本所没有名为「李四」的干部；本所干部：张伟、单丽" in result.output


def test_the_office_settings_file_changes_what_is_due(office_db: str) -> None:
    config = locations.config_dir()
    config.mkdir(parents=True, exist_ok=True)
    (config / "service.toml").write_text("due_soon_working_days = 1\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", office_db, "todo", "--all", "--today", "2026-11-23", "--json"])
    assert [item["business_name"] for item in json.loads(result.output)["items"]] == ["老街兰州拉面馆"]
    (config / "holidays.toml").write_text('[2027]\nholidays = ["2027-13-01"]\n', encoding="utf-8")
    broken = runner.invoke(app, ["--db", office_db, "todo", "--all"])
    assert (
        broken.exit_code == 1
        and "holidays.toml [2027] holidays：放假日期「2027-13-01」无法识别" in broken.output
    )


def test_an_empty_day_says_so(office_db: str) -> None:
    result = runner.invoke(app, ["--db", office_db, "todo", "--officer", "单丽", "--today", "2026-11-18"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["今日待办（单丽，2026-11-18）：共 0 项", "没有需要处理的事项。"]


def test_support_is_listed_and_exported_to_excel(office_db: str, tmp_path: Path) -> None:
    engine = make_engine(office_db)
    with Session(engine) as session:
        office = offices(session=session)[0]
        actor = Actor(who="张伟", device="测试机", office_id=office.id)
        business = create_business(session=session, actor=actor, data={"name": "=HYPERLINK 小吃店"})
        record_support(
            session,
            actor=actor,
            business_uuid=business.uuid,
            data={
                "kind": "融资/首贷",
                "given_on": "2026-03-01",
                "amount_yuan": "20万",
                "partner": "温州银行",
            },
        )
        record_support(
            session,
            actor=actor,
            business_uuid=business.uuid,
            data={"kind": "法律服务", "given_on": "2025-12-01"},
        )
        session.commit()
    engine.dispose()
    target = tmp_path / "帮扶台账.xlsx"
    result = runner.invoke(app, ["--db", office_db, "support", "--from", "2026-01-01", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "已导出帮扶记录 1 条" in result.output
    rows = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert (
        "=HYPERLINK 小吃店" in rows[1] and "融资/首贷" in rows[1]
    )  # a name that looks like a formula stays text
    engine = make_engine(office_db)
    with Session(engine) as session:
        logged = session.exec(select(ChangeLog).where(col(ChangeLog.action) == "export")).all()
    engine.dispose()
    assert logged and "帮扶台账：起 2026-01-01" in " ".join(str(row.new) for row in logged)
    listed = runner.invoke(app, ["--db", office_db, "support", "--type", "法律服务"])
    assert listed.output.splitlines()[0] == "帮扶记录 1 条"
    wrong = runner.invoke(app, ["--db", office_db, "support", "--grid", "不存在片区"])
    assert wrong.exit_code == 1 and "本所没有名为「不存在片区」的网格；可选：五马片区" in wrong.output
    # To a folder: a file named inside it; nothing in range: said so.
    folder = tmp_path / "台账"
    folder.mkdir()
    none = runner.invoke(app, ["--db", office_db, "support", "--from", "2030-01-01", "-o", str(folder)])
    assert none.exit_code == 0, none.output
    [written] = folder.iterdir()
    assert written.name.startswith("帮扶台账_") and written.suffix == ".xlsx"
    assert none.output.strip() == f"没有符合条件的帮扶记录（起 2030-01-01）：文件只有表头，0 条，已写到：{written}"


def test_appeals_are_listed_most_urgent_first(office_db: str) -> None:
    result = runner.invoke(app, ["--db", office_db, "appeals", "--open"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "诉求 2 件" and "老街兰州拉面馆" in lines[1] and "【已逾期" in lines[1]
    as_json = json.loads(
        runner.invoke(app, ["--db", office_db, "appeals", "--officer", "单丽", "--json"]).output
    )
    assert [line["business_name"] for line in as_json] == ["阿香奶茶店"]


def test_the_route_prints_whats_due_by_street_for_one_officer(office_db: str, tmp_path: Path) -> None:
    from workbench.services.visits import record_visit

    engine = make_engine(office_db)
    with Session(engine) as session:
        office = offices(session=session)[0]
        staff = {choice.name: choice.id for choice in officers(session=session, office_id=office.id)}
        actor = Actor(who="张伟", device="测试机", office_id=office.id, officer_id=staff["张伟"])
        for name, address, due in (("丰门路大店", "温州市鹿城区丰门路102号", "2026-11-20"),
                                   ("丰门路小店", "温州市鹿城区丰门路10号", "2026-11-23"),
                                   ("未到期店", "温州市鹿城区丰门路1号", "2026-12-30")):  # fmt: skip
            business = create_business(
                session=session, actor=actor, data={"name": name, "address": address, "officer_id": staff["张伟"]}
            )
            record_visit(session, actor=actor, business_uuid=business.uuid, data={
                "visited_on": "2026-11-02", "finding": "正常经营", "follow_ups": [{"action": "复查", "due_on": due}],
            })  # fmt: skip
        session.commit()
    engine.dispose()
    result = runner.invoke(app, ["--db", office_db, "route", "--officer", "张伟", "--day", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "今日走访路线（张伟，2026-11-23）：共 2 户",
        "【丰门路】",
        "  1. 丰门路小店  丰门路10号",
        "     跟进：复查（期限 2026-11-23）",
        "  2. 丰门路大店  丰门路102号",
        "     跟进：复查（期限 2026-11-20）",
    ]
    nobody = runner.invoke(app, ["--db", office_db, "route", "--officer", "单丽", "--day", "2026-11-23"])
    assert nobody.output.splitlines()[1] == "这一天没有到期的走访跟进或歇业届满核实。"
    folder = tmp_path / "路线"
    folder.mkdir()
    saved = runner.invoke(
        app, ["--db", office_db, "route", "--officer", "张伟", "--day", "2026-11-23", "-o", str(folder)]
    )
    assert saved.exit_code == 0, saved.output
    written = folder / "走访路线-张伟-2026-11-23.xlsx"
    assert saved.output.strip() == f"今日走访路线（张伟，2026-11-23）：共 2 户，已写到：{written}"
    book = load_workbook(written)
    sheet = book["走访路线"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "街道/社区", "名称", "门牌地址", "经营者", "联系电话", "事由", "上次走访", "走访情况", "签字")
    assert [row[:4] for row in rows[1:]] == [(1, "丰门路", "丰门路小店", "丰门路10号"), (2, "丰门路", "丰门路大店", "丰门路102号")]
    assert [row[6] for row in rows[1:]] == ["跟进：复查（期限 2026-11-23）", "跟进：复查（期限 2026-11-20）"]
    assert rows[1][7].date() == date(2026, 11, 2)  # a date cell, not text
    # Ready to print: A4 landscape, one page wide, the header row on every page, the title in the margin.
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    # fitToWidth is left out of the file when it is 1 (the format's default); fitToHeight 0 = as many as needed
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (None, 1)
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1"
    assert "今日走访路线（张伟，2026-11-23）：共 2 户" in sheet.oddHeader.center.text
    engine = make_engine(office_db)
    with Session(engine) as session:
        logged = session.exec(select(ChangeLog).where(ChangeLog.entity == "export")).all()
    engine.dispose()
    assert any("今日走访路线（张伟" in (row.new or "") for row in logged)
