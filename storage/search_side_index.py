"""Build the SQLite search index of a bulk load beside the database, on other threads, then copy it in.

Rebuilding the three FTS5 tables of a million businesses takes ~30 s, and the load's plain indexes ~16 s
more, one after the other on one CPU while the other waits. But an FTS5 index is kept in ordinary
shadow tables (`<name>_data`, `<name>_idx`), so it can be built elsewhere: the searched columns of each
loaded row go to a scratch file as they are written (`add`); `start` builds each FTS5 table in a file of
its own, on its own thread (sqlite3 lets other threads run while a statement works), with the very
definition the database has; meanwhile the loading connection builds its plain indexes; `finish` copies
the built shadow rows into the database's (empty) ones, inside the load's transaction.

Only for a load into an empty business table (the demo): the side index knows the loaded rows only. A
side build that fails leaves nothing behind and `finish` says so; the caller then rebuilds in place.
tests/test_demo.py proves the copied index passes FTS5's integrity-check and answers like a rebuilt one.
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

# The searched columns of business, in the order `add` takes them, and which ones each FTS5 table reads
# (its definition in migration 0002; tests/test_demo.py checks they agree).
SEARCHED = ("name", "operator", "address", "phone", "name_pinyin", "search_chars")
FTS_COLUMNS = {
    "business_fts": ("name", "operator", "address", "phone", "name_pinyin"),
    "business_grams": ("search_chars",),
    "business_pinyin": ("name_pinyin",),
}
COPY_ORDER = ("business_pinyin", "business_grams", "business_fts")  # the trigram table is ~3/4 of the work
SHADOW_TABLES = ("data", "idx")  # columnsize=0 and external content: no docsize or content tables
SIDE_HASH_BYTES = 32 << 20  # FTS5 pending terms kept in memory before a segment is written (see search_sqlite)
INTERRUPT_EVERY_SECONDS = 0.05
"""How often close() interrupts a build still running: sqlite3_interrupt only stops a statement under way, so a
build whose connection was handed over but whose statement had not begun went on (a test hung 23 minutes)."""
SCRATCH_CACHE_KIB = 32 * 1024
COPY_ROWS = 512  # shadow rows per executemany when copying in (blocks of ~4 kB)


class SideIndex:
    """One bulk load's FTS5 tables, built beside the database: add → start → finish, then close."""

    def __init__(self, connection: Connection, folder: Path) -> None:
        names = ", ".join(f"'{name}'" for name in FTS_COLUMNS)
        found = connection.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ({names})"
        ).all()
        self.definitions = {str(name): str(sql) for name, sql in found}
        if set(self.definitions) != set(FTS_COLUMNS):
            raise LookupError("the database lacks a search table: rebuild in place")
        self.folder = Path(tempfile.mkdtemp(prefix=".workbench-search-", dir=folder))
        self.errors: list[BaseException] = []
        self.threads: dict[str, threading.Thread] = {}
        self.building: dict[str, sqlite3.Connection] = {}  # interrupted when the load fails meanwhile
        self.content = _scratch(self.folder / "content.db")
        columns = ", ".join(SEARCHED)
        self.content.execute(f"CREATE TABLE business (id INTEGER PRIMARY KEY, {columns})")
        self._insert = f"INSERT INTO business (id, {columns}) VALUES ({', '.join('?' * (1 + len(SEARCHED)))})"

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        """Loaded rows as (id, *SEARCHED). A scratch file that cannot be written (a full disk) gives up the
        side build, never the load: finish() then says so and the index is rebuilt in place."""
        if self.errors:
            return
        try:
            self.content.executemany(self._insert, rows)
        except sqlite3.Error as error:
            self.errors.append(error)

    def start(self) -> None:
        """Build every FTS5 table in its own file, each on its own thread; returns at once."""
        try:
            self.content.commit()
        except sqlite3.Error as error:
            self.errors.append(error)
        self.content.close()
        if self.errors:
            return
        for name in FTS_COLUMNS:
            thread = threading.Thread(target=self._build, args=(name,), name=f"search-{name}", daemon=True)
            thread.start()
            self.threads[name] = thread

    def _build(self, name: str) -> None:
        try:
            side = _scratch(self.folder / f"{name}.db")
            self.building[name] = side
            try:
                columns = ", ".join(FTS_COLUMNS[name])
                side.execute("ATTACH DATABASE ? AS loaded", (str(self.folder / "content.db"),))
                side.execute(f"CREATE TABLE business (id INTEGER PRIMARY KEY, {columns})")
                side.execute(f"INSERT INTO business (id, {columns}) SELECT id, {columns} FROM loaded.business")
                side.execute(self.definitions[name])
                side.execute(f"INSERT INTO {name}({name}, rank) VALUES ('hashsize', {SIDE_HASH_BYTES})")
                side.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
                side.commit()
            finally:
                side.close()
        except BaseException as error:  # reported by finish(), in the loading thread
            self.errors.append(error)

    def finish(self, connection: Connection) -> bool:
        """Wait for the builds and copy them into the database's shadow tables; False when a build
        failed (the caller's rebuild in place then replaces whatever was copied)."""
        if self.errors or len(self.threads) != len(FTS_COLUMNS):
            self._join()
            return False
        raw: Any = connection.connection.driver_connection
        for name in COPY_ORDER:  # the small ones first, while the trigram table may still be building
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
        for name, side in self.building.items():
            thread = self.threads[name]
            while thread.is_alive():  # again and again: an interrupt before its statement starts does nothing
                with suppress(sqlite3.ProgrammingError):  # it finished and closed meanwhile
                    side.interrupt()
                thread.join(INTERRUPT_EVERY_SECONDS)
        self._join()
        shutil.rmtree(self.folder, ignore_errors=True)


def _scratch(path: Path) -> sqlite3.Connection:
    """A file nobody else reads and nobody needs after a crash: no journal, no syncing."""
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute(f"PRAGMA cache_size = -{SCRATCH_CACHE_KIB}")
    return connection
