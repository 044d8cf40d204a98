"""Text that could harm a terminal or a database: escape sequences are shown, never obeyed; NUL bytes
are removed where text comes in; arguments that are not UTF-8 are refused in Chinese (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from import_helpers import uscc
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from test_tui_support import build_office
from typer.testing import CliRunner

from storage.audit import Actor
from storage.queries import BusinessFilter, page_businesses
from storage.tables import Business, Officer
from workbench import cli
from workbench.domain.safe_text import shown, without_controls
from workbench.services.register import create_business, update_business

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
TITLE = "\x1b]0;PWNED\x07"  # sets the terminal's title
RED = "\x1b[31m"  # a CSI sequence: colours the rest of the line
HOSTILE = f"{TITLE}{RED}鹿城区[red]红[/]小吃店\x9b2J\u202e"  # \x9b: an 8-bit CSI; \u202e reverses the line
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def test_shown_writes_every_control_character_out() -> None:
    assert shown(HOSTILE) == "\\x1b]0;PWNED\\x07\\x1b[31m鹿城区[red]红[/]小吃店\\x9b2J\\u202e"
    assert shown("一\t二\n三") == "一\\x09二\\x0a三"
    assert shown("一\t二\n三", multiline=True) == "一\t二\n三"
    assert shown("全角　空格") == "全角　空格"
    assert without_controls("张\x00记\x1b小吃\t店\n") == "张记小吃\t店\n"


def _office_with_hostile_officer(engine: Engine) -> None:
    build_office(engine)
    with engine.begin() as connection:  # straight into the table: a database filled before this check
        connection.execute(text("UPDATE officer SET name = :name WHERE name = '陈静'"), {"name": HOSTILE})


def test_cli_shows_control_characters_from_the_database(engine_url: str, engine: Engine) -> None:
    _office_with_hostile_officer(engine)
    listed = runner.invoke(cli.app, ["--db", engine_url, "staff", "list"])
    assert listed.exit_code == 0, listed.output
    assert not any(char in listed.output for char in RAW)
    assert "\\x1b]0;PWNED\\x07" in listed.output and "[red]红[/]" in listed.output


def test_cli_shows_control_characters_from_a_file(tmp_path: Path) -> None:
    database = tmp_path / "office.db"
    made = runner.invoke(
        cli.app, ["--db", str(database), "init", "--office", "五马市场监管所", "--officer", "陈晓东"]
    )
    assert made.exit_code == 0, made.output
    source = tmp_path / "名录.csv"
    source.write_text(
        f"名称,统一社会信用代码,成立日期\n张记小吃店,{uscc(1)},{TITLE}2019{RED}\n", encoding="utf-8"
    )
    result = runner.invoke(cli.app, ["--db", str(database), "import", str(source), "--dry-run"])
    assert result.exit_code == 3, result.output
    assert "\\x1b]0;PWNED\\x07" in result.output
    assert not any(char in result.output for char in RAW)


def test_code_command_and_json_never_print_raw_controls() -> None:
    result = runner.invoke(cli.app, ["code", f"{TITLE}91330100799655058B\x9b"])
    assert result.exit_code == 1
    assert "\\x1b]0;PWNED\\x07" in result.output and not any(char in result.output for char in RAW)
    as_json = runner.invoke(cli.app, ["code", "91330100799655058B\x9b\u202e", "--json"])
    assert not any(char in as_json.output for char in RAW)
    assert json.loads(as_json.stdout)[0]["raw"].endswith("\x9b\u202e")  # JSON keeps the exact data


# NUL bytes: removed where text comes in, on both engines


def test_an_import_dry_run_with_nul_in_a_name_reads_it_without(engine_url: str, tmp_path: Path) -> None:
    made = runner.invoke(cli.app, ["--db", engine_url, "init", "--office", "五马市场监管所", "--officer", "陈晓东"])
    assert made.exit_code == 0, made.output
    source = tmp_path / "名录.csv"
    source.write_bytes(f"\ufeff名称,统一社会信用代码\n张记\x00小吃店,{uscc(1)}\n".encode())
    dry = runner.invoke(cli.app, ["--db", engine_url, "import", str(source), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["counts"]["new"] == 1
    done = runner.invoke(cli.app, ["--db", engine_url, "import", str(source)])
    assert done.exit_code == 0, done.output
    from storage.engine import make_engine

    engine = make_engine(engine_url)
    try:
        with Session(engine) as session:
            assert session.exec(select(Business.name)).all() == ["张记小吃店"]
    finally:
        engine.dispose()


def test_create_update_and_search_with_nul(engine: Engine) -> None:
    office = build_office(engine)
    actor = Actor(who="王芳", device="测试", office_id=office.office_id)
    with Session(engine) as session:
        made = create_business(
            session=session,
            actor=actor,
            data={"name": "新开\x00面馆", "address": "五马街\x001 号", "operator": "王\x00五"},
        )
        session.commit()
        assert (made.name, made.address, made.operator) == ("新开面馆", "五马街1 号", "王五")
        changed = update_business(
            session=session,
            actor=actor,
            business_uuid=made.uuid,
            base_version=made.version,
            changes={"name": "新开\x00\x1b[2J拉面馆"},
        )
        session.commit()
        assert changed.name == "新开[2J拉面馆"
        for query in ("拉面\x00", "张记\x00", "\x00", "zj\x00x"):
            rows = page_businesses(session, BusinessFilter(office_id=office.office_id, text=query), 0, 50)
            assert isinstance(rows, list)
        found = page_businesses(session, BusinessFilter(office_id=office.office_id, text="拉面\x00"), 0, 50)
        assert [row.name for row in found] == ["新开[2J拉面馆"]
        found = page_businesses(session, BusinessFilter(office_id=office.office_id, text="张记\x00"), 0, 50)
        assert [row.name for row in found] == ["鹿城区张记小吃店"]


# Arguments that are not UTF-8


def test_an_argument_that_is_not_utf8_is_refused_in_chinese(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    environment = {**os.environ, "WORKBENCH_DB": str(tmp_path / "office.db"), "PYTHONUTF8": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "export", "-o", str(out), "--search", b"\xff\xfe"],
        capture_output=True,
        env=environment,
        cwd=ROOT,
        check=False,
    )
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, stderr
    assert "第 5 个参数「\\xff\\xfe」含有无法识别的字符" in stderr
    assert "Traceback" not in stderr and not out.exists()


def test_officer_rows_are_untouched_by_display(engine: Engine) -> None:
    _office_with_hostile_officer(engine)
    with Session(engine) as session:
        assert HOSTILE in session.exec(select(Officer.name)).all()  # shown on screen, stored as it was


@pytest.mark.parametrize("value", ["\ud800", "a\udcffb"])
def test_lone_surrogates_are_shown_escaped(value: str) -> None:
    assert "\\ud" in shown(value)
    shown(value).encode("utf-8")
