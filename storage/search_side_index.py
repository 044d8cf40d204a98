"""Build the SQLite search index of a bulk load beside the database, on other threads, then copy it in.

Rebuilding the FTS5 tables of a million businesses takes ~30 s, and the load's plain indexes ~16 s
more, one after the other on one CPU while the other waits. But an FTS5 index is kept in ordinary
shadow tables (`<name>_data`, `<name>_idx`), so it can be built elsewhere: the searched columns of each
loaded row go to a scratch file as they are written (`add`); `start` builds each FTS5 table in a file of
its own, on its own thread (sqlite3 lets other threads run while a statement works), with the very
definition the database has, indexing the rows straight from the scratch file (no copy of them per table),
and merges each into one segment ('optimize', which the loading connection would otherwise do after the
copy); meanwhile the loading connection builds its plain indexes; `finish` copies the built shadow rows
into the database's (empty) ones, inside the load's transaction: a load that fails or is cancelled rolls
them back with its rows.

Migration 0002's three tables over `business` are built here, and with `fragments` (the import) migration
0019's code trigrams (`business_codes`, over uscc and reg_no) and name-initial pairs (`business_initials`,
whose content is a view: indexed here from the pairs storage.search_fragments.initial_pairs makes, the
view's string character for character); the tables not built here are rebuilt in place.

Only for a load into an empty business table (the demo build, a register import into an empty office):
the side index knows the loaded rows only. A side build that fails leaves nothing behind and `finish`
says so; the caller then rebuilds in place. tests/test_demo.py and tests/test_import_side_search.py prove
the copied index passes FTS5's integrity-check and answers like a rebuilt one.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from storage.search_fragments import initial_pairs

# The searched columns of business, in the order `add` takes them, and which ones each FTS5 table reads
# (its definition in migrations 0002 and 0019; tests/test_demo.py checks they agree).
SEARCHED = ("name", "operator", "address", "phone", "name_pinyin", "search_chars", "uscc", "reg_no")
FTS_COLUMNS = {
    "business_fts": ("name", "operator", "address", "phone", "name_pinyin"),
    "business_grams": ("search_chars",),
    "business_pinyin": ("name_pinyin",),
    "business_codes": ("uscc", "reg_no"),
    "business_initials": ("pairs",),
}
REQUIRED = ("business_fts", "business_grams", "business_pinyin")  # and 0019's two with `fragments`, when there
INITIALS = "business_initials"  # its content is a view of the pairs (storage.search_fragments)
PAIRS_FUNCTION = "workbench_initial_pairs"
# The small ones first, so that finish() copies them while the trigram tables may still be building.
COPY_ORDER = ("business_pinyin", "business_initials", "business_grams", "business_codes", "business_fts")
SHADOW_TABLES = ("data", "idx")  # columnsize=0 and external content: no docsize or content tables
SIDE_HASH_BYTES = 32 << 20  # FTS5 pending terms kept in memory before a segment is written (see search_sqlite)
INTERRUPT_EVERY_SECONDS = 0.05
"""How often close() interrupts a build still running: sqlite3_interrupt only stops a statement under way, so a
build whose connection was handed over but whose statement had not begun went on (a test hung 23 minutes)."""
SCRATCH_CACHE_KIB = 32 * 1024
COPY_ROWS = 512  # shadow rows per executemany when copying in (blocks of ~4 kB)


class SideIndex:
    """One bulk load's FTS5 tables, built beside the database: add → start → finish, then close."""

    def __init__(
        self,
        connection: Connection,
        folder: Path,
        *,
        numbered: bool = True,
        fragments: bool = False,
        hash_bytes: int | None = None,
        cache_kib: int | None = None,
    ) -> None:
        """numbered: add() takes (id, *SEARCHED); otherwise SEARCHED alone, the ids being 1, 2, … in the
        order added (as SQLite numbers the rows of an empty table). fragments: migration 0019's two tables
        too, when the database has them (the demo build leaves them to the rebuild in place: not measured at
        a million rows with five builds at once). hash_bytes, cache_kib: each build's FTS5 pending terms and
        page cache (SIDE_HASH_BYTES, SCRATCH_CACHE_KIB by default)."""
        names = ", ".join(f"'{name}'" for name in (FTS_COLUMNS if fragments else REQUIRED))
        found = connection.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ({names})"
        ).all()
        self.definitions = {str(name): str(sql) for name, sql in found}
        if not set(REQUIRED) <= set(self.definitions):
            raise LookupError("the database lacks a search table: rebuild in place")
        self.hash_bytes, self.cache_kib = hash_bytes, cache_kib
        self.folder = Path(tempfile.mkdtemp(prefix=".workbench-search-", dir=folder))
        self.errors: list[BaseException] = []
        self.threads: dict[str, threading.Thread] = {}
        self.building: dict[str, sqlite3.Connection] = {}  # interrupted when the load fails meanwhile
        self.content = _scratch(self.folder / "content.db", self.cache_kib)
        columns = ", ".join(SEARCHED)
        self.content.execute(f"CREATE TABLE business (id INTEGER PRIMARY KEY, {columns})")
        if numbered:
            self._insert = f"INSERT INTO business (id, {columns}) VALUES ({', '.join('?' * (1 + len(SEARCHED)))})"
        else:
            self._insert = f"INSERT INTO business ({columns}) VALUES ({', '.join('?' * len(SEARCHED))})"

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        """Loaded rows as (id, *SEARCHED), or SEARCHED alone (not `numbered`). A scratch file that cannot be
        written (a full disk) gives up the side build, never the load: finish() then says so and the index
        is rebuilt in place."""
        if self.errors:
            return
        try:
            self.content.executemany(self._insert, rows)
        except sqlite3.Error as error:
            self.errors.append(error)

    def added(self) -> tuple[int | None, int | None]:
        """The smallest and largest id added so far ((None, None) when none, or the scratch file failed)."""
        if self.errors:
            return None, None
        low, high = self.content.execute("SELECT min(id), max(id) FROM business").fetchone()
        return low, high

    @property
    def built(self) -> tuple[str, ...]:
        """The search tables this side index builds (and finish() copies in), in COPY_ORDER."""
        return tuple(name for name in COPY_ORDER if name in self.definitions)

    def give_up(self, why: BaseException) -> None:
        """Build nothing: finish() will say so (the caller rebuilds in place)."""
        self.errors.append(why)

    def start(self) -> None:
        """Build every FTS5 table in its own file, each on its own thread; returns at once."""
        try:
            self.content.commit()
        except sqlite3.Error as error:
            self.errors.append(error)
        self.content.close()
        if self.errors:
            return
        for name in self.built:
            thread = threading.Thread(target=self._build, args=(name,), name=f"search-{name}", daemon=True)
            thread.start()
            self.threads[name] = thread

    def _build(self, name: str) -> None:
        try:
            side = _scratch(self.folder / f"{name}.db", self.cache_kib)
            self.building[name] = side
            try:
                side.execute("ATTACH DATABASE ? AS loaded", (str(self.folder / "content.db"),))
                side.execute(self.definitions[name])
                hash_bytes = SIDE_HASH_BYTES if self.hash_bytes is None else self.hash_bytes
                side.execute(f"INSERT INTO {name}({name}, rank) VALUES ('hashsize', {hash_bytes})")
                side.execute(_filling(side, name))
                # One segment, as storage.search_sqlite.merge_segments leaves an index (then a no-op there).
                side.execute(f"INSERT INTO {name}({name}) VALUES ('optimize')")
                side.commit()
            finally:
                side.close()
        except BaseException as error:  # reported by finish(), in the loading thread
            self.errors.append(error)

    def finish(self, connection: Connection) -> bool:
        """Wait for the builds and copy them into the database's shadow tables; False when a build
        failed (the caller's rebuild in place then replaces whatever was copied)."""
        if self.errors or len(self.threads) != len(self.built):
            self._join()
            return False
        raw: Any = connection.connection.driver_connection
        for name in self.built:  # the small ones first, while the trigram table may still be building
            self.threads[name].join()
            if self.errors:
                self._join()
                return False
            side = sqlite3.connect(self.folder / f"{name}.db")
            try:
                for shadow in SHADOW_TABLES:
                    table = f"{name}_{shadow}"
                    connection.exec_driver_sql(f"DELETE FROM {table}")
                    rows = side.execute(f"SELECT * FROM {table}")
                    marks = ", ".join("?" * len(rows.description))
                    while batch := rows.fetchmany(COPY_ROWS):
                        raw.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)
            finally:
                side.close()
        return True

    def _join(self) -> None:
        for thread in self.threads.values():
            thread.join()

    def close(self) -> None:
        """Remove the scratch files (after finish, or when the load failed: builds still running stop)."""
        for name, thread in self.threads.items():
            # Again and again: an interrupt before its statement starts does nothing, and a build that has
            # only just started may not have put its connection in `building` yet (a load cancelled at once).
            while thread.is_alive():
                side = self.building.get(name)
                if side is not None:
                    with suppress(sqlite3.ProgrammingError):  # it finished and closed meanwhile
                        side.interrupt()
                thread.join(INTERRUPT_EVERY_SECONDS)
        self._join()
        shutil.rmtree(self.folder, ignore_errors=True)


def _filling(side: sqlite3.Connection, name: str) -> str:
    """The statement that indexes the loaded rows in `name`, straight from the scratch file (what FTS5's
    'rebuild' does, without a content table here: an external-content table's index is written from the
    values inserted, its content table is read only to rebuild or delete). The initials are the pairs
    their content view would give (storage.search_fragments.initial_pairs, made here in Python)."""
    columns = FTS_COLUMNS[name]
    values = ", ".join(columns)
    if name == INITIALS:
        side.create_function(PAIRS_FUNCTION, 1, initial_pairs, deterministic=True)
        values = f"{PAIRS_FUNCTION}(name_pinyin)"
    return f"INSERT INTO {name}(rowid, {', '.join(columns)}) SELECT id, {values} FROM loaded.business"


def _scratch(path: Path, cache_kib: int | None) -> sqlite3.Connection:
    """A file nobody else reads and nobody needs after a crash: no journal, no syncing."""
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute(f"PRAGMA cache_size = -{SCRATCH_CACHE_KIB if cache_kib is None else int(cache_kib)}")
    return connection
