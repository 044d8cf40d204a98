"""Which business field a column holds: one synonym table for every register we receive."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.domain.business_fields import field_label

# Field -> the headers county systems and other departments use for it. Written as they appear;
# looked up after normalise_header, so full-width brackets, spaces and 「*」 marks do not matter.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "社会统一信用代码", "统一信用代码"),
    # One column holding either kind of code, split per row by its pattern (see imports.normalise).
    "code": ("注册号/统一社会信用代码", "统一社会信用代码/注册号", "统一社会信用代码（注册号）",
             "注册号（统一社会信用代码）", "信用代码/注册号", "注册号/信用代码", "代码"),
    "reg_no": ("注册号", "工商注册号", "营业执照注册号", "原注册号", "营业执照号"),
    "name": ("名称", "企业名称", "个体工商户名称", "字号名称", "主体名称", "市场主体名称", "字号", "商户名称",
             "单位名称", "个体户名称", "企业（字号）名称"),
    "operator": ("经营者", "经营者姓名", "法定代表人", "负责人", "投资人", "法定代表人（负责人）", "法人代表",
                 "法定代表人/负责人", "法定代表人姓名", "经营者/法定代表人", "业主", "负责人姓名"),
    "address": ("经营场所", "住所", "营业场所", "地址", "住所（经营场所）", "经营地址", "住所/经营场所",
                "注册地址", "经营场所/住所", "详细地址"),
    "registered_on": ("成立日期", "注册日期", "登记日期", "开业日期", "成立时间", "注册时间"),
    # Dates of status changes (issue 18): when the list says when a business left, came or was last approved.
    "deregistered_on": ("注销日期", "注销时间", "核准注销日期"),
    "revoked_on": ("吊销日期", "吊销时间"),
    "cancelled_on": ("撤销日期", "撤销时间", "撤销登记日期"),
    "moved_out_on": ("迁出日期", "迁出时间"),
    "moved_in_on": ("迁入日期", "迁入时间"),
    "approved_on": ("核准日期", "核准时间", "最近核准日期", "最后核准日期", "变更日期"),
    "status": ("登记状态", "经营状态", "状态", "企业状态", "主体状态"),
    "industry_code": ("行业代码", "国民经济行业代码", "行业门类代码", "行业分类代码"),
    # A name, a code or both in one cell ("5223 水果、蔬菜零售"); checked against the code column.
    "industry_name": ("所属行业", "行业", "行业名称", "行业门类", "国民经济行业", "行业分类"),
    "employees": ("从业人员", "从业人数", "雇工人数", "从业人员数", "员工人数", "职工人数"),
    "capital": ("资金数额", "注册资本", "注册资金", "出资额", "出资总额"),
    "phone": ("联系电话", "手机", "电话", "手机号码", "联系方式", "移动电话", "手机号", "经营者电话",
              "联系手机", "经营者联系电话"),
    "grid": ("所属网格", "片区", "网格", "所属片区", "网格名称"),
    # A county-wide list names the 市场监管所 each business belongs to: only this office's rows are imported
    # (imports.planner; a value that is no office's name is taken as a grid's).
    "supervising_unit": ("管辖单位", "管辖所", "监管单位", "所属监管所", "监管所", "管辖机关", "所属市场监管所",
                         "属地监管所", "监管机构", "所属所", "管辖分局"),
    "officer": ("包联干部", "责任人", "包联人", "联系干部", "包联责任人"),
    "composition": ("组成形式",),
    "registration_authority": ("登记机关", "登记机构"),
    "kind": ("主体类型", "市场主体类型", "企业类型", "类型"),
    "id_number": ("身份证号", "证件号码", "身份证号码", "经营者身份证号", "法定代表人证件号码", "身份证",
                  "经营者证件号码", "居民身份证号"),
}
# Columns that carry nothing to import and are not worth asking about.
# 错误原因: the column our own error workbook adds; a fixed error workbook comes back with it.
IGNORED_HEADERS = ("序号", "序", "编号", "行号", "错误原因")
IMPORT_LABELS = {
    "code": "统一社会信用代码/注册号", "industry_name": "行业名称", "grid": "所属网格", "officer": "包联干部",
    "registration_authority": "登记机关", "supervising_unit": "管辖单位（监管所）",
}

_MARKS = re.compile(r"[*※☆★]|[(\[【]?(?:必填项?|选填|非必填|必须填写|可选)[)\]】]?")
_BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_BRACKETS = re.compile(r"[(\[【)\]】]")
_SPACES = re.compile(r"\s+")
_TEN_THOUSANDS = re.compile(r"[(\[【](?:金额单位[:：]?|单位[:：]?)?(?:人民币)?万元?[)\]】]|万元")
_YUAN = re.compile(r"[(\[【](?:金额单位[:：]?|单位[:：]?)?(?:人民币)?元[)\]】]")
_LARGER_UNITS = ((re.compile(r"亿元"), 100_000_000), (re.compile(r"百万元"), 1_000_000))  # before 万元, which 百万元 holds
_THOUSANDS = re.compile(r"千元")
MONEY_UNITS = {"亿元": 100_000_000, "百万元": 1_000_000, "万元": 10_000, "千元": 1_000, "元": 1}
"""The units a money header or a title's 单位 may name, and the yuan each is."""
# 注册资本（万美元）: an amount in another currency cannot be stored as 元; the column is left out (and listed).
_FOREIGN_CURRENCY = re.compile(r"美元|港元|港币|澳门元|澳元|欧元|日元|英镑|外币")
IGNORE = ""  # a mapping value meaning "confirmed: do not import this column"


