"""An ordered map over worker processes for the per-row pure work of an import, with an in-process fallback.

An import's heavy per-row work (search columns, cleaning cells) depends on nothing but its own chunk, so
worker processes may run ahead while this process reads or writes; results come back in submission order.
Workers start as workbench.services.process_start says: fork from the main thread on Linux (the CLI), a
fork server from another thread (the TUI's import wizard commits in a worker thread), spawn elsewhere;
spawned workers re-import the caller's main module, which therefore needs the `if __name__ ==
"__main__"` guard (the console script, pytest and the bench have it). Small jobs never start a pool
(start-up costs more than it saves), and if the pool breaks (a worker dies), the remaining chunks are
done here: same results.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

from workbench.services.process_start import FROM_MAIN_THREAD as START_METHOD  # noqa: F401  (re-exported)
from workbench.services.process_start import worker_pool

Item = TypeVar("Item")
Result = TypeVar("Result")
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
    calling thread (workbench.services.process_start.start_method).

    When the next result is not ready yet, this process does the next item itself rather than wait (its
    result joins the queue in order): an import's inserts between two results are lighter than a worker's
    rows, so on 2 CPUs this process waited for its one worker about a third of the time (docs/benchmarks.md,
    session 13 emptyimport). At most `2 * workers + 1` such results wait in the queue."""
    items = iter(items)
    if workers <= 0:
        for item in items:
            yield function(context, item)
        return
    pool = worker_pool(workers, start_method, _start, (function, context))
    window = 2 * workers + 1
    pending: deque[tuple[Item, Future[Result] | _Here[Result]]] = deque()
    sent = 0  # futures in `pending`
    try:
        try:
            for item in items:
                pending.append((item, pool.submit(_run, item)))
                sent += 1
                while sent >= window or (pending and isinstance(pending[0][1], _Here)):
                    result, sent = _take(pending, sent, function, context, items, window)
                    yield result
            while pending:
                yield _next(pending)
        except BrokenProcessPool:
            for item, entry in pending:
                yield entry.result if isinstance(entry, _Here) else function(context, item)
            for item in items:
                yield function(context, item)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _Here(Generic[Result]):
    """A result this process made itself while a worker was still on an earlier item."""

    __slots__ = ("result",)

    def __init__(self, result: Result) -> None:
        self.result = result


def _take(
    pending: deque[tuple[Item, Future[Result] | _Here[Result]]],
    sent: int,
    function: Callable[[Any, Item], Result],
    context: Any,
    items: Iterator[Item],
    window: int,
) -> tuple[Result, int]:
    """The first result in order, and the futures then left; while it is not ready, the next items are
    done here (at most `window` of them wait in the queue)."""
    while True:
        entry = pending[0][1]
        if isinstance(entry, _Here):
            return _next(pending), sent
        if entry.done() or len(pending) - sent >= window:
            return _next(pending), sent - 1
        item = next(items, _END)
        if item is _END:
            return _next(pending), sent - 1
        pending.append((item, _Here(function(context, item))))


_END: Any = object()


def _next(pending: deque[tuple[Item, Future[Result] | _Here[Result]]]) -> Result:
    entry = pending[0][1]
    result = entry.result if isinstance(entry, _Here) else entry.result()
    pending.popleft()
    return result


_job: tuple[Callable[[Any, Any], Any], Any] | None = None


def _start(function: Callable[[Any, Any], Any], context: Any) -> None:
    global _job
    # A forked worker inherits the parent's objects (the sheet, the plan: ~400 MB at 100,000 rows into a full
    # register). Its cyclic GC would walk them all and so copy every page they sit on; frozen, it leaves them
    # alone, and the worker's own memory is what it makes (docs/benchmarks.md, session 9).
    gc.freeze()
    _job = (function, context)


def _run(item: Any) -> Any:
    assert _job is not None
    function, context = _job
    return function(context, item)
