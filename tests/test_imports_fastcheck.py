"""The parser's short cuts never disagree with validate_business: whatever they accept, it accepts the same;
and on the common forms they exist for (18 credit-code characters, 11 digits starting with 1) they accept
exactly what it accepts unchanged, so that they neither let a wrong value through nor miss the fast path."""

from __future__ import annotations

from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from imports.fastcheck import (
    cached_validation,
    id_check,
    uscc_check,
    valid_id_number,
    valid_mobile,
    valid_uscc,
)
from workbench.domain.identifiers import id_check_char, uscc_check_char
from workbench.domain.uscc import CHARSET
from workbench.services.business_validation import validate_business

TODAY = date.today()
uscc_bodies = st.text(alphabet=CHARSET, min_size=17, max_size=17)
near_codes = st.text(alphabet=CHARSET + "IOSVZ abc-０", min_size=16, max_size=19)
id_bodies = st.builds(
    lambda region, born, sequence: f"{region}{born:%Y%m%d}{sequence:03d}",
    st.sampled_from(["330302", "330304", "110101", "000000"]),
    st.dates(date(1890, 1, 1), date(2030, 12, 31)),
    st.integers(0, 999),
)


def _agrees(field: str, value: str, accepted: str | None) -> None:
    clean, errors = validate_business({field: value})
    if accepted is not None:
        assert field not in errors and clean[field] == accepted


def _accepted_unchanged(field: str, value: str) -> bool:
    clean, errors = validate_business({field: value})
    return field not in errors and clean.get(field) == value


def test_known_check_characters() -> None:
    """Worked examples from outside this code: a real enterprise's credit code (its check character B) and
    GB 11643's own example number (check character X)."""
    assert uscc_check("91330100799655058") == "B" and valid_uscc("91330100799655058B") == "91330100799655058B"
    assert valid_uscc("91330100799655058C") is None
    assert id_check("11010519491231002") == "X"
    assert valid_id_number("11010519491231002X", date(2026, 1, 1)) == "11010519491231002X"
    assert valid_mobile("13812345678") == "13812345678" and valid_mobile("12812345678") is None


@given(uscc_bodies)
def test_check_characters_match_the_domain(body: str) -> None:
    assert uscc_check(body) == uscc_check_char(body)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_id_check_characters_match_the_domain(body: str) -> None:
    assert id_check(body) == id_check_char(body)


@given(uscc_bodies)
def test_valid_credit_codes_are_accepted_exactly_as_validate_business_would(body: str) -> None:
    code = body + uscc_check_char(body)
    assert valid_uscc(code) == code
    _agrees("uscc", code, code)


@given(near_codes)
@example("92330302MA2AAAAA10")
def test_anything_else_accepted_is_accepted_by_validate_business(text: str) -> None:
    _agrees("uscc", text, valid_uscc(text))


@given(uscc_bodies, st.sampled_from(CHARSET), st.booleans())
def test_on_eighteen_code_characters_the_short_cut_accepts_exactly_what_validation_accepts(
    body: str, other: str, right_check: bool
) -> None:
    code = body + (uscc_check_char(body) if right_check else other)
    assert (valid_uscc(code) is not None) == _accepted_unchanged("uscc", code)


@given(id_bodies, st.booleans())
def test_id_numbers_agree(body: str, right_check: bool) -> None:
    check = id_check_char(body) if right_check else "0"
    number = body + check
    accepted = valid_id_number(number, TODAY)
    _agrees("id_number", number, accepted)
    born_ok = date(1900, 1, 1) <= date(int(body[6:10]), int(body[10:12]), int(body[12:14])) <= TODAY
    assert (accepted is not None) == (born_ok and check == id_check_char(body))


@given(st.text(alphabet="0123456789 -+()", min_size=7, max_size=14))
@example("13812345678")
@example("12812345678")
def test_mobile_numbers_agree(text: str) -> None:
    _agrees("phone", text, valid_mobile(text))


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
@example("3812345678")
@example("2812345678")
def test_on_eleven_digits_from_1_the_short_cut_accepts_exactly_what_validation_accepts(rest: str) -> None:
    phone = "1" + rest
    assert (valid_mobile(phone) is not None) == _accepted_unchanged("phone", phone)


def test_few_valued_fields_are_validated_once_per_value() -> None:
    cached_validation.cache_clear()
    assert cached_validation("kind", "个体工商户") == ("individual", None)
    assert cached_validation("kind", "个体工商户") == ("individual", None)
    assert cached_validation.cache_info().hits == 1
    _value, error = cached_validation("composition", "合伙经营")
    assert error == "组成形式应为「个人经营」或「家庭经营」，而不是「合伙经营」"
