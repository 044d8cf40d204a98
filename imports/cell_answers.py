"""A column's converter asked once per distinct cell: the answer, or its refusal, remembered by the cell's value.

A registration list repeats most of its cells down a column (成立日期, 登记状态, 资金数额, 从业人员, 经营者,
经营场所 ...), and converting a cell depends on nothing but its value and its column (the column's unit is in
its converter). Only str cells and non-zero floats are remembered: True == 1 == 1.0 as dict keys, so a bool,
an int or ±0.0 is converted every time (「True」 is not 1, 「-0.0」 keeps its own message), as are dates and
anything else a reader gives. A refusal is remembered as Refused and told again, word for word, for every
row that holds the same cell: each row still gets its own problem naming its own row (the caller makes it).
imports.rows (the register) and imports.list_rows (the 经营数据 and 许可证 lists) remember their answers here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

KNOWN_CELLS = 100_000  # answers remembered per column; beyond that the column starts again


@dataclass(frozen=True, slots=True)
class Refused:
    """A converter's ValueError, remembered like an answer: the same cell is refused with the same reason."""

    reason: str


def converted(convert: Callable[[Any], Any], raw: Any) -> Any:
    """convert(raw), or Refused(reason) for its ValueError."""
    try:
        return convert(raw)
    except ValueError as error:
        return Refused(str(error))


UNKNOWN: Any = object()  # not asked yet
