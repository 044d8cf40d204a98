"""Normalisation before validation and diffing: every way a date, an amount or a count is written reads the same."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from imports.industry import read_industry
from imports.normalise import (
    clean_text,
    code_field,
    code_text,
    parse_date,
    parse_int,
    parse_money,
    parse_status,
)
from workbench.domain.identifiers import check_uscc

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
days = st.dates(date(1900, 3, 1), date(2099, 12, 31))


def _written(day: date, style: int) -> object:
    y, m, d = day.year, day.month, day.day
    return [
        day,
        datetime(y, m, d),
        datetime(y, m, d, 13, 45, 10),
        float((day - date(1899, 12, 30)).days),
        f"{y}年{m}月{d}日",
        f"{y}/{m}/{d}",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}{m:02d}{d:02d}",
        f"{y}.{m}.{d}",
        f"{y}-{m}-{d} 00:00:00",
        f"　{y}年{m:02d}月{d:02d}日 ".translate(FULL_WIDTH),
        float(f"{y}{m:02d}{d:02d}"),
        f"{(day - date(1899, 12, 30)).days}",
    ][style]


@given(days, st.integers(0, 12))
def test_every_date_style_reads_as_the_same_date(day: date, style: int) -> None:
    written = _written(day, style)
    assume(style != 12 or len(str(written)) == 5)  # a serial typed as text: five digits, 1927 to 2173
    assert parse_date(written) == day


def test_four_digits_are_a_year_not_a_serial() -> None:
    with pytest.raises(ValueError, match="无法识别"):
        parse_date("2019")


@pytest.mark.parametrize("empty", [None, "", "  ", "　"])
def test_empty_cells_are_none_everywhere(empty: object) -> None:
    assert parse_date(empty) is None
    assert parse_money(empty) is None
    assert parse_int(empty) is None
    assert clean_text(empty) is None
    assert code_text(empty) is None
    assert parse_status(empty) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2019-02-30", "日期「2019-02-30」不存在（2019 年 2 月没有 30 日，或月份有误）"),
        ("2019-13-01", "日期「2019-13-01」不存在（2019 年 13 月没有 1 日，或月份有误）"),
        ("19/5/3", "日期「19/5/3」无法识别，请写成 2024-05-03 或 2024年5月3日"),
        ("2019年5月", "日期「2019年5月」无法识别，请写成 2024-05-03 或 2024年5月3日"),
        (-3.0, "「-3」不是日期，请写成 2024-05-03"),
        (True, "「True」不是日期"),
        (timedelta(hours=3), "「3:00:00」是时长，不是日期"),
    ],
)
def test_bad_dates_say_why_in_chinese(raw: object, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_date(raw)
    assert str(raised.value) == reason


amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@given(amounts)
def test_money_in_yuan_with_thousands_separators(amount: Decimal) -> None:
    expected = int(amount.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    assert parse_money(f"{amount:,}元") == expected
    assert parse_money(f"¥{amount:,}") == expected
    assert parse_money(f"人民币 {amount}") == expected


@given(st.decimals(min_value=0, max_value=Decimal("99999.9999"), places=4))
def test_money_in_ten_thousands_is_exact_in_decimal(amount: Decimal) -> None:
    expected = int(amount * 10_000)
    assert parse_money(f"{amount}万元") == expected
    assert parse_money(f"{amount}万") == expected
    assert parse_money(float(amount), unit=10_000) == expected  # a number cell under 「注册资本（万元）」
    assert parse_money(f"{amount}", unit=10_000) == expected


def test_money_examples() -> None:
    assert parse_money("12.35万元") == 123_500
    assert parse_money(12.35, unit=10_000) == 123_500
    assert parse_money(0.1 + 0.2, unit=10_000) == 3_000
    assert parse_money("５万元") == 50_000
    assert parse_money("1.5亿元") == 150_000_000
    assert parse_money("8万元", unit=10_000) == 80_000  # the cell's own unit wins over the header's
    assert parse_money(50_000) == 50_000
    for bad, reason in [("五万", "金额「五万」无法识别"), ("-5万", "金额「-5万」不能为负数"), (True, "金额「True」无法识别")]:
        with pytest.raises(ValueError, match=reason):
            parse_money(bad)


@given(st.integers(0, 10**9))
def test_counts_as_floats_text_and_with_a_unit(number: int) -> None:
    assert parse_int(float(number)) == number
    assert parse_int(str(number)) == number
    assert parse_int(f"{number}人") == number
    assert parse_int(f"{number:,}") == number
    assert parse_int(str(number).translate(FULL_WIDTH)) == number
    assert parse_int(f"{number}.0") == number


@pytest.mark.parametrize("bad", [2.5, "2.5", "两人", -1, "-1", True])
def test_counts_refuse_fractions_words_and_negatives(bad: object) -> None:
    with pytest.raises(ValueError, match="不是整数|不能为负数"):
        parse_int(bad)


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), max_size=30))
def test_text_is_nfkc_and_trimmed(text: str) -> None:
    cleaned = clean_text(f"\u3000 {text} \u3000")
    expected = unicodedata.normalize("NFKC", text).strip()
    assert cleaned == (expected or None)
    assert cleaned is None or cleaned == unicodedata.normalize("NFKC", cleaned).strip()


def test_full_width_codes_and_spaces_fold_to_plain_ones() -> None:
    assert clean_text("　ＡＢＣ１２３　") == "ABC123"
    assert clean_text("鹿城区　阿明水果店 ") == "鹿城区 阿明水果店"
    assert code_text("'330302600012347") == "330302600012347"
    assert code_text(3.0) == "3"
    assert clean_text(datetime(2019, 5, 3)) == "2019-05-03"


def test_a_whole_number_written_out_as_text_loses_its_point_zero() -> None:
    """A CSV made from a numeric column (pandas, WPS) writes 13812345678.0: the number was exact."""
    assert code_text("13812345678.0") == "13812345678"
    assert code_text("330302600012347.0") == "330302600012347"
    # 16+ digits cannot have come exactly from a number, and other points are not a float's: kept, and flagged
    assert code_text("330302197303098461.0") == "330302197303098461.0"
    assert code_text("138.12345678") == "138.12345678"
    assert code_text("9.233030231011654e+17") == "9.233030231011654e+17"


@given(st.integers(10**14, 10**18 - 1))
def test_long_codes_read_as_numbers_are_flagged_never_trusted(number: int) -> None:
    text = code_text(float(number))
    assert text is not None
    if number < 10**15:
        assert text == str(number)  # up to 15 digits a float holds the number exactly
    else:
        verdict = check_uscc(text)
        assert not verdict.valid
        assert "文本" in verdict.reason or "科学计数法" in verdict.reason


def test_a_bracketed_note_does_not_make_an_unknown_status_known() -> None:
    with pytest.raises(ValueError, match="营业（待查）"):
        parse_status("营业（待查）")


def test_codes_go_to_the_field_their_pattern_says() -> None:
    assert code_field("330302600012347") == "reg_no"
    assert code_field("3303026000123") == "reg_no"
    assert code_field("企合浙绍总字第002112号") == "reg_no"
    assert code_field("92330302MA2AAAAA1J") == "uscc"
    assert code_field("9.16201055811843e+17") == "uscc"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("存续", ("active", False)), ("在业", ("active", False)), ("开业", ("active", False)),
     ("存续（在营、开业、在册）", ("active", False)), ("吊销，未注销", ("revoked", False)),
     ("吊销,已注销", ("revoked_deregistered", False)), ("注销", ("deregistered", False)),
     ("歇业", ("active", True)), ("　迁出 ", ("moved_out", False)),
     # a bracketed note, as other registers write them: whole first, then the word, then the note
     ("在营（开业）", ("active", False)), ("注销（已注销）", ("deregistered", False)),
     ("吊销（已注销）", ("revoked_deregistered", False)), ("吊销(未注销)", ("revoked", False)),
     ("开业（在册）", ("active", False))],
)
def test_status_synonyms(raw: str, expected: tuple[str, bool]) -> None:
    assert parse_status(raw) == expected


@pytest.mark.parametrize(
    ("code", "name", "expected_code", "version"),
    [
        ("5223", None, "5223", "2017"),
        ("F5223", None, "5223", "2017"),
        ("F 5223", None, "5223", "2017"),
        ("5223 果品、蔬菜零售", None, "5223", "2017"),
        ("[5223]水果、蔬菜零售", None, "5223", "2017"),
        (None, "零售业", "52", "2017"),
        (None, "批发和零售业", "F", "2017"),
        ("F", None, "F", "2017"),
        (None, "5223 果品、蔬菜零售", "5223", "2017"),
        (None, "批发和零售业-零售业-果品、蔬菜零售", "5223", "2017"),
        ("5223", "零售业", "5223", "2017"),  # a broader name for the same code is fine
        ("111", None, "111", "2017"),
        ("170", None, "0170", "2011"),
    ],
)
def test_industry_cells_in_every_shape(code: str | None, name: str | None, expected_code: str,
                                       version: str) -> None:
    reading = read_industry(code, name)
    assert (reading.code, reading.version) == (expected_code, version)


def test_a_2011_code_with_its_2011_name_is_flagged_not_silently_read_as_2017() -> None:
    reading = read_industry("2033", "地板制造")  # 2011: 地板制造; 2017: 木楼梯制造
    assert (reading.code, reading.version, reading.blocking) == ("2033", "2011", False)
    assert reading.note == "可能是2011版代码：2033 在 2011 版中是「地板制造」，在 2017 版中是「木楼梯制造」，请按 2017 版核对"
    gone = read_industry("0170", None)
    assert gone.version == "2011" and gone.note is not None and gone.note.startswith("可能是2011版代码")


def test_industry_disagreements_and_unknowns() -> None:
    mismatch = read_industry("5223", "正餐服务")
    assert mismatch.code == "5223" and mismatch.note is not None and "不一致" in mismatch.note and "6210" in mismatch.note
    unknown = read_industry("9999", None)
    assert unknown.code is None and unknown.blocking and unknown.note is not None and "都不存在" in unknown.note
    vague = read_industry(None, "卖水果的")
    assert vague.code is None and not vague.blocking and vague.note is not None and "找不到" in vague.note
    assert read_industry(None, None).code is None


_CODE_LIKE = st.text(alphabet=st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXYabcxyz .-'`\t\x00０１Ａ²ⅷ　"), max_size=24)


@given(st.one_of(st.text(), _CODE_LIKE))
def test_clean_text_fast_path_gives_what_the_general_path_gives(text: str) -> None:
    """Text of ASCII letters and digits only is returned as it is; anything else takes the general path, which
    gives the same answer for such text (so the fast path changes no value, only the time)."""
    from imports.normalise import _cleaned_str, _code_of_text

    assert clean_text(text) == _cleaned_str(text)
    assert code_text(text) == _code_of_text(_cleaned_str(text))
    assert type(clean_text(text)) in (str, type(None)) and type(code_text(text)) in (str, type(None))


@pytest.mark.parametrize("code", ["92330302MA216RQX32", "330302600123456", "abc123", "0", "ｋ92330302"])
def test_codes_read_as_before(code: str) -> None:
    from imports.normalise import _cleaned_str, _code_of_text

    assert code_text(code) == _code_of_text(_cleaned_str(code)) == unicodedata.normalize("NFKC", code)
    assert code_text(f" '{code} ") == code_text(code)


class _Text(str):
    pass


def test_a_str_subclass_comes_back_as_plain_text() -> None:
    assert type(clean_text(_Text("A1"))) is str and clean_text(_Text("A1")) == "A1"
    assert type(code_text(_Text("A1"))) is str
