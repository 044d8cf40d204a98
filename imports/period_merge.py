"""The quarters and months of a 经营数据 list merged with those already stored (issue 15, migration 0023).

A tax office sends a 季度 list at a time: the third quarter in October, a late second quarter after it. Each
run of months a list gives for a business's year is kept as a period_figures row, so a later list adds its
months to the earlier ones instead of replacing them. The same run of months again is compared with what is
stored (unchanged, or an update logged per field). A run that covers stored ones whole replaces them: a 本年累计
list (1-9月 after 1-6月), or a quarter after its months; they are retired (a tombstone, logged) and brought back
if the same run of months comes again. A run that overlaps a stored one only in part, or lies inside it (8月
against a stored 第三季度), cannot be told from a double count and is refused, naming the row and the stored
period.

The year's own figures (year_figures, which classification, candidates and the report read) are made from
the periods, revenue and tax summed and headcounts from the latest period, only when they say something about
the whole year: the periods cover all twelve months, or the year has ended (a business that opened or closed
in the year, or whose quiet quarters the tax office left out, has no more months to come). A running year's
first quarters stay periods: three months of takings are not a year's, and must not classify a business.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, Protocol

from imports.code_lookup import IN_LIMIT
from workbench.domain.figure_periods import Period, missing_months

FIGURE_FIELDS = ("revenue", "tax_paid", "employees", "insured_staff")
SUMMED = frozenset({"revenue", "tax_paid"})  # headcounts are not summed: the latest period's stands
_PERIODS = ("SELECT id, uuid, version, business_id, year, first_month, last_month, revenue, tax_paid, employees, "
            "insured_staff, deleted_at FROM period_figures WHERE business_id IN ({marks})")  # fmt: skip


class StoredPeriod(NamedTuple):
    id: int
    uuid: str
    version: int
    business_id: int
    year: int
    first_month: int
    last_month: int
    revenue: int | None
    tax_paid: int | None
    employees: int | None
    insured_staff: int | None
    deleted_at: Any = None

    @property
    def period(self) -> Period:
        return Period(self.year, self.first_month, self.last_month)

    @property
    def figures(self) -> tuple[int | None, ...]:
        """revenue, tax_paid, employees, insured_staff (FIGURE_FIELDS' order)."""
        return (self.revenue, self.tax_paid, self.employees, self.insured_staff)


class FilePart(Protocol):
    """A row of the list for one business's year: its Excel row, its period, its figures (FIGURE_FIELDS)."""

    @property
    def row_number(self) -> int: ...

    @property
    def period(self) -> Period: ...

    @property
    def values(self) -> tuple[int | None, ...]: ...


@dataclass(slots=True)
class NewPeriod:
    business_id: int
    year: int
    first_month: int
    last_month: int
    values: tuple[int | None, ...]
    row_number: int


@dataclass(slots=True)
class ChangedPeriod:
    period_id: int
    uuid: str
    base_version: int
    diff: dict[str, tuple[Any, Any]]
    revived: bool = False  # a run of months retired before, given again: brought back with the list's figures


@dataclass
class MergedYear:
    """What one business's year gets from the list's periods and the stored ones."""

    new: list[NewPeriod] = field(default_factory=list)
    changed: list[ChangedPeriod] = field(default_factory=list)
    unchanged: int = 0
    refused: list[tuple[Any, Period]] = field(default_factory=list)
    """(the file's part, the stored period it overlaps)"""
    retired: list[StoredPeriod] = field(default_factory=list)
    """Stored periods a longer run of the list covers whole (本年累计): tombstoned."""
    figures: tuple[int | None, ...] | None = None
    """The year's figures made from all its periods, or None while they stay periods only."""
    missing: list[int] = field(default_factory=list)
    """Months of the year no period covers (stored or in the list)."""


def stored_periods(cursor: Any, mark: str, business_ids: Iterable[int]) -> dict[tuple[int, int], list[StoredPeriod]]:
    """(business id, year) -> its stored periods, retired ones too, for these businesses; on the DB-API cursor."""
    found: dict[tuple[int, int], list[StoredPeriod]] = {}
    ids = sorted(set(business_ids))
    for start in range(0, len(ids), IN_LIMIT):
        part = ids[start : start + IN_LIMIT]
        cursor.execute(_PERIODS.format(marks=", ".join([mark] * len(part))), part)
        for row in cursor.fetchall():
            found.setdefault((row[3], row[4]), []).append(StoredPeriod(*row))
    return found


def merge_year(business_id: int, year: int, parts: Sequence[FilePart], stored: Sequence[StoredPeriod],
               today: date) -> MergedYear:  # fmt: skip
    """The list's periods of one business's year against its stored ones (the list's own do not overlap)."""
    merged = MergedYear()
    live = {(item.first_month, item.last_month): item for item in stored if item.deleted_at is None}
    retired = {(item.first_month, item.last_month): item for item in stored if item.deleted_at is not None}
    kept: dict[tuple[int, int], tuple[int | None, ...]] = {key: item.figures for key, item in live.items()}
    for part in parts:
        months = (part.period.first_month, part.period.last_month)
        same = live.get(months)
        if same is not None:
            kept[months] = _compare(merged, same, part.values)
            continue
        touched = [item for item in live.values() if _overlap(item.period, part.period)]
        clash = next((item.period for item in touched if not _covers(part.period, item.period)), None)
        if clash is not None:
            merged.refused.append((part, clash))
            continue
        for item in touched:  # shorter runs this one covers whole: a 本年累计, or a quarter after its months
            merged.retired.append(item)
            del live[(item.first_month, item.last_month)], kept[(item.first_month, item.last_month)]
        back = retired.get(months)
        if back is not None:
            merged.changed.append(ChangedPeriod(back.id, back.uuid, back.version, _diff(part.values, back),
                                                revived=True))  # fmt: skip
        else:
            merged.new.append(NewPeriod(business_id, year, *months, part.values, part.row_number))
        kept[months] = part.values
    periods = [Period(year, first, last) for first, last in kept]
    merged.missing = missing_months(periods)
    if not merged.missing or year < today.year:
        merged.figures = year_values([(Period(year, *months), values) for months, values in kept.items()])
    return merged


def _compare(merged: MergedYear, same: StoredPeriod, values: tuple[int | None, ...]) -> tuple[int | None, ...]:
    """The same run of months again: unchanged, or changed in the fields the list has; the figures it keeps."""
    diff = _diff(values, same)
    if not diff:
        merged.unchanged += 1
        return same.figures
    merged.changed.append(ChangedPeriod(same.id, same.uuid, same.version, diff))
    return tuple(new if new is not None else old for new, old in zip(values, same.figures, strict=True))


def _diff(values: tuple[int | None, ...], stored: StoredPeriod) -> dict[str, tuple[Any, Any]]:
    """The fields the list has (not None) that differ from the stored period's: name -> (old, new)."""
    return {name: (old, new) for name, new, old in zip(FIGURE_FIELDS, values, stored.figures, strict=True)
            if new is not None and new != old}  # fmt: skip


def year_values(periods: Sequence[tuple[Period, tuple[int | None, ...]]]) -> tuple[int | None, ...]:
    """A year's figures (FIGURE_FIELDS' order) from its periods: revenue and tax summed, headcounts from the
    latest period; None for a field no period has."""
    if len(periods) == 1:
        return periods[0][1]
    values: list[int | None] = [None] * len(FIGURE_FIELDS)
    latest = sorted(periods, key=lambda item: item[0].last_month)
    for index, name in enumerate(FIGURE_FIELDS):
        present = [value for _period, figures in latest if (value := figures[index]) is not None]
        if present:
            values[index] = sum(present) if name in SUMMED else present[-1]
    return tuple(values)


def _overlap(one: Period, other: Period) -> bool:
    return one.first_month <= other.last_month and other.first_month <= one.last_month


def _covers(longer: Period, shorter: Period) -> bool:
    return longer.first_month <= shorter.first_month and shorter.last_month <= longer.last_month
