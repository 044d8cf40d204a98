"""`workbench import` as a person or a script meets it, against a real database file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from import_helpers import row, write_list
from sqlalchemy import text
from typer.testing import CliRunner

from imports.plan import RowKind
from storage.engine import make_engine
from workbench import cli

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = str(tmp_path / "office.db")
    made = runner.invoke(
        cli.app,
        [
            "--db",
            url,
            "init",
            "--office",
            "五马市场监管所",
            "--officer",
            "陈晓东",
            "--officer",
            "林丽丽",
            "--grid",
            "五马片区",
        ],
    )
    assert made.exit_code == 0, made.output
    return url


def _count(url: str, table: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_dry_run_json_counts_and_writes_nothing(database: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2), row(3, {"联系电话": "12345"})])
    result = runner.invoke(cli.app, ["--db", database, "import", str(path), "--dry-run", "--json"])
    assert result.exit_code == 3, result.output  # a row has an error
    summary = json.loads(result.stdout)
    assert summary["counts"]["new"] == 2 and summary["counts"]["invalid"] == 1
    assert summary["dry_run"] is True and summary["committed"] is None
    assert _count(database, "business") == 0 and _count(database, "import_record") == 0


def test_import_commits_then_a_second_run_changes_nothing(database: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2)])
    first = runner.invoke(cli.app, ["--db", database, "import", str(path), "--officer", "林丽丽"])
    assert first.exit_code == 0, first.output
    assert "新增 2 户" in first.output and _count(database, "business") == 2
    again = runner.invoke(cli.app, ["--db", database, "import", str(path), "--json"])
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert summary["counts"]["unchanged"] == 2 and summary["committed"]["inserted"] == 0
    assert summary["previous_import"]["who"] == "林丽丽" and "导入过" in summary["summary"]
    assert _count(database, "business") == 2 and _count(database, "import_record") == 2


def test_an_import_nobody_is_named_for_is_recorded_as_such(database: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(1)])
    first = runner.invoke(cli.app, ["--db", database, "import", str(path)])
    assert first.exit_code == 0, first.output
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            who = connection.execute(text("SELECT DISTINCT who FROM change_log WHERE entity = 'business'")).all()
    finally:
        engine.dispose()
    assert [name for (name,) in who] == ["命令行（未指定干部）"]
    again = runner.invoke(cli.app, ["--db", database, "import", str(path)])
    assert "由命令行（未指定干部）导入过" in again.output, again.output


def test_errors_workbook_and_problem_lines(database: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2, {"成立日期": "2019年2月30日"})])
    out = tmp_path / "错误.xlsx"
    result = runner.invoke(cli.app, ["--db", database, "import", str(path), "--errors", str(out)])
    assert result.exit_code == 3, result.output
    assert "第 4 行「成立日期」列" in result.output and str(out) in result.output
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None and sheet.max_row == 2 and sheet.cell(1, sheet.max_column).value == "错误原因"
    assert _count(database, "business") == 1


@pytest.mark.parametrize("with_errors", [True, False])
def test_the_problem_rows_cells_are_kept_only_for_an_error_workbook(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_errors: bool
) -> None:
    """Without --errors nothing will be written from the rows' cells, so the dry run keeps none of them; the
    problems themselves are told the same either way."""
    import workbench.cli_import as cli_import

    plans: list[Any] = []
    write = cli_import.write_errors
    monkeypatch.setattr(cli_import, "write_errors", lambda plan, path: plans.append(plan) or write(plan, path))
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2, {"成立日期": "2019年2月30日"}), row(3, {"联系电话": "12345"})])
    out = tmp_path / "错误.xlsx"
    result = runner.invoke(cli.app, ["--db", database, "import", str(path),
                                     *(["--errors", str(out)] if with_errors else [])])  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "第 4 行「成立日期」列" in result.output and "第 5 行「联系电话」列" in result.output  # told as always
    assert plans[0].counts[RowKind.INVALID] == 2 and _count(database, "business") == 1
    assert len(plans[0].problem_cells) == (2 if with_errors else 0)
    assert [number for number, _cells, _problems in plans[0].rows_with_problems()] == ([4, 5] if with_errors else [])
    assert out.exists() is with_errors


def test_mode_and_office_problems_are_told_in_chinese(database: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(1)])
    bad_mode = runner.invoke(cli.app, ["--db", database, "import", str(path), "--mode", "全部"])
    assert bad_mode.exit_code == 1 and "导入方式" in bad_mode.output
    no_office = runner.invoke(cli.app, ["--db", database, "import", str(path), "--office", "别的所"])
    assert no_office.exit_code == 1 and "五马市场监管所" in no_office.output
    update_only = runner.invoke(
        cli.app, ["--db", database, "import", str(path), "--mode", "update", "--json"]
    )
    assert update_only.exit_code == 0 and json.loads(update_only.stdout)["counts"]["skipped_by_mode"] == 1
    assert _count(database, "business") == 0


def test_an_unreadable_file_says_what_to_do(database: str, tmp_path: Path) -> None:
    path = tmp_path / "名录.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    result = runner.invoke(cli.app, ["--db", database, "import", str(path)])
    assert result.exit_code == 1 and "PDF" in result.output


def test_a_repeat_with_nothing_to_change_says_so_in_one_sentence(database: str, tmp_path: Path) -> None:
    """Its grid is unknown here (a 提示): the first import says those rows go in anyway; the repeat only
    says it was imported before and nothing changes — not 「这些行照常导入」 about rows it does not write."""
    path = write_list(tmp_path / "名录.xlsx", [row(1, {"所属网格": "新城片区"}), row(2)])
    first = runner.invoke(cli.app, ["--db", database, "import", str(path), "--officer", "林丽丽"])
    assert first.exit_code == 0, first.output
    assert "这些行照常导入" in first.output
    for dry_run in ([], ["--dry-run"]):
        again = runner.invoke(cli.app, ["--db", database, "import", str(path), *dry_run])
        assert again.exit_code == 0, again.output
        [sentence] = again.output.splitlines()
        assert sentence.startswith("这个文件已于 ") and "由林丽丽导入过" in sentence
        assert "这次没有任何需要改动的内容，登记簿不会改动" in sentence and "照常导入" not in sentence


def test_the_count_of_hints_agrees_between_summary_list_and_error_workbook(database: str, tmp_path: Path) -> None:
    """25 rows with an unknown grid: 25 提示. The summary says 25; 20 lines are listed and the rest are
    named as 5 提示 (not 「问题」); the error workbook marks the same 25 as 提示."""
    path = write_list(tmp_path / "名录.xlsx", [row(number, {"所属网格": "新城片区"}) for number in range(1, 26)])
    out = tmp_path / "错误.xlsx"
    result = runner.invoke(cli.app, ["--db", database, "import", str(path), "--dry-run", "--errors", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "另有 25 处提示" in next(line for line in lines if "行数据" in line)
    assert sum(line.startswith("  提示 ") for line in lines) == 20
    assert "  ……另有 5 处提示未列出" in lines
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    reasons = [str(sheet.cell(number, sheet.max_column).value) for number in range(2, sheet.max_row + 1)]
    assert len(reasons) == 25 and all("（提示，本行照常导入）" in reason for reason in reasons)


def test_the_cycle_collector_pauses_for_the_command_only(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import runs without cyclic garbage collection (workbench.cli_import._pause_cycle_collector), and
    the collector is back on when the command ends, whether it wrote, stopped on a bad file or failed."""
    import gc

    import imports.plan

    seen: list[bool] = []
    real = imports.plan.plan_import

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imports.plan, "plan_import", watched)
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2)])
    done = runner.invoke(cli.app, ["--db", database, "import", str(path), "--json"])
    assert done.exit_code == 0, done.output
    assert seen == [False] and gc.isenabled()
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"not a workbook")
    failed = runner.invoke(cli.app, ["--db", database, "import", str(broken)])
    assert failed.exit_code == 1 and gc.isenabled()


