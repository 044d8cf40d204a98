"""Reference tables shipped in workbench/data: divisions (GB/T 2260), industries (GB/T 4754), Wenzhou units."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal, cast

IndustryVersion = Literal["2017", "2011"]


@dataclass(frozen=True)
class Division:
    """One current administrative division."""

    code: str
    name: str
    level: int
    parent: str | None


@dataclass(frozen=True)
class HistoricalDivision:
    """One period in which a division code carried a name; end_year is None while it still does."""

    code: str
    name: str
    start_year: int
    end_year: int | None
    successor_codes: tuple[str, ...]
    parent: str | None


@dataclass(frozen=True)
class Industry:
    """One GB/T 4754 entry: section letter (level 1) down to 4-digit class (level 4)."""

    code: str
    name: str
    level: int
    parent: str | None
    in_2017: bool | None = None


@dataclass(frozen=True)
class Township:
    """A Wenzhou township or street (NBS 2022 statistical division code)."""

    code: str
    name: str
    county_code: str


@dataclass(frozen=True)
class SupervisionUnit:
    """A Wenzhou supervising unit (所/分局) under its registration authority, as seen in 2017 data."""

    registration_authority: str
    supervising_unit: str
    rows_in_2017_sample: int


def _rows(filename: str) -> Iterator[dict[str, str]]:
    text = (resources.files("workbench") / "data" / filename).read_text(encoding="utf-8-sig")
    yield from csv.DictReader(io.StringIO(text))


@cache
def divisions() -> Mapping[str, Division]:
    """Current divisions by code (read-only: the table is cached for everyone)."""
    return MappingProxyType(
        {
            row["code"]: Division(row["code"], row["name"], int(row["level"]), row["parent"] or None)
            for row in _rows("admin_divisions.csv")
        }
    )


@cache
def division_history() -> Mapping[str, tuple[HistoricalDivision, ...]]:
    """Every period of every code since 1980, oldest first; a code may have several."""
    periods: dict[str, list[HistoricalDivision]] = {}
    for row in _rows("admin_divisions_history.csv"):
        periods.setdefault(row["code"], []).append(_historical(row))
    return MappingProxyType(
        {code: tuple(sorted(found, key=lambda p: p.start_year)) for code, found in periods.items()}
    )


def _historical(row: dict[str, str]) -> HistoricalDivision:
    return HistoricalDivision(
        code=row["code"],
        name=row["name"],
        start_year=int(row["start_year"]),
        end_year=int(row["end_year"]) if row["end_year"] else None,
        successor_codes=tuple(code for code in row["successor_codes"].split(";") if code),
        parent=row["parent"] or None,
    )


def division_name(code: str) -> str | None:
    """The current name of a division code, or None when it is not current."""
    division = divisions().get(code)
    return division.name if division else None


@cache
def division_full_name(code: str) -> str | None:
    """Province, prefecture and county names joined, e.g. 浙江省温州市鹿城区; None when not current."""
    names: list[str] = []
    division = divisions().get(code)
    while division is not None:
        names.append(division.name)
        division = divisions().get(division.parent) if division.parent else None
    return "".join(reversed(names)) or None


def retired_division(code: str) -> HistoricalDivision | None:
    """The most recently ended period of a code that is no longer current, if any."""
    if code in divisions():
        return None
    ended = [period for period in division_history().get(code, ()) if period.end_year is not None]
    return max(ended, key=lambda period: period.end_year or 0, default=None)


def _check_version(version: str) -> IndustryVersion:
    if version not in ("2017", "2011"):
        raise ValueError(f"GB/T 4754 version must be 2017 or 2011, not {version!r}")
    return cast(IndustryVersion, version)


@cache
def _industries(version: IndustryVersion) -> Mapping[str, Industry]:
    if version == "2017":
        return MappingProxyType({row["code"]: _industry_2017(row) for row in _rows("gbt4754_2017.csv")})
    return MappingProxyType(_industries_2011())


def _industry_2017(row: dict[str, str]) -> Industry:
    return Industry(row["code"], row["name"], int(row["level"]), row["parent"] or None)


def _industries_2011() -> dict[str, Industry]:
    # The 2011 file has no level or parent: a section letter heads the rows that follow it, and a
    # class whose group has the same name (0170) is listed without that group, so look for the
    # longest listed prefix instead of cutting the code one digit shorter.
    found: dict[str, Industry] = {}
    section: str | None = None
    for row in _rows("gbt4754_2011_codes.csv"):
        code = row["code"]
        if code.isalpha():
            section = code
            parent = None
        else:
            parent = _listed_prefix(code, found) or section
        found[code] = Industry(code, row["name"], _industry_level(code), parent, row["in_2017"] == "Y")
    return found


def _industry_level(code: str) -> int:
    return 1 if code.isalpha() else len(code)


def _listed_prefix(code: str, listed: Mapping[str, Industry]) -> str | None:
    for length in range(len(code) - 1, 1, -1):
        if code[:length] in listed:
            return code[:length]
    return None


def industry_codes(version: str = "2017") -> Mapping[str, Industry]:
    """GB/T 4754 entries by code, in the standard's order, for version 2017 or 2011."""
    return _industries(_check_version(version))


def industry_name(code: str, version: str = "2017") -> str | None:
    """The name of an industry code, or None when the version does not list it."""
    industry = industry_codes(version).get(code.strip().upper())
    return industry.name if industry else None


def industry_ancestors(code: str, version: str = "2017") -> tuple[Industry, ...]:
    """The entries above a code, section letter first; empty for a section or an unknown code."""
    listed = industry_codes(version)
    chain: list[Industry] = []
    current = listed.get(code.strip().upper())
    while current is not None and current.parent is not None:
        current = listed.get(current.parent)
        if current is not None:
            chain.append(current)
    return tuple(reversed(chain))


@cache
def wenzhou_townships() -> tuple[Township, ...]:
    """Wenzhou townships and streets with their county code (NBS 2022)."""
    rows = _rows("wenzhou_townships_nbs2022.csv")
    return tuple(Township(row["code"], row["name"], row["county_code"]) for row in rows)


@cache
def wenzhou_supervision_units() -> tuple[SupervisionUnit, ...]:
    """Wenzhou supervising units by registration authority, as found in the 2017 registration sample."""
    return tuple(
        SupervisionUnit(
            row["registration_authority"], row["supervising_unit"], int(row["rows_in_2017_sample"])
        )
        for row in _rows("wenzhou_supervision_units_2017.csv")
    )
