"""Which business holds a 许可证 list's licence: the register importer's questions, through the driver.

A licence row is matched as a registration row is (imports.matching.RegisterLookup): its 社会信用代码 as a
credit code, or (by its pattern) as a 注册号, of a live business of this office; a credit code registered in
another office is refused with the same sentence; a row no code matches may be offered by name + address,
so the businesses of the names of those rows are read too. RegisterLookup reads every imported field of a
business through SQLAlchemy's expanding IN, whose compilation and Row objects cost more than the queries
(a 50,000-licence list: ~0.6 of its ~2 CPU-s dry run, docs/benchmarks.md session 12); a licence needs only
id, uuid, name, codes and address, asked as plain statements on the connection's DB-API cursor
(imports.code_lookup does the same for the 经营数据 lists).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection

from imports.code_lookup import IN_LIMIT
from imports.matching import register_is_empty

_HOLDERS = ("SELECT id, uuid, name, uscc, reg_no, address, id_number FROM business "
            "WHERE {column} IN ({marks}) AND office_id = {mark} AND deleted_at IS NULL")  # fmt: skip
# A credit code is looked up once, in every office: this office's holder, or the code taken elsewhere.
_ALL_OFFICES = ("SELECT id, uuid, name, uscc, reg_no, address, office_id FROM business "
                "WHERE uscc IN ({marks}) AND deleted_at IS NULL")  # fmt: skip
ELSEWHERE = "该统一社会信用代码已登记在其他所，不能导入到本所"


class Holder(NamedTuple):
    """A business a licence row may belong to: what the licence dry run reads of it."""

    id: int
    uuid: str
    name: str
    uscc: str | None
    reg_no: str | None
    address: str | None
    id_number: str | None = None  # the operator's 身份证号 (read with the name: a licence may carry it instead of a code)


class Found(NamedTuple):
    """The business a row's code matched (None: no match), or why the row cannot be imported."""

    stored: Holder | None
    refusal: str = ""


_NO_MATCH = Found(None)


class HolderLookup:
    """This office's businesses by credit code, 注册号 and (for rows no code matched) name, a chunk at a time."""

    def __init__(self, connection: Connection, office_id: int) -> None:
        self.office_id = office_id
        self.cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        self.empty = register_is_empty(connection)
        self.by_uscc: dict[str, Holder] = {}
        self.by_reg_no: dict[str, Holder] = {}
        self.by_name: dict[str, list[Holder]] = {}
        self.taken_elsewhere: set[str] = set()

    def prefetch(self, values: Sequence[dict[str, Any]]) -> None:
        """The chunk's codes (each row's "uscc" or "reg_no"), then the names of the rows no code matched. An
        empty register has nothing to find: no queries at all."""
        if self.empty:
            return
        usccs = {row["uscc"] for row in values if "uscc" in row}
        reg_nos = {row["reg_no"] for row in values if "reg_no" in row}
        self.taken_elsewhere, self.by_uscc = set(), {}
        for row in self._rows(_ALL_OFFICES, "", usccs, office=False):
            if row[6] == self.office_id:
                self.by_uscc[row[3]] = Holder(*row[:6])
            else:
                self.taken_elsewhere.add(row[3])
        self.by_reg_no = {}
        for row in self._rows(_HOLDERS, "reg_no", reg_nos):
            self.by_reg_no.setdefault(row[4], Holder(*row))
        names = {row["name"] for row in values if "name" in row
                 and row.get("uscc") not in self.by_uscc and row.get("reg_no") not in self.by_reg_no}  # fmt: skip
        self.by_name = {}
        for row in self._rows(_HOLDERS, "name", names):
            self.by_name.setdefault(row[2], []).append(Holder(*row))

    def find(self, values: dict[str, Any]) -> Found:
        """The business this row's code is (RegisterLookup.find without the name: a licence's name + address
        match is the licence planner's own, offered for confirmation)."""
        if self.empty:
            return _NO_MATCH
        uscc, reg_no = values.get("uscc"), values.get("reg_no")
        if uscc is not None:
            if uscc in self.taken_elsewhere:
                return Found(None, ELSEWHERE)
            stored = self.by_uscc.get(uscc)
            if stored is not None:
                return Found(stored)
        if reg_no is not None:
            stored = self.by_reg_no.get(reg_no)
            if stored is not None and uscc is not None and stored.uscc not in (None, uscc):
                return Found(None, f"注册号已登记在「{stored.name}」名下，而该户的统一社会信用代码是 "
                                   f"{stored.uscc}，与本行不同，请核对")  # fmt: skip
            if stored is not None:
                return Found(stored)
        return _NO_MATCH

    def close(self) -> None:
        self.cursor.close()

    def rows(self, template: str, keys: Iterable[Any], *tail: Any) -> Iterator[tuple[Any, ...]]:
        """`template` ({marks}: an IN list's placeholders, {mark}: one) asked for IN_LIMIT keys at a time, the
        `tail` parameters after the keys; the driver's plain tuples."""
        listed = sorted(keys)
        for start in range(0, len(listed), IN_LIMIT):
            part = listed[start : start + IN_LIMIT]
            self.cursor.execute(template.format(marks=", ".join([self.mark] * len(part)), mark=self.mark),
                                [*part, *tail])  # fmt: skip
            yield from self.cursor.fetchall()

    def _rows(self, template: str, column: str, keys: Iterable[str], office: bool = True) -> Iterator[tuple[Any, ...]]:
        sql = template.replace("{column}", column)
        return self.rows(sql, keys, self.office_id) if office else self.rows(sql, keys)
