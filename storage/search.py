"""Business search: derived search columns, query terms, and the engine-specific index behind one seam.

What a query means is defined once, here, as plain SQL conditions on `business` (`term_condition`);
an engine's index (search_sqlite, search_pg) finds candidates fast, and they are checked against that
definition unless the index says its candidates are exactly the matches. So an index may return too
much, never too little, and a term no index can serve is still answered correctly, by the condition.
plan_text asks the index about every term; storage.queries turns the plan into the list's queries.

A query is split on whitespace; every term must match (AND). Each term is one of:

- code: ASCII letters, digits and hyphens, with at least one digit. Credit code (统一社会信用代码)
  or 注册号 starts with it (4+ characters: contains it anywhere, storage.search_fragments), or the
  phone number contains it.
- pinyin: ASCII letters only. 1-2 letters: a pinyin word starts with it (the initials or the full
  pinyin of the name or of the operator, in any common reading of its polyphonic characters: `zs` finds
  张三面馆, `lzlfd` and `lclfd` find 老曾理发店); 2 letters also: the name's initials contain it
  (`cs` finds 王五超市, storage.search_fragments). 3+ letters: the pinyin or initials
  contain it, or the name, operator or address contain it as Latin text (`ktv`).
- text: anything else. The name, operator or address contain it (ASCII case-insensitive).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sqlalchemy import Connection, Select, String, and_, literal, literal_column, or_
from sqlalchemy.sql.elements import ColumnElement

from storage.search_fragments import CODE_FRAGMENT_FROM, pg_initials, sqlite_initials
from storage.search_pinyin import all_pinyin, operator_readings_of
from storage.tables import Business
from workbench.domain.safe_text import without_controls

if TYPE_CHECKING:
    from storage.search_side_index import SideIndex

TermKind = Literal["code", "pinyin", "text"]
NAME_PINYIN_MAX = 600  # Business.name_pinyin max_length
SEARCH_CHARS_MAX = 2000  # Business.search_chars max_length
# Rows in the table from which rewriting the search columns of all of them (a migration) rebuilds the index
# once instead of keeping it row by row.
REINDEX_IN_BULK_FROM = 20000
_CODE = re.compile(r"[0-9a-z-]*[0-9][0-9a-z-]*")  # 0577-8888 is a phone
_LETTERS = re.compile(r"[a-z]+")

# Derived columns


def search_fields(name: str, operator: str, address: str) -> dict[str, str]:
    """The derived columns the search index reads: pinyin of name and operator, and character grams."""
    return {
        "name_pinyin": name_pinyin_of(name, operator),
        "search_chars": _search_chars(name, operator, address),
    }


def search_columns(name: str, operator: str, address: str) -> tuple[str, str]:
    """search_fields' (name_pinyin, search_chars) as a tuple: what a bulk insert puts in its row."""
    return name_pinyin_of(name, operator), _search_chars(name, operator, address)


def name_pinyin_of(name: str, operator: str) -> str:
    """`<name initials> <operator initials> <operator full> <name full>`, each followed by the other common
    readings of its polyphonic characters (老曾 lc and lz): initials first, so that a name too long for the
    column loses the tail of its full pinyin, never a prefix people type."""
    name_readings, operator_readings = all_pinyin(name), operator_readings_of(operator)
    if len(name_readings) == 1 and len(operator_readings) == 1:  # most rows: one reading each
        (name_initials, name_full), (operator_initials, operator_full) = name_readings[0], operator_readings[0]
        words: Sequence[str] = (name_initials, operator_initials, operator_full, name_full)
    else:
        words = list(dict.fromkeys([
            *(initials for initials, _full in name_readings),
            *(initials for initials, _full in operator_readings),
            *(full for _initials, full in operator_readings),
            *(full for _initials, full in name_readings),
        ]))
    return " ".join(filter(None, words))[:NAME_PINYIN_MAX].rstrip()  # the words that are not empty


def _search_chars(name: str, operator: str, address: str) -> str:
    """Every word character and every pair of adjacent ones, space separated (`text_grams`), of the name,
    the operator and the address in that order: the grams of the three joined by a space (which no run
    crosses), made in one pass."""
    joined = _grams(f"{name} {operator} {address}")
    if len(joined) <= SEARCH_CHARS_MAX:
        return joined
    unique = " ".join(dict.fromkeys(joined.split()))
    return unique[: unique.rfind(" ", 0, SEARCH_CHARS_MAX + 1)] if len(unique) > SEARCH_CHARS_MAX else unique


