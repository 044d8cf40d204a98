"""干部与网格: who works in the office and where, kept up to date after `workbench init` (Ctrl+K).

Two tables: officers (在岗 first, with their grid and how many businesses they look after) and grids.
A adds an officer, G a grid, Enter edits the highlighted row of the focused table, D is 调离 / 恢复在岗;
调离 of an officer who holds businesses asks who takes them over (screens.hand_over_dialog), in one step.
After a change the app re-reads its office reference, so pickers and list filters show it at once.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Label, Static

from screens.actions import bindings
from screens.base import HoldsKeysWhileLoading
from screens.format import fit_cells
from screens.key_order import release_keys
from screens.latest_read import LatestRead
from screens.staff_dialogs import GridDialog, OfficerDialog
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.services.office import Choice
from workbench.services.staff import GridLine, OfficerLine


class StaffLoaded(Message):
    def __init__(self, officers: list[OfficerLine], grids: list[GridLine], asked: int) -> None:
        super().__init__()
        self.officers = officers
        self.grids = grids
        self.asked = asked


class StaffLeft(Message):
    def __init__(self, sentence: str) -> None:
        super().__init__()
        self.sentence = sentence


class StaffToggled(Message):
    def __init__(self, name: str, active: bool) -> None:
        super().__init__()
        self.name = name
        self.active = active


class StaffScreen(HoldsKeysWhileLoading):
    SCOPE = "staff"
    BINDINGS = bindings("staff")
    AUTO_FOCUS = "#staff-officers"
    DEFAULT_CSS = """
    StaffScreen Label.staff-title { padding: 0 1; text-style: bold; color: $accent; }
    #staff-officers { height: 2fr; }
    #staff-grids { height: 1fr; }
    #staff-status { height: auto; padding: 0 1; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.officers: list[OfficerLine] = []
        self.grids: list[GridLine] = []
        self.reads = LatestRead()
        """A save during a read starts another: only the last one is shown (screens/latest_read.py)."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Label("包联干部", classes="staff-title")
        yield TextTable(id="staff-officers", cursor_type="row", zebra_stripes=True)
        yield Label("网格", classes="staff-title")
        yield TextTable(id="staff-grids", cursor_type="row", zebra_stripes=True)
        yield Static("", id="staff-status")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.query_one("#staff-officers", DataTable).add_columns(
            "姓名", "网格", "联系电话", "状态", "包联户数"
        )
        self.query_one("#staff-grids", DataTable).add_columns("网格名称", "在岗干部", "主体户数")
        self._refresh()

    def _refresh(self) -> None:
        self.loading = True  # keys wait (A offers the grids, F4 edits the row meant): screens.base
        self._load(self.reads.ask(), self.workbench.actor)

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff", description="读取干部与网格")
    def _load(self, asked: int, actor: Actor) -> None:
        officers, grids = self.workbench.gateway.staff.overview(actor)
        self.post_message(StaffLoaded(officers, grids, asked))

    def on_staff_loaded(self, message: StaffLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # read before a later save: the read after it is shown
        self.officers, self.grids = message.officers, message.grids
        officers = self.query_one("#staff-officers", DataTable)
        keep = officers.cursor_row
        officers.clear()
        for line in self.officers:
            officers.add_row(
                fit_cells(line.name, 16),
                fit_cells(line.grid_name or "-", 14),
                line.phone or "-",
                "在岗" if line.active else "已调离",
                f"{line.businesses:,}",
                key=line.uuid,
            )
        officers.move_cursor(row=min(keep, max(len(self.officers) - 1, 0)))
        grids = self.query_one("#staff-grids", DataTable)
        keep = grids.cursor_row
        grids.clear()
        for grid in self.grids:
            grids.add_row(fit_cells(grid.name, 20), str(grid.officers), f"{grid.businesses:,}", key=grid.uuid)
        grids.move_cursor(row=min(keep, max(len(self.grids) - 1, 0)))
        active = sum(1 for line in self.officers if line.active)
        self.query_one("#staff-status", Static).update(
            f"在岗干部 {active} 名，已调离 {len(self.officers) - active} 名，网格 {len(self.grids)} 个。"
            "调离时可把名下主体一并交给接任的干部"
        )
        self.loading = False
        release_keys(self.app)  # the keys typed meanwhile act on these rows

    # the keys

    def action_add_officer(self) -> None:
        self.app.push_screen(OfficerDialog(self._grid_choices(), None), self._changed)

    def action_add_grid(self) -> None:
        self.app.push_screen(GridDialog(None), self._changed)

    def action_edit(self) -> None:
        if self.focused is self.query_one("#staff-grids", DataTable):
            grid = self._highlighted(self.grids, "#staff-grids")
            if grid is not None:
                self.app.push_screen(GridDialog(grid), self._changed)
            return
        officer = self._highlighted(self.officers, "#staff-officers")
        if officer is not None:
            self.app.push_screen(OfficerDialog(self._grid_choices(), officer), self._changed)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_edit()

    def action_toggle_active(self) -> None:
        officer = self._highlighted(self.officers, "#staff-officers")
        if officer is None:
            return
        if officer.active and officer.businesses:
            self._ask_hand_over(officer)
            return
        if officer.active:
            question = f"把「{officer.name}」标记为已调离？\n名下没有包联的主体。"
            yes = "调离"
        else:
            question = f"让「{officer.name}」恢复在岗？"
            yes = "恢复在岗"

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._toggle(self.workbench.actor, officer)

        self.app.push_screen(ConfirmDialog(question, yes, "返回", confirms_write=True), answered)

    def _ask_hand_over(self, officer: OfficerLine) -> None:
        """调离 of an officer who holds businesses: who takes them over, in the same step."""
        from screens.hand_over_dialog import HandOverChoice, HandOverDialog

        successors = [
            Choice(line.id, line.uuid, line.name) for line in self.officers if line.active and line.id != officer.id
        ]

        def answered(choice: HandOverChoice | None) -> None:
            if choice is not None:
                self._leave(self.workbench.actor, officer, choice.successor_id, choice.unassign)

        self.app.push_screen(HandOverDialog(officer.name, officer.businesses, successors), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-write", description="调离并改派")
    def _leave(self, actor: Actor, officer: OfficerLine, successor_id: int | None, unassign: bool) -> None:
        done = self.workbench.gateway.assignment.leave(actor, officer, successor_id=successor_id, unassign=unassign)
        self.post_message(StaffLeft(done.sentence()))

    def on_staff_left(self, message: StaffLeft) -> None:
        self.notify(message.sentence, timeout=8)
        self.workbench.data_changed()
        self._changed(True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-write", description="保存干部状态")
    def _toggle(self, actor: Actor, officer: OfficerLine) -> None:
        self.workbench.gateway.staff.set_active(actor, officer, not officer.active)
        self.post_message(StaffToggled(officer.name, not officer.active))

    def on_staff_toggled(self, message: StaffToggled) -> None:
        self.notify(f"「{message.name}」已{'恢复在岗' if message.active else '标记为调离'}")
        self._changed(True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def _changed(self, result: Any) -> None:
        if result:
            self.workbench.refresh_reference()
            self._refresh()

    def _grid_choices(self) -> list[tuple[str, int]]:
        return [(grid.name, grid.id) for grid in self.grids]

    def _highlighted(self, lines: list[Any], table_id: str) -> Any:
        table = self.query_one(table_id, DataTable)
        if not lines or table.row_count == 0:
            return None
        return lines[min(table.cursor_row, len(lines) - 1)]
