"""How 今日待办 looks: its title with the counts and its grouped lines, the same for the fresh to-do
(screens/todo_screen.py) and the last one painted at launch from its summary (screens/last_todo_screen.py).

Imports no data layer: the launch paints with it before SQLAlchemy is imported (issue 17).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from rich.text import Text
from textual.widgets import DataTable

from screens.format import fit_cells

URGENCY_STYLES = {"overdue": "bold red", "today": "bold yellow", "week": "yellow", "soon": ""}
WEEKDAYS = "一二三四五六日"
HINT = "Enter 打开所涉记录    直接打字：搜索市场主体    Ctrl+T 回到待办"
EMPTY = "今天没有待办事项。直接打字可搜索市场主体。"

Payload = TypeVar("Payload")


@dataclass(frozen=True)
class Line(Generic[Payload]):
    """One line of the to-do as shown, and what Enter on it acts on (None: nothing, as on the last to-do)."""

    urgency: str
    due: str
    kind_label: str
    text: str
    payload: Payload | None


def todo_title(
    whose: str, counts: Sequence[tuple[str, str, int]], unassigned: str, *, today: date | None = None,
    last_saved_at: str | None = None, updating: bool = True,
) -> Text:  # fmt: skip
    """「今日待办  王芳  2026-12-07（周一）  已逾期 3  今天 1 …」, or for the last to-do painted at launch
    「上次的待办（12-06 17:32），正在更新……  王芳  已逾期 3 …」(「，未能更新」once the launch could not read
    today's): never mistaken for today's."""
    if last_saved_at is not None:
        state = "正在更新……" if updating else "未能更新"
        title = Text.assemble((f"上次的待办（{last_saved_at}），{state}", "bold dim"), f"  {whose}  ")
    else:
        assert today is not None
        title = Text.assemble(("今日待办", "bold"), f"  {whose}  {today.isoformat()}（周{WEEKDAYS[today.weekday()]}）  ")
    for urgency, label, count in counts:
        title.append(f"{label} {count}  ", style=URGENCY_STYLES[urgency] if count else "dim")
    if unassigned:
        title.append(unassigned, style="bold magenta")
    return title


def fill_table(
    table: DataTable[object], groups: Sequence[tuple[str, str]], lines: Sequence[Line[Payload]], width: int,
    totals: Mapping[str, int] | None = None,
) -> list[Payload | None]:  # fmt: skip
    """The lines grouped by urgency (groups: (urgency, name) in order) under a count row each (totals: the
    group's count when lines holds only the first of its items); returns what each table row acts on. The
    cursor goes to the first line."""
    table.clear(columns=True)
    text_cells = max(20, width - 10 - 8 - 2 * 3 - 1)
    table.add_column("期限", width=10)
    table.add_column("类别", width=8)
    table.add_column("事项", width=text_cells)
    payloads: list[Payload | None] = []
    for urgency, label in groups:
        group = [line for line in lines if line.urgency == urgency]
        if not group:
            continue
        style = URGENCY_STYLES[urgency] or "bold"
        count = totals[urgency] if totals is not None else len(group)
        table.add_row(Text(label, style=style), Text(f"{count} 项", style=style), "")
        payloads.append(None)
        for line in group:
            table.add_row(Text(line.due, style=URGENCY_STYLES[urgency]), line.kind_label, fit_cells(line.text, text_cells))
            payloads.append(line.payload)
    if not lines:
        table.add_row("", "", EMPTY)
        payloads.append(None)
    table.move_cursor(row=1 if len(payloads) > 1 else 0)
    return payloads
