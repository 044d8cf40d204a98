"""How worker processes are started, from any thread and from inside the TUI.

- Linux, main thread: fork (fast, and nothing else runs in the process to be copied mid-way).
- Linux, another thread (the TUI runs imports and reclassification in worker threads): a fork server.
  Forking a process that has other threads can copy a lock one of them holds, and the child hangs on it.
- Elsewhere: spawn (Windows, macOS).

Inside the TUI, sys.stderr is Textual's capture, whose fileno() is -1. multiprocessing starts its helper
processes (the resource tracker, the fork server) with the parent's stderr descriptor and fails with
"bad value(s) in fds_to_keep" when it is -1; so `pool_context` starts them itself, first, with the real
stderr in place. They then serve every later pool of the process.

Every pool is made by `worker_pool`, whose workers leave when the process that made the pool dies: a
kill -9 gives it no chance to shut its pool down, and a worker would otherwise wait on its queue for
minutes, holding the database (and SQLite's -wal / -shm) open. On Linux the kernel sends the worker
SIGKILL when its parent goes (prctl PR_SET_PDEATHSIG; under forkserver the parent is the fork server,
which leaves with the process that started it); on every platform a watchdog thread also checks the
parent every half second (elsewhere than Linux, the only guard).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from typing import Any

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


def worker_pool(
    workers: int,
    method: str | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor (pool_context(method)) whose workers exit when this process dies."""
    return ProcessPoolExecutor(
        workers,
        pool_context(method),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )


WATCH_EVERY = 0.5  # seconds between a worker's looks at its parent
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _start_worker(creator: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    exit_with_parent(creator)
    if initializer is not None:
        initializer(*initargs)


def exit_with_parent(creator: int) -> None:
    """Make this worker process leave as soon as its parent, or `creator` (the process that made the pool),
    is gone (see the module's docstring)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl (another libc): the watchdog below still guards
            pass
    if not _alive(creator):  # it died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, creator), name="exit-with-parent", daemon=True).start()


def _watch(parent: int, creator: int) -> None:
    while os.getppid() == parent and _alive(creator):
        time.sleep(WATCH_EVERY)
    os._exit(1)


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, killed but not yet waited for by its parent, does not)."""
    if sys.platform.startswith("linux"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                state = stat.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in (b"Z", b"X")
    if os.name != "posix":
        return True  # Windows: os.kill(pid, 0) would end the process; the parent check alone guards
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
