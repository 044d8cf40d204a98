"""`workbench export` as a person or a script meets it, against a real database file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import Session, col, select
from test_tui_support import build_office
from typer.testing import CliRunner

from imports.export import DATA_SHEET
from storage.engine import make_engine
from storage.schema import upgrade
from storage.tables import ChangeLog, Office
from workbench import cli

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """The TUI tests' office (five named businesses, officers 王芳 / 李强 / 陈静) in a SQLite file."""
    path = tmp_path / "office.db"
    engine = make_engine(str(path))
    upgrade(engine)
    build_office(engine)
    engine.dispose()
    return path


def export(database: Path, *arguments: str) -> Any:
    return runner.invoke(cli.app, ["--db", str(database), "export", *arguments])


def names_in(path: Path) -> list[str]:
    rows = list(openpyxl.load_workbook(path)[DATA_SHEET].values)
    return [str(row[1]) for row in rows[1:]]


def test_json_reports_the_file_the_rows_and_the_filter(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "鹿城区"
    result = export(database, "--search", "鹿城区", "--sort", "name", "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == 3 and summary["filter"] == "搜索「鹿城区」"
    assert summary["full_personal_data"] is False
    assert summary["path"] == str(tmp_path / "out" / "鹿城区.xlsx")
    assert names_in(Path(summary["path"])) == ["鹿城区张记小吃店", "鹿城区李家便利店", "鹿城区陈氏五金店"]


def test_filters_by_status_kind_grid_and_officer_in_chinese(database: Path, tmp_path: Path) -> None:
    cases = [
        (["--status", "注销"], ["鹿城区陈氏五金店"]),
        (["--kind", "企业"], ["温州市瓯江贸易有限公司"]),
        (["--grid", "城东片区", "--sort", "name"], ["鹿城区张记小吃店", "鹿城区李家便利店"]),
        (["--officer", "李强", "--sort", "name"], ["温州市瓯江贸易有限公司", "温州绿野果蔬专业合作社"]),
        (["--mine", "--who", "陈静"], ["鹿城区陈氏五金店"]),
    ]
    for number, (arguments, expected) in enumerate(cases):
        out = tmp_path / f"{number}.xlsx"
        result = export(database, *arguments, "-o", str(out))
        assert result.exit_code == 0, (arguments, result.output)
        assert f"已导出 {len(expected)} 户" in result.stdout and str(out) in result.stdout
        assert names_in(out) == expected, arguments


def test_full_personal_data_is_recorded_under_who_exported(database: Path, tmp_path: Path) -> None:
    result = export(database, "--who", "王芳", "--full-personal-data", "-o", str(tmp_path / "全.xlsx"))
    assert result.exit_code == 0, result.output
    assert "已记入变更记录" in result.stdout
    rows = list(openpyxl.load_workbook(tmp_path / "全.xlsx")[DATA_SHEET].values)
    assert "13812345678" in [row[8] for row in rows]
    engine = make_engine(str(database))
    with Session(engine) as session:
        log = session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "export")).all()
    engine.dispose()
    assert {(entry.field, entry.new, entry.who) for entry in log} >= {
        ("personal_data", "完整身份证号和手机号", "王芳"),
        ("rows", "5", "王芳"),
    }


def test_masked_by_default(database: Path, tmp_path: Path) -> None:
    result = export(database, "--search", "张记", "-o", str(tmp_path / "m.xlsx"))
    assert result.exit_code == 0, result.output
    header, row = list(openpyxl.load_workbook(tmp_path / "m.xlsx")[DATA_SHEET].values)
    assert header[8] == "联系电话 部分隐藏" and row[8] == "138****5678"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--grid", "城南片区"], "没有名为「城南片区」的网格，可选：城东片区、城西片区"),
        (["--status", "营业中"], "登记状态「营业中」无法识别"),
        (["--kind", "社团"], "主体类型「社团」无法识别"),
        (["--mine"], "--mine 需要知道「我」是哪名干部"),
        (["--sort", "pinyin"], "排序「pinyin」无法识别"),
    ],
)
def test_mistakes_are_named_in_chinese(
    database: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = export(database, *arguments, "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_a_database_with_two_offices_needs_office(database: Path, tmp_path: Path) -> None:
    engine = make_engine(str(database))
    with Session(engine) as session:
        session.add(Office(code="330302002", name="南汇市场监管所"))
        session.commit()
    engine.dispose()
    refused = export(database, "-o", str(tmp_path / "x.xlsx"))
    assert refused.exit_code == 1 and "请用 --office 指明" in refused.stderr
    chosen = export(database, "--office", "南汇市场监管所", "-o", str(tmp_path / "x.xlsx"), "--json")
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.stdout)["rows"] == 0
    assert names_in(tmp_path / "x.xlsx") == []


def test_a_folder_gets_a_file_named_inside_it_and_an_empty_result_says_so(database: Path, tmp_path: Path) -> None:
    desktop = tmp_path / "桌面"
    desktop.mkdir()
    result = export(database, "-o", str(desktop), "--json")
    assert result.exit_code == 0, result.output
    written = Path(json.loads(result.stdout)["path"])
    assert written.parent == desktop and written.name.startswith("市场主体导出_") and written.suffix == ".xlsx"
    assert len(names_in(written)) == 5 and not (tmp_path / "桌面.xlsx").exists()
    # Nothing matches: the file has its header row only, and the sentence says there was nothing to export.
    empty = export(database, "--search", "没有这样的店", "-o", str(tmp_path / "空.xlsx"))
    assert empty.exit_code == 0, empty.output
    assert empty.stdout.strip() == f"没有符合条件的市场主体（搜索「没有这样的店」）：文件只有表头，0 户，已写到：{tmp_path / '空.xlsx'}"
    assert names_in(tmp_path / "空.xlsx") == []
