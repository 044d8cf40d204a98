"""The installed command's way out: once a command is done, leave without taking the interpreter apart.

At the end of a process Python frees every object one by one and unloads every module. After a command
that held a large file's rows (an import of 100,000 rows: its plan, the cleaned rows, the packs) that took
~0.5 s of the command's 12 s after the last line was printed (docs/benchmarks.md, session 15), with nothing
left to write. So the console script ends a command the way Python would, less that part: the functions
registered with atexit run (multiprocessing's clean-up, logging's flush, temporary folders), the output is
flushed, and the process ends with the command's exit status.

Only when the command's own thread is the last one: a thread still at work would be cut short, so then the
ordinary exit waits for it as always. The interface (`workbench` alone) ends the ordinary way too.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

BROKEN_OUTPUT = 120  # Python's own status when the output cannot be flushed at exit


def leave(code: object) -> None:
    """End the process with `code` as SystemExit would (None: 0, an int: itself, anything else printed to
    stderr, 1); returns without doing anything while another thread is alive."""
    if threading.active_count() > 1:
        return
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`workbench … | head`), a closed stream
            status = status or BROKEN_OUTPUT
    os._exit(status)
