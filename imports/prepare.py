"""Work a commit will need, done during the dry run by a worker process that would otherwise idle.

While the dry run reads, cleans and classifies rows on one CPU, a worker computes the derived values of
each full pack of new rows (imports.commit_rows.derive: a uuid and the search columns, ~2 s per 100,000
rows); the commit then only assembles the driver's tuples instead of waiting for them. The TUI's wizard
asks for it: people review the plan before they confirm, so the work moves out of the wait after 确认导入
(100,000 rows: 8-10 s -> 6-7 s). The CLI does not: on a 2-CPU machine the dry run runs ~20% slower while
the worker works, which ate the gain (docs/benchmarks.md, "Register import", session 5). Only for a file
large enough for a pool (imports.parallel.worker_count). The results stay pickled (~0.4 kB a row) in the
plan until the commit takes them, once: committing the same plan again computes new uuids. At most
PREPARED_ROWS rows are derived ahead (~80 MB held while the person reviews the plan); the commit's workers
make the rest as before, as they do the packs of a worker that failed.
"""

from __future__ import annotations

from concurrent.futures import Future

from imports import pending
from imports.commit_rows import derived_pack
from workbench.services.process_start import worker_pool

PREPARED_ROWS = 200_000


class CommitPreparer:
    """A pool that derives each submitted pack ahead; `results` gives them in order and shuts it down."""

    def __init__(self, workers: int) -> None:
        self.pool = worker_pool(workers)
        self.futures: list[Future[bytes]] = []
        self.broken = False

    def submit(self, pack: bytes) -> None:
        if self.broken or len(self.futures) * pending.PACK >= PREPARED_ROWS:
            return
        try:
            self.futures.append(self.pool.submit(derived_pack, pack))
        except RuntimeError:  # BrokenProcessPool is one: the commit makes the rest itself
            self.broken = True

    def results(self) -> list[bytes]:
        """The derived values of the submitted packs, in order, up to the first that failed."""
        done: list[bytes] = []
        try:
            for future in self.futures:
                try:
                    done.append(future.result())
                except Exception:  # a dead worker (BrokenProcessPool) or a failure in it
                    break
        finally:
            self.close()
        return done

    def close(self) -> None:
        self.futures = []
        self.pool.shutdown(wait=True, cancel_futures=True)
