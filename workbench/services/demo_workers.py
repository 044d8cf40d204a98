"""Make demo chunks in worker processes while the calling process writes them.

Each chunk depends only on its index (demo_rows.BusinessMaker.chunk), so workers may run ahead; the
writer takes the chunks in order. Workers fork where fork is safe (Linux) and spawn elsewhere; spawned
workers re-run the caller's main module, which must then have the `if __name__ == "__main__"` guard
(build_demo uses workers by default only where they fork). If the pool breaks (a worker dies), the
remaining chunks are made in this process: the same rows, only slower.
Every value is str, int or None, so chunks travel as marshal bytes (several times faster than pickle);
for PostgreSQL the workers also turn the rows into COPY text, leaving the writer nothing to convert.
"""

from __future__ import annotations

import marshal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from workbench.services.bulk_write import copy_text
from workbench.services.demo_rows import BusinessMaker, Chunk
from workbench.services.process_start import FROM_MAIN_THREAD, worker_pool

Tables = tuple[Any, Any, Any, Any]  # businesses, years, licenses, changes: row lists, or COPY text
START_METHOD = FROM_MAIN_THREAD  # the demo is built from the command line's main thread
_worker: tuple[BusinessMaker, bool] | None = None


def _tables(chunk: Chunk, as_copy: bool) -> Tables:
    tables = (chunk.businesses, chunk.years, chunk.licenses, chunk.changes)
    if as_copy:
        return copy_text(tables[0]), copy_text(tables[1]), copy_text(tables[2]), copy_text(tables[3])
    return tables


def chunks(
    maker: BusinessMaker, size: int, chunk_size: int, workers: int, as_copy: bool
) -> Iterator[tuple[Tables, dict[str, int], dict[str, int]]]:
    """(tables, kinds, statuses) of each chunk of `size` businesses in order, made by `workers` processes."""
    count = -(-size // chunk_size)
    made = 0
    if workers > 0 and count > 1:
        pool = worker_pool(min(workers, count), START_METHOD, _start_worker, (maker, as_copy))
        try:
            pending: deque[Future[bytes]] = deque()
            for index in range(count):
                pending.append(pool.submit(_worker_chunk, index, chunk_size, size))
                if len(pending) > 2 * workers:
                    yield marshal.loads(pending.popleft().result())
                    made += 1
            while pending:
                yield marshal.loads(pending.popleft().result())
                made += 1
        except BrokenProcessPool:
            pass
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    for index in range(made, count):
        chunk = maker.chunk(index, chunk_size, size)
        yield _tables(chunk, as_copy), chunk.kinds, chunk.statuses


def _start_worker(maker: BusinessMaker, as_copy: bool) -> None:
    global _worker
    _worker = (maker, as_copy)


def _worker_chunk(index: int, chunk_size: int, size: int) -> bytes:
    assert _worker is not None
    maker, as_copy = _worker
    chunk = maker.chunk(index, chunk_size, size)
    return marshal.dumps((_tables(chunk, as_copy), chunk.kinds, chunk.statuses))
