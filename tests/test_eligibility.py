"""名特优新 eligibility (docs/rules.md §1.2): tier, years trading and the negative list, with Chinese reasons."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.domain.eligibility import NegativeEvent, blocking_events, check_eligibility, years_after
from workbench.domain.tiers import Tier

ON = date(2025, 6, 1)


def check(
    tier: Tier | None = Tier.GROWTH,
    registered_on: date | None = date(2020, 1, 1),
    events: tuple[NegativeEvent, ...] = (),
    years: int = 2,
):  # type: ignore[no-untyped-def]
    return check_eligibility(
        tier=tier, registered_on=registered_on, events=events, on=ON, min_trading_years=years
    )


def test_growth_household_trading_for_years_passes_with_its_reasons() -> None:
    result = check()
    assert result.passed
    assert result.reasons == ("分型为成长型", "2020-01-01 成立，已连续经营2年以上", "不在负面清单")
    assert result.text.startswith("符合条件：分型为成长型")


@pytest.mark.parametrize("tier", [Tier.SURVIVAL, Tier.UNCLASSIFIED, None])
def test_other_tiers_fail(tier: Tier | None) -> None:
    result = check(tier=tier)
    assert not result.passed
    assert result.reasons[0].endswith("须为成长型或发展型")


def test_development_passes() -> None:
    assert check(tier=Tier.DEVELOPMENT).passed


@pytest.mark.parametrize(
    ("registered_on", "passed"),
    [(date(2023, 6, 1), True), (date(2023, 6, 2), False), (date(2023, 5, 31), True)],
)
def test_trading_years_boundary_is_the_anniversary(registered_on: date, passed: bool) -> None:
    result = check(registered_on=registered_on)
    assert result.passed is passed
    if not passed:
        assert result.reasons == (f"{registered_on.isoformat()} 成立，经营不满2年",)


def test_trading_years_come_from_the_rules() -> None:
    assert not check(registered_on=date(2022, 1, 1), years=5).passed
    assert check(registered_on=date(2022, 1, 1), years=3).passed


def test_missing_registration_date_fails_with_reason() -> None:
    assert check(registered_on=None).reasons == ("缺少成立日期，无法判断经营年限",)


def test_leap_day_anniversary() -> None:
    assert years_after(date(2020, 2, 29), 1) == date(2021, 3, 1)


def test_fine_within_a_year_without_repair_blocks() -> None:
    result = check(events=(NegativeEvent("penalty", date(2024, 9, 1)),))
    assert not result.passed
    assert result.reasons == ("负面清单：2024-09-01 受到罚款及以上行政处罚，一年内且尚未完成信用修复",)


def test_fine_repaired_or_older_than_a_year_does_not_block() -> None:
    assert check(events=(NegativeEvent("penalty", date(2024, 9, 1), repaired_on=date(2025, 3, 1)),)).passed
    assert check(events=(NegativeEvent("penalty", date(2024, 5, 31)),)).passed
    assert not check(events=(NegativeEvent("penalty", date(2024, 6, 1)),)).passed


def test_repair_after_the_application_day_does_not_count_yet() -> None:
    assert not check(
        events=(NegativeEvent("penalty", date(2025, 1, 1), repaired_on=date(2025, 7, 1)),)
    ).passed


def test_serious_accident_blocks_for_a_year_whatever_is_done() -> None:
    assert not check(
        events=(NegativeEvent("accident", date(2024, 12, 1), repaired_on=date(2025, 1, 1)),)
    ).passed
    assert check(events=(NegativeEvent("accident", date(2024, 5, 1)),)).passed


def test_dishonest_operator_blocks_until_removed_from_the_list() -> None:
    listed = NegativeEvent("dishonest", date(2019, 1, 1))
    assert blocking_events([listed], ON) == ["2019-01-01 起经营者被列为失信被执行人，尚未移出名单"]
    assert check(events=(NegativeEvent("dishonest", date(2019, 1, 1), repaired_on=date(2025, 1, 1)),)).passed


def test_events_after_the_day_are_not_counted() -> None:
    assert check(events=(NegativeEvent("accident", date(2025, 6, 2)),)).passed


def test_every_failing_reason_is_listed() -> None:
    result = check(
        tier=Tier.SURVIVAL,
        registered_on=date(2024, 1, 1),
        events=(NegativeEvent("accident", date(2025, 1, 1)),),
    )
    assert len(result.reasons) == 3
    assert result.text.startswith("不符合条件：分型为生存型")
