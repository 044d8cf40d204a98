"""Make demo chunks in worker processes while the calling process writes them.

Each chunk depends only on its index (demo_rows.BusinessMaker.chunk), so workers may run ahead in any
order; the writer takes the chunks in order. Workers fork where fork is safe (Linux) and spawn elsewhere.
If the pool breaks (a worker cannot start, e.g. a spawned one re-running a caller's script that lacks
the __main__ guard), the remaining chunks are made in this process: the same rows, only slower.
SQLite chunks hold only str/int/None and travel as marshal bytes, which load several times faster
than pickle; PostgreSQL chunks hold dates and travel pickled.
"""

from __future__ import annotations

import marshal
import multiprocessing
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from workbench.services.demo_rows import BusinessMaker, Chunk

_worker_maker: BusinessMaker | None = None


def chunks(maker: BusinessMaker, size: int, chunk_size: int, workers: int) -> Iterator[Chunk]:
    """The chunks of `size` businesses in order, made by `workers` processes (0: here)."""
    count = -(-size // chunk_size)
    made = 0
    if workers > 0 and count > 1:
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        pool = ProcessPoolExecutor(min(workers, count), multiprocessing.get_context(method),
                                   initializer=_start_worker, initargs=(maker,))
        try:
            pending: deque[Future[bytes | Chunk]] = deque()
            for index in range(count):
                pending.append(pool.submit(_worker_chunk, index, chunk_size, size))
                if len(pending) > 2 * workers:
                    yield _unpack(pending.popleft().result())
                    made += 1
            while pending:
                yield _unpack(pending.popleft().result())
                made += 1
        except BrokenProcessPool:
            pass
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    for index in range(made, count):
        yield maker.chunk(index, chunk_size, size)


def _start_worker(maker: BusinessMaker) -> None:
    global _worker_maker
    _worker_maker = maker


def _worker_chunk(index: int, chunk_size: int, size: int) -> bytes | Chunk:
    assert _worker_maker is not None
    chunk = _worker_maker.chunk(index, chunk_size, size)
    if isinstance(_worker_maker.v.stamp, str):  # SQLite: every value is str, int or None
        return marshal.dumps((chunk.businesses, chunk.years, chunk.licences, chunk.changes))
    return chunk


def _unpack(made: bytes | Chunk) -> Chunk:
    return Chunk(*marshal.loads(made)) if isinstance(made, bytes) else made
