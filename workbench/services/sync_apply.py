"""Apply a return package (回传包) at the office in one transaction: all of it or, on any error, none of it.

The plan (workbench.services.sync_plan) decides per row; this writes it: inserts with the laptop's uuid,
updates guarded by the version read for the plan (a save made meanwhile fails the whole package, which can
be applied again), versions bumped, tombstones for deletions, one change-log row per field with the laptop's
officer, time and device, the conflicts and merge offers a person decides later (sync_review), and the
package's record, whose unique package id makes a second import change nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.search import search_fields
from storage.tables_sync import SyncConflict, SyncPackageApplied
from workbench.domain.business_fields import SEARCH_SOURCES
from workbench.domain.sync_model import REFERENCE_FIELDS, ReturnPackage, RowChange
from workbench.services.sync_lookups import OfficeRows
from workbench.services.sync_plan import PackageRefused, RowPlan, SyncPlan, plan_package
from workbench.services.sync_tables import MODELS, as_json

SHOWN_ERRORS = 8  # a refusal names this many bad values; the dry run lists them all


@dataclass(frozen=True)
class ApplyResult:
    package_id: str
    already_applied: bool
    counts: dict[str, int]
    message: str


def apply_package(session: Session, actor: Actor, package: ReturnPackage) -> ApplyResult:
    """Write the package in the caller's transaction (the caller commits); PackageRefused when it must not be
    applied. Nothing is written before every row has been planned without error."""
    plan = plan_package(session, actor, package)
    manifest = plan.manifest
    if plan.applied_before is not None:
        return ApplyResult(manifest.package_id, True, {}, plan.summary())
    if plan.errors:
        more = f"（另有 {len(plan.errors) - SHOWN_ERRORS} 处）" if len(plan.errors) > SHOWN_ERRORS else ""
        raise PackageRefused(
            f"回传包有 {len(plan.errors)} 处数据有误，整包未导入：" + "；".join(plan.errors[:SHOWN_ERRORS]) + more
        )
    writer = _Writer(session, actor, plan)
    for row in plan.rows:
        writer.write(row)
    counts = dict(plan.counts())
    conflicts = sum(len(row.conflicts) for row in plan.rows)
    at = utc_now()
    session.add(
        SyncPackageApplied(
            office_id=actor.office_id,
            package_id=manifest.package_id,
            officer=manifest.officer[:64],
            source_device=manifest.device[:64],
            created_at=manifest.created_at[:32],
            applied_at=at,
            applied_by=actor.who,
            rows=len(package.changes),
            inserted=counts.get("insert", 0),
            updated=counts.get("apply", 0) + counts.get("merge", 0) + counts.get("conflict", 0),
            unchanged=counts.get("same", 0),
            deleted=counts.get("delete", 0),
            conflicts=conflicts,
            merge_offers=counts.get("offer", 0),
            **stamp_values(actor, at),
        )
    )
    message = plan.summary().replace("的回传包共", "的回传包已导入，共")
    log_changes(session, actor, "sync_package", manifest.package_id, "import", {"": (None, message)}, at)
    session.flush()
    return ApplyResult(manifest.package_id, False, counts, message)


class _Writer:
    def __init__(self, session: Session, actor: Actor, plan: SyncPlan) -> None:
        assert plan.office is not None
        self.session = session
        self.actor = actor
        self.plan = plan
        self.office: OfficeRows = plan.office
        self.ids = self.office.id_by_uuid  # grows with every row inserted

    def write(self, row: RowPlan) -> None:
        change = row.change
        laptop = Actor(
            who=(change.changed_by or self.plan.manifest.officer)[:64],
            device=self.plan.manifest.device[:64],
            office_id=self.actor.office_id,
        )
        at = _moment(change.changed_at)
        if row.outcome == "insert":
            self._insert(change, row.writes, laptop, at)
        elif row.outcome == "offer":
            self._offer(row, laptop)
        elif row.writes or row.delete:
            self._update(row, laptop, at)
        for conflict in row.conflicts:
            self.session.add(
                SyncConflict(
                    office_id=self.actor.office_id,
                    package_id=self.plan.manifest.package_id,
                    kind="field",
                    entity=change.table,
                    entity_uuid=change.uuid,
                    business_uuid=self._business_of(change.table, row.row),
                    field=conflict.field,
                    base_value=as_json(conflict.base),
                    office_value=as_json(conflict.office),
                    office_by=conflict.office_by,
                    office_at=conflict.office_at,
                    laptop_value=as_json(conflict.laptop),
                    laptop_by=laptop.who,
                    laptop_at=change.changed_at[:32],
                    **stamp_values(self.actor, utc_now()),
                )
            )
        if row.conflicts:
            pairs = {conflict.field: (conflict.office, conflict.laptop) for conflict in row.conflicts}
            log_changes(self.session, laptop, change.table, change.uuid, "conflict", pairs, at)

    def _resolved(self, values: dict[str, Any]) -> dict[str, Any]:
        resolved = dict(values)
        for name, value in values.items():
            if name in REFERENCE_FIELDS and value is not None:
                resolved[name] = self.ids[(REFERENCE_FIELDS[name], value)]
        return resolved

    def _insert(self, change: RowChange, values: dict[str, Any], laptop: Actor, at: datetime) -> None:
        model: Any = MODELS[change.table]
        resolved = self._resolved(values)
        if change.table == "business":
            resolved |= search_fields(values.get("name") or "", values.get("operator") or "", values.get("address") or "")
        new_row = model(office_id=self.actor.office_id, uuid=change.uuid, **resolved, **stamp_values(laptop, at))
        self.session.add(new_row)
        self.session.flush()
        self.ids[(change.table, change.uuid)] = new_row.id
        logged = {name: (None, value) for name, value in values.items() if value not in (None, "", False)}
        log_changes(self.session, laptop, change.table, change.uuid, "create", logged, at)

    def _update(self, row: RowPlan, laptop: Actor, at: datetime) -> None:
        change = row.change
        model: Any = MODELS[change.table]
        values = self._resolved(row.writes)
        if change.table == "business" and any(name in row.writes for name in SEARCH_SOURCES):
            merged = {name: row.writes.get(name, row.old.get(name)) or "" for name in SEARCH_SOURCES}
            values |= search_fields(merged["name"], merged["operator"], merged["address"])
        if row.delete:
            values["deleted_at"] = at
        try:
            guarded_update(self.session, model, row.row.id, row.row.version, {**values, "updated_at": at}, laptop)
        except VersionConflict:
            raise PackageRefused(
                f"{row.where}在导入过程中被他人修改了，整包未导入，请重新导入回传包"
            ) from None
        if row.writes:
            diff = {name: (row.old.get(name), value) for name, value in row.writes.items()}
            log_changes(self.session, laptop, change.table, change.uuid, "update", diff, at)
        if row.delete:
            log_changes(self.session, laptop, change.table, change.uuid, "delete", {}, at)

    def _offer(self, row: RowPlan, laptop: Actor) -> None:
        change = row.change
        children = self.plan.offer_children.get(change.uuid, ())
        self.session.add(
            SyncConflict(
                office_id=self.actor.office_id,
                package_id=self.plan.manifest.package_id,
                kind="merge",
                entity="business",
                entity_uuid=change.uuid,
                business_uuid=row.match_uuid or "",
                laptop_value=json.dumps(
                    {"values": change.values, "children": [list(child) for child in children]}, ensure_ascii=False
                ),
                laptop_by=laptop.who,
                laptop_at=change.changed_at[:32],
                **stamp_values(self.actor, utc_now()),
            )
        )
        log_changes(
            self.session, laptop, "business", row.match_uuid or "", "offer", {"": (None, change.uuid)}, _moment(change.changed_at)
        )

    def _business_of(self, table: str, row: Any) -> str:
        if table == "business":
            return str(row.uuid)
        business_id = getattr(row, "business_id", None)
        if business_id is None:
            return ""
        return self.office.uuid_by_id.get(("business", business_id), "")


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return utc_now()
    return moment if moment.tzinfo else moment.replace(tzinfo=utc_now().tzinfo)
