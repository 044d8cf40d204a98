"""经营数据 by hand: record, edit and delete a business's figures for one year, then reclassify it.

One row per business and year (year_figures has a unique (business_id, year)):
- recording a year that has a live row edits that row (version + 1), it never adds a second one;
- recording a year whose row was deleted (a tombstone, deleted_at set) brings that row back with the new
  figures (version + 1, deleted_at cleared): the unique key still holds it, and other machines learn of
  the return through the same uuid;
- deleting sets deleted_at (version + 1), never DELETE.
Every write logs its fields in change_log (entity "year_figures", the row's uuid) and marks the row's
source 手工录入. The business's tier and size class are recomputed in the same transaction
(figures_reclassify); the caller commits or rolls all of it back.

The checks (workbench.domain.figures) give one Chinese sentence per wrong field, all fields at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.tables import YearFigures
from workbench.domain.figures import (
    AMOUNT_FIELDS,
    FIGURE_LABELS,
    HEADCOUNT_FIELDS,
    MANUAL_SOURCE,
    AmountUnit,
    FigureError,
    parse_amount,
    parse_headcount,
    parse_year,
)
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.figures_reclassify import ClassificationChange, reclassify, standing_now
from workbench.services.register import get_business

FIGURE_FIELDS = (*AMOUNT_FIELDS, *HEADCOUNT_FIELDS)
ENTITY = "year_figures"
ACTION_WORDS = {"added": "已新增", "updated": "已修改", "revived": "已重新录入", "deleted": "已删除",
                "unchanged": "没有改动："}  # fmt: skip


@dataclass(frozen=True)
class FiguresEntry:
    """What a person typed: text (or numbers), blank for 未填; bare amounts are read in their unit."""

    year: object
    revenue: object = None
    tax_paid: object = None
    employees: object = None
    insured_staff: object = None
    revenue_unit: str = AmountUnit.YUAN
    tax_unit: str = AmountUnit.YUAN


@dataclass(frozen=True)
class FiguresOutcome:
    """What a write did to which year, and the classification before and after it."""

    year: int
    action: str  # added / updated / revived / deleted / unchanged
    figures_uuid: str
    classification: ClassificationChange

    @property
    def message(self) -> str:
        return f"{ACTION_WORDS[self.action]}{self.year}年度经营数据"


def clean_entry(entry: FiguresEntry, today: date) -> tuple[int, dict[str, int | None]]:
    """The year and the four figures in yuan and people, or ValidationFailed naming every wrong field."""
    errors: dict[str, str] = {}
    year = 0
    try:
        year = parse_year(entry.year, today)
    except FigureError as error:
        errors["year"] = error.message
    figures: dict[str, int | None] = {}
    units = {"revenue": entry.revenue_unit, "tax_paid": entry.tax_unit}
    for field in FIGURE_FIELDS:
        value, label = getattr(entry, field), FIGURE_LABELS[field]
        try:
            if field in units:
                figures[field] = parse_amount(value, units[field], label)
            else:
                figures[field] = parse_headcount(value, label)
        except FigureError as error:
            errors[field] = error.message
    if not errors and all(value is None for value in figures.values()):
        errors["revenue"] = "请至少填写一项：营业收入、纳税额、从业人员或参保人数"
    if errors:
        raise ValidationFailed(errors)
    return year, figures


def record_year_figures(
    session: Session, *, actor: Actor, business_uuid: str, entry: FiguresEntry,
    rules: LoadedRules[TierRules], today: date, row_uuid: str | None = None, base_version: int | None = None,
    source: str = MANUAL_SOURCE,
) -> FiguresOutcome:  # fmt: skip
    """Record a year's figures (a new year, the year's live row, or its deleted row brought back); with
    row_uuid, edit that row (its year cannot change) if nobody saved it since base_version."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    year, figures = clean_entry(entry, today)
    row: YearFigures | None
    if row_uuid is not None:
        row = _live_row(session, actor, business.id, row_uuid)
        if row.year != year:
            raise ValidationFailed({"year": "修改时不能改年度；年度填错了，请删除这一行后按正确的年度新增"})
    else:
        row = _row_of_year(session, business.id, year)
    before = standing_now(session, actor, business.id, rules, today)
    at = utc_now()
    if row is None:
        row = YearFigures.model_validate({"office_id": actor.office_id, "business_id": business.id, "year": year,
                                          "source": source, **figures, **stamp_values(actor, at)})  # fmt: skip
        session.add(row)
        session.flush()
        given = {field: (None, value) for field, value in figures.items() if value is not None}
        log_changes(session, actor, ENTITY, row.uuid, "create", {"year": (None, year), **given}, at)
        action = "added"
    else:
        action = _rewrite(session, actor, row, figures, source, base_version, at)
    change = reclassify(session, actor, business.id, before, rules, today)
    return FiguresOutcome(year, action, row.uuid, change)


