"""How worker processes are started, from any thread and from inside the TUI.

- Linux, main thread: fork (fast, and nothing else runs in the process to be copied mid-way).
- Linux, another thread (the TUI runs imports and reclassification in worker threads): a fork server.
  Forking a process that has other threads can copy a lock one of them holds, and the child hangs on it.
- Elsewhere: spawn (Windows, macOS).

Inside the TUI, sys.stderr is Textual's capture, whose fileno() is -1. multiprocessing starts its helper
processes (the resource tracker, the fork server) with the parent's stderr descriptor and fails with
"bad value(s) in fds_to_keep" when it is -1; so `pool_context` starts them itself, first, with the real
stderr in place. They then serve every later pool of the process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.context import BaseContext

FROM_MAIN_THREAD = "fork" if sys.platform.startswith("linux") else "spawn"


def start_method() -> str:
    """The start method for workers started from the calling thread (see the module's docstring)."""
    if FROM_MAIN_THREAD == "fork" and threading.current_thread() is not threading.main_thread():
        return "forkserver"
    return FROM_MAIN_THREAD


def pool_context(method: str | None = None) -> BaseContext:
    """The multiprocessing context for `method` (default start_method()), its helper processes running."""
    method = method or start_method()
    context = multiprocessing.get_context(method)
    if method != "fork" and os.name == "posix":
        with _real_stderr():
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()
            if method == "forkserver":
                from multiprocessing import forkserver

                forkserver.ensure_running()
    return context


@contextmanager
def _real_stderr() -> Iterator[None]:
    """sys.stderr with a usable file descriptor for the block (the process's own stderr if it was replaced)."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable or sys.__stderr__ is None:
        yield
        return
    replaced = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = replaced
