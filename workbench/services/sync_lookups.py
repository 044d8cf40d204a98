"""What the office holds for a return package, read in a few batched queries (a package of 2,000 changes at an
office of a million businesses reads only the rows it names): the rows by uuid, the uuids of the rows they
reference, and the businesses a new one might duplicate."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.audit import Actor
from storage.tables import Business, Grid, Officer
from storage.tables_inspection import InspectionTask
from storage.tables_service import Appeal, Visit
from storage.tables_sync_apply import SyncConflict
from workbench.domain.sync_model import REFERENCE_FIELDS, RowChange
from workbench.services.sync_tables import MODELS, NATURAL_KEYS, columns_of

# Typed Any: the columns of SQLModel tables are plain attributes to mypy.
_BUSINESS: Any = Business
_CONFLICT: Any = SyncConflict
CHUNK = 500  # bound parameters per IN (): well under SQLite's limit
_REFERENCED: dict[str, Any] = {
    "officer": Officer, "grid": Grid, "business": Business, "visit": Visit, "appeal": Appeal,
    "inspection_task": InspectionTask,
}


def chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def without_spaces(text: Any) -> str:
    return "".join(str(text or "").split())


class OfficeRows:
    """The office's side of a package: current rows, uuid <-> id of referenced rows, duplicate candidates."""

    def __init__(self, session: Session, actor: Actor, changes: tuple[RowChange, ...]) -> None:
        self.session = session
        self.actor = actor
        self.rows: dict[tuple[str, str], Any] = {}  # (table, uuid) -> row (any office: refused when foreign)
        self.uuid_by_id: dict[tuple[str, int], str] = {}
        self.id_by_uuid: dict[tuple[str, str], int] = {}
        self.foreign: set[tuple[str, str]] = set()  # referenced rows of another office, or deleted
        wanted: dict[str, set[str]] = defaultdict(set)
        for change in changes:
            wanted[change.table].add(change.uuid)
        for table, uuids in wanted.items():
            self._read_rows(table, sorted(uuids))
        self._read_references(changes)
        self.merged: dict[str, list[dict[str, Any]]] = defaultdict(list)  # laptop uuid -> values a person merged
        self.offered = self._offered(sorted({change.uuid for change in changes if change.table == "business"}))

    def _read_rows(self, table: str, uuids: list[str]) -> None:
        model: Any = MODELS[table]
        for part in chunks(uuids):
            for row in self.session.execute(select(model).where(model.uuid.in_(part))).scalars():
                self.rows[(table, row.uuid)] = row

    def _read_references(self, changes: tuple[RowChange, ...]) -> None:
        """uuid <-> id for every row referenced by a change (by uuid) or by a current row (by id)."""
        by_uuid: dict[str, set[str]] = defaultdict(set)
        by_id: dict[str, set[int]] = defaultdict(set)
        for change in changes:
            if change.business_uuid:
                by_uuid["business"].add(change.business_uuid)
            for field, value in change.values.items():
                if field in REFERENCE_FIELDS and isinstance(value, str):
                    by_uuid[REFERENCE_FIELDS[field]].add(value)
        for (table, _uuid), row in self.rows.items():
            for field in columns_of(table):
                if field in REFERENCE_FIELDS and getattr(row, field) is not None:
                    by_id[REFERENCE_FIELDS[field]].add(getattr(row, field))
        for table, model in _REFERENCED.items():
            self._map(table, model, model.uuid, sorted(by_uuid[table]))
            self._map(table, model, model.id, sorted(by_id[table]))

    def _map(self, table: str, model: Any, key: Any, values: list[Any]) -> None:
        if not values:
            return
        office = model.office_id
        for part in chunks(values):
            statement = select(model.id, model.uuid, office, model.deleted_at).where(key.in_(part))
            for row_id, uuid, office_id, deleted_at in self.session.execute(statement):
                self.uuid_by_id[(table, row_id)] = uuid
                self.id_by_uuid[(table, uuid)] = row_id
                if office_id != self.actor.office_id or (deleted_at is not None and table in ("officer", "grid")):
                    self.foreign.add((table, uuid))

    def _offered(self, business_uuids: list[str]) -> dict[str, str]:
        """A laptop's new business already offered to merge (by an earlier package) -> the business it matched;
        the values a person merged into it are kept in `merged` (the laptop sends its copy again every week)."""
        offered: dict[str, str] = {}
        for part in chunks(business_uuids):
            statement = select(_CONFLICT.entity_uuid, _CONFLICT.business_uuid, _CONFLICT.decision,
                               _CONFLICT.laptop_value).where(
                _CONFLICT.kind == "merge",
                _CONFLICT.office_id == self.actor.office_id,
                _CONFLICT.entity_uuid.in_(part),
            )
            for incoming, match, decision, payload in self.session.execute(statement):
                if decision != "separate":
                    offered[incoming] = match
                if decision == "merge":
                    self.merged[incoming].append(json.loads(payload or "{}").get("values", {}))
        return offered

    def business_name(self, uuid: str) -> str:
        name = self.session.execute(select(_BUSINESS.name).where(_BUSINESS.uuid == uuid)).scalar()
        return str(name or "")

    def decided(self, table: str, uuid: str) -> set[tuple[str, str | None, str | None]]:
        """(field, office value, laptop value) of this row's conflicts a person settled by keeping the office's
        value (as JSON, as the conflict keeps them): a laptop sends its unsent value again every week."""
        statement = select(_CONFLICT.field, _CONFLICT.office_value, _CONFLICT.laptop_value).where(
            _CONFLICT.office_id == self.actor.office_id, _CONFLICT.kind == "field", _CONFLICT.entity == table,
            _CONFLICT.entity_uuid == uuid, _CONFLICT.status == "resolved", _CONFLICT.decision.in_(("office", "both")),
        )
        return {(field, office, laptop) for field, office, laptop in self.session.execute(statement)}

    def by_natural_key(self, table: str, values: dict[str, Any]) -> Any:
        """The office's row of this business (and year) when the package's row is new to it."""
        model: Any = MODELS[table]
        key = NATURAL_KEYS[table]
        conditions = [getattr(model, field) == values.get(field) for field in key]
        return self.session.execute(select(model).where(*conditions)).scalars().first()

    def travel_values(self, table: str, row: Any) -> dict[str, Any]:
        """A current row's values as a package names them (references as uuids)."""
        values: dict[str, Any] = {}
        for field in columns_of(table):
            value = getattr(row, field)
            if field in REFERENCE_FIELDS and value is not None:
                value = self.uuid_by_id.get((REFERENCE_FIELDS[field], value), value)
            values[field] = value
        return values

    def duplicates_of(self, new_businesses: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
        """New uuid -> the office's live business with the same credit code, or the same name, operator and
        address (spaces aside), read in batches by code and by name."""
        codes = sorted({values["uscc"] for _uuid, values in new_businesses if values.get("uscc")})
        names = sorted({values["name"] for _uuid, values in new_businesses if values.get("name")})
        by_code: dict[str, str] = {}
        by_name: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for part in chunks(codes):
            statement = select(_BUSINESS.uscc, _BUSINESS.uuid, _BUSINESS.id).where(
                _BUSINESS.uscc.in_(part), _BUSINESS.deleted_at.is_(None)
            )
            for code, uuid, row_id in self.session.execute(statement):
                by_code[code] = uuid
                self.id_by_uuid[("business", uuid)] = row_id
        for part in chunks(names):
            statement = select(_BUSINESS.name, _BUSINESS.operator, _BUSINESS.address, _BUSINESS.uuid, _BUSINESS.id).where(
                _BUSINESS.office_id == self.actor.office_id,
                _BUSINESS.name.in_(part),
                _BUSINESS.deleted_at.is_(None),
            )
            for name, operator, address, uuid, row_id in self.session.execute(statement):
                by_name[name].append((without_spaces(operator), without_spaces(address), uuid))
                self.id_by_uuid[("business", uuid)] = row_id
        found: dict[str, str] = {}
        for uuid, values in new_businesses:
            match = by_code.get(values.get("uscc") or "")
            if match is None:
                operator, address = without_spaces(values.get("operator")), without_spaces(values.get("address"))
                match = next(
                    (other for op, ad, other in by_name.get(values.get("name") or "", []) if (op, ad) == (operator, address)),
                    None,
                )
            if match is not None and match != uuid:
                found[uuid] = match
        return found
