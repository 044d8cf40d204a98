"""A registration list's rows cleaned by a worker process while this process classifies the rows before them.

The dry run of `workbench import` runs on one CPU: read a row, clean it (convert, validate: about half of
the dry run), look it up, classify it. Cleaning a row depends on nothing but the row
(imports.rows.RowCleaner.cleaned), so the rows go to a worker in batches (imports.parallel.ordered_map: in
order, this process cleaning a batch itself whenever the worker's next one is not ready), and come back as
(values, problems); this process keeps each batch's cells, makes the ParsedRow and flags a code repeated
within the file (RowCleaner.row) in the file's order, so rows, problems and counts are the ones a single
process gives. Used by the CLI's dry run (imports.planner), not the wizard's, whose idle CPU already derives
the commit's rows (imports.prepare); only into an empty register (the forked worker would keep the pages of a
full register's lookups that this process rewrites: +106 MB at 1,000,000 businesses) and while a second CPU is
free (second_cpu_free); and only after the first data row, when the rows above it (titles, fill-in
instructions) are behind.
"""

from __future__ import annotations

import io
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from imports.parallel import ordered_map
from imports.problems import ParsedRow, Problem
from imports.rows import RowCleaner
from workbench.domain.labels import StoredWord
from workbench.services.free_memory import return_free_memory

BATCH = 500  # rows a batch: ~50 kB each way, several batches ahead of the classifying process
FREE_BELOW = 0.5  # a second CPU counts as free while the load average stays this far below the CPUs (2: < 1.5)
Cleaned = tuple[dict[str, Any], list[Problem]] | None


def second_cpu_free() -> bool:
    """Whether a CPU besides this process's is idle now (the 1-minute load average, which counts this process,
    at least FREE_BELOW under the number of CPUs): on a busy machine the worker gets a fraction of a CPU, this
    process waits on its batches, and the whole command took longer than in one process (load 9-13:
    docs/benchmarks.md, session 14 emptyplan). False where there is no load average."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    counter = getattr(os, "process_cpu_count", None) or os.cpu_count
    return load < (counter() or 1) - FREE_BELOW


def rows_cleaned_apart(
    cleaner: RowCleaner,
    pending: Iterator[tuple[int, list[Any]]],
    workers: int,
    data_row: Callable[[int, list[Any]], bool],
) -> Iterator[tuple[int, list[Any], ParsedRow | None]]:
    """(number, cells, row) for each row of `pending` that `data_row(number, cells)` keeps, in order: the
    row as cleaner.clean makes it (None for a blank one), its cleaning done by `workers` processes."""
    sent: deque[list[tuple[int, list[Any]]]] = deque()

    def batches() -> Iterator[list[tuple[int, list[Any]]]]:
        width = cleaner.width
        while taken := list(islice(pending, BATCH)):
            batch = [
                (number, cells if len(cells) >= width else cells + [""] * (width - len(cells)))
                for number, cells in taken
                if data_row(number, cells)
            ]
            sent.append(batch)
            yield batch

    # The worker is forked at the first batch: the free pages of this process's heap (the read's) go back to
    # the system first, so that the worker does not keep those this process then reuses (copy-on-write; the
    # dry run's peak at 100,000 rows 316 -> 309 MB, the rest is pages in use: docs/benchmarks.md, session 14).
    return_free_memory()
    here = _Cleaning(cleaner, os.getpid())
    for outcomes in ordered_map(clean_batch, here, batches(), workers):
        batch = sent.popleft()
        for (number, cells), cleaned in zip(batch, answers(outcomes), strict=True):
            yield number, cells, None if cleaned is None else cleaner.row(number, cells, cleaned)


class _Cleaning:
    """The cleaner, and the process that takes the rows (where a batch's answers need no pickling)."""

    __slots__ = ("cleaner", "pid")

    def __init__(self, cleaner: RowCleaner, pid: int) -> None:
        self.cleaner = cleaner
        self.pid = pid


def clean_batch(here: _Cleaning, batch: list[tuple[int, list[Any]]]) -> list[Cleaned] | bytes:
    """Each row's (values, problems), None for a blank one: the list when done in the process that takes
    the rows, pickled by a worker (_AsTheyAre) so that they come back as the cleaner made them."""
    cleaned = here.cleaner.cleaned
    outcomes = [cleaned(number, cells) for number, cells in batch]
    if os.getpid() == here.pid:
        return outcomes
    buffer = io.BytesIO()
    _AsTheyAre(buffer, pickle.HIGHEST_PROTOCOL).dump(outcomes)
    return buffer.getvalue()


def answers(outcomes: list[Cleaned] | bytes) -> list[Cleaned]:
    """A batch's answers, unpickled when a worker sent them."""
    if isinstance(outcomes, bytes):
        answered: list[Cleaned] = pickle.loads(outcomes)
        return answered
    return outcomes


def _member(word: StoredWord) -> tuple[Any, tuple[type, str]]:
    return getattr, (type(word), word.name)


def _stored_words(kind: type = StoredWord) -> list[type]:
    found: list[type] = []
    sub: type
    for sub in kind.__subclasses__():
        found += [sub, *_stored_words(sub)]
    return found


class _AsTheyAre(pickle.Pickler):
    """Keeps a StoredWord a member of its enum (BusinessStatus.ACTIVE, not the text 'active' its own pickling
    gives for the commit's packs): the rows a worker cleaned hold what the rows cleaned here hold."""

    dispatch_table = {kind: _member for kind in _stored_words()}
