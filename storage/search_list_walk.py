"""The list's walk index, and which pages walk first: SQLite at a million businesses (issue 17).

storage.queries chooses between sorting a term's candidates and walking the office's rows in sort order
until a page of matches is found. What each costs depends on where the file is:

- In the OS cache (after the list's warm-up, storage.search_warmup): sorting a candidate reads one entry of
  ix_business_search_keys, ~3 µs; walking reads an entry of ix_business_list_walk, ~0.45 µs. Up to a few
  thousand candidates, sorting is cheaper; the search index is asked first.
- Not yet (the first keystrokes after launch, or after the computer started): each candidate is a 4 KB page
  somewhere in the file, a random read of 0.1-0.5 ms on this VM's disk (7,000 of them: 0.7-3 s), and a
  candidate checked against its row (full pinyin by its rarest trigrams) a second one; asking the trigram
  index about a common phrase reads long position lists (鹿城区…: 0.3 s). The walk index is read forward,
  in the order its pages lie on disk, and the OS reads ahead: ~2 MB per 10,000 entries. So such a page
  walks first, and asks the index only for a term too rare to fill a page within COLD_WALK_MAX rows
  (codes and phone numbers excepted: their index is cheap to ask, and finds a few hundred rows).

ix_business_list_walk (migration 0021, SQLite only) holds, after the newest-first key, every column the
list's filters and search terms test, so a walk reads the index alone; only the page's own rows are read
from the table. Its key is descending: the default order (newest first) reads it forward.
"""

from __future__ import annotations

from sqlalchemy import Connection

from storage.search_sqlite import file_cached

WALK_INDEX = "ix_business_list_walk"
# tombstone and filters, then the search terms' columns (storage.search.term_condition)
WALK_INDEX_SQL = (
    f"CREATE INDEX {WALK_INDEX} ON business (office_id, registered_on DESC, id DESC, deleted_at, status, kind, "
    "grid_id, officer_id, name, operator, address, name_pinyin, uscc, reg_no, phone)"
)

COLD_WINDOW = 10_000
"""Rows walked first while the file is not yet in the OS cache (storage.queries._walk_first): ~2 MB read
forward, ~5 ms of CPU; a page for any term in 1 % of the office, ~4 matches of one in 400 of a million."""
COLD_WALK_MAX = 150_000
"""Rows walked at most then: ~30 MB read forward, ~70 ms of CPU; a page for a term in 0.07 % of the office."""


def walks_index(connection: Connection, sort: str) -> bool:
    """Whether a walk in this order reads ix_business_list_walk: SQLite, in order of registration (either
    way; the default, newest first, reads it forward). Name order walks ix_business_office_name."""
    return connection.dialect.name == "sqlite" and sort in ("-registered_on", "registered_on")


def reads_from_disk(connection: Connection) -> bool:
    """Whether a search on this connection may read its pages from disk: a SQLite file that the list's
    warm-up has not yet read into the OS cache in this process (storage.search_sqlite.mark_cached)."""
    return connection.dialect.name == "sqlite" and not file_cached(connection)
