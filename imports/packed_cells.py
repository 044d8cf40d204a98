"""The cells of a dry run's rows with problems, packed: a plan that warns on every row of a 100,000-row list
must not hold 100,000 lists of cell objects until it is dropped.

Every PACK rows' cells are pickled into one bytes object (about a fifth of the memory of the live lists of
str, float and date: 134 -> 28 MB at 100,000 rows; docs/benchmarks.md, session 11 importmem); reading unpacks
a pack at a time (the last one read is kept, so reading in order unpacks each pack once) and gives fresh
lists, equal to the ones added.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

PACK = 1000


class PackedCells:
    """An append-only sequence of rows of cells (lists), packed PACK at a time; `add` answers the row's index."""

    def __init__(self) -> None:
        self._packs: list[bytes] = []
        self._open: list[list[Any]] = []
        self._last: tuple[int, list[list[Any]]] = (-1, [])  # the pack read last, unpacked

    def add(self, cells: list[Any]) -> int:
        index = len(self)
        self._open.append(cells)
        if len(self._open) >= PACK:
            self._packs.append(pickle.dumps(self._open, protocol=pickle.HIGHEST_PROTOCOL))
            self._open = []
        return index

    def __len__(self) -> int:
        return len(self._packs) * PACK + len(self._open)

    def __getitem__(self, index: int) -> list[Any]:
        if not 0 <= index < len(self):
            raise IndexError(index)
        pack, offset = divmod(index, PACK)
        if pack < len(self._packs):
            if self._last[0] != pack:
                self._last = (pack, pickle.loads(self._packs[pack]))
            return list(self._last[1][offset])
        return list(self._open[offset])

    def __iter__(self) -> Iterator[list[Any]]:
        for pack in self._packs:
            yield from pickle.loads(pack)
        for cells in list(self._open):
            yield list(cells)