def test_the_file_is_read_on_its_own_thread_and_problems_come_in_the_same_order(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read runs on a thread while the command opens the database (workbench.cli_import.ReadAhead,
    issue 17); what the person is told, and in which order, is as when it ran after: a bad option first,
    then the database and office, then the file."""
    import threading

    import workbench.cli_import as cli_import

    threads: list[bool] = []
    real = cli_import._read

    def watched(*args: object) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_import, "_read", watched)
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2)])
    done = runner.invoke(cli.app, ["--db", database, "import", str(path), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["counts"]["new"] == 2 and threads == [False]
    pdf = tmp_path / "坏文件.xlsx"
    pdf.write_bytes(b"%PDF-1.4 not a workbook")
    bad_mode = runner.invoke(cli.app, ["--db", database, "import", str(pdf), "--mode", "全部"])
    assert bad_mode.exit_code == 1 and "导入方式" in bad_mode.output and "PDF" not in bad_mode.output
    bad_kind = runner.invoke(cli.app, ["--db", database, "import", str(pdf), "--kind", "别的"])
    assert bad_kind.exit_code == 1 and "PDF" not in bad_kind.output
    no_office = runner.invoke(cli.app, ["--db", database, "import", str(pdf), "--office", "别的所"])
    assert no_office.exit_code == 1 and "五马市场监管所" in no_office.output and "PDF" not in no_office.output
    missing = runner.invoke(cli.app, ["--db", str(tmp_path / "没有.db"), "import", str(pdf)])
    assert missing.exit_code != 0 and "PDF" not in missing.output
    unreadable = runner.invoke(cli.app, ["--db", database, "import", str(pdf)])
    assert unreadable.exit_code == 1 and "PDF" in unreadable.output
    assert _count(database, "business") == 2
    assert not [thread for thread in threading.enumerate() if thread.name == "import-read"]


def test_a_15_digit_reg_no_whose_check_digit_does_not_fit_is_imported_with_a_warning(
    database: str, tmp_path: Path
) -> None:
    """Six rows of a real 2017 inspection list carried such numbers: imported as written, each named."""
    path = write_list(tmp_path / "名录.xlsx", [
        row(1, {"统一社会信用代码": "", "注册号": "330302600001230"}),  # the check digit fits
        row(2, {"统一社会信用代码": "", "注册号": "330302600001231"}),  # it should be 0
        row(3, {"统一社会信用代码": "", "注册号": "330302600001200"}),  # a 13-digit number widened with 00
    ])  # fmt: skip
    result = runner.invoke(cli.app, ["--db", database, "import", str(path)])
    assert result.exit_code == 0, result.output  # warnings only: every row imported
    assert "新增 3 户" in result.output and _count(database, "business") == 3
    assert "第 3 行" not in result.output
    assert ("第 4 行「注册号」列（B 列），值「330302600001231」：15 位注册号的校验位应为 0，实际为 1（也可能是前面某一位"
            "录错）；请与登记系统核对") in result.output  # fmt: skip
    assert "第 5 行「注册号」列（B 列），值「330302600001200」：" in result.output
    assert "末两位是 00，可能是 13 位旧注册号 3303026000012 补零而成，请与登记系统核对\n" in result.output
