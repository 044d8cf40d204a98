"""New rows waiting for the commit, packed: a 100,000-row plan must not hold 100,000 tuples of strings.

Every PACK rows are pickled into one bytes object (about a third of the memory of the live tuples);
iterating unpacks one pack at a time. The order is the file's.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from workbench.domain.business_fields import IMPORTED_FIELDS, row_class

PACK = 1000

# The shape of a new business's values: one per imported field of the business row's declaration, in its
# order (workbench.domain.business_fields.IMPORTED_FIELDS). Generated, so a field added to the declaration
# needs no edit here. The rows themselves stay plain tuples (a namedtuple pickles 4x slower, and 100,000 of
# them cross processes): NewBusiness._make(values) reads one by name, `getter` reads many fast.
NewBusiness = row_class("NewBusiness", IMPORTED_FIELDS)


def getter(*names: str) -> Callable[[tuple[Any, ...]], Any]:
    """Reads the named fields of new businesses' values (a tuple of them when more than one is named)."""
    return itemgetter(*(NewBusiness._fields.index(name) for name in names))


@dataclass(slots=True)
class PendingInsert:
    """A new business: the row it came from and its clean values (NewBusiness's fields, as a tuple)."""

    row_number: int
    values: tuple[Any, ...]


class PendingInserts:
    """An append-only sequence of PendingInsert, packed PACK at a time."""

    def __init__(self) -> None:
        self._packs: list[bytes] = []
        self._open: list[tuple[int, tuple[Any, ...]]] = []
        self._count = 0
        self.on_pack: Callable[[bytes], None] | None = None  # told of each full pack (imports.prepare)
        self.prepared: list[bytes] = []  # the first packs' derived values, computed ahead (imports.prepare)

    def add(self, row_number: int, values: tuple[Any, ...]) -> None:
        if self._packs and len(self._packs) * PACK > self._count:
            raise ValueError("a sealed PendingInserts takes no more rows")  # __getitem__ counts PACK a pack
        self._open.append((row_number, values))
        self._count += 1
        if len(self._open) >= PACK:
            self.seal()

    def seal(self) -> None:
        """Pack the rows added since the last full pack; a short pack ends the sequence (the dry run's end)."""
        if not self._open:
            return
        pack = pickle.dumps(self._open, protocol=pickle.HIGHEST_PROTOCOL)
        self._packs.append(pack)
        self._open = []
        if self.on_pack is not None:
            self.on_pack(pack)

    def take_prepared(self) -> list[bytes]:
        """The derived values computed ahead for the first packs, once (a uuid must not be used twice)."""
        prepared, self.prepared = self.prepared, []
        return prepared[: len(self._packs)]

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[PendingInsert]:
        for pack in self._packs:
            for row_number, values in pickle.loads(pack):
                yield PendingInsert(row_number, values)
        for row_number, values in list(self._open):
            yield PendingInsert(row_number, values)

    def __getitem__(self, index: int) -> PendingInsert:
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        pack, offset = divmod(index, PACK)
        if pack < len(self._packs):
            return PendingInsert(*pickle.loads(self._packs[pack])[offset])
        return PendingInsert(*self._open[offset])

    def packs(self) -> Iterator[bytes]:
        """The rows as pickled lists of (row number, values), PACK at a time: what imports.commit_rows reads."""
        yield from self._packs
        if self._open:
            yield pickle.dumps(self._open, protocol=pickle.HIGHEST_PROTOCOL)
