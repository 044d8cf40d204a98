"""report.toml (the monthly report's targets) and the report month as a person types it (issue 18)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.domain.report_definitions import DEFAULT_TARGETS, ReportTargets
from workbench.domain.report_periods import Month, MonthError, latest_full_cohort, parse_month
from workbench.services.report_settings import load_report_targets
from workbench.services.settings import OfficeSettings


def test_without_a_file_the_wenzhou_targets_apply(tmp_path: Path) -> None:
    assert load_report_targets(tmp_path) == ReportTargets(0.70, 0.60, 12, 3) == DEFAULT_TARGETS


def test_the_office_sets_its_targets_as_ratios_or_percentages(tmp_path: Path) -> None:
    (tmp_path / "report.toml").write_text("[targets]\nactive_rate = 75\nsurvival_rate = 0.65\nactive_lookback_months = 6\n",
                                          encoding="utf-8")
    assert load_report_targets(tmp_path) == ReportTargets(0.75, 0.65, 6, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [("[targets]\nactive_rate = \"七成\"\n", "active_rate 应是比例（如 0.7 或 70），而不是「七成」"),
     ("[targets]\nactive_rate = 170\n", "active_rate 应在 0 到 100% 之间，而不是「170」"),
     ("[targets]\nactive_lookback_months = 0\n", "active_lookback_months 应是 1 到 60 之间的整数，而不是「0」"),
     ("[targets]\nsurvival = 0.6\n", "不认识的设置项「survival」"),
     ("[targets\n", "格式有误，未能读取")],
)
def test_a_wrong_value_is_named_and_the_settings_keep_the_defaults(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "report.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="月报设置") as refused:
        load_report_targets(tmp_path)
    assert message in str(refused.value)
    told: list[str] = []
    settings = OfficeSettings(tmp_path, report=lambda said, _seconds: told.append(said))
    assert settings.report_targets == DEFAULT_TARGETS
    assert len(told) == 1 and message in told[0] and told[0].endswith("（已按默认目标值办理）")


@pytest.mark.parametrize("text", ["2026-10", "2026/10", "2026.10", "202610", "2026年10月", "２０２６－１０"])
def test_a_month_in_the_ways_people_write_it(text: str) -> None:
    month = parse_month(text)
    assert (month, month.first, month.last, month.code) == (Month(2026, 10), date(2026, 10, 1), date(2026, 10, 31), "2026-10")


def test_months_around_the_year_end() -> None:
    january = Month(2026, 1)
    assert (january.previous(), january.a_year_before(), january.back(13)) == (Month(2025, 12), Month(2025, 1), Month(2024, 12))
    assert Month(2024, 2).last == date(2024, 2, 29)
    assert latest_full_cohort(date(2026, 10, 31), 3) == 2022
    assert latest_full_cohort(date(2025, 12, 31), 3) == 2022


def test_an_old_month_is_refused() -> None:
    with pytest.raises(MonthError, match="早于 1980 年"):
        parse_month("1979-12")
