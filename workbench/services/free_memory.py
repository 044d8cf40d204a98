"""Give the C heap's free pages back to the system once a large, short-lived structure is gone.

The spreadsheet reader (python-calamine) holds a whole sheet in the C heap while an import's dry run reads
it: ~125 MB at 100,000 rows. Freed, those pages stay with the process (glibc keeps them for later
allocations), so the process keeps their memory through the commit, and through the worker processes it
forks, unless it hands them back (docs/benchmarks.md, session 11 importmem). Elsewhere than glibc: nothing.
"""

from __future__ import annotations

import ctypes
import sys


def return_free_memory() -> None:
    """malloc_trim(0): release the free pages of glibc's heaps (a few milliseconds); a no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # another C library (musl): nothing to hand back this way
        return
    trim(0)
