"""Which business of this office a row is: by credit code, else by 注册号, else by name + operator.

The register is looked up a chunk of rows at a time (one query per kind of key), so a 100,000-row file
against a million-row register never loads the register. Every query is scoped to the actor's office;
the only question asked about other offices is whether a credit code is already taken there (the code
is unique across the database), and nothing else about that business is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, bindparam, select

from storage.tables import Business, Grid, Office, Officer
from workbench.domain.business_fields import IMPORTED_FIELDS

# Fields an import reads and compares (workbench.domain.business_fields: the declaration's imported ones).
COMPARED_FIELDS = frozenset(IMPORTED_FIELDS)
_TABLE: Any = Business.__table__  # type: ignore[attr-defined]
_STORED = (_TABLE.c.id, _TABLE.c.uuid, _TABLE.c.version, *(_TABLE.c[name] for name in IMPORTED_FIELDS))
_IN_LIMIT = 500  # parameters per IN list


@dataclass(frozen=True, slots=True)
class Match:
    """The business a row matched (None: no match), how it matched, or why the row cannot be imported."""

    stored: Row[Any] | None
    how: str = ""  # "uscc" / "reg_no" / "name"
    refusal: str = ""  # a Chinese reason: the row is invalid
    refused_field: str = ""


_NO_MATCH = Match(None)


class RegisterLookup:
    """The office's grids and officers by name, and per chunk the businesses the chunk's rows may be."""

    def __init__(self, connection: Connection, office_id: int) -> None:
        self.connection = connection
        self.office_id = office_id
        self.grid_ids = _names(connection, Grid, office_id)
        self.officer_ids = _names(connection, Officer, office_id)
        self.by_uscc: dict[str, Row[Any]] = {}
        self.taken_elsewhere: set[str] = set()
        self.by_reg_no: dict[str, Row[Any]] = {}
        self.by_name: dict[str, list[Row[Any]]] = {}
        self.empty = register_is_empty(connection)

    def office_name(self) -> str:
        """This office's name (a county-wide list's 管辖单位 is checked against it)."""
        office: Any = Office.__table__  # type: ignore[attr-defined]
        return str(self.connection.execute(select(office.c.name).where(office.c.id == self.office_id)).scalar() or "")

    def labels(self) -> dict[str, dict[Any, str]]:
        """id -> name of this office's grids and officers, for showing diffs."""
        return {
            "grid_id": {row_id: name for name, row_id in self.grid_ids.items()},
            "officer_id": {row_id: name for name, row_id in self.officer_ids.items()},
        }

    def prefetch(self, values: Sequence[dict[str, Any]]) -> None:
        """Look up every code of a chunk of rows at once, then the names of the rows no code matched
        (a re-imported list matches by code: its names need no lookup). An empty register (the first
        import) has nothing to find: no queries at all."""
        if self.empty:
            return
        usccs = {row["uscc"] for row in values if "uscc" in row}
        reg_nos = {row["reg_no"] for row in values if "reg_no" in row}
        self.taken_elsewhere = {
            uscc for uscc, office_id in self._all_offices_uscc(usccs) if office_id != self.office_id
        }
        self.by_uscc = {row.uscc: row for row in self._stored(_TABLE.c.uscc, usccs)}
        self.by_reg_no = {}
        for row in self._stored(_TABLE.c.reg_no, reg_nos):
            self.by_reg_no.setdefault(row.reg_no, row)
        names = {row["name"] for row in values if "name" in row and not self._code_matches(row)}
        self.by_name = {}
        for row in self._stored(_TABLE.c.name, names):
            self.by_name.setdefault(row.name, []).append(row)

    def _code_matches(self, values: dict[str, Any]) -> bool:
        return values.get("uscc") in self.by_uscc or values.get("reg_no") in self.by_reg_no

    def find(self, values: dict[str, Any], use_name: bool) -> Match:
        """The business this row is, by credit code, else 注册号, else (use_name) name + operator."""
        if self.empty:
            return _NO_MATCH
        uscc, reg_no = values.get("uscc"), values.get("reg_no")
        if uscc is not None:
            if uscc in self.taken_elsewhere:
                return Match(
                    None, refusal="该统一社会信用代码已登记在其他所，不能导入到本所", refused_field="uscc"
                )
            stored = self.by_uscc.get(uscc)
            if stored is not None:
                return Match(stored, "uscc")
        if reg_no is not None:
            stored = self.by_reg_no.get(reg_no)
            if stored is not None and uscc is not None and stored.uscc not in (None, uscc):
                return Match(
                    None,
                    refusal=f"注册号已登记在「{stored.name}」名下，而该户的统一社会信用代码是 "
                    f"{stored.uscc}，与本行不同，请核对",
                    refused_field="reg_no",
                )
            if stored is not None:
                return Match(stored, "reg_no")
        if uscc is None and reg_no is None and use_name and "name" in values:
            operator = values.get("operator", "")
            for stored in self.by_name.get(values["name"], ()):
                if stored.operator == operator:
                    return Match(stored, "name")
        return Match(None)

    def same_name_and_address(self, values: dict[str, Any]) -> Row[Any] | None:
        """A business of the office with this row's name and address but another code (or none)."""
        address = values.get("address")
        if not address:
            return None
        for stored in self.by_name.get(values.get("name", ""), ()):
            if stored.address == address and (stored.uscc or stored.reg_no) != (
                values.get("uscc") or values.get("reg_no")
            ):
                return stored
        return None

    def _stored(self, column: Any, keys: Iterable[str]) -> list[Row[Any]]:
        found: list[Row[Any]] = []
        query = select(*_STORED).where(
            column.in_(bindparam("keys", expanding=True)),
            _TABLE.c.office_id == self.office_id,
            _TABLE.c.deleted_at.is_(None),
        )
        for part in _parts(keys):
            found += self.connection.execute(query, {"keys": part}).all()
        return found

    def _all_offices_uscc(self, usccs: Iterable[str]) -> list[tuple[str, int]]:
        query = select(_TABLE.c.uscc, _TABLE.c.office_id).where(
            _TABLE.c.uscc.in_(bindparam("keys", expanding=True)), _TABLE.c.deleted_at.is_(None)
        )
        found: list[tuple[str, int]] = []
        for part in _parts(usccs):
            found += [(row.uscc, row.office_id) for row in self.connection.execute(query, {"keys": part})]
        return found


def register_is_empty(connection: Connection) -> bool:
    """No business at all, in any office (tombstones count as rows): nothing can match or be taken."""
    return connection.execute(select(_TABLE.c.id).limit(1)).first() is None


def _parts(keys: Iterable[str]) -> Iterable[list[str]]:
    listed = sorted(keys)
    for start in range(0, len(listed), _IN_LIMIT):
        yield listed[start : start + _IN_LIMIT]


def _names(connection: Connection, model: Any, office_id: int) -> dict[str, int]:
    table = model.__table__
    rows = connection.execute(
        select(table.c.id, table.c.name)
        .where(table.c.office_id == office_id, table.c.deleted_at.is_(None))
        .order_by(table.c.id)
    )
    found: dict[str, int] = {}
    for row_id, name in rows:
        found.setdefault(str(name).strip(), int(row_id))
    return found
