"""PostgreSQL search index: pg_trgm GIN on the searched text, GIN over the character-gram tokens.

pg_trgm serves terms of 3+ characters (and pinyin word prefixes), but it cannot serve a 1-2 character
pattern and, when the database's LC_CTYPE is C, it drops CJK characters altogether (show_trgm('面馆')
is empty). Both cases go to the gram index instead, which compares tokens exactly and so works
under any locale. The expressions below are the ones migration 0002 indexes, character for character.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Integer, any_, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from storage.search import Term, code_candidates, text_grams
from storage.tables import Business

TRIGRAM_TEXT = "(name || ' ' || operator || ' ' || address || ' ' || phone || ' ' || name_pinyin)"
GRAM_TOKENS = "string_to_array(search_chars, ' ')"
INDEXES = {
    "ix_business_search_trgm": f"CREATE INDEX ix_business_search_trgm ON business USING gin ({TRIGRAM_TEXT} gin_trgm_ops)",
    "ix_business_search_grams": f"CREATE INDEX ix_business_search_grams ON business USING gin (({GRAM_TOKENS}))",
}
_cjk_trigrams: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


class PgSearch:
    """GIN candidates; see storage.search.SearchBackend."""

    def __init__(self, cjk_trigrams: bool) -> None:
        self.cjk_trigrams = cjk_trigrams

    @classmethod
    def for_connection(cls, connection: Connection) -> PgSearch:
        """Checks once per engine whether pg_trgm keeps CJK characters under this database's locale."""
        engine = connection.engine
        if engine not in _cjk_trigrams:
            _cjk_trigrams[engine] = bool(connection.execute(text("SELECT show_trgm('面馆')")).scalar())
        return cls(_cjk_trigrams[engine])

    def candidate_ids(self, connection: Connection, term: Term, limit: int) -> list[int] | None:
        if term.kind == "code":
            if len(term.text) < 3:  # "phone contains 2 digits" holds for most rows: no index helps
                return None
            phones = self._trigram(connection, f"%{_escaped(term.text)}%", limit)
            return None if phones is None else code_candidates(connection, term.text, limit, phones)
        if term.kind == "pinyin" and len(term.text) <= 2:
            return self._trigram(connection, f"% {term.text}%", limit)
        if len(term.text) >= 3 and (self.cjk_trigrams or term.text.isascii()):
            return self._trigram(connection, f"%{_escaped(term.text)}%", limit)
        grams = list(dict.fromkeys(text_grams(term.text, pairs_only=True)))
        if not grams:
            return None
        return _ids(connection, f"{GRAM_TOKENS} @> CAST(:grams AS text[])", {"grams": grams}, limit)

    def _trigram(self, connection: Connection, pattern: str, limit: int) -> list[int] | None:
        return _ids(connection, f"{TRIGRAM_TEXT} ILIKE :pattern", {"pattern": pattern}, limit)

    def ids_condition(self, ids: Sequence[int]) -> ColumnElement[bool]:
        table: Any = Business
        return table.id == any_(bindparam("candidate_ids", list(ids), type_=ARRAY(Integer)))

    def rebuild(self, connection: Connection) -> None:
        """GIN indexes follow every write by themselves; fresh statistics are what a bulk load needs."""
        connection.exec_driver_sql("ANALYZE business")

    @contextmanager
    def bulk_load(self, connection: Connection) -> Iterator[None]:
        """Building a GIN index once is much faster than growing it row by row."""
        present = set(connection.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = 'business' AND indexname = ANY(:names)"),
            {"names": list(INDEXES)},
        ).scalars())
        for name in present:
            connection.exec_driver_sql(f"DROP INDEX {name}")
        yield
        for name in present:
            connection.exec_driver_sql(INDEXES[name])
        self.rebuild(connection)


def _ids(connection: Connection, condition: str, params: dict[str, Any], limit: int) -> list[int] | None:
    ids = connection.execute(
        text(f"SELECT id FROM business WHERE {condition} LIMIT :limit"), {**params, "limit": limit + 1}
    ).scalars().all()
    return None if len(ids) > limit else list(ids)


def _escaped(term: str) -> str:
    """LIKE pattern text: backslash is PostgreSQL's default LIKE escape."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
