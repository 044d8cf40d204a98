"""What staff type into the form becomes clean values, or a Chinese message naming the problem."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.services.business_validation import validate_business


@pytest.mark.parametrize(("typed", "expected"), [
    ("2019-05-03", date(2019, 5, 3)), ("2019/5/3", date(2019, 5, 3)), ("2019.5.3", date(2019, 5, 3)),
    ("2019年5月3日", date(2019, 5, 3)), ("20190503", date(2019, 5, 3)), ("２０１９－０５－０３", date(2019, 5, 3)),
])
def test_dates_in_the_forms_people_write(typed: str, expected: date) -> None:
    assert validate_business({"registered_on": typed}) == ({"registered_on": expected}, {})


def test_an_impossible_date_is_named() -> None:
    _clean, errors = validate_business({"registered_on": "2019-02-30"})
    assert errors == {"registered_on": "日期「2019-02-30」无法识别，请写成 2024-05-03"}


@pytest.mark.parametrize(("typed", "yuan"), [
    ("50000", 50_000), ("5万", 50_000), ("12.35万元", 123_500), ("1,200元", 1_200),
    ("100（万元）", 1_000_000), ("12.5 (万)", 125_000),  # the unit typed in brackets, as the header shows it
])
def test_money_is_integer_yuan(typed: str, yuan: int) -> None:
    assert validate_business({"capital": typed}) == ({"capital": yuan}, {})


def test_brackets_around_a_number_are_not_a_unit() -> None:
    _clean, errors = validate_business({"capital": "(100)"})
    assert "无法识别" in errors["capital"]


def test_industry_code_accepts_the_section_letter_and_refuses_unknown_codes() -> None:
    assert validate_business({"industry_code": "F5221"}) == ({"industry_code": "5221"}, {})
    _clean, errors = validate_business({"industry_code": "9999"})
    assert "不在 GB/T 4754-2017" in errors["industry_code"]


def test_a_2011_code_is_refused_as_2017_but_kept_when_the_register_says_2011() -> None:
    _clean, errors = validate_business({"industry_code": "6620"})
    assert "2011" in errors["industry_code"]
    clean, errors = validate_business({"industry_code": "6620", "industry_code_version": "2011"})
    assert errors == {} and clean["industry_code"] == "6620"


@pytest.mark.parametrize(("typed", "code"), [("在营", "active"), ("开业", "active"), ("注销", "deregistered"),
                                             ("吊销，未注销", "revoked"), ("迁出", "moved_out")])
def test_status_synonyms(typed: str, code: str) -> None:
    assert validate_business({"status": typed}) == ({"status": code}, {})


def test_every_wrong_field_gets_its_own_message() -> None:
    _clean, errors = validate_business({
        "name": "  ", "uscc": "91330100799655058C", "phone": "12345", "employees": "三个", "composition": "合伙",
    })
    assert set(errors) == {"name", "uscc", "phone", "employees", "composition"}
    assert errors["name"] == "名称不能为空"
    assert "校验" in errors["uscc"]


def test_several_phone_numbers_must_fit_the_column() -> None:
    from storage.tables import Business
    from workbench.services.business_validation import PHONE_MAX

    assert Business.__table__.c.phone.type.length == PHONE_MAX  # type: ignore[attr-defined]
    clean, errors = validate_business({"phone": "13812345678/0577-88886666"})
    assert (clean, errors) == ({"phone": "13812345678/0577-88886666"}, {})
    _clean, errors = validate_business({"phone": "13812345678/13812345679/0577-88886666"})
    assert errors["phone"].startswith("联系电话太长：最多 32 个字符（现有 37 个）")
