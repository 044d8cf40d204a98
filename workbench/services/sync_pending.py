"""The laptop's own work since its field package (issue 19): every travelling row that differs from its base
values (sync_base), or that the package did not bring, as RowChange rows. The change log says who and when.

A row changed and changed back differs from nothing and travels nowhere: a package brought back unchanged
produces no changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from storage.tables import ChangeLog
from storage.tables_sync import SyncBase
from workbench.domain.sync_model import RETURN_TABLES, RowChange, Scalar
from workbench.services.sync_rows import DATA_SPECS, PlainRow, id_map, read_rows, uuid_maps

Base = tuple[int, dict[str, Scalar]]


def read_bases(connection: Connection) -> dict[tuple[str, str], Base]:
    table = SyncBase.__table__  # type: ignore[attr-defined]
    rows = connection.execute(select(table.c.table_name, table.c.uuid, table.c.version, table.c["values"]))
    return {(name, uuid): (version, json.loads(values)) for name, uuid, version, values in rows}


def last_changes(connection: Connection) -> dict[str, tuple[str, str]]:
    """entity uuid -> (who, ISO time) of its latest change-log row on this machine."""
    log = ChangeLog.__table__  # type: ignore[attr-defined]
    latest = select(func.max(log.c.id)).group_by(log.c.entity_uuid).scalar_subquery()
    rows = connection.execute(select(log.c.entity_uuid, log.c.who, log.c.at).where(log.c.id.in_(latest)))
    return {uuid: (who, at.replace(tzinfo=None).isoformat() if at else "") for uuid, who, at in rows}


def local_rows(connection: Connection, office_id: int) -> dict[str, list[PlainRow]]:
    """Every row of the travelling tables on this machine, tombstones included, plain."""
    uuids = uuid_maps(connection, office_id)
    found: dict[str, list[PlainRow]] = {}
    for spec in DATA_SPECS:
        found[spec.name] = list(read_rows(connection, spec, (spec.table.c.office_id == office_id,), uuids))
        uuids[spec.name] = id_map(found[spec.name])
    return found


def pending_changes(connection: Connection, office_id: int) -> list[RowChange]:
    """What a return package would carry now, parents before children. Of the 双随机 rows only the results
    (RETURN_TABLES): the tasks, draws and pairs a laptop carries are the office's to change."""
    bases = read_bases(connection)
    rows = local_rows(connection, office_id)
    stamps = last_changes(connection)
    owners = _owners(rows)
    changes: list[RowChange] = []
    for spec in DATA_SPECS:
        if spec.name not in RETURN_TABLES:
            continue
        for row in rows[spec.name]:
            change = row_change(spec.name, row, bases.get((spec.name, row.uuid)), stamps, owners)
            if change is not None:
                changes.append(change)
    return changes


def row_change(
    table: str, row: PlainRow, base: Base | None, stamps: dict[str, tuple[str, str]], owners: dict[str, str | None]
) -> RowChange | None:
    who, at = stamps.get(row.uuid) or (row.updated_by, row.updated_at)
    owner = owners.get(row.uuid)
    if base is None:
        if row.deleted:
            return None  # made and deleted on the laptop: nothing ever existed elsewhere
        return RowChange(table, row.uuid, None, dict(row.values), changed_by=who, changed_at=at,  # type: ignore[arg-type]
                         business_uuid=owner)
    base_version, base_values = base
    changed = {key: value for key, value in row.values.items() if base_values.get(key) != value}
    if not changed and not row.deleted:
        return None
    return RowChange(
        table, row.uuid, base_version, changed, {key: base_values.get(key) for key in changed},  # type: ignore[arg-type]
        deleted=row.deleted, changed_by=who, changed_at=at, business_uuid=owner,
    )


def _owners(rows: dict[str, list[PlainRow]]) -> dict[str, str | None]:
    """row uuid -> the business it belongs to (a step through its appeal, a follow-up through its visit)."""
    owners: dict[str, str | None] = {}
    for found in rows.values():
        for row in found:
            owners[row.uuid] = row.values.get("business_id")  # type: ignore[assignment]
    for row in rows["appeal_step"]:
        owners[row.uuid] = owners.get(str(row.values.get("appeal_id")))
    for row in rows["visit_follow_up"]:
        owners[row.uuid] = owners.get(str(row.values.get("visit_id")))
    for row in rows["business"]:
        owners[row.uuid] = None
    return owners


def changed_tables(changes: Iterable[RowChange]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.table] = counts.get(change.table, 0) + 1
    return counts
