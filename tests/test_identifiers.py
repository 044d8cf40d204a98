"""Identifier rules: USCC, old 注册号, resident ID, phone, masks; sample files plus property tests."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.identifiers import (
    check_id_number,
    check_phone,
    check_phones,
    check_uscc,
    id_check_char,
    mask_id_number,
    mask_phone,
    normalise_code,
    org_check_char,
    regno15_check_digit,
    uscc_check_char,
)
from workbench.domain.uscc import CHARSET

DATA = Path(__file__).parent / "data"
EXCEL_ZEROS = "可能被 Excel 当作数字保存，后三位变成了 000；请把该列设为「文本」格式后从原系统重新导出"
TEXT_FIX = "请把该列设为「文本」格式后从原系统重新导出"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _with_check(body: str) -> str:
    return body + uscc_check_char(body)


# --- the sample files ---------------------------------------------------------------------------

SAMPLE_EXPECTATIONS = {
    "valid": ("uscc", True),
    "valid after normalisation": ("uscc", True),
    "invalid": (None, False),
    "not a USCC": ("reg_no_15", None),
}


@pytest.mark.parametrize("row", _rows("uscc_samples.csv"), ids=lambda row: row["code"])
def test_uscc_samples(row: dict[str, str]) -> None:
    kind, valid = SAMPLE_EXPECTATIONS[row["expected"]]
    verdict = check_uscc(row["code"])
    if kind is not None:
        assert verdict.kind == kind
    if valid is not None:
        assert verdict.valid is valid, verdict.reason
    assert verdict.reason


VECTOR_EXPECTATIONS = {
    "uscc_valid_91": ("uscc", True),
    "uscc_valid_92": ("uscc", True),
    "regno15_valid": ("reg_no_15", True),
    "regno15_badcheck": ("reg_no_15", False),
    "regno13_legacy": ("reg_no_13", True),
    "uscc_invalid_lowercase": ("uscc", False),
    "uscc_invalid": ("uscc", False),
    "legacy_text_regno": ("reg_no_text", True),
}


@pytest.mark.parametrize("row", _rows("zj_inspection_targets_vectors.csv"), ids=lambda row: row["id_value"])
def test_inspection_target_vectors(row: dict[str, str]) -> None:
    kind, valid = VECTOR_EXPECTATIONS[row["category"]]
    verdict = check_uscc(row["id_value"])
    assert (verdict.kind, verdict.valid) == (kind, valid), verdict.reason


@pytest.mark.parametrize("row", _rows("zj_inspection_targets_vectors.csv"), ids=lambda row: row["id_value"])
def test_legacy_numbers_say_they_have_no_check_digit(row: dict[str, str]) -> None:
    verdict = check_uscc(row["id_value"])
    if verdict.kind in ("reg_no_13", "reg_no_text"):
        assert any("没有校验位" in warning and "注册号" in warning for warning in verdict.warnings)


# --- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "91330100799655058b",
        "91 330100 799655058B",
        "9133-0100-7996-5505-8B",
        "９１３３０１００７９９６５５０５８Ｂ",
        "\u30009133010079965505\t8B\u3000",
        "91330100799655058B\n",
        "913301007996550\u200b58B",
    ],
)
def test_normalise_code(raw: str) -> None:
    assert normalise_code(raw) == "91330100799655058B"
    assert check_uscc(raw).valid
    assert check_uscc(raw).warnings == ()


def test_none_and_empty_are_unknown() -> None:
    assert check_uscc(None).reason == "没有填写代码"
    assert check_uscc(" \u3000 ").kind == "unknown"


# --- Excel damage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["9.16201055811843E+17", "9.16201E+17", "9.16201055811843e+17", "９．１６２０１Ｅ＋１７", "9E+17"]
)
def test_scientific_notation_explains_excel(raw: str) -> None:
    verdict = check_uscc(raw)
    assert (verdict.kind, verdict.valid) == ("unknown", False)
    assert "Excel 的科学计数法" in verdict.reason
    assert "无法还原" in verdict.reason
    assert verdict.reason.endswith(TEXT_FIX)


@pytest.mark.parametrize("raw", ["916201055811843000", "916201055811872000", "916201056903518000"])
def test_trailing_zeros_explain_excel(raw: str) -> None:
    verdict = check_uscc(raw)
    assert not verdict.valid
    assert verdict.reason.startswith("校验位应为 ")
    assert verdict.reason.endswith(EXCEL_ZEROS)


def test_trailing_zeros_that_pass_the_check_are_valid() -> None:
    code = next(
        _with_check(f"91330302{n:06d}000")
        for n in range(1000)
        if _with_check(f"91330302{n:06d}000")[-1] == "0"
    )
    assert check_uscc(code).valid


def test_a_valid_code_is_not_blamed_on_excel() -> None:
    assert "Excel" not in check_uscc("91110000600037341N").reason


def test_number_cell_read_as_float() -> None:
    verdict = check_uscc("330302000003031.0")
    assert not verdict.valid
    assert verdict.suggestion == "330302000003031"
    assert "末尾多了「.0」" in verdict.reason and TEXT_FIX in verdict.reason
    damaged = check_uscc("916201055811843000.0")
    assert damaged.suggestion is None and EXCEL_ZEROS in damaged.reason


# --- check character and forbidden characters ---------------------------------------------------


def test_wrong_check_char_names_both() -> None:
    reason = check_uscc("91110000600037341N").reason
    assert reason.startswith("校验位应为 L，实际为 N")


def test_forbidden_letter_names_position_and_suggests_without_fixing() -> None:
    verdict = check_uscc("91330100799655O58B")
    assert not verdict.valid
    assert verdict.code == "91330100799655O58B"
    assert "第 15 位「O」" in verdict.reason
    assert "I、O、S、V、Z" in verdict.reason
    assert verdict.suggestion == "91330100799655058B"


def test_every_forbidden_letter_is_listed() -> None:
    reason = check_uscc("9111000060003IOZSV").reason
    for pos, char in zip(range(14, 19), "IOZSV", strict=True):
        assert f"第 {pos} 位「{char}」" in reason


@pytest.mark.parametrize(("typo", "meant"), [("I", "1"), ("Z", "2"), ("S", "5"), ("o", "0")])
def test_lookalike_suggestions(typo: str, meant: str) -> None:
    good = next(_with_check(f"91330302MA285J5{meant}{n}") for n in "0123456789")
    typed = good[:15] + typo + good[16:]
    verdict = check_uscc(typed)
    assert not verdict.valid
    assert verdict.suggestion == good


def test_no_suggestion_when_no_lookalike_fits() -> None:
    assert check_uscc("91330100799655O58C").suggestion is None


def test_lower_case_l_for_one_is_explained() -> None:
    verdict = check_uscc("91330302l19373061U")
    assert (verdict.kind, verdict.valid) == ("uscc", False)
    assert verdict.reason.startswith("校验位应为 A，实际为 U")
    assert "第 9 位原文是小写字母「l」" in verdict.reason
    assert "改成「1」也对不上校验位" in verdict.reason
    assert verdict.suggestion is None


def test_lower_case_l_that_was_a_one_gets_a_suggestion() -> None:
    good = "913303003439835712"
    verdict = check_uscc("9l" + good[2:])
    assert not verdict.valid
    assert verdict.suggestion == good
    assert "改成「1」后校验通过" in verdict.reason


def test_digits_around_an_e_are_a_code_not_excel() -> None:
    code = _with_check("31110000E00017891")
    assert check_uscc(code).kind == "uscc"


def test_upper_case_l_gets_no_lower_case_note() -> None:
    assert "小写" not in check_uscc("91330302L19373061U").reason


# --- decoding -----------------------------------------------------------------------------------


def test_decode_household_code() -> None:
    parts = check_uscc("92330226MA29016BX6").parts
    assert parts == {
        "登记管理部门": "9 工商（市场监管）",
        "机构类别": "2 个体工商户",
        "登记管理机关行政区划": "330226 浙江省宁波市宁海县",
        "主体标识码": "MA29016BX",
        "校验码": "6",
    }


def test_decode_public_institution() -> None:
    parts = check_uscc("121200004013590816").parts
    assert parts["登记管理部门"] == "1 机构编制"
    assert parts["机构类别"] == "2 事业单位"
    assert parts["登记管理机关行政区划"] == "120000 天津市"


def test_letter_department_is_decoded_not_rejected() -> None:
    verdict = check_uscc(_with_check("Y1330302MA285J568"))
    assert verdict.valid
    assert verdict.parts["登记管理部门"] == "Y 其他"
    assert verdict.parts["机构类别"] == "1 未知"


def test_unknown_department_is_not_rejected() -> None:
    verdict = check_uscc(_with_check("W9330302MA285J568"))
    assert verdict.valid
    assert verdict.parts["登记管理部门"] == "W 未知"


def test_city_district_code_is_normal() -> None:
    verdict = check_uscc(_with_check("91330301MA285J568"))
    assert verdict.valid
    assert verdict.warnings == ()
    assert verdict.parts["登记管理机关行政区划"] == "330301 浙江省温州市 市辖区/市本级"


def test_historical_region_warns_but_stays_valid() -> None:
    verdict = check_uscc("92330183MA28MR5E8C")
    assert verdict.valid
    assert verdict.warnings == (
        "登记机关区划码 330183 已于2014年撤销/变更（原富阳市），属于历史代码；现为 330111 富阳区",
    )
    assert verdict.parts["登记管理机关行政区划"] == "330183 富阳市（历史代码，1994 至 2014 年）"


def test_historical_code_reused_later_uses_latest_period() -> None:
    warning = check_uscc(_with_check("91330321MA285J568")).warnings[0]
    assert "330321 已于1992年撤销/变更（原瓯海县）" in warning
    assert "330303 龙湾区、330304 瓯海区" in warning


def test_unknown_region_warns_but_stays_valid() -> None:
    verdict = check_uscc(_with_check("91999999MA285J568"))
    assert verdict.valid
    assert verdict.warnings == ("登记机关区划码 999999 不在行政区划表中，无法确定登记机关",)
    assert verdict.parts["登记管理机关行政区划"] == "999999 未知"


def test_org_code_check_failure_only_warns() -> None:
    verdict = check_uscc(_with_check("91330302MA285J567"))
    assert verdict.valid
    assert any("组织机构代码校验位应为 8，实际为 7" in warning for warning in verdict.warnings)


def test_org_check_char_known_values() -> None:
    assert org_check_char("L0151012") == "8"
    assert org_check_char("56010553") == "X"


# --- old 注册号 ----------------------------------------------------------------------------------


def test_regno15_valid_is_kept_apart() -> None:
    verdict = check_uscc("330302000003031")
    assert verdict.valid and verdict.kind == "reg_no_15"
    assert "注册号" in verdict.warnings[0]
    assert verdict.parts["登记机关行政区划"] == "330302 浙江省温州市鹿城区"
    assert verdict.parts["主体类型"] == "内资企业"


def test_regno15_bad_check_reason() -> None:
    verdict = check_uscc("330327000082876")
    assert verdict.reason.startswith("15 位注册号的校验位应为 1，实际为 6")
    assert verdict.warnings == ()


def test_regno15_padded_thirteen_digit_hint() -> None:
    verdict = check_uscc("330382101730300")
    assert verdict.warnings == ("末两位是 00，可能是 13 位旧注册号 3303821017303 补零而成，请与登记系统核对",)


def test_regno13_decodes_region() -> None:
    verdict = check_uscc("3303812901409")
    assert verdict.parts["登记机关行政区划"] == "330381 浙江省温州市瑞安市"


@pytest.mark.parametrize(
    "raw", ["企合浙绍总字第002112号", "温工商企字（1995）第123号", " 企独浙绍总字第 002662 号 "]
)
def test_text_regno(raw: str) -> None:
    verdict = check_uscc(raw)
    assert (verdict.kind, verdict.valid) == ("reg_no_text", True)


@pytest.mark.parametrize(
    ("raw", "fragment"), [("9133010079965505", "少了 2 位"), ("9133010079965505888", "多了 1 位")]
)
def test_near_miss_length(raw: str, fragment: str) -> None:
    verdict = check_uscc(raw)
    assert verdict.kind == "unknown" and fragment in verdict.reason


def test_unrecognisable() -> None:
    assert check_uscc("12345").reason.startswith("无法识别「12345」")
    assert check_uscc("浙江某公司").kind == "unknown"


# --- resident ID --------------------------------------------------------------------------------

TODAY = date(2025, 6, 1)
GOOD_ID = "330302199001011235"


def test_id_valid_with_parts() -> None:
    verdict = check_id_number(GOOD_ID, today=TODAY)
    assert (verdict.kind, verdict.valid, verdict.code) == ("id_18", True, GOOD_ID)
    assert verdict.parts == {"地址码": "330302 浙江省温州市鹿城区", "出生日期": "1990-01-01", "性别": "男"}


def test_id_x_check_char_any_case() -> None:
    assert check_id_number("11010519491231002x", today=TODAY).valid
    assert check_id_number("11010519491231002x").code == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("330302199001011230", "校验位应为 5，实际为 0"),
        ("330302199013011230", "出生日期 19901301 不是有效日期"),
        ("330302203001011234", "晚于今天"),
        ("33030219900101123A", "第 18 位「A」不对"),
        ("3303021990010112", "身份证号应为 18 位（旧证 15 位），实际为 16 位"),
        ("330302199001011000", EXCEL_ZEROS),
        ("3.30302E+17", "Excel 的科学计数法"),
        ("", "没有填写身份证号"),
    ],
)
def test_id_invalid_reasons(raw: str, reason: str) -> None:
    verdict = check_id_number(raw, today=TODAY)
    assert not verdict.valid
    assert reason in verdict.reason


def test_id_15_is_valid_with_upgrade() -> None:
    verdict = check_id_number("110105491231002", today=TODAY)
    assert (verdict.kind, verdict.valid) == ("id_15", True)
    assert verdict.suggestion == "11010519491231002X"
    assert "11010519491231002X" in verdict.warnings[0]
    assert verdict.parts["性别"] == "女"


# --- phone --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "code"),
    [
        ("13812345678", "mobile", "13812345678"),
        ("+86 138-1234-5678", "mobile", "13812345678"),
        ("0086 13812345678", "mobile", "13812345678"),
        ("１３８ １２３４ ５６７８", "mobile", "13812345678"),
        ("0577-88881234", "landline", "0577-88881234"),
        ("(0577)88881234", "landline", "0577-88881234"),
        ("057788881234", "landline", "0577-88881234"),
        ("0577-88881234转123", "landline", "0577-88881234转123"),
        ("0577-88881234-123", "landline", "0577-88881234转123"),
        ("010 62345678 ext. 12", "landline", "010-62345678转12"),
        ("021-6234567", "landline", "021-6234567"),
    ],
)
def test_phone_valid(raw: str, kind: str, code: str) -> None:
    verdict = check_phone(raw)
    assert (verdict.valid, verdict.kind, verdict.code) == (True, kind, code)
    assert check_phones(raw) == verdict  # one number reads the same either way


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("13812345678/0577-88886666", "13812345678/0577-88886666"),
        ("13812345679；13812345670", "13812345679/13812345670"),
        ("13812345678，(0577)88886666", "13812345678/0577-88886666"),
        ("13812345678、0577 88886666", "13812345678/0577-88886666"),
        ("13812345678 0577-88886666", "13812345678/0577-88886666"),  # spaces between whole numbers
        ("13812345678、", "13812345678"),  # a separator left at the end
    ],
)
def test_several_numbers_in_one_cell(raw: str, code: str) -> None:
    """Registers often give a mobile and a landline in one cell: both are kept, joined with /."""
    verdict = check_phones(raw)
    assert (verdict.valid, verdict.code, verdict.raw) == (True, code, raw)


def test_a_bad_number_among_several_is_named() -> None:
    verdict = check_phones("13812345678/12345")
    assert not verdict.valid
    assert "「12345」" in verdict.reason and "手机号应为 11 位" in verdict.reason
    assert not check_phones("138 1234 567").valid  # spaces inside one short number do not make two numbers


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "没有填写电话号码"),
        ("1381234567", "手机号应为 11 位，实际为 10 位"),
        ("12812345678", "手机号第 2 位应为 3 至 9，实际为 2"),
        ("88881234", "固定电话缺少区号"),
        ("0577-8888", "固定电话应为 区号 + 7 至 8 位号码"),
        ("138一二三四5678", "含有无法识别的字符「一」"),
        ("400-800-1234", "不是手机号"),
    ],
)
def test_phone_invalid_reasons(raw: str, reason: str) -> None:
    verdict = check_phone(raw)
    assert not verdict.valid
    assert reason in verdict.reason


# --- masks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [(GOOD_ID, "330302********1235"), ("110105491231002", "110105*****1002"), ("1234", "****"), ("", "")],
)
def test_mask_id_number(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0577-88881234转12", "0577-****1234转12"),
        ("88881234", "****1234"),
        ("123", "***"),
        ("13812345678/0577-88881234", "138****5678/0577-****1234"),
    ],
)
def test_mask_phone(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


# --- properties ---------------------------------------------------------------------------------

uscc_bodies = st.text(alphabet=CHARSET, min_size=17, max_size=17)
digit_strings = st.text(alphabet="0123456789", min_size=14, max_size=14)


@given(uscc_bodies)
def test_any_body_with_computed_check_is_valid(body: str) -> None:
    verdict = check_uscc(body + uscc_check_char(body))
    assert (verdict.kind, verdict.valid) == ("uscc", True)
    assert set(verdict.parts) == {"登记管理部门", "机构类别", "登记管理机关行政区划", "主体标识码", "校验码"}


@given(uscc_bodies, st.integers(0, 17), st.integers(1, 30))
def test_changing_one_char_invalidates(body: str, position: int, shift: int) -> None:
    code = body + uscc_check_char(body)
    changed = CHARSET[(CHARSET.index(code[position]) + shift) % 31]
    mangled = code[:position] + changed + code[position + 1 :]
    assert not check_uscc(mangled).valid


@given(
    uscc_bodies,
    st.lists(st.sampled_from([" ", "-", "\u3000", "\t"]), min_size=18, max_size=18),
    st.booleans(),
)
def test_separators_and_case_do_not_matter(body: str, separators: list[str], lower: bool) -> None:
    code = body + uscc_check_char(body)
    typed = "".join(char + sep for char, sep in zip(code, separators, strict=True))
    assert normalise_code(typed.lower() if lower else typed) == code
    assert normalise_code(normalise_code(typed)) == normalise_code(typed)


@given(digit_strings)
def test_regno15_check_digit_round_trip(body: str) -> None:
    assert check_uscc(body + regno15_check_digit(body)).valid


@given(digit_strings, st.integers(0, 14), st.integers(1, 9))
def test_regno15_single_digit_change_invalidates(body: str, position: int, shift: int) -> None:
    code = body + regno15_check_digit(body)
    mangled = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1 :]
    assert not check_uscc(mangled).valid


@given(
    st.sampled_from(["330302", "110105", "440300"]),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)
def test_generated_id_numbers_validate(region: str, born: date, sequence: int) -> None:
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    number = body + id_check_char(body)
    assert check_id_number(number, today=TODAY).valid
    masked = mask_id_number(number)
    assert len(masked) == 18 and masked.endswith(number[-4:]) and masked.count("*") == 8


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_generated_mobiles_validate(second: str, rest: str) -> None:
    number = f"1{second}{rest}"
    assert check_phone(f"+86 {number}").code == number
    assert mask_phone(number) == f"{number[:3]}****{number[-4:]}"


@given(st.text(max_size=40))
def test_checks_never_raise(text: str) -> None:
    for verdict in (check_uscc(text), check_id_number(text, today=TODAY), check_phone(text)):
        assert isinstance(verdict.reason, str) and verdict.reason
    mask_id_number(text)
    mask_phone(text)


# --- the service behind `workbench code` --------------------------------------------------------


def test_describe_codes_is_json_ready() -> None:
    import json

    from workbench.services.codes import describe_codes

    described = describe_codes(["91330100799655O58B", "3303812901409"])
    assert json.loads(json.dumps(described, ensure_ascii=False)) == described
    assert [item["conclusion"] for item in described] == ["无效", "有效（旧注册号）"]
    assert described[0]["suggestion"] == "91330100799655058B"
    assert described[1]["kind_label"] == "13 位旧注册号"


def test_render_verdict_lines() -> None:
    from workbench.services.codes import render_verdict_lines

    lines = render_verdict_lines(check_uscc("92330183MA28MR5E8C"))
    assert lines[:3] == [
        "代码：92330183MA28MR5E8C（统一社会信用代码）",
        "结论：有效",
        "原因：字符和校验位均正确",
    ]
    assert lines[3].startswith("提示：登记机关区划码 330183")
    assert "机构类别：2 个体工商户" in lines
    suggested = render_verdict_lines(check_uscc("91330100799655O58B"))
    assert any(line.startswith("建议：91330100799655058B") for line in suggested)
