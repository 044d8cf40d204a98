"""Read what the list's searches read into the OS page cache, once, in the background after launch.

The first search after the computer started is cold: its index pages and rows are on disk, ~0.5 ms a
random read on a slow disk, and a search reads hundreds of them at random (a broad code prefix cold took
1.5 s, warm 30 ms). Read in order, the same pages cost far less: the newest rows of the office (a blank
search's pages) and the start of the walk index (ix_business_list_walk), which every walk in the default
order (newest first) reads; the narrow key index that sorting candidates reads; the search indexes (~550
MB at a million businesses, mostly the trigram index). An office PC keeps them cached afterwards. Until
this has run, pages are planned for a file on disk (storage.search_list_walk). SQLite only: a PostgreSQL
server keeps its own cache.

The reads go in chunks of a few MB, asking `keep_going` between them, so that quitting the app does not
wait for a read of hundreds of MB.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from sqlalchemy import Connection

from storage.search_list_walk import WALK_INDEX
from storage.search_sqlite import mark_cached

NEWEST_ROWS = 30_000  # storage.queries.WALK_MAX: the farthest a walk goes before sorting candidates
FIRST_ROWS = 2_000  # storage.queries.WALK_WINDOW: the rows of a blank search's first pages (~0.4 s cold)
CHUNK = 2_000  # rows, index entries or index blocks (~4 KB each) per statement

_NEWEST_IDS = "SELECT id FROM business WHERE office_id = ? ORDER BY registered_on DESC, id DESC LIMIT ?"
# The last character of each value makes SQLite read the row whole, overflow pages too.
_ROWS = (
    "SELECT count(substr(name || operator || address || name_pinyin || phone, -1)) FROM business "
    "WHERE id IN (SELECT value FROM json_each(?))"
)
_KEYS = (
    "SELECT max(id), count(registered_on) FROM (SELECT id, registered_on FROM business "
    "INDEXED BY ix_business_search_keys WHERE id > ? ORDER BY id LIMIT ?)"
)
_WALKED = (
    f"SELECT count(phone) FROM (SELECT phone FROM business INDEXED BY {WALK_INDEX} WHERE office_id = ? "
    "ORDER BY registered_on DESC, id DESC LIMIT ? OFFSET ?)"
)
WALK_CHUNK = 10_000  # entries of the walk index per statement (~2 MB)
_BLOCKS = "SELECT max(id), count(substr(block, -1)) FROM (SELECT id, block FROM {table} WHERE id > ? ORDER BY id LIMIT ?)"


def warm_search(
    connection: Connection, office_id: int, keep_going: Callable[[], bool] = lambda: True
) -> None:
    """Most used and cheapest first: the newest rows, the walk index's first entries, the key index and the
    small indexes (~3 s cold on this VM's shared disk), then the trigram index (~20 s cold here; nothing when
    the OS still holds them from the last launch)."""
    if connection.dialect.name != "sqlite":
        return
    for _chunk in _chunks(connection, office_id):
        if not keep_going():
            return
    mark_cached(connection)


def _chunks(connection: Connection, office_id: int) -> Iterator[None]:
    newest = list(connection.exec_driver_sql(_NEWEST_IDS, (office_id, FIRST_ROWS)).scalars())
    yield from _rows(connection, newest)
    yield from _walk_index(connection, office_id)
    yield from _in_order(connection, _KEYS)
    yield from _in_order(connection, _BLOCKS.format(table="business_pinyin_data"))
    yield from _in_order(connection, _BLOCKS.format(table="business_initials_data"))  # migration 0019
    yield from _in_order(connection, _BLOCKS.format(table="business_grams_data"))
    yield from _in_order(connection, _BLOCKS.format(table="business_codes_data"))
    yield from _in_order(connection, _BLOCKS.format(table="business_fts_data"))


def _walk_index(connection: Connection, office_id: int) -> Iterator[None]:
    """The office's first NEWEST_ROWS entries of ix_business_list_walk (migration 0021), newest first: what
    walks read (their rows no longer: a walk reads the index alone). ~6 MB, in the order of the file."""
    for start in range(0, NEWEST_ROWS, WALK_CHUNK):
        connection.exec_driver_sql(_WALKED, (office_id, WALK_CHUNK, start)).one()
        yield


def _rows(connection: Connection, ids: list[int]) -> Iterator[None]:
    ids = sorted(ids)  # in the order of the file: the disk reads forward
    for start in range(0, len(ids), CHUNK):
        connection.exec_driver_sql(_ROWS, (json.dumps(ids[start : start + CHUNK]),)).all()
        yield


def _in_order(connection: Connection, statement: str) -> Iterator[None]:
    """A table or index by id, CHUNK entries at a time."""
    last, read = 0, CHUNK
    while read == CHUNK:
        last, read = connection.exec_driver_sql(statement, (last, CHUNK)).one()
        yield
