"""Every file Workbench writes: formula-like text is text (with Excel's quote prefix) in every workbook,
CSV when the name says .csv, complete under its name or absent, and --who names an officer (issue 14)."""

from __future__ import annotations

import codecs
import csv
import errno
import os
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from import_helpers import uscc
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select
from test_tui_support import build_office
from typer.testing import CliRunner

from imports.pool_export import export_pool
from imports.sheet_writer import XlsxSheet
from storage.audit import Actor
from storage.tables import ChangeLog
from workbench import cli
from workbench.services.pools import enter_pool, pool_members
from workbench.services.support import record_support

runner = CliRunner()
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)"]


def hostile_office(engine: Engine) -> Actor:
    """The TUI tests' office, with formula-like text in names, operators, addresses and service records."""
    office = build_office(engine)
    with engine.begin() as connection:  # straight into the table: whatever a database may hold
        for original, value in zip(
            ["鹿城区张记小吃店", "温州市瓯江贸易有限公司", "鹿城区李家便利店", "温州绿野果蔬专业合作社"], FORMULAS, strict=True
        ):
            connection.execute(
                text("UPDATE business SET name = :value, operator = :value, address = :value WHERE name = :name"),
                {"value": value, "name": original},
            )
    actor = Actor(who="王芳", device="测试", office_id=office.office_id)
    with Session(engine) as session:
        uuid = office.business_uuids["鹿城区张记小吃店"]
        record_support(
            session,
            actor=actor,
            business_uuid=uuid,
            data={
                "kind": "培训/入市第一课",
                "given_on": "2025-05-05",
                "officer_id": office.officer_ids["王芳"],
                "content": FORMULAS[0],
                "basis": FORMULAS[1],
                "outcome": FORMULAS[2],
            },
        )
        enter_pool(
            session=session, actor=actor, business_uuid=uuid, pool="conversion", entered_on=date(2025, 5, 6),
            reason=FORMULAS[3],
        )
        session.commit()
    return actor


def formula_cells(path: Path) -> set[str]:
    """Every cell starting like a formula: each must be a text cell with Excel's quote prefix."""
    workbook = openpyxl.load_workbook(path)
    found = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s", (path.name, cell.coordinate, cell.value)
                    assert cell._style.quotePrefix, (path.name, cell.coordinate, cell.value)  # type: ignore[union-attr]
                    found.add(cell.value)
    return found


def test_formula_like_text_is_text_in_every_workbook(engine_url: str, engine: Engine, tmp_path: Path) -> None:
    actor = hostile_office(engine)
    register = tmp_path / "名录.xlsx"
    done = runner.invoke(cli.app, ["--db", engine_url, "export", "--who", "王芳", "-o", str(register)])
    assert done.exit_code == 0, done.output
    assert formula_cells(register) >= set(FORMULAS)

    support = tmp_path / "帮扶.xlsx"
    done = runner.invoke(cli.app, ["--db", engine_url, "support", "-o", str(support)])
    assert done.exit_code == 0, done.output
    assert formula_cells(support) >= set(FORMULAS[:3])  # the name, and content / basis / outcome

    pool = tmp_path / "培育库.xlsx"
    with Session(engine) as session:
        rows = pool_members(session=session, actor=actor, pool="conversion")
        export_pool(
            session=session, actor=actor, pool="conversion", rows=rows, names={}, description="全部", path=pool
        )
    assert formula_cells(pool) == {FORMULAS[0], FORMULAS[3]}

    source = tmp_path / "名录.csv"
    source.write_text(
        f"名称,统一社会信用代码,成立日期,@SUM(1)\n{FORMULAS[0]},{uscc(9)},不是日期,-1\n+1,{uscc(10)},也不是,=1+1\n",
        encoding="utf-8",
    )
    errors = tmp_path / "错误行.xlsx"
    done = runner.invoke(cli.app, ["--db", engine_url, "import", str(source), "--dry-run", "--errors", str(errors)])
    assert done.exit_code == 3, done.output
    assert formula_cells(errors) == {FORMULAS[0], "+1", "-1", "=1+1", "@SUM(1)"}


