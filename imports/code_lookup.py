"""Lookups of a 经营数据 list's dry run, through the driver: codes to businesses, businesses to stored years.

The register importer's lookup (imports.matching.RegisterLookup) reads every imported field of a business
through SQLAlchemy's expanding IN; a list of 300,000 year rows needs only which business a code is (id,
uuid, name), and the statement's compilation and Row objects cost more than the queries themselves
(docs/benchmarks.md, "经营数据 and 许可证 imports"). Here each query is a plain statement with a list of
placeholders, run on the connection's own DB-API cursor (plain tuples back). The questions are the same:
a code is a credit code, else a 注册号, of a live business of this office; a code no business of this
office has is checked against the other offices (a credit code is unique across the database) only so the
row can say where it is registered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from sqlalchemy import Connection

IN_LIMIT = 500  # placeholders per IN list

_BUSINESSES = ("SELECT id, uuid, name, {column} FROM business "
               "WHERE {column} IN ({marks}) AND office_id = {mark} AND deleted_at IS NULL")  # fmt: skip
_ELSEWHERE = ("SELECT uscc FROM business "
              "WHERE uscc IN ({marks}) AND office_id <> {mark} AND deleted_at IS NULL")  # fmt: skip
_YEARS = ("SELECT id, uuid, version, business_id, year, revenue, tax_paid, employees, insured_staff, deleted_at "
          "FROM year_figures WHERE business_id IN ({marks})")  # fmt: skip


class Matched(NamedTuple):
    """The business a code belongs to: what the dry run and the commit need of it."""

    id: int
    uuid: str
    name: str


_new_matched = tuple.__new__  # a Matched from the row's first three fields, without its Python-level __new__


class StoredYear(NamedTuple):
    """A stored year_figures row (deleted ones too: (business, year) is unique): the fields of a StoredRow."""

    id: int
    uuid: str
    version: int
    business_id: int
    year: int
    revenue: int | None
    tax_paid: int | None
    employees: int | None
    insured_staff: int | None
    deleted_at: Any


StoredRow = tuple[Any, ...]
"""A year_figures row as _YEARS selects it, a plain tuple: 300,000 of them are read, and only compared."""


class CodeLookup:
    """This office's businesses by credit code and by 注册号, filled a chunk of codes at a time; a code is asked
    once per dry run (a list sorted by year names each business once a year, in chunks far apart)."""

    def __init__(self, connection: Connection, office_id: int) -> None:
        self.office_id = office_id
        self.cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        self.by_uscc: dict[str, Matched] = {}
        self.by_reg_no: dict[str, Matched] = {}
        self.taken_elsewhere: set[str] = set()
        self._asked: set[str] = set()

    def prefetch(self, codes: Iterable[str]) -> None:
        """Look up the chunk's codes not asked before: as credit codes, the rest as 注册号, what is still unknown
        elsewhere. The answers add to those of the earlier chunks (a code's answer is the same in each)."""
        wanted = set(codes).difference(self._asked)
        if not wanted:
            return
        self._asked.update(wanted)
        found = {row[3]: _new_matched(Matched, row[:3]) for row in self._select(_BUSINESSES, "uscc", wanted)}
        self.by_uscc.update(found)
        rest = wanted.difference(found)
        by_reg_no: dict[str, Matched] = {}
        for row in self._select(_BUSINESSES, "reg_no", rest):
            by_reg_no.setdefault(row[3], _new_matched(Matched, row[:3]))
        self.by_reg_no.update(by_reg_no)
        unknown = rest.difference(by_reg_no)
        self.taken_elsewhere.update(row[0] for row in self._select(_ELSEWHERE, "uscc", unknown))

    def stored_years(self, business_ids: Iterable[int]) -> dict[tuple[int, int], StoredRow]:
        """(business id, year) -> its stored row as the driver gives it (StoredYear's fields, in its order), for
        every year of these businesses (deleted ones too).
        By business only: the ids are this office's, and with office_id in the WHERE, SQLite walks the
        office's index, every year of the office for each chunk (quadratic at 100,000 businesses)."""
        found: dict[tuple[int, int], StoredRow] = {}
        for part in _parts(sorted(business_ids)):
            self.cursor.execute(_YEARS.format(marks=", ".join([self.mark] * len(part))), part)
            found.update({(row[3], row[4]): row for row in self.cursor.fetchall()})
        return found

    def close(self) -> None:
        self.cursor.close()

    def _select(self, template: str, column: str, keys: set[str]) -> Iterator[tuple[Any, ...]]:
        for part in _parts(sorted(keys)):
            sql = template.format(column=column, marks=", ".join([self.mark] * len(part)), mark=self.mark)
            self.cursor.execute(sql, [*part, self.office_id])
            yield from self.cursor.fetchall()


def _parts(keys: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(keys), IN_LIMIT):
        yield keys[start : start + IN_LIMIT]
