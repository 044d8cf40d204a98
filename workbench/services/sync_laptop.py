"""The laptop's database from a field package (issue 19, `workbench sync in`): created for the package's
officer with the office's uuids and versions (so every change can go back), or refreshed by a newer package.

A refresh never destroys the laptop's own work: a row changed here and not yet taken in by the office (the
package does not hold the laptop's values) is kept as it is, with its old base, and listed. Everything else
takes the package's values and base; what the package no longer carries (deleted at the office, reassigned)
leaves the laptop, unless unsent work needs it (workbench.services.sync_refresh). The search columns are
derived here, as they never travel.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlmodel import Session

from storage.audit import Actor, log_changes, utc_now
from storage.search import bulk_load, search_fields
from storage.tables import ChangeLog, Office
from storage.tables_sync import SyncBase, SyncPackage
from workbench.domain.sync_model import PackageManifest, RowChange, Scalar
from workbench.services.errors import WorkbenchError
from workbench.services.sync_pending import pending_changes
from workbench.services.sync_refresh import HeldBack, retire_missing
from workbench.services.sync_rows import ALL_SPECS, PlainRow, SyncSpec, from_plain
from workbench.services.sync_tables import NATURAL_KEYS


class LaptopRefused(WorkbenchError):
    title = "外业包未读入"


@dataclass
class FieldPackageData:
    """A field package as its reader found it (imports.sync_read)."""

    manifest: PackageManifest
    office_name: str
    office_uuid: str
    rows: dict[str, list[PlainRow]]  # table -> rows, references first
    rule_files: dict[str, str] = field(default_factory=dict)
    file_name: str = ""


@dataclass(frozen=True)
class KeptChange:
    what: str  # 市场主体「老街面馆」
    fields: tuple[str, ...]  # the changed fields' keys (workbench.domain.sync_labels names them)
    table: str = ""


@dataclass
class ReceiveResult:
    created: bool
    businesses: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[KeptChange] = field(default_factory=list)
    not_in_package: int = 0  # businesses the new package no longer holds, kept for unsent laptop work (in `held`)
    removed: dict[str, int] = field(default_factory=dict)  # table -> rows the office no longer sends, taken off
    held: list[HeldBack] = field(default_factory=list)  # rows the office no longer sends, kept for unsent work

    @property
    def removed_businesses(self) -> int:
        return self.removed.get("business", 0)

    @property
    def removed_other_rows(self) -> int:
        return sum(count for table, count in self.removed.items() if table != "business")


def laptop_officer(session: Session) -> str | None:
    """The officer this laptop's database was made for (its last received field package), or None."""
    table: Any = SyncPackage
    row = session.exec(select(table.officer).where(table.direction == "received").order_by(table.id.desc())
                       .limit(1)).first()  # type: ignore[call-overload]
    return None if row is None else str(row[0])


def receive_field_package(*, session: Session, package: FieldPackageData, who: str, device: str,
                          at: datetime | None = None) -> ReceiveResult:
    """Create or refresh the laptop database from the package; the caller commits."""
    at = at or utc_now()
    office_id, created = _office(session, package)
    connection = session.connection()
    pending: dict[tuple[str, str], RowChange] = {
        (change.table, change.uuid): change for change in pending_changes(connection, office_id)
    }
    result = ReceiveResult(created=created, businesses=len(package.rows.get("business", ())))
    ids: dict[str, dict[str, int]] = {}
    for spec in ALL_SPECS:
        rows = package.rows.get(spec.name, [])
        _receive_table(connection, spec, rows, office_id, ids, pending, package.manifest.package_id, result)
    actor = Actor(who=who, device=device, office_id=office_id)
    if not created:
        retired = retire_missing(session, office_id=office_id, carried=package.rows, pending=pending, actor=actor, at=at)
        result.removed, result.held = retired.removed, retired.held
        result.not_in_package = sum(1 for held in retired.held if held.table == "business")
    manifest = package.manifest
    log_changes(session, actor, "sync_package", manifest.package_id, "import", {
        "file": (None, package.file_name), "officer": (None, manifest.officer),
        "businesses": (None, result.businesses), "kept": (None, len(result.kept)),
        "removed": (None, sum(result.removed.values())), "held": (None, len(result.held)),
    }, at)
    session.flush()
    mark = connection.execute(select(func.max(ChangeLog.__table__.c.id))).scalar()  # type: ignore[attr-defined]
    session.add(SyncPackage(
        office_id=office_id, package_id=manifest.package_id, kind="field", direction="received",
        file_name=package.file_name, officer=manifest.officer, source_device=manifest.device,
        created_at=from_plain("datetime", manifest.created_at), received_at=at, businesses=result.businesses,
        rows=manifest.row_count, personal_data=manifest.personal_data, change_log_mark=mark,
        updated_at=at, updated_by=who, device=device,
    ))
    return result