_WORD_RUN = re.compile(r"[^\W_]+")  # exactly the runs of str.isalnum() characters
_DIGITS = re.compile(r"(\d+)")


def word_runs(text: str) -> list[str]:
    """Maximal runs of letters and digits (CJK included), lower-cased: what the gram index sees."""
    return _WORD_RUN.findall(text.lower())


def text_grams(text: str, *, pairs_only: bool) -> list[str]:
    """Single characters and adjacent pairs of each run; with pairs_only, a run of 2+ gives only pairs.

    A text containing a term contains every gram of the term (pairs_only=True), so the grams of a
    term select a superset of the rows that contain it.
    """
    grams: list[str] = []
    for run in word_runs(text):
        if not pairs_only or len(run) == 1:
            grams += run
        grams += map(add, run, run[1:])
    return grams


def _grams(text: str) -> str:
    """ " ".join(text_grams(text, pairs_only=False)), fast: addresses repeat their street part, so the
    pieces between numbers are cached and only the pairs across a number's edges are made anew."""
    parts: list[str] = []
    for run in _WORD_RUN.findall(text.lower()):
        if len(run) <= 8:
            parts.append(_piece_grams(run))
            continue
        previous = ""
        for piece in _DIGITS.split(run):
            if piece:
                parts.append(_piece_grams(piece))
                if previous:
                    parts.append(previous[-1] + piece[0])
                previous = piece
    return " ".join(parts)


@lru_cache(maxsize=16384)
def _piece_grams(piece: str) -> str:
    return " ".join((*piece, *map(add, piece, piece[1:])))


# Query terms and what they mean


@dataclass(frozen=True)
class Term:
    """One whitespace-separated piece of the search box, normalised (NFKC, lower-cased)."""

    kind: TermKind
    text: str


def parse_query(text: str) -> tuple[Term, ...]:
    """Split what was typed into terms; every term must match. Control characters are dropped first: a NUL
    is refused by PostgreSQL and breaks SQLite's full-text query, and no stored value holds one."""
    pieces = unicodedata.normalize("NFKC", without_controls(text)).lower().split()
    return tuple(Term(_kind(piece), piece) for piece in dict.fromkeys(pieces))


def _kind(piece: str) -> TermKind:
    if _CODE.fullmatch(piece):
        return "code"
    if _LETTERS.fullmatch(piece):
        return "pinyin"
    return "text"


def term_condition(term: Term, dialect: str = "postgresql") -> ColumnElement[bool]:
    """What the term means, as a condition on business: the same on every engine, index or not.

    Case: SQLite's LIKE ignores ASCII case by itself; PostgreSQL's needs ILIKE, for a term with cased
    letters only: ILIKE lower-cases each row's text first (~20x LIKE's time in a UTF-8 database), and a
    term without them (Chinese, digits) matches the same rows either way.
    """
    table: Any = Business
    q = term.text
    if term.kind == "code":
        code = q.upper()
        in_code = "contains" if len(code) >= CODE_FRAGMENT_FROM else "startswith"
        return or_(
            getattr(table.uscc, in_code)(code, autoescape=True),
            getattr(table.reg_no, in_code)(code, autoescape=True),
            table.phone.contains(q, autoescape=True),
        )
    if term.kind == "pinyin" and len(q) <= 2:
        word_start = (literal(" ") + table.name_pinyin).contains(" " + q, autoescape=True)
        if len(q) == 1:
            return word_start
        initials = sqlite_initials if dialect == "sqlite" else pg_initials
        return or_(word_start, literal_column(initials("business.name_pinyin"), String).contains(q, autoescape=True))
    if term.kind == "pinyin":
        # name_pinyin holds the name's and the operator's Latin letters too, lower-cased and in their order,
        # in the initials (pinyin() passes ASCII letters through), which come first and are never cut: so a
        # letters-only term that either contains is in it. Read as text, only the address is left, and LIKE
        # does for the lower-case column even on PostgreSQL, where ILIKE costs ~20x per row.
        # tests/test_search.py proves the containment.
        address = table.address.contains if dialect == "sqlite" else table.address.icontains
        return or_(table.name_pinyin.contains(q, autoescape=True), address(q, autoescape=True))
    columns = [table.name, table.operator, table.address]
    if dialect == "sqlite" or not any(char.lower() != char.upper() for char in q):
        return or_(*(column.contains(q, autoescape=True) for column in columns))
    return or_(*(column.icontains(q, autoescape=True) for column in columns))


