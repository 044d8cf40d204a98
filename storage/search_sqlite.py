"""SQLite search index: FTS5 trigram for terms of 3+ characters, a character-gram FTS5 for 1-2.

SQLite's trigram tokenizer finds nothing for queries under 3 characters (LIKE through it neither), so
short terms go to `business_grams`, which holds every character and every adjacent pair as a token.
The tables are external-content FTS5 over `business`, kept in step by triggers (migration 0002).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Integer, text
from sqlalchemy.sql.elements import ColumnElement

from storage.search import Term, code_candidates, text_grams
from storage.tables import Business

FTS_TABLES = ("business_fts", "business_grams", "business_pinyin")
REBUILD_CACHE_KIB = 256 * 1024  # the rebuild writes ~200 MB of index at a million rows: twice as fast cached
_TRIGGER_NAMES = ("business_search_insert", "business_search_delete", "business_fts_update",
                  "business_grams_update", "business_pinyin_update")


class SqliteSearch:
    """FTS5 candidates; see storage.search.SearchBackend."""

    def candidate_ids(self, connection: Connection, term: Term, limit: int) -> list[int] | None:
        if term.kind == "code":
            if len(term.text) < 3:  # "phone contains 2 digits" holds for most rows: no index helps
                return None
            phones = _matching(connection, "business_fts", _trigram_query(term.text), limit)
            return None if phones is None else code_candidates(connection, term.text, limit, phones)
        if term.kind == "pinyin" and len(term.text) <= 2:
            return _matching(connection, "business_pinyin", f'"{term.text}"*', limit)
        if len(term.text) >= 3:
            return _matching(connection, "business_fts", _trigram_query(term.text), limit)
        grams = text_grams(term.text, pairs_only=True)
        if not grams:
            return None
        return _matching(connection, "business_grams", " AND ".join(map(_quoted, dict.fromkeys(grams))), limit)

    def ids_condition(self, ids: Sequence[int]) -> ColumnElement[bool]:
        listed = text("SELECT value FROM json_each(:candidate_ids)").bindparams(candidate_ids=json.dumps(list(ids)))
        table: Any = Business
        return table.id.in_(listed.columns(value=Integer))

    def rebuild(self, connection: Connection) -> None:
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")
        try:
            for table in FTS_TABLES:
                connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
            analyze(connection)
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size or -2000)}")

    @contextmanager
    def bulk_load(self, connection: Connection) -> Iterator[None]:
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
    misjudges how selective office_id + status is, so this one reads every index: ~5 s at 1M rows)."""
    connection.exec_driver_sql("ANALYZE business")


def _matching(connection: Connection, table: str, query: str, limit: int) -> list[int] | None:
    ids = connection.exec_driver_sql(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?", (query, limit + 1)
    ).scalars().all()
    return None if len(ids) > limit else list(ids)


def _trigram_query(term: str) -> str:
    """Every trigram of the term, ANDed: detail=none keeps no positions, term_condition checks order."""
    trigrams = dict.fromkeys(term[i : i + 3] for i in range(len(term) - 2))
    return " AND ".join(map(_quoted, trigrams))


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'