def _office(session: Session, package: FieldPackageData) -> tuple[int, bool]:
    offices = session.exec(select(Office)).scalars().all()  # type: ignore[call-overload]
    name = package.file_name or "外业包"
    if not offices:
        office = Office(uuid=package.office_uuid, code=package.manifest.office_code, name=package.office_name)
        session.add(office)
        session.flush()
        assert office.id is not None
        return office.id, True
    mine = [office for office in offices if office.uuid == package.office_uuid]
    if not mine:
        raise LaptopRefused(f"「{name}」是{package.office_name}的外业包，本机的库属于{offices[0].name}：请用 --db 另建一个库")
    office_id: int = mine[0].id
    table: Any = SyncPackage
    received = session.exec(select(table.officer).where(table.direction == "received")).all()  # type: ignore[call-overload]
    if not received:
        raise LaptopRefused(
            f"这个数据库不是由外业包建立的笔记本库（它是所里的库）：不能把「{name}」读进去。"
            "请用 --db 指定笔记本上的库文件（新文件名即可，会自动建立）"
        )
    officers = {row[0] for row in received}
    if package.manifest.officer not in officers:
        raise LaptopRefused(
            f"本机的库是{'、'.join(sorted(officers))}的，「{name}」是{package.manifest.officer}的外业包："
            "请用 --db 为这名干部另建一个库"
        )
    latest = session.exec(select(table.created_at, table.file_name).where(table.direction == "received")  # type: ignore[call-overload]
                          .order_by(table.created_at.desc()).limit(1)).first()
    if latest is not None and from_plain("datetime", package.manifest.created_at) < _aware(latest[0]):
        raise LaptopRefused(
            f"「{name}」比本机已读入的外业包「{latest[1]}」旧：读入它会用所里较早的数据盖掉较新的数据，"
            "没有读入。请向所里要一个新的外业包"
        )
    return office_id, False


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _receive_table(
    connection: Connection, spec: SyncSpec, rows: list[PlainRow], office_id: int, ids: dict[str, dict[str, int]],
    pending: Mapping[tuple[str, str], RowChange], package_id: str, result: ReceiveResult,
) -> None:
    table = spec.table
    local = {uuid: (row_id, version, gone is not None) for row_id, uuid, version, gone in connection.execute(
        select(table.c.id, table.c.uuid, table.c.version, table.c.deleted_at).where(table.c.office_id == office_id))}
    fresh: list[dict[str, Any]] = []
    bases: list[dict[str, Any]] = []
    counted = spec.name not in ("grid", "officer")
    twins = _made_here(connection, spec, office_id)
    for row in rows:
        change = pending.get((spec.name, row.uuid))
        twin = twins.pop(_natural_key(spec, row, ids), None) if twins and row.uuid not in local else None
        if twin is not None:  # the office's row of what the laptop typed itself (the same year's figures)
            twin_id, twin_uuid = twin
            mine = pending.get((spec.name, twin_uuid))
            if mine is not None and not _absorbed(mine, row):  # not taken in yet: the laptop's row stays, alone
                differing = tuple(key for key, value in mine.values.items() if row.values.get(key) != value)
                result.kept.append(KeptChange(_what(spec, row), differing, spec.name))
                continue
            connection.execute(update(table).where(table.c.id == twin_id).values(uuid=row.uuid))
            local[row.uuid] = (twin_id, -1, False)  # the laptop's row becomes the office's row, written below
        if change is not None and not _absorbed(change, row):
            if counted:
                result.kept.append(KeptChange(_what(spec, row), tuple(change.values), spec.name))
            continue
        # the same version as here, and not taken off by an earlier refresh (a package carrying it again brings it back)
        if row.uuid in local and local[row.uuid][1] == row.version and not local[row.uuid][2] and change is None:
            result.unchanged += counted  # its base is already these values
            continue
        bases.append({"table_name": spec.name, "uuid": row.uuid, "version": row.version, "package_id": package_id,
                      "values": json.dumps(row.values, ensure_ascii=False, sort_keys=True)})
        values = _columns(spec, row, office_id, ids)
        if row.uuid not in local:
            fresh.append(values)
            result.inserted += counted
        else:
            connection.execute(update(table).where(table.c.id == local[row.uuid][0]).values(**values))
            result.updated += counted
    if fresh and spec.name == "business" and not local:
        with bulk_load(connection):  # a new laptop: the search index is built once, not row by row
            connection.execute(insert(table), fresh)
    elif fresh:
        connection.execute(insert(table), fresh)
    base_table = SyncBase.__table__  # type: ignore[attr-defined]
    uuids = [base["uuid"] for base in bases]
    for start in range(0, len(uuids), 500):
        connection.execute(delete(base_table).where(base_table.c.table_name == spec.name,
                                                    base_table.c.uuid.in_(uuids[start:start + 500])))
    if bases:
        connection.execute(insert(base_table), bases)
    ids[spec.name] = {uuid: row_id for row_id, uuid in
                      connection.execute(select(table.c.id, table.c.uuid).where(table.c.office_id == office_id))}