def may_be_phone(code: str) -> bool:
    """Phone numbers hold digits and hyphens only: a code term with letters is no part of one."""
    return not any(char.isalpha() for char in code)


def capped_ids(connection: Connection, ids: Select[Any], cap: int) -> tuple[int, ...] | None:
    """The ids `ids` yields, reading at most cap + 1 of them; None when there are more than cap."""
    found = tuple(dict.fromkeys(connection.execute(ids.limit(cap + 1)).scalars()))
    return None if len(found) > cap else found


def exact_in_index(term: Term) -> bool:
    """Whether an index token equal to the term means exactly term_condition (no row check needed).

    Index tokens fold case like Python's str.lower(); SQL LIKE folds ASCII only, so a term with other
    cased letters (É) is always checked against the rows.
    """
    return not any(not char.isascii() and char.lower() != char.upper() for char in term.text)


# The engine seam


@dataclass(frozen=True)
class Branch:
    """One index's share of a term's candidates, to be queried on its own; exact: its rows match the term."""

    condition: ColumnElement[bool]
    exact: bool
    # The same rows, written for reading an index in the list's date order (storage.search_codes_pg: a broad
    # 注册号 prefix's first page from the 注册号 holders' date index, without sorting all its rows); None: none.
    in_date_order: ColumnElement[bool] | None = None


@dataclass(frozen=True)
class TermIndex:
    """What an engine's index offers for one term."""

    condition: ColumnElement[bool]  # business is among the candidates, written to drive the query from them
    ids: tuple[int, ...] | None  # the candidates, when at most the cap asked for; None when more
    exact: bool  # candidates are exactly the rows term_condition accepts
    # The candidates as a union of branches, each an index's own query (storage.search_codes_pg): many
    # candidates are then listed, sorted and counted from the indexes rather than from their rows.
    branches: tuple[Branch, ...] = ()
    # With branches and no ids: the branches' candidates are known to be few (counted or estimated), so
    # sorting all of them beats walking the sort order; reading them once for that spares listing them.
    few: bool = False
    # The same, when the page is in the list's date order and the broad branches are read in it
    # (Branch.in_date_order): their first rows come straight from an index, the others are few.
    few_in_date_order: bool = False


class SearchBackend(Protocol):
    """An engine's search index: finds candidates fast; plan_text decides how to use them."""

    sparse_limit: int  # up to this many candidates, sorting them beats walking the sort index

    def ids_condition(self, ids: Sequence[int]) -> ColumnElement[bool]:
        """business.id is one of `ids`, in one parameter however many there are."""
        ...

    def term_index(self, connection: Connection, term: Term, cap: int) -> TermIndex | None:
        """The index's candidates for a term (any office, tombstones too: a superset of its matches
        among live rows), or None when no index serves the term."""
        ...

    def rebuild(self, connection: Connection) -> None:
        """Rebuild the index from the business table and refresh the planner's statistics."""
        ...

    def bulk_load(self, connection: Connection, side: SideIndex | None = None) -> AbstractContextManager[None]:
        """Stop maintaining the index row by row for the block; rebuild it once at the end (or copy in
        the `side` index, where the engine has one)."""
        ...


def backend_for(connection: Connection) -> SearchBackend:
    if connection.dialect.name == "sqlite":
        from storage.search_sqlite import SqliteSearch

        return SqliteSearch()
    if connection.dialect.name == "postgresql":
        from storage.search_pg import PgSearch

        return PgSearch.for_connection(connection)
    raise NotImplementedError(f"no search index for {connection.dialect.name}")


def rebuild_index(connection: Connection) -> None:
    """After a bulk load: rebuild what the triggers / indexes would have kept, and ANALYZE."""
    backend_for(connection).rebuild(connection)


def bulk_load(connection: Connection, side: SideIndex | None = None) -> AbstractContextManager[None]:
    """`with bulk_load(connection): executemany(...)`: the index is built once, after the rows are in.

    Inside the block the index is not maintained (so searches in this transaction miss the new rows);
    leaving it normally rebuilds the index, or copies in `side` (see side_index). Use it in the loading
    transaction only.
    """
    return backend_for(connection).bulk_load(connection, side)


def side_index(connection: Connection, **options: Any) -> SideIndex | None:
    """For a bulk load into an empty business table of a SQLite file: a SideIndex that builds the search
    index beside the database on other threads while the load goes on (storage.search_side_index).
    None elsewhere (PostgreSQL builds its GIN indexes itself; an in-memory database has no folder)."""
    database = connection.engine.url.database
    if connection.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if connection.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM business)").scalar():
        return None
    from storage.search_side_index import SideIndex

    return SideIndex(connection, Path(database).resolve().parent, **options)


