"""The last to-do, painted at launch before the data layer is imported (issue 17; workbench/cli_tui.py).

It looks as 今日待办 does, with the title marked「上次的待办（12-06 17:32），正在更新……」, and nothing on it
can be acted on: the keys typed while it shows wait (WorkbenchApp.first_screen_pending) and go on, in order,
once the fresh to-do has replaced it (screens/todo_screen.py shows the same summary until its read is in).

Imports only Textual and the to-do's look (screens/todo_lines.py): no SQLAlchemy, no services.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static

from screens.actions import bindings
from screens.todo_lines import HINT, Line, fill_table, todo_title
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from workbench.services.last_todo import URGENCIES, LastTodo


class LastTodoScreen(Screen[None]):
    """The summary of the last to-do, marked as such; replaced by the fresh to-do (never acted on)."""

    BINDINGS = bindings("todo")  # the footer the to-do will have; the keys wait for it (never handled here)
    AUTO_FOCUS = "#todo-table"

    def __init__(self, last: LastTodo) -> None:
        super().__init__()
        self.last = last
        self.shown_width = -1

    def compose(self) -> ComposeResult:
        last = self.last
        yield Header(icon="")
        yield Static(todo_title(last.whose, last.counts(), last.unassigned, last_saved_at=last.saved_at), id="todo-title")
        yield TextTable(id="todo-table", cursor_type="row", zebra_stripes=False)
        yield Static(HINT, id="todo-hint")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        show_last_todo(self, self.last)

    def not_updated(self) -> None:
        """The launch could not read today's to-do (the app says why): the mark says so."""
        last = self.last
        title = todo_title(last.whose, last.counts(), last.unassigned, last_saved_at=last.saved_at, updating=False)
        self.query_one("#todo-title", Static).update(title)

    def on_resize(self) -> None:
        show_last_todo(self, self.last)


def show_last_todo(screen: Screen[Any], last: LastTodo) -> int:
    """The last to-do's lines in the screen's #todo-table, nothing on them to act on (again only when the
    width changed: a table of the to-do's lines is the launch's largest piece of work on screen). Returns
    the number of table rows."""
    table = screen.query_one("#todo-table", TextTable)
    if getattr(screen, "shown_width", None) == screen.size.width:
        return table.row_count
    lines = [Line[None](line.urgency, line.due, line.kind_label, line.text, None) for line in last.lines]
    totals = {urgency: count for urgency, _label, count in last.counts()}
    rows = len(fill_table(table, URGENCIES, lines, screen.size.width, totals))
    screen.shown_width = screen.size.width  # type: ignore[attr-defined]
    return rows