def test_a_csv_name_gives_csv_with_bom_masking_and_the_guard(engine_url: str, engine: Engine, tmp_path: Path) -> None:
    hostile_office(engine)
    out = tmp_path / "名录.csv"
    done = runner.invoke(cli.app, ["--db", engine_url, "export", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert str(out) in done.stdout and not (tmp_path / "名录.csv.xlsx").exists()
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    header = rows[0]
    assert header[:3] == ["序号", "名称", "统一社会信用代码"] and "联系电话 部分隐藏" in header
    phones = {row[header.index("联系电话 部分隐藏")] for row in rows[1:]}
    assert "138****5678" in phones and "13812345678" not in raw.decode("utf-8-sig")
    names = {row[1] for row in rows[1:]}
    assert {"'" + formula for formula in FORMULAS} <= names

    support = tmp_path / "帮扶.csv"
    done = runner.invoke(cli.app, ["--db", engine_url, "support", "-o", str(support)])
    assert done.exit_code == 0, done.output
    raw = support.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["日期", "帮扶类型", "市场主体"]
    assert rows[1][0] == "2025-05-05" and rows[1][2] == "'" + FORMULAS[0]
    assert "'" + FORMULAS[0] in rows[1] and "'" + FORMULAS[1] in rows[1]


# Files that cannot be written: one Chinese sentence, no traceback, no file under the final name


def read_only_folder(tmp_path: Path) -> Path:
    if os.geteuid() == 0:  # root writes into any chmod-ed folder; sysfs refuses even root
        return Path("/sys/kernel")
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def test_error_report_to_dev_full_or_a_read_only_folder(engine_url: str, engine: Engine, tmp_path: Path) -> None:
    build_office(engine)
    source = tmp_path / "名录.csv"
    source.write_text(f"名称,统一社会信用代码,成立日期\n面馆,{uscc(9)},不是日期\n", encoding="utf-8")
    if Path("/dev/full").exists():
        full = runner.invoke(cli.app, ["--db", engine_url, "import", str(source), "--errors", "/dev/full"])
        assert full.exit_code == 1, full.output
        assert "磁盘已满，无法写入「/dev/full」" in full.stderr and "Traceback" not in full.output
    target = read_only_folder(tmp_path) / "错误行.xlsx"
    refused = runner.invoke(cli.app, ["--db", engine_url, "import", str(source), "--errors", str(target)])
    assert refused.exit_code == 1, refused.output
    assert "没有权限写入" in refused.stderr and "Traceback" not in refused.output
    assert not target.exists()
    with engine.connect() as connection:  # the import stopped before writing anything
        assert connection.execute(text("SELECT count(*) FROM import_record")).scalar_one() == 0


def test_a_full_disk_midway_leaves_no_file_and_no_log(
    engine_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_office(engine)
    written = 0
    original = XlsxSheet.write

    def write(self: XlsxSheet, *arguments: Any) -> None:
        nonlocal written
        written += 1
        if written == 40:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, *arguments)

    monkeypatch.setattr(XlsxSheet, "write", write)
    out = tmp_path / "导出" / "名录.xlsx"
    result = runner.invoke(cli.app, ["--db", engine_url, "export", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "导出未完成：磁盘已满，无法写入" in result.stderr and "Traceback" not in result.output
    assert list(out.parent.iterdir()) == []  # neither the file nor its .part
    with Session(engine) as session:
        assert session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "export")).all() == []


def test_support_export_to_a_read_only_folder(engine_url: str, engine: Engine, tmp_path: Path) -> None:
    hostile_office(engine)
    target = read_only_folder(tmp_path) / "帮扶.xlsx"
    result = runner.invoke(cli.app, ["--db", engine_url, "support", "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert "没有权限写入" in result.stderr and "Traceback" not in result.output and not target.exists()


# --who


def test_who_must_be_an_officer_of_the_office(engine_url: str, engine: Engine, tmp_path: Path) -> None:
    build_office(engine)
    out = tmp_path / "全.xlsx"
    result = runner.invoke(
        cli.app, ["--db", engine_url, "export", "--who", "局长", "--full-personal-data", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "导出人「局长」不是本所在岗干部" in result.stderr and "workbench staff list" in result.stderr
    assert not out.exists()
    with Session(engine) as session:
        assert session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "export")).all() == []
