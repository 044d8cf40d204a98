"""Which field a column of a 经营数据 or 许可证 list holds, and the money unit a header or title declares.

The registration list's table is imports.columns.SYNONYMS; these are the lists other departments send:
tax and statistics offices (one row per business and year or quarter) and the licence systems (the
food-licence system's export). Headers are matched the same way (imports.columns.lookup: normalised,
with or without the bracketed unit), so 营业收入（万元） is 营业收入 in 万元.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from imports.columns import IGNORED_HEADERS, MONEY_UNITS, lookup, lookup_table, money_unit, normalise_header

FIGURE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "社会统一信用代码", "统一信用代码"),
    # A 纳税人识别号 equal to the credit code matches it; an old 15-digit 税号 only when it equals a stored code.
    "taxpayer_id": ("纳税人识别号", "税号", "纳税识别号", "纳税人识别号/统一社会信用代码",
                    "统一社会信用代码/纳税人识别号", "社会信用代码/纳税人识别号", "纳税人识别号（统一社会信用代码）",
                    "统一社会信用代码（纳税人识别号）", "识别号"),
    "name": ("名称", "纳税人名称", "企业名称", "单位名称", "个体工商户名称", "主体名称", "市场主体名称", "户名",
             "商户名称", "个体户名称", "单位详细名称"),
    "period": ("年度", "所属期", "所属年度", "年份", "税款所属期", "所属期间", "统计年度", "报告期", "所属时期",
               "属期", "数据期间", "季度"),
    # The tax system's two columns: 税款所属期起 2026-07-01, 税款所属期止 2026-09-30 (one period, imports.list_rows).
    "period_start": ("所属期起", "税款所属期起", "所属期起始", "所属期起始日期", "所属期开始日期", "税款所属期起始日期",
                     "所属时期起", "属期起", "所属日期起", "税款所属期自"),
    "period_end": ("所属期止", "税款所属期止", "所属期终止", "所属期终止日期", "所属期截止日期", "所属期结束日期",
                   "税款所属期止日期", "所属时期止", "属期止", "所属日期止", "税款所属期至"),
    "revenue": ("营业收入", "销售额", "应税销售收入", "主营业务收入", "销售收入", "营业收入合计", "应税收入",
                "销售额合计", "收入", "经营收入", "营业额", "计税依据", "计税销售额", "应税销售额"),
    "tax_paid": ("纳税额", "实缴税额", "税款合计", "已缴税额", "实缴税款", "纳税总额", "入库税款", "缴纳税款",
                 "税额合计", "实缴税金", "应纳税额"),
    "employees": ("从业人数", "从业人员", "从业人员数", "员工人数", "职工人数", "期末从业人数", "从业人员期末人数"),
    # The tax system's detail export: one row per tax of a business and period (增值税, 城市维护建设税 ...), added up.
    "tax_item": ("征收项目", "征收项目名称", "税种", "税种名称", "征收品目", "税目"),
    "insured_staff": ("参保人数", "社保缴纳人数", "社保人数", "参保职工人数", "缴纳社保人数", "参加社保人数"),
}
LICENSE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("许可证编号", "许可证号", "证书编号", "许可编号", "证号", "许可证书编号", "登记证编号"),
    "name": ("主体名称", "经营者名称", "企业名称", "单位名称", "名称", "生产者名称", "市场主体名称", "个体工商户名称"),
    "uscc": ("社会信用代码", "统一社会信用代码", "信用代码", "统一社会信用代码（身份证号码）",
             "社会信用代码（身份证号码）", "统一代码"),
    "place": ("经营场所", "住所", "生产地址", "经营地址", "地址", "营业场所", "经营场所/住所"),
    "issued_on": ("发证日期", "发证时间", "签发日期", "核发日期", "颁证日期"),
    "expires_on": ("有效期至", "有效截止日期", "截止日期", "有效期截止日期", "到期日期", "有效期止"),
    # One cell, either an end date or a range: 2021-05-01至2026-04-30 (workbench.domain.validity).
    "validity": ("有效期限", "有效期", "有效日期", "有效期起止"),
    # Not 主体业态 (a format: 餐饮服务经营者), which a food-licence export puts before its 经营项目: the first column
    # for a field wins, and 经营项目 is what the licence permits.
    "scope": ("许可项目", "经营项目", "经营范围", "许可范围", "食品类别", "许可事项"),
    "kind": ("许可证类型", "许可证种类", "证照类型", "许可类别", "证件类型", "许可证名称"),
}
FIGURE_LABELS = {
    "uscc": "统一社会信用代码", "taxpayer_id": "纳税人识别号", "name": "名称", "period": "年度/所属期",
    "period_start": "所属期起", "period_end": "所属期止", "tax_item": "征收项目",
    "revenue": "营业收入", "tax_paid": "纳税额", "employees": "从业人数", "insured_staff": "参保人数",
}
LICENSE_LABELS = {
    "number": "许可证编号", "name": "主体名称", "uscc": "社会信用代码", "place": "经营场所", "issued_on": "发证日期",
    "expires_on": "有效期至", "validity": "有效期限", "scope": "许可项目", "kind": "许可证类型",
}
MONEY_FIELDS = frozenset({"revenue", "tax_paid"})

_FIGURES = lookup_table(FIGURE_SYNONYMS, IGNORED_HEADERS)
_LICENSES = lookup_table(LICENSE_SYNONYMS, IGNORED_HEADERS)
_TITLE_UNIT = re.compile(r"(?:金额)?单位\s*[:：]?\s*(?:人民币)?\s*(亿元|百万元|万元|千元|元)")


@lru_cache(maxsize=1024)
def match_figure_header(text: str) -> str | None:
    """The field a 经营数据 header names, IGNORE for 序号-like columns, else None."""
    key = normalise_header(text)
    return lookup(_FIGURES, key) if key else None


@lru_cache(maxsize=1024)
def match_license_header(text: str) -> str | None:
    """The field a 许可证 header names, IGNORE for 序号-like columns, else None."""
    key = normalise_header(text)
    return lookup(_LICENSES, key) if key else None


declared_unit = money_unit  # a list's money header names its unit as the register's does (营业收入（万元）: 10000)


def title_unit(rows: Sequence[tuple[int, list[Any]]]) -> int | None:
    """The unit a title or note row above the header declares (金额单位：万元), or None."""
    for _number, cells in rows:
        for cell in cells:
            if isinstance(cell, str) and (found := _TITLE_UNIT.search(normalise_header(cell))) is not None:
                return MONEY_UNITS[found.group(1)]
    return None
