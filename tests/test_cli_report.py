"""`workbench report monthly / issue` on a real SQLite file (issue 18): the figures as JSON, the table,
issue and re-issue, and the Chinese refusals (a month that is no month, no office, a re-issue without reason)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_support import build_hand_office
from typer.testing import CliRunner

from storage.engine import make_engine
from workbench.cli import app

runner = CliRunner()


@pytest.fixture
def office_db(sqlite_url: str) -> str:
    engine = make_engine(sqlite_url)
    build_hand_office(engine)
    engine.dispose()
    return sqlite_url


def _summary(output: str) -> dict[str, object]:
    return {line["code"]: line["value"] for line in json.loads(output)["summary"]}


def test_monthly_json_prints_the_figures(office_db: str) -> None:
    done = runner.invoke(app, ["--db", office_db, "report", "monthly", "--month", "2026-10", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert (data["period"], data["definition_version"], data["office_name"]) == ("2026-10", "本所口径 v1", "鹿城测试所")
    summary = _summary(done.output)
    # tests/report_support.py: 实有 8, 新设 M N, 注销 C N T, 活跃度 2/8, 2022 cohort 5/7.
    assert (summary["stock.total"], summary["flow.new"], summary["flow.deregistered"]) == (8, 2, 3)
    assert summary["indicator.active_rate"] == pytest.approx(0.25)
    assert summary["indicator.survival_rate"] == pytest.approx(5 / 7)
    assert {table["sheet"] for table in data["tables"]} >= {"分网格", "分干部", "三型四类", "帮扶", "诉求", "明细"}


def test_monthly_prints_a_table_with_targets(office_db: str) -> None:
    done = runner.invoke(app, ["--db", office_db, "report", "monthly", "--month", "2026年10月"])
    assert done.exit_code == 0, done.output
    assert "鹿城测试所 2026-10 月报（未出具），口径：本所口径 v1" in done.output
    active = next(line for line in done.output.splitlines() if line.strip().startswith("活跃度"))
    assert "25.0%" in active and "70.0%" in active and "未达标" in active


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-13", "月份「2026-13」中没有第 13 月，请写成 2026-10 这样的年月"),
     ("十月", "月份「十月」无法识别，请写成 2026-10 这样的年月")],
)
def test_a_month_that_is_no_month_is_refused(office_db: str, month: str, message: str) -> None:
    done = runner.invoke(app, ["--db", office_db, "report", "monthly", "--month", month])
    assert done.exit_code == 1
    assert message in done.output and "Traceback" not in done.output


def test_no_office_is_said_in_chinese(sqlite_url: str) -> None:
    done = runner.invoke(app, ["--db", sqlite_url, "report", "monthly", "--month", "2026-10"])
    assert done.exit_code == 1
    assert "数据库里还没有所：请先运行 workbench init" in done.output


def test_issue_then_a_reissue_needs_a_reason(office_db: str) -> None:
    first = runner.invoke(app, ["--db", office_db, "report", "issue", "--month", "2026-10"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("已出具 鹿城测试所 2026年10月月报，口径 本所口径 v1。")
    again = runner.invoke(app, ["--db", office_db, "report", "issue", "--month", "2026-10"])
    assert again.exit_code == 1
    assert "2026年10月的月报已于" in again.output and "请用 --reason 写明理由" in again.output
    second = runner.invoke(app, ["--db", office_db, "report", "issue", "--month", "2026-10", "--reason", "补录注销"])
    assert second.exit_code == 0, second.output
    assert "（第 2 次出具）" in second.output
    shown = runner.invoke(app, ["--db", office_db, "report", "monthly", "--month", "2026-10", "--json"])
    assert json.loads(shown.output)["issue_number"] == 2


def test_the_group_speaks_chinese() -> None:
    done = runner.invoke(app, ["report", "--help"])
    assert done.exit_code == 0
    assert "月报" in done.output and "monthly" in done.output and "issue" in done.output


def test_monthly_with_o_writes_the_workbook_of_the_same_figures(office_db: str, tmp_path: Path) -> None:
    target = tmp_path / "月报-2026-10.xlsx"
    done = runner.invoke(app, ["--db", office_db, "report", "monthly", "--month", "2026-10", "-o", str(target)])
    assert done.exit_code == 0, done.output
    assert f"已写出 鹿城测试所 2026-10 月报（草稿，尚未出具，本所口径 v1）：{target}" in done.output
    summary = load_workbook(target, read_only=True)["汇总"]
    rows = {row[0]: row for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert rows["实有户数"][2] == 8 and rows["新设"][2] == 2  # tests/report_support.py, as in the JSON above
