"""SQLite's memory statistics turned off for the process, so that its threads stop queueing on one lock.

SQLite counts every allocation it makes (for sqlite3_memory_used and the soft heap limit, neither of which
Workbench uses) under one process-wide mutex. While an import builds the secondary indexes on one thread
and the five search tables beside it on five others (imports.commit_search), each of those threads spent a
third to a half of its samples waiting on that mutex inside sqlite3Malloc / sqlite3_free (py-spy, native
frames, docs/benchmarks.md session 15). The statistics can only be switched off between sqlite3_shutdown()
and sqlite3_initialize(), before any connection exists: the console script does it first thing.

The switch is made on the SQLite library Python's sqlite3 module is linked to, found among the process's
mapped files (Linux); where that is not possible (a statically linked SQLite, another system, a library
without the call) nothing is done and SQLite counts as before. Nothing else changes: same library, same
results, same threading mode.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

SQLITE_CONFIG_MEMSTATUS = 9  # sqlite3.h
SQLITE_OK = 0
_turned_off = False


def turn_off_memory_statistics() -> bool:
    """True when SQLite no longer keeps memory statistics in this process; call once, before any connection
    (a second call does nothing: with the statistics off, an open connection could no longer be told)."""
    global _turned_off
    if _turned_off:
        return True
    library = _linked_library()
    if library is None:
        return False
    try:
        memory_used = library.sqlite3_memory_used
        memory_used.restype = ctypes.c_int64
        if memory_used() != 0:  # something holds SQLite memory: a connection may be open, leave it be
            return False
        if library.sqlite3_shutdown() != SQLITE_OK:
            return False
        switched = library.sqlite3_config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == SQLITE_OK
        library.sqlite3_initialize()
    except AttributeError:  # a library without these entry points
        return False
    _turned_off = switched
    return switched


def _linked_library() -> ctypes.CDLL | None:
    """The shared SQLite library the sqlite3 module uses, if it is one this process has mapped."""
    import _sqlite3  # noqa: F401  (maps the library the module is linked to)

    try:
        maps = Path("/proc/self/maps").read_text(errors="replace")
    except OSError:
        return None
    paths = {line.split(maxsplit=5)[-1] for line in maps.splitlines() if "libsqlite3" in line}
    paths = {path for path in paths if path.startswith("/")}
    if len(paths) != 1:
        return None
    try:
        return ctypes.CDLL(paths.pop())  # the mapped library: the same handle, not a second copy
    except OSError:
        return None