def delete_year_figures(
    session: Session, *, actor: Actor, business_uuid: str, row_uuid: str, base_version: int,
    rules: LoadedRules[TierRules], today: date,
) -> FiguresOutcome:  # fmt: skip
    """Tombstone one year's row (deleted_at, version + 1) and reclassify the business."""
    business = get_business(session=session, actor=actor, business_uuid=business_uuid)
    assert business.id is not None
    row = _live_row(session, actor, business.id, row_uuid)
    before = standing_now(session, actor, business.id, rules, today)
    at = utc_now()
    _guarded(session, actor, row, base_version, {"deleted_at": at, "updated_at": at})
    log_changes(session, actor, ENTITY, row.uuid, "delete", {}, at)
    change = reclassify(session, actor, business.id, before, rules, today)
    return FiguresOutcome(row.year, "deleted", row.uuid, change)


def _rewrite(
    session: Session, actor: Actor, row: YearFigures, figures: dict[str, int | None], source: str,
    base_version: int | None, at: Any,
) -> str:  # fmt: skip
    """The year's existing row takes the new figures (blank clears a figure); a tombstone comes back."""
    diff: dict[str, tuple[Any, Any]] = {
        field: (getattr(row, field), value) for field, value in figures.items() if getattr(row, field) != value
    }
    revived = row.deleted_at is not None
    if revived:
        diff = {"deleted_at": (row.deleted_at, None), **diff}
    if not diff:
        return "unchanged"
    values = {field: new for field, (_old, new) in diff.items()}
    if row.source != source:
        diff["source"] = (row.source, source)
        values["source"] = source
    _guarded(session, actor, row, row.version if base_version is None else base_version,
             {**values, "updated_at": at})  # fmt: skip
    log_changes(session, actor, ENTITY, row.uuid, "update", diff, at)
    return "revived" if revived else "updated"


def _guarded(session: Session, actor: Actor, row: YearFigures, base_version: int, values: dict[str, Any]) -> None:
    assert row.id is not None
    try:
        guarded_update(session, YearFigures, row.id, base_version, values, actor)
    except VersionConflict:
        session.expire(row)
        who = row.updated_by or "其他终端"
        theirs = {field: getattr(row, field) for field in FIGURE_FIELDS}
        raise SaveConflict(
            f"{row.year}年度经营数据已被{who}在您打开之后修改（您的版本 {base_version}，当前版本 {row.version}），"
            "请关闭后重新打开再改", theirs, row.version,
        ) from None  # fmt: skip
    session.expire(row)


def _live_row(session: Session, actor: Actor, business_id: int, row_uuid: str) -> YearFigures:
    row = session.exec(
        select(YearFigures).where(
            col(YearFigures.uuid) == row_uuid,
            col(YearFigures.business_id) == business_id,
            col(YearFigures.office_id) == actor.office_id,
            col(YearFigures.deleted_at).is_(None),
        )
    ).first()
    if row is None:
        raise NotFound("这一年度的经营数据不存在或已被删除，请刷新（F5）后再试")
    return row


def _row_of_year(session: Session, business_id: int, year: int) -> YearFigures | None:
    """The year's row, live or a tombstone: the unique key holds either."""
    return session.exec(
        select(YearFigures).where(col(YearFigures.business_id) == business_id, col(YearFigures.year) == year)
    ).first()
