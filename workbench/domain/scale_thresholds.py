"""规模以上 / 限额以上 thresholds by industry (docs/rules.md §3), as data with their source.

An industry is matched through its GB/T 4754-2017 parent chain (the code itself first, then its
ancestors from the most specific up), never by slicing the code string.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from workbench.domain.reference import industry_ancestors, industry_codes

SOURCE = "国家统计局「四上」单位标准（docs/rules.md §3，据各地统计局转载）"
WAN = 10_000


@dataclass(frozen=True)
class ScaleThreshold:
    """One 规上/限上 category: the yearly revenue (yuan) that makes a legal-person unit count, or None
    where the test is not money (建筑业 needs a license, 房地产开发 counts every unit that operates)."""

    category: str
    revenue: int | None
    note: str = ""


_INDUSTRY = ScaleThreshold("规模以上工业", 2000 * WAN)
_SERVICES_2000 = ScaleThreshold("规模以上服务业（营业收入2000万元）", 2000 * WAN)
_SERVICES_1000 = ScaleThreshold("规模以上服务业（营业收入1000万元）", 1000 * WAN)
_SERVICES_500 = ScaleThreshold("规模以上服务业（营业收入500万元）", 500 * WAN)

SCALE_THRESHOLDS: dict[str, ScaleThreshold] = {
    "B": _INDUSTRY,
    "C": _INDUSTRY,
    "D": _INDUSTRY,
    "E": ScaleThreshold("有资质的建筑业", None, "以是否有总承包、专业承包资质为准，不按收入"),
    "51": ScaleThreshold("限额以上批发业", 2000 * WAN),
    "52": ScaleThreshold("限额以上零售业", 500 * WAN),
    "61": ScaleThreshold("限额以上住宿业", 200 * WAN),
    "62": ScaleThreshold("限额以上餐饮业", 200 * WAN),
    "7010": ScaleThreshold("房地产开发经营业", None, "有开发经营活动的房地产开发法人单位全部纳入，不按收入"),
    "G": _SERVICES_2000,
    "I": _SERVICES_2000,
    "N": _SERVICES_2000,
    "84": _SERVICES_2000,
    "L": _SERVICES_1000,
    "M": _SERVICES_1000,
    "P": _SERVICES_1000,
    "7020": _SERVICES_1000,
    "7030": _SERVICES_1000,
    "7040": _SERVICES_1000,
    "7090": _SERVICES_1000,
    "O": _SERVICES_500,
    "R": _SERVICES_500,
    "85": _SERVICES_500,
}
"""Keyed by the GB/T 4754-2017 code at which the rule applies (section letter, division or class)."""


@cache  # the 上规上限 count asks once per enterprise (42,000 at 1,000,000 businesses), for a few hundred codes
def scale_threshold_for(industry_code: str | None) -> ScaleThreshold | None:
    """The category an industry falls in (most specific listed code wins), or None when none applies."""
    if not industry_code:
        return None
    code = industry_code.strip().upper()
    if code not in industry_codes("2017"):
        return None
    chain = [code, *(entry.code for entry in reversed(industry_ancestors(code)))]
    for entry in chain:
        if entry in SCALE_THRESHOLDS:
            return SCALE_THRESHOLDS[entry]
    return None
