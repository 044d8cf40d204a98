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

from sqlalchemy import Connection, Engine, Integer, Select, any_, bindparam, literal_column, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Text

from storage.search import Term, TermIndex, capped_ids, code_ranges, may_be_phone, text_grams
from storage.tables import Business

TRIGRAM_TEXT = "(name || ' ' || operator || ' ' || address || ' ' || phone || ' ' || name_pinyin)"
GRAM_TOKENS = "string_to_array(search_chars, ' ')"
# The same expressions, qualified: the list joins grid and officer, which have a name (and a phone) too.
_TRIGRAM_QUERY = (
    "(business.name || ' ' || business.operator || ' ' || business.address || ' ' || "
    "business.phone || ' ' || business.name_pinyin)"
)
_GRAM_QUERY = "string_to_array(business.search_chars, ' ')"
INDEXES = {
    "ix_business_search_trgm": f"CREATE INDEX ix_business_search_trgm ON business USING gin ({TRIGRAM_TEXT} gin_trgm_ops)",
    "ix_business_search_grams": f"CREATE INDEX ix_business_search_grams ON business USING gin (({GRAM_TOKENS}))",
}
_cjk_trigrams: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


class PgSearch:
    """GIN candidates; see storage.search.SearchBackend."""

    # Counting candidates visits their heap rows (~1-2 µs each): keep the probe short, and leave
    # larger sets to the planner.
    sparse_limit = 10_000

    def __init__(self, cjk_trigrams: bool) -> None:
        self.cjk_trigrams = cjk_trigrams

    @classmethod
    def for_connection(cls, connection: Connection) -> PgSearch:
        """Checks once per engine whether pg_trgm keeps CJK characters under this database's locale."""
        engine = connection.engine
        if engine not in _cjk_trigrams:
            _cjk_trigrams[engine] = bool(connection.execute(text("SELECT show_trgm('面馆')")).scalar())
        return cls(_cjk_trigrams[engine])

    def term_index(self, connection: Connection, term: Term, cap: int) -> TermIndex | None:
        q = term.text
        if term.kind == "code":
            if len(q) < 3:  # "phone contains 2 digits" holds for most rows: no index helps
                return None
            ranges = code_ranges(q)  # a BitmapOr of the two b-tree ranges and the phone's trigrams
            condition = or_(*ranges, _trigram(f"%{_escaped(q)}%")) if may_be_phone(q) else or_(*ranges)
            return _index(connection, condition, cap, exact=False)
        if term.kind == "pinyin" and len(q) <= 2:
            return _index(connection, _trigram(f"% {q}%"), cap, exact=False)
        if len(q) >= 3 and (self.cjk_trigrams or q.isascii()):
            return _index(connection, _trigram(f"%{_escaped(q)}%"), cap, exact=True)
        grams = list(dict.fromkeys(text_grams(q, pairs_only=True)))
        if not grams:
            return None
        contains = literal_column(_GRAM_QUERY).op("@>")(bindparam(None, grams, type_=ARRAY(Text)))
        return _index(connection, contains, cap, exact=grams == [q])

    def ids_condition(self, ids: Sequence[int]) -> ColumnElement[bool]:
        business: Any = Business
        return business.id == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))

    def rebuild(self, connection: Connection) -> None:
        """GIN indexes follow every write by themselves; fresh statistics are what a bulk load needs."""
        connection.exec_driver_sql("ANALYZE business")

    @contextmanager
    def bulk_load(self, connection: Connection) -> Iterator[None]:
        """Building a GIN index once is much faster than growing it row by row."""
        present = set(
            connection.execute(
                text(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'business' AND indexname = ANY(:names)"
                ),
                {"names": list(INDEXES)},
            ).scalars()
        )
        for name in present:
            connection.exec_driver_sql(f"DROP INDEX {name}")
        yield
        for name in present:
            connection.exec_driver_sql(INDEXES[name])
        self.rebuild(connection)


def _trigram(pattern: str) -> ColumnElement[bool]:
    return literal_column(_TRIGRAM_QUERY).op("ILIKE")(pattern)


def _ids(condition: ColumnElement[bool]) -> Select[Any]:
    business: Any = Business
    return select(business.id).where(condition)


def _index(connection: Connection, condition: ColumnElement[bool], cap: int, *, exact: bool) -> TermIndex:
    """The condition applies to business itself: PostgreSQL chooses bitmap scan or walk from its statistics."""
    return TermIndex(condition, capped_ids(connection, _ids(condition), cap), exact)


def _escaped(term: str) -> str:
    """LIKE pattern text: backslash is PostgreSQL's default LIKE escape."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
