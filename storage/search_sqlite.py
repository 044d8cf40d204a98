"""SQLite search index: FTS5 trigram for terms of 3+ characters, a character-gram FTS5 for 1-2.

SQLite's trigram tokenizer finds nothing for queries under 3 characters (LIKE through it neither), so
short terms go to `business_grams`, which holds every character and every adjacent pair as a token.
The tables are external-content FTS5 over `business`, kept in step by triggers (migration 0002),
which also adds ix_business_search_keys: id first, so that checking a candidate's office, tombstone,
filters and sort key reads a narrow index instead of the wide row.

Full pinyin (`mianguan`, `luchengqutian`) goes by its rarest trigrams rather than as a phrase, and a
searching connection reads the file through a memory map (map_file); both measured at a million rows
in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    and_,
    column,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from storage.search import Term, TermIndex, capped_ids, may_be_phone, text_grams
from storage.search_fragments import CODE_FRAGMENT_FROM, FRAGMENT_TABLES, SQLITE_TRIGGERS, initial_pairs
from storage.tables import Business

if TYPE_CHECKING:
    from storage.search_side_index import SideIndex

FTS_TABLES = ("business_fts", "business_grams", "business_pinyin")
# A phrase's cost grows with its trigrams: 16 common ones (dengtongzhuangdian) take ~120 ms, 6 take 20.
LONG_TERM = 8
LONG_TERM_ROWS = 200  # rows read to check a long term's candidates, at most
RARE_FROM = 7  # full pinyin of 5+ trigrams goes by its rarest ones
RARE_TRIGRAMS = 2
STRETCH = 4  # trigrams
SAMPLE_ROWS = 5000
# A code term this long goes to business_codes by its rarest trigrams rather than as a phrase (_code_inside_ids).
CODE_RARE_FROM = 7
CODE_RARE_TRIGRAMS = 3
CODE_RARE_SHARE = SAMPLE_ROWS // 20  # a trigram in at most this many of the sample's codes is rare
CODE_ROW_CHECKS = 1000  # candidates checked against their rows, at most: ~0.2 ms each cold, the phrase more per match
REBUILD_CACHE_KIB = 256 * 1024  # the rebuild writes ~200 MB of index at a million rows: twice as fast cached
# FTS5 writes its pending terms out as a new segment whenever they pass 'hashsize' (1 MB by default), and
# merges those segments as it goes: a rebuild with 16 MB writes fewer and merges less (the 100,000 rows of
# an import: 1.7 -> 1.1 s, +16 MB peak; docs/benchmarks.md). Set for the rebuild only, then back.
REBUILD_HASH_BYTES = 16 << 20
DEFAULT_HASH_BYTES = 1 << 20
MMAP_BYTES = 4 << 30  # more than any office's file; SQLite caps it at its own limit (2 GB by default)
_MAPPED = "workbench.search.mmap"
_CACHED_FILES: set[str] = set()  # database files the warm-up has read into the OS cache
_TRIGGER_NAMES = (
    "business_search_insert",
    "business_search_delete",
    "business_fts_update",
    "business_grams_update",
    "business_pinyin_update",
    *SQLITE_TRIGGERS,
)


class SqliteSearch:
    """FTS5 candidates; see storage.search.SearchBackend."""

    # Sorting candidates costs ~0.7-3 µs each (ix_business_search_keys spares the row reads); counting
    # past this many costs planning time when the terms are dense, where walking is cheaper anyway.
    # The list's first page looks at fewer first (storage.queries.PROBE_CANDIDATES).
    sparse_limit = 20_000

    def term_index(self, connection: Connection, term: Term, cap: int) -> TermIndex | None:
        map_file(connection)
        q = term.text
        if term.kind == "code":
            if len(q) < 3:  # "phone contains 2 digits" holds for most rows: no index helps
                return None
            business: Any = Business
            sources = [select(business.id).where(condition) for condition in _code_ranges(q)]
            broad = False
            if len(q) >= CODE_RARE_FROM:  # a broad prefix range: more than the cap, whatever the rest finds
                broad = capped_ids(connection, select(union_all(*sources).subquery().c[0]), cap) is None
                sources.append(_fts_ids("business_codes", _quoted(q)) if broad else _code_inside_ids(connection, q))
            elif len(q) >= CODE_FRAGMENT_FROM:  # the prefix ranges first: a broad prefix stops there
                sources.append(_fts_ids("business_codes", _quoted(q)))
            if may_be_phone(q):
                sources.append(_fts_ids("business_fts", f"phone : {_quoted(q)}"))
            ids = select(union_all(*sources).subquery().c[0])
            return TermIndex(_among(ids), None if broad else capped_ids(connection, ids, cap), True)
        if term.kind == "pinyin" and len(q) == 1:
            return _index(connection, "business_pinyin", f'"{q}"*', cap)
        if term.kind == "pinyin" and len(q) == 2:  # a word starting with it, or two initials inside the name
            ids = select(union_all(
                _fts_ids("business_pinyin", f'"{q}"*'), _fts_ids("business_initials", _quoted(q))
            ).subquery().c[0])
            return TermIndex(_among(ids), capped_ids(connection, ids, cap), True)
        if term.kind == "pinyin" and len(q) >= RARE_FROM:
            return _rare_trigram_index(connection, q, cap)
        if LONG_TERM >= len(q) >= 3:  # a phrase of trigrams: exactly "contains q" (phone can't hold q)
            return _index(connection, "business_fts", _quoted(q), cap)
        if len(q) > LONG_TERM:
            return _long_term_index(connection, q, cap)
        grams = list(dict.fromkeys(text_grams(q, pairs_only=True)))
        if not grams:
            return None
        query = " AND ".join(map(_quoted, grams))
        return _index(connection, "business_grams", query, cap, exact=grams == [q])

    def ids_condition(self, ids: Sequence[int]) -> ColumnElement[bool]:
        listed = text("SELECT value FROM json_each(:candidate_ids)").bindparams(
            candidate_ids=json.dumps(list(ids))
        )
        return _among(listed.columns(value=Integer))

    def rebuild(self, connection: Connection) -> None:
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")
        try:
            for name in (*FTS_TABLES, *_fragment_tables(connection)):
                _set_hash_size(connection, name, REBUILD_HASH_BYTES)
                rebuild_index(connection, name)
                _set_hash_size(connection, name, DEFAULT_HASH_BYTES)
            merge_segments(connection)
            analyze(connection)
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size or -2000)}")

    @contextmanager
    def bulk_load(self, connection: Connection, side: SideIndex | None = None) -> Iterator[None]:
        """Row-by-row FTS5 upkeep costs ~0.2 ms a row (each statement flushes FTS5's pending terms).
        With `side`, the index built beside the database is copied in instead of a rebuild here."""
        triggers = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join(repr(name) for name in _TRIGGER_NAMES)})"
        ).all()
        for name, _sql in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        yield
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)
        if side is None:
            self.rebuild(connection)
            return
        analyze(connection)  # (business and its indexes only) while the side builds may still be running
        if side.finish(connection):
            for name in _fragment_tables(connection):  # built beside too, unless made after the side index
                if name not in side.built:
                    rebuild_index(connection, name)
            merge_segments(connection)  # a no-op on the copied ones: the side build left one segment each
        else:
            self.rebuild(connection)


def rebuild_index(connection: Connection, name: str) -> None:
    """FTS5's 'rebuild' of one index table from its content. business_initials' content is a view whose
    pairs cost 31 SQL expressions a row (~12 µs: as much as all of a new row's search columns in Python), so
    it is filled from the same string made in Python (storage.search_fragments.initial_pairs): emptied,
    then every business's pairs inserted; the index holds the same tokens as after a 'rebuild' (the
    tests run FTS5's integrity-check against the view)."""
    if name != "business_initials":
        _refill_from_business(connection, name)
        return
    # A pure function under the app's own name, made once per connection (SQLite refuses to replace or drop
    # a function while the connection has statements in use); nothing else calls it.
    raw: Any = connection.connection.driver_connection
    try:
        raw.execute(f"SELECT {_PAIRS_FUNCTION}(NULL)").fetchall()
    except sqlite3.OperationalError:  # no such function yet
        raw.create_function(_PAIRS_FUNCTION, 1, initial_pairs, deterministic=True)
    connection.exec_driver_sql("INSERT INTO business_initials(business_initials) VALUES ('delete-all')")
    connection.exec_driver_sql(
        f"INSERT INTO business_initials(rowid, pairs) SELECT id, {_PAIRS_FUNCTION}(name_pinyin) "
        "FROM business NOT INDEXED"
    )


def _refill_from_business(connection: Connection, name: str) -> None:
    """What FTS5's 'rebuild' does for an index whose content is `business`, with the rows read in id order.

    'rebuild' reads its content by a bare SELECT, and SQLite answers that from the smallest index holding
    the columns: ix_business_list_walk (migration 0021) holds every one, newest first, so the ids came out
    of order and FTS5 spilled and merged its pending terms all through (10,000 rows: 0.14 → 0.64 CPU-s for
    business_fts). NOT INDEXED reads the table itself, in id order; the index holds the same tokens."""
    columns = ", ".join(str(row[1]) for row in connection.exec_driver_sql(f"PRAGMA table_info({name})"))
    connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('delete-all')")
    connection.exec_driver_sql(
        f"INSERT INTO {name}(rowid, {columns}) SELECT id, {columns} FROM business NOT INDEXED"
    )


_PAIRS_FUNCTION = "workbench_initial_pairs"


def merge_segments(connection: Connection) -> None:
    """After a bulk build, each index into one segment ('optimize'). A build leaves several large segments,
    and FTS5 merges them on later writes: at 1,000,000 businesses the first return package applied after a
    demo build took 9-11 s instead of 1.1-1.3, and one save in twenty ~1.2 s. Paid here instead, while the
    person already waits for the build (~11 s at a million rows, ~1 s at 100,000)."""
    for name in (*FTS_TABLES, *_fragment_tables(connection)):
        connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('optimize')")


def _fragment_tables(connection: Connection) -> list[str]:
    """Migration 0019's tables, when the database has them yet (an older migration may bulk-load too)."""
    names = ", ".join(f"'{name}'" for name in FRAGMENT_TABLES)
    return list(connection.exec_driver_sql(f"SELECT name FROM sqlite_master WHERE name IN ({names})").scalars())


def _set_hash_size(connection: Connection, name: str, size: int) -> None:
    connection.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('hashsize', {int(size)})")


def map_file(connection: Connection) -> None:
    """Read the file through a memory map on this connection, once the OS caches it (mark_cached).

    A search reads rows and index entries scattered over a 2 GB file; through read() each one copies
    a page out of the OS cache, through the map it is read in place: 15-35 % less CPU at p95, measured
    at a million rows. But a page not in the OS cache costs a fault that reads ahead far more than the
    page (random reads): cold, the same searches took 5-10x as long. So only after the list's warm-up
    (storage.search_warmup) has read the file in. Only reads use the map; SQLite writes through the file.
    """
    info = connection.info
    if not info.get(_MAPPED) and file_cached(connection):
        connection.exec_driver_sql(f"PRAGMA mmap_size = {MMAP_BYTES}")
        info[_MAPPED] = True


def file_cached(connection: Connection) -> bool:
    """Whether the warm-up has read this database file into the OS cache in this process (mark_cached)."""
    return connection.engine.url.database in _CACHED_FILES


def mark_cached(connection: Connection) -> None:
    """The OS now caches what searches read of this database file: map it from now on (map_file)."""
    if connection.engine.url.database:
        _CACHED_FILES.add(connection.engine.url.database)


def analyze(connection: Connection) -> None:
    """Planner statistics for business: which index to walk depends on them (a sampled ANALYZE
    misjudges how selective office_id + status is, so this one reads every index: seconds at 1M rows)."""
    connection.exec_driver_sql("ANALYZE business")


def _index(connection: Connection, name: str, query: str, cap: int, *, exact: bool = True) -> TermIndex:
    ids = _fts_ids(name, query)
    return TermIndex(_among(ids), capped_ids(connection, ids, cap), exact)


def _long_term_index(connection: Connection, term: str, cap: int) -> TermIndex:
    """Its two ends are nearly as selective as the whole phrase and far cheaper to find; when they
    find a few rows, those rows are checked one by one. When they find more, reading each row would
    cost more than the whole phrase (a row not in the OS cache costs a disk read), so the phrase."""
    ends = _index(
        connection,
        "business_fts",
        f"{_quoted(term[:LONG_TERM])} AND {_quoted(term[-LONG_TERM:])}",
        min(cap, LONG_TERM_ROWS),
        exact=False,
    )
    if ends.ids is not None:
        return ends
    return _index(connection, "business_fts", _quoted(term), cap)


def _rare_trigram_index(connection: Connection, term: str, cap: int) -> TermIndex:
    """Full pinyin is made of a few hundred common trigrams (`ian` is in 3 of 4 names): a phrase query
    reads the position lists of all of them, 20-80 ms for `luchengqutian`. Its rarest trigrams alone
    (`qut`, `uti`) find nearly the same rows in ~2 ms, which are then checked against the rows. Which
    ones are rarest is counted among the newest SAMPLE_ROWS rows (FTS5 seeks to a rowid range). When
    they find more than the cap, the exact phrase stands for the candidates (for the count), unrun."""
    trigrams = list(dict.fromkeys(term[start : start + 3] for start in range(len(term) - 2)))
    frequency = trigram_counts(connection, "business_fts", trigrams)
    # The rarest few, and the rarest of every stretch of the term: the rarest alone often sit together
    # in a common word (shuiguodian) and find all its rows, whatever the rest of the term says.
    stretches = [trigrams[start : start + STRETCH] for start in range(0, len(trigrams), STRETCH)]
    picked = sorted(trigrams, key=frequency.__getitem__)[:RARE_TRIGRAMS]
    picked += [min(stretch, key=frequency.__getitem__) for stretch in stretches]
    rarest = list(dict.fromkeys(picked))
    rare = _index(connection, "business_fts", " AND ".join(map(_quoted, rarest)), cap, exact=False)
    if rare.ids is not None:
        return rare
    return TermIndex(_among(_fts_ids("business_fts", _quoted(term))), None, True)


def trigram_counts(connection: Connection, name: str, trigrams: Sequence[str]) -> dict[str, int]:
    """How many of the newest SAMPLE_ROWS businesses hold each trigram in the trigram index `name` (FTS5 seeks
    to the rowid range: ~1-5 ms a trigram with the file cold)."""
    newest = connection.exec_driver_sql("SELECT max(id) FROM business").scalar() or 0
    sample = f"SELECT count(*) FROM {name} WHERE {name} MATCH ? AND rowid > ?"
    return {
        trigram: connection.exec_driver_sql(sample, (_quoted(trigram), newest - SAMPLE_ROWS)).scalar() or 0
        for trigram in trigrams
    }


def code_trigram_counts(connection: Connection, trigrams: Sequence[str]) -> dict[str, int]:
    """trigram_counts in the codes' index (a name of its own: the tests give it other counts)."""
    return trigram_counts(connection, "business_codes", trigrams)


def _code_inside_ids(connection: Connection, code: str) -> Select[Any]:
    """Businesses whose credit code or 注册号 holds `code` but does not start with it (those come from the
    b-tree ranges, _code_ranges): exactly, and without the phrase when few rows need checking.

    A phrase reads the position lists of all its trigrams, and a code's region part (`330`, `303`, `302`,
    `MA2`) is in nearly every code: once per match it seeks into them, a page each when the file is cold
    (`92330302MA2XQ`, 666 matches: ~300 ms evicted, 140 ms CPU). Its rarest few trigrams (counted among the
    newest SAMPLE_ROWS rows, as for full pinyin), near each other as in the term, name few candidates; those
    not in a prefix range (at most CODE_ROW_CHECKS) are checked against their rows with LIKE, as
    storage.search.term_condition does. More, and the phrase stands. The sample decides the speed only."""
    upper = code.upper()
    windows = [upper[start : start + 3] for start in range(len(upper) - 2)]  # the trigram at each offset
    frequency = code_trigram_counts(connection, list(dict.fromkeys(windows)))
    # Ties go to the later offset: a code's end is its rarest part (the region code comes first).
    order = sorted(range(len(windows)), key=lambda at: (frequency[windows[at]], -at))
    picked = [order[0]]  # the rarest, and the next ones while rare themselves (a common trigram's
    for at in order[1:]:  # position lists cost more than the candidates it cuts)
        if len(picked) == CODE_RARE_TRIGRAMS or frequency[windows[at]] > CODE_RARE_SHARE:
            break
        if windows[at] not in {windows[taken] for taken in picked}:
            picked.append(at)
    # NEAR(…, N): at most N tokens between the first and the last of them, in any order: a superset of
    # "at these offsets from each other", in one column (a term holds no space, so lies in one code).
    near = f"NEAR({' '.join(_quoted(windows[at]) for at in sorted(picked))}, {max(picked) - min(picked)})"
    business: Any = Business
    candidates = _fts_ids("business_codes", near)
    for condition in _code_ranges(code):
        candidates = candidates.where(literal_column("rowid").not_in(select(business.id).where(condition)))
    if len(connection.execute(candidates.limit(CODE_ROW_CHECKS + 1)).all()) > CODE_ROW_CHECKS:
        return _fts_ids("business_codes", _quoted(code))
    return select(business.id).where(
        business.id.in_(candidates),
        or_(business.uscc.contains(upper, autoescape=True), business.reg_no.contains(upper, autoescape=True)),
    )


def _code_ranges(code: str) -> list[ColumnElement[bool]]:
    """Credit code or 注册号 starts with `code`, as ranges their b-tree indexes serve; the 注册号 range without a
    tombstone test. ix_business_reg_no does not hold deleted_at, so the test read every candidate's row (801
    scattered pages for a broad 注册号 prefix, ~0.1-0.3 s with the file out of the OS cache). Candidates may be
    tombstones (the list's filter drops them: a candidate is checked against ix_business_search_keys); the
    credit code keeps the test, which lets ux_business_uscc_live (live rows only) serve its range."""
    business: Any = Business
    low = code.upper()
    high = low[:-1] + chr(ord(low[-1]) + 1)
    return [
        and_(business.uscc >= low, business.uscc < high, business.deleted_at.is_(None)),
        and_(business.reg_no >= low, business.reg_no < high),
    ]


def _fts_ids(name: str, query: str) -> Select[Any]:
    fts: Any = table(name, column("rowid"))
    return select(fts.c.rowid).where(literal_column(name).op("MATCH")(query))


def _among(ids: Any) -> ColumnElement[bool]:
    business: Any = Business
    return business.id.in_(ids)


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'