def normalise_header(text: object) -> str:
    """NFKC, no spaces or line breaks, no 「*」 or 「（必填）」 marks, no trailing colon."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    folded = _MARKS.sub("", _SPACES.sub("", folded))
    return folded.strip(":").replace("／", "/")


Matcher = Callable[[str], "str | None"]
"""Header text -> the field it names, IGNORE, or None: one per kind of list (imports.list_columns)."""


def lookup_table(synonyms: dict[str, tuple[str, ...]], ignored: tuple[str, ...]) -> dict[str, str]:
    """Normalised header -> field, for a synonym table and the headers it ignores."""
    table: dict[str, str] = {}
    for name, words in synonyms.items():
        for word in words:
            table[normalise_header(word)] = name
    for word in ignored:
        table[word] = IGNORE
    return table


def lookup(table: dict[str, str], key: str) -> str | None:
    """A normalised header in `table` as written, without its bracketed part (营业收入（万元）), or unbracketed."""
    for candidate in (key, _BRACKETED.sub("", key), _BRACKETS.sub("", key)):
        found = table.get(candidate)
        if found is not None:
            return found
    return None


_LOOKUP = lookup_table(SYNONYMS, IGNORED_HEADERS)


@lru_cache(maxsize=4096)
def match_header(text: str) -> str | None:
    """The field a header names, IGNORE for 序号-like columns, None when it is not in the table."""
    key = normalise_header(text)
    if not key:
        return None
    if "注册号" in key and "信用代码" in key:
        return "code"
    found = lookup(_LOOKUP, key)
    if found == "capital" and _FOREIGN_CURRENCY.search(key):
        return None
    return found


def header_unit(text: str) -> int:
    """The multiplier a money header declares (money_unit), 1 when it names none."""
    return money_unit(text) or 1


def money_unit(header: str) -> int | None:
    """The multiplier a money header names: 10000 for 注册资本（万元）, 1000 for 营业收入（千元）, 1 for （元）; 亿元 and 百万元
    too; None when it names no unit."""
    key = normalise_header(header)
    for pattern, unit in _LARGER_UNITS:
        if pattern.search(key):
            return unit
    if _TEN_THOUSANDS.search(key):
        return 10_000
    if _THOUSANDS.search(key):
        return 1_000
    return 1 if _YUAN.search(key) else None


def import_label(name: str) -> str:
    """The Chinese name of an import field, as the mapping step shows it."""
    return IMPORT_LABELS.get(name) or field_label(name)


@dataclass
class ColumnMapping:
    """Column index (0 is column A) -> field, with each column's header and money unit from the header."""

    headers: list[str]
    fields: dict[int, str] = field(default_factory=dict)
    units: dict[int, int] = field(default_factory=dict)
    ignored: set[int] = field(default_factory=set)

    def column_of(self, name: str) -> int | None:
        """The column holding a field, if any."""
        return next((index for index, mapped in self.fields.items() if mapped == name), None)

    def unmapped(self) -> list[int]:
        """Columns with a header that are neither mapped nor deliberately ignored."""
        return [index for index, header in enumerate(self.headers)
                if index not in self.fields and index not in self.ignored and header]


def auto_mapping(headers: list[str], keys: list[str] | None = None, confirmed: dict[str, str] | None = None,
                 confirmed_units: dict[str, int] | None = None, matcher: Matcher = match_header) -> ColumnMapping:
    """Map headers by a confirmed profile first (normalised header -> field), then by the synonym table.

    `keys` are the texts to match (for two-row headers, see imports.header); the first column for a
    field wins, a later one is left unmapped so it is shown rather than silently overwriting.
    """
    mapping = ColumnMapping(headers=list(headers))
    taken: set[str] = set()
    for index, key in enumerate(keys if keys is not None else headers):
        normalised = normalise_header(key)
        found = (confirmed or {}).get(normalised)
        unit = (confirmed_units or {}).get(normalised) if found is not None else None
        if found is None:
            found = matcher(key)
        if found == IGNORE:
            mapping.ignored.add(index)
        elif found is not None and found not in taken:
            taken.add(found)
            mapping.fields[index] = found
            mapping.units[index] = unit or header_unit(key)
    return mapping
