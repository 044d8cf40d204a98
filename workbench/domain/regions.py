"""Readable names and notes for the division code inside an identifier: current, 市辖区, historical or unknown."""

from __future__ import annotations

from workbench.domain import reference


def region_name(region: str) -> str:
    """A readable name for a registrar's division code, current, 市辖区, historical or 未知."""
    full_name = reference.division_full_name(region)
    if full_name:
        return full_name
    retired = reference.retired_division(region)
    if retired is not None:
        return f"{retired.name}（历史代码，{retired.start_year} 至 {retired.end_year} 年）"
    prefecture = _prefecture_of_city_district(region)
    return f"{prefecture} 市辖区/市本级" if prefecture else "未知"


def _prefecture_of_city_district(region: str) -> str | None:
    # xxxx01 is the 市辖区 line every prefecture-level city keeps; the city's own bureau registers under it.
    if not region.endswith("01"):
        return None
    prefecture = reference.divisions().get(region[:4] + "00")
    return reference.division_full_name(prefecture.code) if prefecture and prefecture.level == 2 else None


def region_warning(region: str) -> str | None:
    """A note when a registrar's division code is historical or unknown; None when it is current."""
    if reference.division_full_name(region) is not None:
        return None
    retired = reference.retired_division(region)
    if retired is not None:
        return (
            f"登记机关区划码 {region} 已于{retired.end_year}年撤销/变更（原{retired.name}），"
            f"属于历史代码{_successors(retired.successor_codes)}"
        )
    if _prefecture_of_city_district(region):
        return None
    return f"登记机关区划码 {region} 不在行政区划表中，无法确定登记机关"


def _successors(codes: tuple[str, ...]) -> str:
    named = [f"{code} {reference.division_name(code)}" for code in codes if reference.division_name(code)]
    return f"；现为 {'、'.join(named)}" if named else ""