def _made_here(connection: Connection, spec: SyncSpec, office_id: int) -> dict[tuple[Any, ...], tuple[int, str]]:
    """Natural key -> (id, uuid) of this table's rows made on the laptop (no base from a package), for a table
    the office matches by natural key (workbench.services.sync_tables.NATURAL_KEYS): a year's figures, a
    licence, a 双随机 result the office holds under its own uuid once the return package is applied."""
    key = NATURAL_KEYS.get(spec.name)
    if key is None:
        return {}
    table, base = spec.table, SyncBase.__table__  # type: ignore[attr-defined]
    from_packages = select(base.c.uuid).where(base.c.table_name == spec.name)
    found = connection.execute(select(table.c.id, table.c.uuid, *(table.c[name] for name in key)).where(
        table.c.office_id == office_id, table.c.uuid.not_in(from_packages)))
    return {tuple(values): (row_id, uuid) for row_id, uuid, *values in found}


def _natural_key(spec: SyncSpec, row: PlainRow, ids: Mapping[str, Mapping[str, int]]) -> tuple[Any, ...]:
    """A package row's natural key as the laptop's columns hold it (a reference as the local row's id)."""
    references = spec.references
    return tuple(
        ids.get(references[name], {}).get(str(row.values.get(name))) if name in references
        else row.values.get(name)
        for name in NATURAL_KEYS[spec.name]
    )


def _absorbed(change: RowChange, row: PlainRow) -> bool:
    """The office has taken the laptop's change in: the package holds the laptop's values (and the tombstone)."""
    return not change.deleted and all(row.values.get(key) == value for key, value in change.values.items())


def _what(spec: SyncSpec, row: PlainRow) -> str:
    label = (row.values.get("name") or row.values.get("visited_on") or row.values.get("given_on") or row.values.get("number")
             or row.values.get("inspected_on") or row.uuid[:8])
    return f"{spec.label}「{label}」"


def _columns(spec: SyncSpec, row: PlainRow, office_id: int, ids: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "office_id": office_id, "uuid": row.uuid, "version": row.version,
        "updated_at": from_plain("datetime", row.updated_at), "updated_by": row.updated_by, "device": row.device,
        "deleted_at": None,
    }
    values.update(spec.withheld)  # what stays at the office: the laptop's stand-in (workbench.services.sync_rows)
    references, kinds = spec.references, spec.kinds
    for name, key in zip(spec.columns, spec.keys, strict=True):
        value: Scalar = row.values.get(key)
        if name in references:
            values[name] = None if value is None else ids.get(references[name], {}).get(str(value))
        else:
            kind = kinds[name]
            values[name] = value if kind == "other" or value is None else from_plain(kind, value)
    if spec.name == "business":
        values.update(search_fields(values["name"] or "", values["operator"] or "", values["address"] or ""))
    return values
