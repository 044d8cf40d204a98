"""SQLite search index: FTS5 trigram for terms of 3+ characters, a character-gram FTS5 for 1-2.

SQLite's trigram tokenizer finds nothing for queries under 3 characters (LIKE through it neither), so
short terms go to `business_grams`, which holds every character and every adjacent pair as a token.
The tables are external-content FTS5 over `business`, kept in step by triggers (migration 0002),
which also adds ix_business_search_keys: id first, so that checking a candidate's office, tombstone,
filters and sort key reads a narrow index instead of the wide row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Select, column, literal_column, select, table, union
from sqlalchemy.sql.elements import ColumnElement

from storage.search import Term, TermIndex, capped_count, code_range_ids, text_grams
from storage.tables import Business

FTS_TABLES = ("business_fts", "business_grams", "business_pinyin")
REBUILD_CACHE_KIB = 256 * 1024  # the rebuild writes ~200 MB of index at a million rows: twice as fast cached
_TRIGGER_NAMES = ("business_search_insert", "business_search_delete", "business_fts_update",
                  "business_grams_update", "business_pinyin_update")


class SqliteSearch:
    """FTS5 candidates; see storage.search.SearchBackend."""

    # Checking a candidate costs ~0.5 µs through ix_business_search_keys: 50,000 sort in ~40 ms.
    sparse_limit = 50_000

    def term_index(self, connection: Connection, term: Term, cap: int) -> TermIndex | None:
        q = term.text
        if term.kind == "code":
            if len(q) < 3:  # "phone contains 2 digits" holds for most rows: no index helps
                return None
            sources = [*code_range_ids(q), _fts_ids("business_fts", _trigram_query(q))]
            counts = [capped_count(connection, ids, cap) for ids in sources]
            total = None if None in counts else sum(c or 0 for c in counts)
            ids = union(*sources).subquery()
            return TermIndex(_among(select(ids.c[0])), total if total is None or total <= cap else None, False)
        if term.kind == "pinyin" and len(q) <= 2:
            return _index(connection, "business_pinyin", f'"{q}"*', cap, exact=True)
        if len(q) >= 3:
            return _index(connection, "business_fts", _trigram_query(q), cap, exact=len(q) == 3)
        grams = list(dict.fromkeys(text_grams(q, pairs_only=True)))
        if not grams:
            return None
        query = " AND ".join(map(_quoted, grams))
        return _index(connection, "business_grams", query, cap, exact=grams == [q])

    def walk_hint(self, sort_index: str) -> str | None:
        return f"INDEXED BY {sort_index}"

    def rebuild(self, connection: Connection) -> None:
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")
        try:
            for name in FTS_TABLES:
                connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
            analyze(connection)
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size or -2000)}")

    @contextmanager
    def bulk_load(self, connection: Connection) -> Iterator[None]:
        """Row-by-row FTS5 upkeep costs ~0.2 ms a row (each statement flushes FTS5's pending terms)."""
        triggers = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join(repr(name) for name in _TRIGGER_NAMES)})"
        ).all()
        for name, _sql in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        yield
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)
        self.rebuild(connection)


def analyze(connection: Connection) -> None:
    """Planner statistics for business: which index to walk depends on them (a sampled ANALYZE
    misjudges how selective office_id + status is, so this one reads every index: seconds at 1M rows)."""
    connection.exec_driver_sql("ANALYZE business")


def _index(connection: Connection, name: str, query: str, cap: int, *, exact: bool) -> TermIndex:
    ids = _fts_ids(name, query)
    return TermIndex(_among(ids), capped_count(connection, ids, cap), exact)


def _fts_ids(name: str, query: str) -> Select[Any]:
    fts: Any = table(name, column("rowid"))
    return select(fts.c.rowid).where(literal_column(name).op("MATCH")(query))


def _among(ids: Select[Any]) -> ColumnElement[bool]:
    business: Any = Business
    return business.id.in_(ids)


def _trigram_query(term: str) -> str:
    """Every trigram of the term, ANDed: detail=none keeps no positions, term_condition checks order."""
    trigrams = dict.fromkeys(term[i : i + 3] for i in range(len(term) - 2))
    return " AND ".join(map(_quoted, trigrams))


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'
