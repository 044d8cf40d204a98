"""Size class 大型/中型/小型/微型 by the 中小企业划型标准 (docs/rules.md §2), with a reason per indicator.

Each indicator the industry's row uses gives a class on its own; the lowest wins ("大型、中型和小型企业须
同时满足所列指标的下限，否则下划一档；微型企业只须满足所列指标中的一项即可"). Indicators the row does not use
are ignored and said so. Households are classed by the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from workbench.domain.reference import industry_ancestors, industry_codes
from workbench.domain.size_table import SIZE_ROWS, TABLE_SOURCE, Bounds, Indicator, SizeRow


class SizeClass(StrEnum):
    """The four classes, largest first."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """3 for 大型 down to 0 for 微型: a smaller rank is a smaller class."""
        return _RANKS[self]


_LABELS = {
    SizeClass.LARGE: "大型",
    SizeClass.MEDIUM: "中型",
    SizeClass.SMALL: "小型",
    SizeClass.MICRO: "微型",
}
_RANKS = {SizeClass.LARGE: 3, SizeClass.MEDIUM: 2, SizeClass.SMALL: 1, SizeClass.MICRO: 0}


@dataclass(frozen=True)
class IndicatorReason:
    """What one indicator says: its value, the class it alone gives, and why in Chinese."""

    indicator: Indicator
    value: float
    size_class: SizeClass
    text: str


@dataclass(frozen=True)
class SizeVerdict:
    """The class (None when it cannot be told), the row used and the reason for each indicator."""

    size_class: SizeClass | None
    row: SizeRow | None
    reasons: tuple[IndicatorReason, ...]
    notes: tuple[str, ...]
    source: str = TABLE_SOURCE

    @property
    def explanation(self) -> str:
        """One line: "小型：从业人员25人 ≥ 小型下限20人；…"."""
        head = self.size_class.label if self.size_class else "无法划型"
        parts = [reason.text for reason in self.reasons] + list(self.notes)
        return f"{head}：{'；'.join(parts)}" if parts else head


def format_amount(value: float) -> str:
    """48 -> "48", 48.5 -> "48.5", 40000 -> "40,000": no exponent, thousands separated."""
    if type(value) is int:  # the common case (yuan, people), as float(value).is_integer() would print it
        return f"{value:,}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=4096)
def size_row_for(industry_code: str | None, version: str = "2017") -> SizeRow | None:
    """The table row for an industry code (walking its GB/T 4754 parents), or None when not covered."""
    if not industry_code:
        return None
    code = industry_code.strip().upper()
    if version not in ("2017", "2011") or code not in industry_codes(version):
        return None
    chain = {industry.code for industry in industry_ancestors(code, version)} | {code}
    return next((row for row in SIZE_ROWS if chain.intersection(row.codes)), None)


def classify_size(
    industry_code: str | None,
    *,
    employees: float | None = None,
    revenue_wan: float | None = None,
    assets_wan: float | None = None,
    version: str = "2017",
) -> SizeVerdict:
    """The size class of a business of this industry with these indicators (revenue and assets in 万元)."""
    return _classify_size(industry_code, employees, revenue_wan, assets_wan, version)


@lru_cache(maxsize=1 << 16)
def _classify_size(
    industry_code: str | None,
    employees: float | None,
    revenue_wan: float | None,
    assets_wan: float | None,
    version: str,
) -> SizeVerdict:
    """Cached: a recompute meets the same code and figures many times (verdicts are immutable)."""
    row = size_row_for(industry_code, version)
    if row is None:
        return SizeVerdict(None, None, (), (_not_covered(industry_code, version),))
    given = {Indicator.EMPLOYEES: employees, Indicator.REVENUE: revenue_wan, Indicator.ASSETS: assets_wan}
    reasons: list[IndicatorReason] = []
    notes: list[str] = []
    missing = False
    for bounds in row.bounds:
        value = given.pop(bounds.indicator)
        if value is None:
            missing = True
            notes.append(f"缺少{bounds.indicator.label}")
        else:
            reasons.append(_reason(bounds, float(value)))
    notes += [
        f"{row.name}不看{indicator.label}，已忽略" for indicator, value in given.items() if value is not None
    ]
    if not reasons:
        return SizeVerdict(None, row, (), tuple(notes))
    lowest = min((reason.size_class for reason in reasons), key=_RANKS.__getitem__)
    if missing and lowest is not SizeClass.MICRO:  # 微型 is the lowest class: nothing missing can lower it
        notes.append("按已有指标测算，补齐后可能更低")
    elif missing:
        notes.append(_MICRO_MISSING)
    return SizeVerdict(lowest, row, tuple(reasons), tuple(notes))


class SizeJudge:
    """classify_size for one industry code and version, asked for many businesses (a recompute): the same
    class and explanation (tests/test_size_class.py compares them over a grid), without building a
    SizeVerdict, its reasons and a cache key of five values for each business. Keeps each indicator's
    reasons by value; a recompute makes one judge per distinct (code, version)."""

    _LIMIT = 50_000  # reasons kept per indicator before the judge forgets them

    def __init__(self, industry_code: str | None, version: str = "2017") -> None:
        row = size_row_for(industry_code, version)
        self.fixed: tuple[SizeClass | None, str] | None = None
        if row is None:
            self.fixed = (None, SizeVerdict(None, None, (), (_not_covered(industry_code, version),)).explanation)
            row_bounds: tuple[Bounds, ...] = ()
        else:
            row_bounds = row.bounds
        used = {bounds.indicator for bounds in row_bounds}
        self._bounds = tuple((bounds, _INDICATOR_ORDER.index(bounds.indicator)) for bounds in row_bounds)
        self._missing = tuple(f"缺少{bounds.indicator.label}" for bounds in row_bounds)
        name = row.name if row is not None else ""
        self._ignored = tuple(
            (position, f"{name}不看{indicator.label}，已忽略")
            for position, indicator in enumerate(_INDICATOR_ORDER)
            if indicator not in used
        )  # fmt: skip
        self._reasons: tuple[dict[float, tuple[int, SizeClass, str]], ...] = tuple({} for _ in row_bounds)

    def judge(
        self, employees: float | None, revenue_wan: float | None, assets_wan: float | None = None
    ) -> tuple[SizeClass | None, str]:
        """(the class or None, the explanation) exactly as classify_size(...) gives them."""
        if self.fixed is not None:
            return self.fixed
        given = (employees, revenue_wan, assets_wan)
        texts: list[str] = []
        notes: list[str] = []
        lowest: SizeClass | None = None
        lowest_rank = 4
        for index, (bounds, position) in enumerate(self._bounds):
            value = given[position]
            if value is None:
                notes.append(self._missing[index])
                continue
            kept = self._reasons[index]
            found = kept.get(value)
            if found is None:
                reason = _reason(bounds, float(value))
                found = (_RANKS[reason.size_class], reason.size_class, reason.text)
                if len(kept) >= self._LIMIT:
                    kept.clear()
                kept[value] = found
            texts.append(found[2])
            if found[0] < lowest_rank:
                lowest_rank, lowest = found[0], found[1]
        missing = bool(notes)
        for position, note in self._ignored:
            if given[position] is not None:
                notes.append(note)
        if lowest is None:
            return None, f"无法划型：{'；'.join(notes)}" if notes else "无法划型"
        if missing:
            notes.append("按已有指标测算，补齐后可能更低" if lowest is not SizeClass.MICRO else _MICRO_MISSING)
        return lowest, f"{_LABELS[lowest]}：{'；'.join(texts + notes)}"


_INDICATOR_ORDER = (Indicator.EMPLOYEES, Indicator.REVENUE, Indicator.ASSETS)  # as classify_size's notes
_MICRO_MISSING = "已属最低的微型，补齐缺少的指标也不会改变"


def size_class_from_bounds(bounds: Bounds, value: float) -> SizeClass:
    """The class one indicator gives: lower bounds inclusive, so exactly on a bound is the upper class."""
    if value >= bounds.large:
        return SizeClass.LARGE
    if value >= bounds.medium:
        return SizeClass.MEDIUM
    if value >= bounds.small:
        return SizeClass.SMALL
    return SizeClass.MICRO


@lru_cache(maxsize=1 << 16)
def _reason(bounds: Bounds, value: float) -> IndicatorReason:
    """Cached: employee counts (and many revenues) repeat across a whole office."""
    found = size_class_from_bounds(bounds, value)
    name, unit = bounds.indicator.label, bounds.indicator.unit
    shown = f"{name}{format_amount(value)}{unit}"
    if found is SizeClass.LARGE:
        text = f"{shown} ≥ 大型下限{format_amount(bounds.large)}{unit}"
    elif found is SizeClass.MICRO:
        text = f"{shown} < 小型下限{format_amount(bounds.small)}{unit}，属微型"
    else:
        low, high = (
            (bounds.medium, bounds.large) if found is SizeClass.MEDIUM else (bounds.small, bounds.medium)
        )
        upper = "大型" if found is SizeClass.MEDIUM else "中型"
        text = (
            f"{shown} ≥ {found.label}下限{format_amount(low)}{unit}、"
            f"< {upper}下限{format_amount(high)}{unit}，属{found.label}"
        )
    return IndicatorReason(bounds.indicator, value, found, text)


def _not_covered(industry_code: str | None, version: str) -> str:
    if not industry_code:
        return "没有行业代码"
    code = industry_code.strip().upper()
    if version not in ("2017", "2011") or code not in industry_codes(version):
        return f"行业代码「{industry_code}」不在 GB/T 4754-{version} 中"
    return f"行业「{code}」不在中小企业划型标准的行业范围内（如铁路、金融、教育、公共管理）"
