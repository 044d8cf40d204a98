"""The monthly report's figures on a small office built by hand (tests/report_support.py), both engines.

Each expected value is worked out in the test from the list of businesses in report_support's docstring.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from report_support import HandOffice, build_hand_office
from sqlalchemy import Engine
from sqlmodel import Session

from storage.tables_classification import ClassificationHistory, ClassificationResult
from workbench.domain.report_definitions import DEFAULT_TARGETS, DEFINITION_VERSION, ReportTargets
from workbench.domain.report_json import from_json, to_json
from workbench.domain.report_model import MonthlyReport, SummaryLine, Table
from workbench.domain.report_periods import Month
from workbench.services.monthly_report import monthly_report
from workbench.services.report_cache import ReportCache
from workbench.services.report_indicators import survival_cohorts

OCTOBER = Month(2026, 10)


@pytest.fixture
def hand(engine: Engine) -> HandOffice:
    return build_hand_office(engine)


def _report(engine: Engine, hand: HandOffice, month: Month = OCTOBER, targets: ReportTargets = DEFAULT_TARGETS) -> MonthlyReport:
    with Session(engine) as session:
        return monthly_report(session=session, actor=hand.actor, month=month, targets=targets)


def _line(report: MonthlyReport, code: str) -> SummaryLine:
    return next(line for line in report.summary if line.code == code)


def _table(report: MonthlyReport, sheet: str) -> Table:
    return next(table for table in report.tables if table.sheet == sheet)


def test_stock_and_flows_of_the_month(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    # 存续 on 2026-10-31: the active ones started by then: A E F H K L M Q.
    assert _line(report, "stock.total").value == 8
    # On 2026-09-30 also C (注销 10-05), P (迁出 10-10), R (吊销 10-15), S (撤销 10-16), T (logged 10-28); not M N Q.
    assert _line(report, "stock.total").last_month == 6 + 5
    # On 2025-10-31: A E F H K L and C P R S T again (I was revoked on 2025-09-01).
    assert _line(report, "stock.total").same_month_last_year == 11
    assert _line(report, "stock.household").value == 6  # A E K L M Q (F and H are enterprises)
    assert _line(report, "stock.enterprise").value == 2
    flows = {code: _line(report, f"flow.{code}").value for code in
             ("new", "deregistered", "revoked", "cancelled", "moved_in", "moved_out", "net")}
    # 新设 M N; 注销 C N and T (its date from the change log); 吊销 R; 撤销 S; 迁入 Q; 迁出 P; 净增 2 − 3.
    assert flows == {"new": 2, "deregistered": 3, "revoked": 1, "cancelled": 1, "moved_in": 1, "moved_out": 1,
                     "net": -1}
    # The stock moves by exactly the flows: 11 + 2 + 1 − 3 − 1 − 1 − 1 = 8.
    assert 11 + 2 + 1 - 3 - 1 - 1 - 1 == 8
    assert _line(report, "flow.new").same_month_last_year == 0
    assert _line(report, "growth.new_yoy").value is None
    assert "暂无数据" in _line(report, "growth.new_yoy").missing_reason
    assert _line(report, "growth.stock_yoy").value == pytest.approx((8 - 11) / 11)


def test_year_to_date_counts_january_to_the_month(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    # 2026 up to October: 新设 M N; 注销 C N T; 2025 to October: no 新设, 吊销 I (2025-09-01).
    assert _line(report, "ytd.new").value == 2
    assert _line(report, "ytd.deregistered").value == 3
    assert _line(report, "ytd.revoked").same_month_last_year == 1


def test_grid_and_officer_tables_add_up_to_the_total(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    grids = {row[0]: row for row in _table(report, "分网格").rows}
    # 东片 (A–J): 存续 A E F H; its month: 注销 C. 西片: 存续 K L M Q; 新设 M N, 注销 N T, 吊销 R, 撤销 S, 迁入 Q, 迁出 P.
    assert grids["东片"][1:9] == (4, 0, 1, 0, 0, 0, 0, -1)
    assert grids["西片"][1:9] == (4, 2, 2, 1, 1, 1, 1, 0)
    assert _table(report, "分网格").total[1:9] == (8, 2, 3, 1, 1, 1, 1, -1)  # type: ignore[index]
    officers = {row[0]: row for row in _table(report, "分干部").rows}
    assert officers["李明"][1] == 4 and officers["赵丽"][1] == 4


def test_active_rate_needs_a_sign_of_trading_in_the_window(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    line = _line(report, "indicator.active_rate")
    # Window 2025-11-01..2026-10-31. Active: A (visit 2026-06-01), E (2026 revenue > 0). Not: K (歇业 through the
    # period end, despite its visit), H (visit 2025-10-31, before the window), L (revenue 0), F M Q (no sign).
    assert line.value == pytest.approx(2 / 8)
    assert (line.target, line.met, line.definition_code) == (0.70, False, "indicator.active_rate")
    grids = {row[0]: row[-1] for row in _table(report, "分网格").rows}
    assert grids["东片"] == pytest.approx(2 / 4)  # A E of A E F H
    assert grids["西片"] == 0  # K L M Q: none


def test_a_quarter_of_a_tax_list_in_the_window_is_a_sign_of_trading(engine: Engine, hand: HandOffice) -> None:
    """A running year's quarter is kept in period_figures, not year_figures: it still shows the household
    trading. M's 2026 third quarter with takings counts; Q's 2025 first quarter (before the window) does not,
    nor does F's quarter without takings."""
    from storage.tables import PeriodFigures

    stamp = {"updated_by": "测试", "device": "测试终端"}
    with Session(engine) as session:
        session.add_all([
            PeriodFigures(office_id=hand.office_id, business_id=hand.ids["M"], year=2026, first_month=7, last_month=9,
                          revenue=30_000, **stamp),
            PeriodFigures(office_id=hand.office_id, business_id=hand.ids["Q"], year=2025, first_month=1, last_month=3,
                          revenue=30_000, **stamp),
            PeriodFigures(office_id=hand.office_id, business_id=hand.ids["F"], year=2026, first_month=4, last_month=6,
                          revenue=0, **stamp),
        ])  # fmt: skip
        session.commit()
    line = _line(_report(engine, hand), "indicator.active_rate")
    assert line.value == pytest.approx(3 / 8)  # A E as before, and M


