"""SQLite: an import into an empty register builds its search tables beside the database, on the second CPU.

A bulk import (imports.commit) drops the search triggers and the secondary indexes, writes the new rows, then
builds the 14 secondary indexes and the five FTS5 search tables, one after the other on this process's CPU
(~1.1 and ~2.4 CPU-s of a 100,000-row import, docs/benchmarks.md) while the other CPU idles. Here, when the
business table is empty before the import, the new rows' searched columns also go to a scratch file as they
are written, and the search tables are built from it on other threads (storage.search_side_index) while this
connection builds the secondary indexes; storage.search's bulk_load then copies them into the database's
(empty) search tables, in the import's transaction: a failed or cancelled import leaves nothing of them.

The side index must know each row's id. SQLite gives a row of an empty table without AUTOINCREMENT the id
1 and every next row the largest id + 1, so the n new rows are 1 … n in the order written, and so are their
rows in the scratch file (an empty table too); `start` checks that both hold exactly those ids before
building, and otherwise gives the side build up (the search tables are then rebuilt in place, as before).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection

from imports.commit_rows import BUSINESS_COLUMNS
from storage import search
from storage.search_side_index import SEARCHED, SideIndex

_SEARCHED = itemgetter(*(BUSINESS_COLUMNS.index(name) for name in SEARCHED))
# Memory: the builds run while this process's page cache holds the new rows and their indexes (~370 MB peak
# for 100,000 rows, summed over the processes, against a limit of 400). A 16 MB FTS5 hash instead of the demo's
# 32 costs the trigram table one more segment to merge (~0.05 CPU-s, on the side thread) and spares ~30 MB;
# the scratch files are read and written in order, so a small page cache does as well as a large one.
HASH_BYTES = 16 << 20
CACHE_KIB = 4 * 1024


class SideSearch:
    """An import's new rows, fed to a SideIndex; their ids are 1 … n in the order written."""

    def __init__(self, side: SideIndex) -> None:
        self.side = side
        self.rows = 0

    def add(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """New business rows (imports.commit_rows.BUSINESS_COLUMNS), just written, in the order written."""
        self.rows += len(rows)
        self.side.add(map(_SEARCHED, rows))

    def start(self, connection: Connection) -> None:
        """After the last new row: build the search tables beside, when the business table holds the ids the
        scratch file gave the same rows (1 … n)."""
        written = tuple(connection.exec_driver_sql("SELECT min(id), max(id) FROM business").one())
        added = self.side.added()
        if written != added or added != (1, self.rows):
            self.side.give_up(LookupError(f"ids {written}, beside {added}, {self.rows} rows"))
        self.side.start()

    def close(self) -> None:
        self.side.close()


def side_search(connection: Connection, new_rows: int, updates: int) -> SideSearch | None:
    """A SideSearch for a bulk import of new rows only into an empty business table of a SQLite file."""
    if updates or not new_rows:
        return None
    try:
        side = search.side_index(
            connection, numbered=False, fragments=True, hash_bytes=HASH_BYTES, cache_kib=CACHE_KIB
        )
    except (LookupError, OSError):  # a search table missing (an older schema), a folder not writable
        return None
    return SideSearch(side) if side is not None else None
