"""双随机抽查占比 and 跨部门联合双随机占比 in the monthly report (issue 20), on the report's small office with the
inspections of tests/report_inspection_support.py, both engines. Every expected value is worked out here from
that list of results, not from the service.

October 2026 户次: J26 A, J26 E, S26 A, S26 L (双随机), C26 H (投诉举报转). M (11-02) is after the month, E in
S26 was deleted, L in J26 was drawn but has no result. So 5 户次, 4 双随机, 2 of them joint (J26).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from report_inspection_support import add_inspections, add_tasks
from report_support import HandOffice, build_hand_office
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from imports.report_merge_sheet import merge_report_files
from imports.report_workbook import read_report_machine_sheet, write_monthly_report
from screens.dashboard_view import line_cells, line_hint, ordered_lines
from storage.engine import make_engine
from storage.tables_report import ReportIssue
from workbench.cli import app
from workbench.domain.report_definitions import DEFAULT_TARGETS, DEFINITION_VERSION
from workbench.domain.report_json import from_json, to_json
from workbench.domain.report_model import MonthlyReport, SummaryLine
from workbench.domain.report_periods import Month, month_span, year_to_date
from workbench.services.gateway import Gateway
from workbench.services.monthly_report import monthly_report
from workbench.services.report_inspections import inspections_in
from workbench.services.report_settings import load_report_targets

OCTOBER = Month(2026, 10)
CODES = ("indicator.random_share", "indicator.random_share_ytd", "indicator.joint_share", "indicator.joint_share_ytd")
runner = CliRunner()


@pytest.fixture
def hand(engine: Engine) -> HandOffice:
    office = build_hand_office(engine)
    add_inspections(engine, office)
    return office


def _report(engine: Engine, hand: HandOffice, month: Month = OCTOBER, **targets: float) -> MonthlyReport:
    with Session(engine) as session:
        return monthly_report(session=session, actor=hand.actor, month=month,
                              targets=replace(DEFAULT_TARGETS, **targets))  # fmt: skip


def _line(report: MonthlyReport, code: str) -> SummaryLine:
    return next(line for line in report.summary if line.code == code)


def test_the_month_with_last_month_and_last_year(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    random = _line(report, "indicator.random_share")
    assert (random.label, random.unit, random.numerator, random.denominator) == ("双随机抽查占比", "%", 4, 5)
    assert random.value == pytest.approx(4 / 5) and random.target == 0.6 and random.met is True
    # September: F in J26 alone, 1 of 1 双随机. October 2025: J25 H and K, C25 A: 2 of 3.
    assert random.last_month == 1.0 and random.same_month_last_year == pytest.approx(2 / 3)
    assert (random.additive, random.definition_code, random.missing_reason) == (False, "indicator.random_share", "")
    joint = _line(report, "indicator.joint_share")
    # Of the 4 双随机 户次, J26's A and E were joint; September 1 of 1; October 2025 J25's 2 of 2.
    assert (joint.label, joint.numerator, joint.denominator, joint.value) == ("跨部门联合双随机占比", 2, 4, 0.5)
    assert (joint.target, joint.met, joint.last_month, joint.same_month_last_year) == (0.4, True, 1.0, 1.0)


def test_the_year_to_date(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    # January–October 2026: October's 5, F (09-15), K (03-02, J26), Q (02-01, 投诉) = 8; 双随机 4 + F + K = 6;
    # joint 2 + F + K = 4. January–October 2025: the three of October 2025.
    random = _line(report, "indicator.random_share_ytd")
    assert (random.label, random.numerator, random.denominator) == ("本年累计双随机占比", 6, 8)
    assert random.value == pytest.approx(0.75) and random.met is True
    assert random.same_month_last_year == pytest.approx(2 / 3) and random.last_month is None
    joint = _line(report, "indicator.joint_share_ytd")
    assert (joint.label, joint.numerator, joint.denominator) == ("本年累计联合双随机占比", 4, 6)
    assert joint.value == pytest.approx(4 / 6) and joint.same_month_last_year == 1.0


def test_a_share_is_zero_only_when_inspections_were_made_and_no_data_when_none(engine: Engine, hand: HandOffice) -> None:
    # February 2026: Q in C26 only, a targeted check: 0 of 1 is a real 0 %, and there is no 双随机 to share.
    february = _report(engine, hand, Month(2026, 2))
    random = _line(february, "indicator.random_share")
    assert (random.value, random.numerator, random.denominator, random.met) == (0.0, 0, 1, False)
    joint = _line(february, "indicator.joint_share")
    assert joint.value is None and joint.met is None
    assert joint.missing_reason == "暂无数据：2026年2月没有双随机检查户次"
    assert (joint.numerator, joint.denominator) == (0, 0)  # the county still adds this office in
    # August 2026: nothing recorded in the month; the year to date still has February, March and September's.
    august = _report(engine, hand, Month(2026, 8))
    assert _line(august, "indicator.random_share").value is None
    assert _line(august, "indicator.random_share").missing_reason == "暂无数据：2026年8月没有录入检查结果（户次）"
    # January–August: Q (投诉), K (J26): 1 of 2.
    assert _line(august, "indicator.random_share_ytd").value == 0.5


def test_an_office_without_tasks_says_why_and_sends_no_counts(engine: Engine) -> None:
    office = build_hand_office(engine, code="330302002", name="无任务所")
    report = _report(engine, office)
    for code in CODES:
        line = _line(report, code)
        assert line.value is None and line.met is None
        assert line.missing_reason == "暂无数据：本所尚未在 Workbench 中建立抽查任务，没有可统计的检查户次"
        assert (line.numerator, line.denominator) == (None, None)


def test_results_of_another_office_are_not_counted(engine: Engine, hand: HandOffice) -> None:
    other = build_hand_office(engine, code="330302002", name="南汇测试所")
    add_tasks(engine, other, {"X": ("南汇抽查", "年度计划", "市场监管", OCTOBER.first)},
              (("A", "X", OCTOBER.first), ("E", "X", OCTOBER.first)))  # fmt: skip
    assert _line(_report(engine, hand), "indicator.random_share").denominator == 5
    assert _line(_report(engine, other), "indicator.random_share").denominator == 2


def test_targets_come_from_report_toml(engine: Engine, hand: HandOffice, tmp_path: Path) -> None:
    (tmp_path / "report.toml").write_text("[targets]\nrandom_share = 85\njoint_share = 0.55\n", encoding="utf-8")
    targets = load_report_targets(tmp_path)
    assert (targets.random_share, targets.joint_share) == (0.85, 0.55)
    with Session(engine) as session:
        report = monthly_report(session=session, actor=hand.actor, month=OCTOBER, targets=targets)
    assert (_line(report, "indicator.random_share").met, _line(report, "indicator.joint_share").met) == (False, False)
    assert "目标 85%" in next(item.text for item in report.definitions if item.code == "indicator.random_share")
    (tmp_path / "report.toml").write_text("[targets]\njoint_share = 140\n", encoding="utf-8")
    with pytest.raises(ValueError, match="joint_share 应在 0 到 100% 之间"):
        load_report_targets(tmp_path)


def test_the_definitions_are_written_down_with_their_version(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    found = {item.code: item for item in report.definitions}
    random, joint = found["indicator.random_share"], found["indicator.joint_share"]
    assert (random.name, random.version, joint.name, joint.version) == (
        "双随机抽查占比", DEFINITION_VERSION, "跨部门联合双随机占比", DEFINITION_VERSION)
    for words in ("户次", "投诉举报转", "未在 Workbench 中录入的检查", "目标 60%"):
        assert words in random.text
    assert "不少于两个" in joint.text and "目标 40%" in joint.text
    assert from_json(to_json(report)) == report


def test_the_户次_behind_the_lines(engine: Engine, hand: HandOffice) -> None:
    with Session(engine) as session:
        month = inspections_in(session, hand.office_id, month_span(OCTOBER))
        random_only = inspections_in(session, hand.office_id, year_to_date(OCTOBER), random_only=True)
    assert (month.total, month.random, month.joint) == (5, 4, 2)
    # By day: A 10-05 (J26), A 10-08 (S26), H 10-12 (C26), E 10-20 (J26), L 10-30 (S26).
    assert [(row[1].isoformat(), row[2]) for row in month.rows] == [  # type: ignore[union-attr]
        ("2026-10-05", "测试A店"), ("2026-10-08", "测试A店"), ("2026-10-12", "测试H店"), ("2026-10-20", "测试E店"),
        ("2026-10-30", "测试L店")]  # fmt: skip
    assert [row[8] for row in month.rows] == [
        "「2026 联合抽查」双随机·联合（市场监管、卫生健康）", "「2026 广告专项」双随机（市场监管）",
        "「投诉核查」投诉举报转，非双随机", "「2026 联合抽查」双随机·联合（市场监管、卫生健康）",
        "「2026 广告专项」双随机（市场监管）"]  # fmt: skip
    assert month.rows[0][6:8] == ("东片", "李明")
    assert (random_only.total, random_only.random, random_only.joint) == (6, 6, 4)


def test_monthly_json_and_the_workbook_show_them(engine_url: str, tmp_path: Path) -> None:
    engine = make_engine(engine_url)
    hand = build_hand_office(engine)
    add_inspections(engine, hand)
    engine.dispose()
    done = runner.invoke(app, ["--db", engine_url, "report", "monthly", "--month", "2026-10", "--json"])
    assert done.exit_code == 0, done.output
    summary = {line["code"]: line for line in json.loads(done.output)["summary"]}
    assert summary["indicator.random_share"]["value"] == pytest.approx(0.8)
    assert (summary["indicator.joint_share"]["numerator"], summary["indicator.joint_share"]["denominator"]) == (2, 4)
    path = tmp_path / "月报.xlsx"
    done = runner.invoke(app, ["--db", engine_url, "report", "monthly", "--month", "2026-10", "-o", str(path)])
    assert done.exit_code == 0, done.output
    book = CalamineWorkbook.from_path(str(path))
    rows = {row[0]: row for row in book.get_sheet_by_name("汇总").to_python() if row and row[0]}
    # 指标, 单位, 本月, 目标, 达标, 上月, 环比, 去年同月, 同比, 说明
    random = rows["双随机抽查占比"]
    assert random[1:6] == ["%", pytest.approx(0.8), pytest.approx(0.6), "达标", 1.0]
    assert random[7] == pytest.approx(2 / 3) and random[6] == "" and random[8] == ""
    assert random[9] == "4 ÷ 5；口径：双随机抽查占比（本所口径 v1）"
    assert rows["跨部门联合双随机占比"][2:5] == [0.5, pytest.approx(0.4), "达标"]
    assert rows["本年累计双随机占比"][2] == pytest.approx(0.75)
    assert rows["本年累计联合双随机占比"][7] == 1.0
    definitions = {row[0]: row for row in book.get_sheet_by_name("口径说明").to_python() if row and row[0]}
    assert definitions["双随机抽查占比"][1] == "本所口径 v1" and "投诉举报转" in definitions["双随机抽查占比"][2]
    assert "跨部门联合双随机占比" in definitions
    machine = read_report_machine_sheet(path)
    assert next(line for line in machine.summary if line.code == "indicator.random_share").numerator == 4


def test_the_county_merge_recomputes_from_the_counts(engine: Engine, hand: HandOffice, tmp_path: Path) -> None:
    nanhui = build_hand_office(engine, code="330302002", name="南汇测试所")
    # 南汇's October: a joint task inspects A and E, a complaint C and F, H, K: 5 户次, 2 双随机, 2 joint.
    add_tasks(engine, nanhui, {
        "J": ("南汇联合抽查", "专项", "市场监管、消防", OCTOBER.first),
        "C": ("南汇投诉核查", "投诉举报转", "市场监管", OCTOBER.first),
    }, (("A", "J", OCTOBER.first), ("E", "J", OCTOBER.first), ("F", "C", OCTOBER.first), ("H", "C", OCTOBER.first),
        ("K", "C", OCTOBER.first)))  # fmt: skip
    desk = Gateway(engine).report
    files, reports = [], []
    for office, name in ((hand, "鹿城"), (nanhui, "南汇")):
        reports.append(desk.issue(office.actor, OCTOBER, targets=DEFAULT_TARGETS))
        files.append(write_monthly_report(reports[-1], tmp_path / f"月报-{name}-2026-10.xlsx"))
    merged = merge_report_files(files, tmp_path / "汇总.xlsx")
    lines = {line.code: line for line in merged.lines}
    random = lines["indicator.random_share"]
    # (4 + 2) ÷ (5 + 5) = 60 %: exactly the target, 达标; not the mean of 80 % and 40 %.
    assert (random.method, random.values) == ("recompute", (pytest.approx(0.8), pytest.approx(0.4)))
    assert random.total == pytest.approx(0.6) and random.total_met is True
    joint = lines["indicator.joint_share"]
    assert joint.total == pytest.approx((2 + 2) / (4 + 2)) and joint.total_met is True
    # Year to date: 鹿城 6 of 8, 南汇 2 of 5.
    assert lines["indicator.random_share_ytd"].total == pytest.approx((6 + 2) / (8 + 5))
    # 南汇 made with a Workbench before these lines: 鹿城's share stays its own, no county figure is made up.
    older = replace(reports[1], summary=tuple(line for line in reports[1].summary if line.code not in CODES))
    files[1] = write_monthly_report(older, tmp_path / "月报-南汇-2026-10.xlsx")
    random = next(line for line in merge_report_files(files, tmp_path / "汇总2.xlsx").lines
                  if line.code == "indicator.random_share")  # fmt: skip
    assert (random.method, random.present, random.total) == ("per_office", (True, False), None)


def test_a_month_issued_before_these_lines_still_loads_and_shows(engine: Engine, hand: HandOffice, tmp_path: Path) -> None:
    """An issue stored before this change has no 双随机 lines and no definitions of them: it is shown as issued,
    written to a workbook, drawn on the dashboard, and next month's 上月 is counted now."""
    desk = Gateway(engine).report
    desk.issue(hand.actor, OCTOBER, targets=DEFAULT_TARGETS)
    with Session(engine) as session:
        stored = session.exec(select(ReportIssue)).one()
        data = json.loads(stored.figures)
        data["summary"] = [line for line in data["summary"] if not line["code"].startswith(CODES[::2])]
        data["definitions"] = [item for item in data["definitions"] if not item["code"].startswith(CODES[::2])]
        stored.figures = json.dumps(data, ensure_ascii=False)
        session.add(stored)
        session.commit()
    old = desk.monthly(hand.actor, OCTOBER, targets=DEFAULT_TARGETS)
    assert old.issue_number == 1 and not any(line.code in CODES for line in old.summary)
    for line in ordered_lines(old):
        line_cells(line, 22)
        line_hint(line, old)
    book = write_monthly_report(old, tmp_path / "旧月报.xlsx")
    assert "双随机抽查占比" not in str(CalamineWorkbook.from_path(str(book)).get_sheet_by_name("汇总").to_python())
    november = desk.monthly(hand.actor, Month(2026, 11), targets=DEFAULT_TARGETS)
    # November's 上月 of the lines the issue lacks: October counted now (4 of 5); the others from the issue.
    assert _line(november, "indicator.random_share").last_month == pytest.approx(0.8)
    assert _line(november, "stock.total").last_month == 8
    # November itself: M (11-02) in S26, 1 of 1.
    assert _line(november, "indicator.random_share").value == 1.0