def test_active_rate_without_any_data_says_so_instead_of_zero(engine: Engine, hand: HandOffice) -> None:
    # Six months' look-back ends before any figures (2026) or visits: 2021-05..2021-10 has none of either.
    report = _report(engine, hand, Month(2021, 10), ReportTargets(active_lookback_months=6))
    line = _line(report, "indicator.active_rate")
    assert line.value is None and line.met is None
    assert line.missing_reason.startswith("暂无数据")


def test_three_year_survival_of_the_2022_cohort(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    line = _line(report, "indicator.survival_rate")
    # The newest cohort whose third anniversaries all fell by 2026-10-31 is 2022 (checked during 2025).
    # 2022 registered here: A B C D F G I J (L moved in, E was registered on 2023-01-01) = 8.
    # D moved out before its day (2024 < 2025-12-31): out of the denominator -> 7.
    # Surviving: A (active), C (注销 2026, after 2025-07-01), F (个转企 直接变更, same row),
    # G (注销+设立 into H, which is 存续), I (吊销 2025-09-01, after 2025-08-08). Not: B (2024), J (2023).
    assert "2022" in line.label
    assert line.value == pytest.approx(5 / 7)
    assert (line.target, line.met) == (0.60, True)
    with Session(engine) as session:
        cohorts = survival_cohorts(session, hand.office_id, OCTOBER, DEFAULT_TARGETS)
    by_year = {cohort.year: cohort for cohort in cohorts}
    assert (by_year[2022].registered, by_year[2022].moved_out, by_year[2022].rate.denominator) == (8, 1, 7)
    # 2021: S alone, 撤销 in 2026, long after 2024-01-01: survived.
    assert by_year[2021].rate.value == 1.0
    # 2020: P, moved out in 2026 (after its day 2023-01-01): it was there on its day, so it counts and survived.
    assert (by_year[2020].moved_out, by_year[2020].rate.value) == (0, 1.0)
    # 2019: Q moved in (registered elsewhere): no cohort at all, 暂无数据 rather than 0.
    assert by_year[2019].rate.value is None and "暂无数据" in by_year[2019].rate.reason


def test_a_cohort_across_the_year_end_in_december(engine: Engine, hand: HandOffice) -> None:
    # At 2025-12-31 the 2022 cohort has just completed (every day of 2022 plus 3 years has passed).
    with Session(engine) as session:
        cohorts = survival_cohorts(session, hand.office_id, Month(2025, 12), DEFAULT_TARGETS)
        earlier = survival_cohorts(session, hand.office_id, Month(2025, 11), DEFAULT_TARGETS)
    assert cohorts[0].year == 2022 and earlier[0].year == 2021


def test_details_list_every_business_behind_the_counts(engine: Engine, hand: HandOffice) -> None:
    rows = _table(_report(engine, hand), "明细").rows
    listed = sorted((row[0], row[2]) for row in rows)
    assert listed == sorted([
        ("新设", "测试M店"), ("新设", "测试N店"), ("注销", "测试C店"), ("注销", "测试N店"), ("注销", "测试T店"),
        ("吊销", "测试R店"), ("撤销", "测试S店"), ("迁入", "测试Q店"), ("迁出", "测试P店"),
    ])
    assert next(row for row in rows if row[2] == "测试T店")[1] == date(2026, 10, 28)


def test_tier_moves_of_the_month_come_from_the_history(engine: Engine, hand: HandOffice) -> None:
    def history(letter: str, tier: str, at: datetime) -> ClassificationHistory:
        return ClassificationHistory(office_id=hand.office_id, business_id=hand.ids[letter], event="computed",
                                     tier=tier, at=at, updated_by="测试")
    with Session(engine) as session:
        session.add_all([
            history("A", "survival", datetime(2026, 9, 1, tzinfo=UTC)),
            history("A", "growth", datetime(2026, 10, 2, tzinfo=UTC)),
            history("A", "development", datetime(2026, 10, 20, tzinfo=UTC)),  # A: 生存型 -> 发展型 in October
            history("E", "survival", datetime(2026, 9, 1, tzinfo=UTC)),
            history("E", "growth", datetime(2026, 10, 2, tzinfo=UTC)),
            history("E", "survival", datetime(2026, 10, 9, tzinfo=UTC)),  # E: there and back: no move
            history("K", "growth", datetime(2026, 10, 5, tzinfo=UTC)),  # K: first classified in October
            history("L", "growth", datetime(2026, 11, 1, tzinfo=UTC)),  # L: November, not this month
        ])
        session.commit()
    report = _report(engine, hand)
    assert _line(report, "tier.moved").value == 2
    moves = {row[1]: row[2] for row in _table(report, "三型四类").rows if row[0] == "本月三型变动"}
    assert moves == {"生存型 → 发展型": 1, "未分过 → 成长型": 1}


def test_conversions_by_method_this_month_and_year(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand, Month(2024, 7))
    # F 直接变更 2024-07-01; G→H 注销+设立 2024-03-01.
    assert _line(report, "conversion.month").value == 1
    assert _line(report, "conversion.month.direct_change").value == 1
    assert _line(report, "conversion.ytd.deregister_and_establish").value == 1
    assert _line(report, "conversion.ytd").value == 2


def test_the_report_survives_its_json_round_trip(engine: Engine, hand: HandOffice) -> None:
    report = _report(engine, hand)
    assert from_json(to_json(report)) == report
    assert report.definition_version == DEFINITION_VERSION
    assert {definition.code for definition in report.definitions} >= {"indicator.active_rate", "indicator.survival_rate"}
    chart = report.charts[0]
    assert len(chart.categories) == 24 and chart.categories[-1] == "2026-10"
    assert dict(chart.series)["新设"][-1] == 2 and dict(chart.series)["注销"][-1] == 3


def test_the_device_keeps_the_count_begun_last_whichever_finishes_last(
    engine: Engine, hand: HandOffice, tmp_path: Path
) -> None:
    """Two counts of a month can run at once (F5 while one is under way); the one begun first may finish last
    and must not replace the newer figures kept on the device."""
    report = _report(engine, hand)
    older = replace(report, summary=report.summary[:1])
    cache = ReportCache(tmp_path, "sqlite:///office.db")
    begun_first, begun_second = datetime(2026, 10, 31, 8, 0, tzinfo=UTC), datetime(2026, 10, 31, 8, 1, tzinfo=UTC)
    cache.save(hand.actor.office_id, report, begun_second)
    cache.save(hand.actor.office_id, older, begun_first)
    assert cache.load(hand.actor.office_id, report.period) == (report, begun_second)
    cache.save(hand.actor.office_id, older, datetime(2026, 10, 31, 8, 2, tzinfo=UTC))
    kept = cache.load(hand.actor.office_id, report.period)
    assert kept is not None and kept[0] == older


def test_the_tier_chart_shows_the_households_never_classified(engine: Engine, hand: HandOffice) -> None:
    # Nobody ran 重新分型: the six 存续 households at 2026-10-31 (A E K L M Q) are all 尚未分型, so the pie
    # would be empty with the three tiers alone; it shows them as the table does.
    chart = _report(engine, hand).charts[1]
    assert chart.title == "三型分布"
    assert dict(zip(chart.categories, chart.series[0][1], strict=True)) == {
        "生存型": 0, "成长型": 0, "发展型": 0, "未分型": 0, "尚未分型": 6,
    }
    # A classified: 成长型 1, the other five still 尚未分型.
    with Session(engine) as session:
        session.add(ClassificationResult(office_id=hand.office_id, business_id=hand.ids["A"], tier="growth",
                                         computed_at=datetime(2026, 10, 1, tzinfo=UTC), updated_by="测试"))
        session.commit()
    chart = _report(engine, hand).charts[1]
    assert dict(zip(chart.categories, chart.series[0][1], strict=True))["成长型"] == 1
    assert dict(zip(chart.categories, chart.series[0][1], strict=True))["尚未分型"] == 5
    # All six classified: no 尚未分型 slice at all (a 0 would only clutter the pie's labels).
    with Session(engine) as session:
        session.add_all([
            ClassificationResult(office_id=hand.office_id, business_id=hand.ids[letter], tier="survival",
                                 computed_at=datetime(2026, 10, 1, tzinfo=UTC), updated_by="测试")
            for letter in "EKLMQ"
        ])
        session.commit()
    chart = _report(engine, hand).charts[1]
    assert chart.categories == ("生存型", "成长型", "发展型", "未分型")
    assert chart.series[0][1] == (5, 1, 0, 0)
