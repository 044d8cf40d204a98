"""成立日期 that no business can have (before 1900, after today) are refused by the form's validation and by
the import; unlikely ones (before 1949-10-01, a 个体工商户 before 1979) are imported with a warning."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from import_helpers import HEADER, row

from imports.parse import parse_register_file
from workbench.domain.registration_dates import registration_date_doubt, registration_date_error
from workbench.services.business_validation import validate_business

TODAY = date(2026, 5, 1)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(1899, 12, 30), TODAY + timedelta(days=1)])
def test_impossible_dates_are_errors(day: date) -> None:
    assert registration_date_error(day, TODAY) is not None


@pytest.mark.parametrize(("day", "kind", "doubt"), [
    (date(1900, 1, 1), "enterprise", "早于 1949 年 10 月 1 日"),
    (date(1949, 9, 30), None, "早于 1949 年 10 月 1 日"),
    (date(1978, 12, 31), "individual", "个体工商户那时尚未恢复登记"),
    (date(1978, 12, 31), "enterprise", None),
    (date(1979, 1, 1), "individual", None),
    (TODAY, "individual", None),
])
def test_unlikely_dates_are_doubts(day: date, kind: str | None, doubt: str | None) -> None:
    assert registration_date_error(day, TODAY) is None
    found = registration_date_doubt(day, kind)
    assert found is None if doubt is None else doubt in (found or "")


@pytest.mark.parametrize("typed", ["0001-01-01", "1899-12-31", (date.today() + timedelta(days=3)).isoformat()])
def test_the_form_refuses_an_impossible_date(typed: str) -> None:
    clean, errors = validate_business({"name": "鹿城区阿明水果店", "registered_on": typed})
    assert "registered_on" in errors and "请核对后填写" in errors["registered_on"]
    assert "registered_on" not in clean


def test_the_form_keeps_a_plausible_date() -> None:
    clean, errors = validate_business({"name": "鹿城区阿明水果店", "registered_on": "2019-05-03"})
    assert errors == {} and clean["registered_on"] == date(2019, 5, 3)


def test_the_import_refuses_impossible_dates_and_warns_on_unlikely_ones(tmp_path: Path) -> None:
    future = (date.today() + timedelta(days=30)).isoformat()
    dates = ["0001-01-01", "1899-12-31", future, "1940-05-01", "1975-03-02", "2019-05-03"]
    rows = [row(serial, {"成立日期": day}) for serial, day in enumerate(dates, 1)]
    path = tmp_path / "名录.csv"
    path.write_text("\n".join(",".join(str(value) for value in cells) for cells in [HEADER, *rows]) + "\n",
                    encoding="utf-8")
    parsed = {parsed.row_number: parsed for parsed in parse_register_file(path).rows}
    for number in (2, 3, 4):  # refused: the row is not imported, the problem names row, column and value
        problem = next(problem for problem in parsed[number].problems if problem.field == "registered_on")
        assert problem.blocking and not parsed[number].valid
        assert problem.column_header == "成立日期" and problem.column == "F"
        assert "registered_on" not in parsed[number].values
    assert "早于 1900 年" in parsed[2].problems[0].reason and "晚于今天" in parsed[4].problems[0].reason
    for number, doubt in ((5, "早于 1949 年 10 月 1 日"), (6, "个体工商户那时尚未恢复登记")):
        assert parsed[number].valid and parsed[number].values["registered_on"].year in (1940, 1975)
        assert [problem.blocking for problem in parsed[number].problems] == [False]
        assert doubt in parsed[number].problems[0].reason
    assert parsed[7].valid and parsed[7].problems == []
