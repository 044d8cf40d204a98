"""The writes of a 许可证 commit: new licences in bulk, changed ones and renewed ones guarded by version.

A new licence is one 'create' change-log row naming the file and row; a changed one a row per changed
field; a renewal also closes the licence it renews (status 已换证, closed_on the new one's day of issue,
else today), logged as an update of that licence, so its history stays and its expiry reminder ends.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, update

from imports.commit_writes import CHANGE_COLUMNS, Writes
from imports.errors import ImportConflict
from imports.licenses_plan import LicenseWrites
from imports.list_plan import ListPlan
from storage.audit import as_log_text
from storage.tables import License
from workbench.domain.labels import LicenseStatus
from workbench.services.classification_decide import uuid7_batch

TABLE: Any = License.__table__  # type: ignore[attr-defined]
COLUMNS = ("uuid", "business_id", "number", "kind", "issued_on", "expires_on", "scope", "place", "renews_uuid")
# what every new licence and change-log row of the import shares: BulkWriter.insert_shared's literals on SQLite


def write_licenses(writes: Writes, plan: ListPlan) -> tuple[dict[str, int], set[int]]:
    """Write the plan's licences; ({what: how many}, the businesses touched)."""
    licences: LicenseWrites = plan.writes
    actor = writes.actor
    bind_day = _day_binder(writes)
    closing: list[tuple[Any, date]] = []
    stamp = (("version", 1), ("updated_at", writes.at), ("updated_by", actor.who), ("device", actor.device),
             ("office_id", actor.office_id), ("status", LicenseStatus.VALID.value))  # fmt: skip
    created = writes.log_stamp("license", "create") + (("field", ""), ("old", None))
    head = f"导入自「{plan.file_name}」第 "
    for start in range(0, len(licences.new), writes.batch):
        writes.stop()
        rows, changes = [], []
        batch = licences.new[start : start + writes.batch]
        for item, uuid in zip(batch, uuid7_batch(len(batch)), strict=True):  # time-ordered: appended to indexes
            values = item.values
            renews = item.renews.uuid if item.renews is not None else None
            rows.append((uuid, item.business_id, item.number, values["kind"], bind_day(values.get("issued_on")),
                         bind_day(values.get("expires_on")), values.get("scope", ""), values.get("place", ""), renews))
            changes.append((uuid, f"{head}{item.row_number} 行：{values['kind']} {item.number}"))
            if item.renews is not None:
                closing.append((item.renews, values.get("issued_on") or date.today()))
        writes.writer.insert_shared("license", COLUMNS, rows, stamp)
        writes.writer.insert_shared("change_log", ("entity_uuid", "new"), changes, created)
    _guarded_many(writes, [(item.license_id, item.base_version, {name: new for name, (_old, new) in item.diff.items()})
                           for item in licences.changed])
    writes.writer.insert("change_log", CHANGE_COLUMNS, [
        writes.change_row("license", item.uuid, "update", name, as_log_text(old), as_log_text(new))
        for item in licences.changed for name, (old, new) in item.diff.items()
    ])  # fmt: skip
    _guarded_many(writes, [(old.id, old.version, {"status": LicenseStatus.RENEWED.value, "closed_on": day})
                           for old, day in closing])
    writes.writer.insert("change_log", CHANGE_COLUMNS, [
        row for old, day in closing for row in (
            writes.change_row("license", old.uuid, "update", "status", old.status, LicenseStatus.RENEWED.value),
            writes.change_row("license", old.uuid, "update", "closed_on", None, day.isoformat()),
        )
    ])  # fmt: skip
    renewals = len(closing)
    written = {"新增许可证": len(licences.new) - renewals, "换证": renewals, "更新许可证": len(licences.changed)}
    return written, licences.touched


def _guarded_many(writes: Writes, items: list[tuple[int, int, dict[str, Any]]]) -> None:
    """Licences' updates (id, base version, new values), grouped by the fields they set: one executemany per
    group, each row only if nobody changed it since the dry run."""
    groups: dict[tuple[str, ...], list[tuple[int, int, dict[str, Any]]]] = {}
    for item in items:
        groups.setdefault(tuple(sorted(item[2])), []).append(item)
    actor = writes.actor
    for fields, members in groups.items():
        statement = (
            update(TABLE)
            .where(TABLE.c.id == bindparam("b_id"), TABLE.c.version == bindparam("b_base"))
            .values({name: bindparam(f"v_{name}") for name in fields} | {
                "version": bindparam("b_new"), "updated_at": writes.moment, "updated_by": actor.who,
                "device": actor.device})
        )  # fmt: skip
        params = [{**{f"v_{name}": value for name, value in values.items()}, "b_id": license_id, "b_base": base,
                   "b_new": base + 1} for license_id, base, values in members]
        result: Any = writes.connection.execute(statement, params)
        if writes.connection.dialect.supports_sane_multi_rowcount and result.rowcount != len(params):
            raise ImportConflict(["预览之后有许可证被他人修改（写入时版本已变化）"])


def _day_binder(writes: Writes) -> Any:
    """Dates as the driver takes them: SQLAlchemy's own SQLite binding, else the date itself (COPY)."""
    if not writes.sqlite:
        return lambda day: day
    process = TABLE.c.issued_on.type.dialect_impl(writes.connection.dialect).bind_processor(writes.connection.dialect)
    return lambda day: None if day is None else process(day)
