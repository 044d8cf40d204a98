"""PostgreSQL search index: pg_trgm GIN on the searched text, GIN over the character-gram tokens.

pg_trgm serves terms of 3+ characters (and pinyin word prefixes), but it cannot serve a 1-2 character
pattern and, when the database's LC_CTYPE is C, it drops CJK characters altogether (show_trgm('面馆')
is empty). Both cases go to the gram index instead, which compares tokens exactly and so works
under any locale. The expressions below are the ones migration 0002 indexes, character for character.

Two things make the probes cheap at a million rows (docs/benchmarks.md, PostgreSQL search):
- A broad term's probe is skipped: reading even a few hundred candidates first builds the bitmap of
  all of them (GIN has no ordered, stoppable scan: ~0.5 us a candidate, 55 ms for 限), and with a LIMIT
  the planner would rather walk the table evaluating string_to_array on each row (~20 us a row,
  2.4 s for 10,001 candidates of 限). The planner's row estimate (most-common-elements statistics for
  the grams, the histogram for the trigram text, 300 entries since migration 0009) tells broad from
  rare for ~1 ms; a term it expects to match more rows than the cap gets no candidate list, so the
  list walks its sort order, which such a term fills at once.
- The probe itself never scans the table (enable_seqscan off for that statement only).
A code term (credit code, 注册号, phone) goes by branches instead (storage.search_codes_pg, migration 0020).
A term without cased letters (Chinese, digits) is matched with LIKE, not ILIKE: the same rows, but
PostgreSQL's ILIKE lower-cases every row's text first (~12 us a column in a UTF-8 database, 20x LIKE).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Select,
    any_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Text

from storage.search import Branch, Term, TermIndex, capped_ids, may_be_phone, text_grams
from storage.search_codes_pg import INDEXES as CODE_INDEXES
from storage.search_codes_pg import REG_NO_DATES, infix_branches, prefix_branches
from storage.search_fragments import CODE_FRAGMENT_FROM, PG_INDEXES, PG_PAIRS_QUERY
from storage.tables import Business

if TYPE_CHECKING:
    from storage.search_side_index import SideIndex

TRIGRAM_TEXT = "(name || ' ' || operator || ' ' || address || ' ' || phone || ' ' || name_pinyin)"
GRAM_TOKENS = "string_to_array(search_chars, ' ')"
# The same expressions, qualified: the list joins grid and officer, which have a name (and a phone) too.
_TRIGRAM_QUERY = (
    "(business.name || ' ' || business.operator || ' ' || business.address || ' ' || "
    "business.phone || ' ' || business.name_pinyin)"
)
_GRAM_QUERY = "string_to_array(business.search_chars, ' ')"
# Migration 0009: a finer histogram of the trigram text (300 entries, not 100) for the probe's estimate;
# a rebuilt index loses it, so it is part of the index's DDL here.
TRIGRAM_STATISTICS = "ALTER INDEX ix_business_search_trgm ALTER COLUMN 1 SET STATISTICS 300"
INDEXES = {
    "ix_business_search_trgm": (
        f"CREATE INDEX ix_business_search_trgm ON business USING gin ({TRIGRAM_TEXT} gin_trgm_ops); "
        + TRIGRAM_STATISTICS
    ),
    "ix_business_search_grams": f"CREATE INDEX ix_business_search_grams ON business USING gin (({GRAM_TOKENS}))",
    # Migration 0009: the list's default order (registered_on DESC, id DESC) read from the index alone.
    "ix_business_search_office_registered": (
        "CREATE INDEX ix_business_search_office_registered ON business (office_id, registered_on, id)"
    ),
    # Migration 0019's initials; its codes index gave way to migration 0020's three.
    "ix_business_search_initials": PG_INDEXES["ix_business_search_initials"],
    **CODE_INDEXES,
    **REG_NO_DATES,  # migration 0022
}
_cjk_trigrams: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


class PgSearch:
    """GIN candidates; see storage.search.SearchBackend."""

    # Counting candidates visits their heap rows (~1-2 µs each): keep the probe short, and leave
    # larger sets to the planner.
    sparse_limit = 10_000
    # A term the planner expects to match more than cap * broad_factor rows gets no probe: it would come
    # back "more than cap" after paying for the GIN scan. The trigram estimate is coarse (one histogram
    # entry = 0.3 % of the rows) and a walk window costs less than a wasted probe, hence half the cap.
    broad_factor = 0.5

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
            return self._code_index(connection, term, cap)
        if term.kind == "pinyin" and len(q) <= 2:  # name_pinyin is lower case: LIKE finds all ILIKE would
            word_start = _trigram(f"% {q}%", "")
            if len(q) == 2:  # or two initials inside the name: the array of pairs holds it
                pairs = literal_column(PG_PAIRS_QUERY).op("@>")(bindparam(None, [q], type_=ARRAY(Text)))
                return self._index(connection, or_(word_start, pairs), cap, exact=False)
            return self._index(connection, word_start, cap, exact=False)
        if len(q) >= 3 and (self.cjk_trigrams or q.isascii()):
            # A pinyin term means name_pinyin or the address (storage.search.term_condition), which the
            # trigram text's ILIKE only approximates (it also lower-cases the Kelvin sign of a name to k).
            exact = term.kind != "pinyin"
            return self._index(connection, _trigram(f"%{_escaped(q)}%", q), cap, exact=exact)
        grams = list(dict.fromkeys(text_grams(q, pairs_only=True)))
        if not grams:
            return None
        contains = literal_column(_GRAM_QUERY).op("@>")(bindparam(None, grams, type_=ARRAY(Text)))
        return self._index(connection, contains, cap, exact=grams == [q])

    def _code_index(self, connection: Connection, term: Term, cap: int) -> TermIndex:
        """A code term's branches (storage.search_codes_pg), never listed: the exact prefix ranges are
        counted from their indexes alone (at most cap + 1 entries each), the code's inside is estimated
        from the sample and the phone by the planner. When all are few, the list sorts the union of the
        branches at once (reading each candidate once); when one is broad, it walks its sort order first."""
        code = term.text.upper()
        prefixes = prefix_branches(code)
        inside, inside_rows = infix_branches(connection, code) if len(code) >= CODE_FRAGMENT_FROM else ([], 0.0)
        phone = [Branch(_trigram(f"%{_escaped(term.text)}%", term.text), exact=False)] if may_be_phone(term.text) else []
        limit = cap * self.broad_factor
        few = few_in_date_order = False
        if inside_rows <= limit:
            counts = _counted(connection, [branch.condition for branch in prefixes], cap + 1)
            # A prefix within the cap is sorted whole from its range; a broad one is read in date order.
            # (Not counted, the planner chooses between the two from the 注册号's statistics.)
            prefixes = [
                branch if counted > cap else replace(branch, in_date_order=None)
                for branch, counted in zip(prefixes, counts, strict=True)
            ]
            rest_few = all(estimated_rows(connection, _ids(branch.condition)) <= limit for branch in phone)
            few = rest_few and max(counts) <= cap
            # A broad 注册号 prefix lies behind every newer business: walking the list first finds nothing.
            few_in_date_order = rest_few and all(
                counted <= cap or branch.in_date_order is not None
                for branch, counted in zip(prefixes, counts, strict=True)
            )
        branches = (*prefixes, *inside, *phone)
        condition = or_(*(branch.condition for branch in branches))
        return TermIndex(condition, None, False, branches, few=few, few_in_date_order=few_in_date_order)

    def _index(
        self, connection: Connection, condition: ColumnElement[bool], cap: int, *, exact: bool
    ) -> TermIndex:
        """The condition applies to business itself; its candidates are read only when the planner
        expects few (see the module docstring)."""
        ids = _ids(condition)
        if estimated_rows(connection, ids) > cap * self.broad_factor:
            return TermIndex(condition, None, exact)
        with _planner_setting(connection, "enable_seqscan", "off"):
            return TermIndex(condition, capped_ids(connection, ids, cap), exact)

    def ids_condition(self, ids: Sequence[int]) -> ColumnElement[bool]:
        business: Any = Business
        return business.id == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))

    def rebuild(self, connection: Connection) -> None:
        """GIN indexes follow every write by themselves; fresh statistics are what a bulk load needs."""
        connection.exec_driver_sql("ANALYZE business")

    @contextmanager
    def bulk_load(self, connection: Connection, side: SideIndex | None = None) -> Iterator[None]:
        """Building a GIN index once is much faster than growing it row by row (no side index here:
        storage.search.side_index gives none for PostgreSQL)."""
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


def _trigram(pattern: str, term: str) -> ColumnElement[bool]:
    """The trigram-indexed text matches pattern; case-blind when the term has cased letters."""
    return literal_column(_TRIGRAM_QUERY).op("ILIKE" if has_cased_letters(term) else "LIKE")(pattern)


def has_cased_letters(term: str) -> bool:
    """Whether ILIKE could match rows LIKE does not: only a cased letter has another case."""
    return any(char.lower() != char.upper() for char in term)


def estimated_rows(connection: Connection, statement: Select[Any]) -> float:
    """The planner's estimate of the rows `statement` returns (EXPLAIN, nothing executed)."""
    compiled = statement.compile(dialect=connection.dialect)
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


@contextmanager
def _planner_setting(connection: Connection, name: str, value: str) -> Iterator[None]:
    """A planner setting for the statements in the block only, then back to what it was."""
    before = connection.exec_driver_sql(
        "SELECT current_setting(%(name)s), set_config(%(name)s, %(value)s, true)",
        {"name": name, "value": value},
    ).scalar_one()
    try:
        yield
    finally:
        connection.exec_driver_sql(
            "SELECT set_config(%(name)s, %(value)s, true)", {"name": name, "value": before}
        )


def _counted(connection: Connection, conditions: list[ColumnElement[bool]], most: int) -> list[int]:
    """How many rows meet each condition, counting at most `most` (one statement)."""
    counts = [
        select(func.count()).select_from(_ids(condition).limit(most).subquery()).scalar_subquery()
        for condition in conditions
    ]
    return [int(count) for count in connection.execute(select(*counts)).one()]


def _ids(condition: ColumnElement[bool]) -> Select[Any]:
    business: Any = Business
    return select(business.id).where(condition)


def _escaped(term: str) -> str:
    """LIKE pattern text: backslash is PostgreSQL's default LIKE escape."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
