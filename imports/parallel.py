"""An ordered map over worker processes for the per-row pure work of an import, with an in-process fallback.

An import's heavy per-row work (search columns, cleaning cells) depends on nothing but its own chunk, so
worker processes may run ahead while this process reads or writes; results come back in submission order.
Workers fork where fork is safe (Linux, called from the main thread, as the CLI and the demo builder
are), use a fork server when called from another thread (the TUI's import wizard commits in a worker
thread: forking a process that has other threads can copy a lock another thread holds, and the child
hangs on it), and spawn elsewhere: spawned workers re-import the caller's main module, which therefore
needs the `if __name__ == "__main__"` guard (the console script, pytest and the bench have it). Small jobs never start a pool (start-up costs more than
it saves), and if the pool breaks (a worker dies), the remaining chunks are done here: same results.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"  # from the main thread


def thread_start_method() -> str:
    """How to start workers from the calling thread (see the module's docstring)."""
    if START_METHOD == "fork" and threading.current_thread() is not threading.main_thread():
        return "forkserver"
    return START_METHOD
POOL_FROM_ROWS = 5000  # below this an import stays in one process
MAX_WORKERS = 4  # the per-row work is ~40 % of an import: more workers would wait on this process


def worker_count(rows: int) -> int:
    """Worker processes worth starting for `rows` rows: none for a small job or on one CPU, else one per
    usable CPU besides this process's (which reads or writes meanwhile), at most MAX_WORKERS."""
    if rows < POOL_FROM_ROWS:
        return 0
    counter = getattr(os, "process_cpu_count", None) or os.cpu_count
    return max(0, min(MAX_WORKERS, (counter() or 1) - 1))


def ordered_map(
    function: Callable[[Any, Item], Result],
    context: Any,
    items: Iterable[Item],
    workers: int,
    *,
    start_method: str | None = None,
) -> Generator[Result, None, None]:
    """function(context, item) for each item, in order; `workers` processes (0: here) run ahead by a
    bounded window, so memory holds only a few chunks. `function` and `context` must be picklable
    (a module-level function; context travels once per worker). start_method: None chooses by the
    calling thread (thread_start_method())."""
    items = iter(items)
    if workers <= 0:
        for item in items:
            yield function(context, item)
        return
    pool = ProcessPoolExecutor(
        workers,
        multiprocessing.get_context(start_method or thread_start_method()),
        initializer=_start,
        initargs=(function, context),
    )
    pending: deque[tuple[Item, Future[Result]]] = deque()
    try:
        try:
            for item in items:
                pending.append((item, pool.submit(_run, item)))
                if len(pending) > 2 * workers:
                    yield _next(pending)
            while pending:
                yield _next(pending)
        except BrokenProcessPool:
            for item, _future in pending:
                yield function(context, item)
            for item in items:
                yield function(context, item)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _next(pending: deque[tuple[Item, Future[Result]]]) -> Result:
    result = pending[0][1].result()
    pending.popleft()
    return result


_job: tuple[Callable[[Any, Any], Any], Any] | None = None


def _start(function: Callable[[Any, Any], Any], context: Any) -> None:
    global _job
    _job = (function, context)


def _run(item: Any) -> Any:
    assert _job is not None
    function, context = _job
    return function(context, item)