# Planning a query text


@dataclass(frozen=True)
class TextPlan:
    """How to answer a query text: each term's index (if any), and which one drives the query."""

    terms: tuple[Term, ...]
    indexes: tuple[TermIndex | None, ...]
    driver: int | None  # the term whose index has the fewest candidates
    backend: SearchBackend | None
    dialect: str

    @property
    def sparse(self) -> bool:
        """The driver's candidates are known and few enough to check and sort them all."""
        if self.driver is None:
            return False
        index = self._driver_index()
        return index.ids is not None or (index.few and bool(index.branches))

    @property
    def sparse_in_date_order(self) -> bool:
        """As sparse, for a page in the list's date order (TermIndex.few_in_date_order)."""
        if self.driver is None:
            return False
        index = self._driver_index()
        return self.sparse or (index.few_in_date_order and bool(index.branches))

    def _driver_index(self) -> TermIndex:
        index = None if self.driver is None else self.indexes[self.driver]
        assert index is not None
        return index

    def row_condition(self) -> ColumnElement[bool] | None:
        """What the text means, checked row by row: for walking a sort index."""
        return and_(*(term_condition(term, self.dialect) for term in self.terms)) if self.terms else None

    def driven_condition(self) -> ColumnElement[bool] | None:
        """What the text means, starting from the driver's candidates: for sorting or counting them."""
        if self.driver is None:
            return self.row_condition()
        index = self._driver_index()
        rest = [
            term_condition(term, self.dialect)
            for position, term in enumerate(self.terms)
            if position != self.driver or not (index.exact and exact_in_index(term))
        ]
        if index.ids is not None and self.backend is not None:
            return and_(self.backend.ids_condition(index.ids), *rest)
        return and_(index.condition, *rest)

    def driven_branches(self) -> list[ColumnElement[bool]] | None:
        """What the text means as a union of conditions, one per branch of the driver's index (None when
        it has none, or its candidates are listed): each is the branch, the driver's term unless the
        branch is exact, and the other terms."""
        if self.driver is None:
            return None
        index = self._driver_index()
        if index.ids is not None or not index.branches:
            return None
        driver_term = term_condition(self.terms[self.driver], self.dialect)
        rest = self._other_terms()
        return [
            and_(branch.condition, *([] if branch.exact else [driver_term]), *rest) for branch in index.branches
        ]

    def date_ordered_branches(self) -> list[ColumnElement[bool] | None]:
        """Beside driven_branches, branch by branch: the same rows written for reading them in the list's
        date order (Branch.in_date_order, exact branches only), or None."""
        rest = self._other_terms()
        return [
            None if branch.in_date_order is None or not branch.exact else and_(branch.in_date_order, *rest)
            for branch in self._driver_index().branches
        ]

    def _other_terms(self) -> list[ColumnElement[bool]]:
        """The conditions of every term but the driver's."""
        return [term_condition(term, self.dialect) for position, term in enumerate(self.terms) if position != self.driver]


SPARSE_LIMIT: int | None = None  # tests set it to force the dense plan on small tables


def plan_text(connection: Connection, text: str, cap: int | None = None) -> TextPlan:
    """Ask the index about every term; the one with the fewest candidates drives the query.

    `cap`: read at most this many candidates of a term (default: the backend's sparse_limit); a first,
    cheap look with a small cap tells the rare terms from the common ones (storage.queries).
    """
    terms = parse_query(text)
    if not terms:
        return TextPlan(terms, (), None, None, connection.dialect.name)
    backend = backend_for(connection)
    limit = (backend.sparse_limit if cap is None else cap) if SPARSE_LIMIT is None else SPARSE_LIMIT
    indexes = tuple(backend.term_index(connection, term, limit) for term in terms)
    driver: int | None = None
    for position, index in enumerate(indexes):
        best = None if driver is None else indexes[driver]
        if index is not None and (best is None or _fewer(index, best)):
            driver = position
    return TextPlan(terms, indexes, driver, backend, connection.dialect.name)


def _fewer(index: TermIndex, than: TermIndex) -> bool:
    return index.ids is not None and (than.ids is None or len(index.ids) < len(than.ids))


def match_ids_clause(connection: Connection, text: str) -> ColumnElement[bool] | None:
    """A condition on business for a query text (None for a blank query), using the index when it helps."""
    return plan_text(connection, text).driven_condition()
