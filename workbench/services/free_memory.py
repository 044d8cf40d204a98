"""Give the C heap's free pages back to the system once a large, short-lived structure is gone.

The spreadsheet reader (python-calamine) holds a whole sheet in the C heap while an import's dry run reads
it: ~125 MB at 100,000 rows. Freed, those pages stay with the process (glibc keeps them for later
allocations), so the process keeps their memory through the commit, and through the worker processes it
forks, unless it hands them back (docs/benchmarks.md, session 11 importmem). Elsewhere than glibc: nothing.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any


def _glibc(name: str) -> Any:
    """glibc's function `name`, or None elsewhere (another system, another C library such as musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None


def return_free_memory() -> None:
    """malloc_trim(0): release the free pages of glibc's heaps (a few milliseconds); a no-op elsewhere."""
    trim = _glibc("malloc_trim")
    if trim is not None:
        trim(0)


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def one_heap_for_all_threads() -> bool:
    """mallopt(M_ARENA_MAX, 1): threads started from now on allocate from the main heap. glibc gives a thread
    its own heap (an arena) on its first allocation; a sheet read on a thread (workbench.cli_import.ReadAhead)
    left its freed pages there, where the commit's allocations on the main thread could not reuse them: the
    import's peak rose by ~28 MB in some runs (docs/benchmarks.md, session 13). True when set; a no-op
    (False) elsewhere than glibc."""
    mallopt = _glibc("mallopt")
    return mallopt is not None and bool(mallopt(M_ARENA_MAX, 1))
