"""Deciding a big office's chunks in worker processes while the calling process reads and writes.

A chunk's decision is a pure function of its rows, the rules and the day (classification_decide), so
workers may run ahead of the writer; the writer takes the decisions in chunk order. The first chunks are
decided in this process: a small office never starts a pool, nor does a run whose first chunks were
nearly all unchanged (sending the rows to a worker would cost more than the string comparison that skips
them). On Linux the workers fork (forkserver when called from a thread other than the main one, e.g. the
TUI's worker thread: forking a process whose other threads may hold locks is not safe); elsewhere they are
spawned only when asked for (``workers`` given), because spawned workers re-run the caller's main module,
which then needs its ``__main__`` guard. If the pool breaks (a worker dies), the remaining chunks are
decided here: the same rows, only slower.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

from workbench.domain.tiers import TierRules
from workbench.services.classification_decide import ChunkDecision, Decider
from workbench.services.process_start import start_method, worker_pool

IN_PROCESS_CHUNKS = 4  # an office of up to this many chunks is decided without a pool
MAX_WORKERS = 2  # what one writer keeps busy (more only adds copying on a 2-CPU machine)
_decider: Decider | None = None


def default_workers() -> int:
    """Worker processes when the caller does not say: one per CPU up to MAX_WORKERS where processes
    fork (Linux) and there is a second CPU to run them on; none elsewhere."""
    cpus = os.cpu_count() or 1
    if not sys.platform.startswith("linux") or cpus < 2:
        return 0
    return min(cpus, MAX_WORKERS)


def decided_chunks(
    chunks: Iterable[list[Any]], decider: Decider, workers: int, method: str | None = None
) -> Iterator[ChunkDecision]:
    """The decision of each chunk, in order; chunks after the first IN_PROCESS_CHUNKS go to ``workers``
    processes (``method``: the multiprocessing start method, default start_method())."""
    rows_left = iter(chunks)
    seen = unchanged = 0
    for index, rows in enumerate(rows_left):
        decided = decider.decide(rows)
        seen, unchanged = seen + decided.businesses, unchanged + decided.unchanged
        yield decided
        if workers > 0 and index + 1 >= IN_PROCESS_CHUNKS:
            break
    else:
        return
    if unchanged >= 0.9 * seen:  # nothing to decide (a run after an import): copying rows would cost more
        yield from map(decider.decide, rows_left)
        return
    yield from _in_pool(rows_left, decider, workers, method or start_method())


def _in_pool(
    chunks: Iterator[list[Any]], decider: Decider, workers: int, method: str
) -> Iterator[ChunkDecision]:
    pending: deque[tuple[list[Any], Future[ChunkDecision]]] = deque()
    settings = (
        decider.rules, decider.rule_version, decider.today, decider.audit_new_rows, decider.copy_lines
    )  # fmt: skip
    pool = worker_pool(workers, method, _start_worker, settings)
    try:
        for rows in chunks:
            pending.append((rows, pool.submit(_decide, rows)))
            if len(pending) > 2 * workers:
                yield pending[0][1].result()
                pending.popleft()
        while pending:
            yield pending[0][1].result()
            pending.popleft()
    except BrokenProcessPool:
        pass
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for rows, _ in pending:  # only after a broken pool: decide what the workers did not
        yield decider.decide(rows)
    for rows in chunks:
        yield decider.decide(rows)


def _start_worker(
    rules: TierRules, rule_version: str, today: date, audit_new_rows: bool, copy_lines: bool
) -> None:
    global _decider  # worker_pool makes the worker leave with its parent
    _decider = Decider(rules, rule_version, today, audit_new_rows, copy_lines)


def _decide(rows: list[Any]) -> ChunkDecision:
    assert _decider is not None
    return _decider.decide(rows)
