"""The 时间线 tab of the business detail: everything that happened to the business, newest first.

F6 steps the filter through the kinds (全部 / 登记 / 修改 / 帮扶 / 诉求 / 走访 / 分类 / 证照); Enter on an appeal's
line opens the appeal; U on a follow-up's 跟进办完 opens it again (marked done by mistake). The highlighted line
is shown in full underneath, since 80 columns cut long text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from screens.actions import KEY_ACTIONS, bindings
from screens.appeal_screen import AppealScreen
from screens.format import fit_cells
from screens.keymap import effective_key_display
from screens.latest_read import LatestRead
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.text_table import TextTable
from screens.widgets.worker_errors import ShowsWorkerErrors
from storage.audit import Actor
from workbench.services.timeline import KIND_LABELS, TimelineEntry

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

FILTERS: tuple[str | None, ...] = (None, *KIND_LABELS)
SHOWN_AT_MOST = 300
"""Lines the table holds (newest first): filling a DataTable costs milliseconds per row; F6 narrows by kind."""
TITLE_CELLS = 28
WHO_CELLS = 6
KIND_STYLES = {"support": "green", "appeal": "yellow", "visit": "cyan", "classification": "magenta", "license": "blue"}
FIXED_CELLS = 10 + 4 + TITLE_CELLS + WHO_CELLS + 2 * 5 + 1
"""日期, 类别, 事项 and 经办 columns plus the table's cell padding; 内容 takes the rest."""


class TimelineLoaded(Message):
    def __init__(self, entries: list[TimelineEntry], asked: int) -> None:
        super().__init__()
        self.entries = entries
        self.asked = asked


class FollowUpReopened(Message):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action


class TimelineTab(ShowsWorkerErrors, Vertical):
    """Reads the timeline on mount and after every save (the app's data_version)."""

    BINDINGS = bindings("timeline")

    def __init__(self, business_uuid: str) -> None:
        super().__init__(id="timeline-body")
        self.business_uuid = business_uuid
        self.entries: list[TimelineEntry] = []
        self.shown: list[TimelineEntry] = []
        self.filter_index = 0
        self.reads = LatestRead()
        """Each save starts a read: only the last one is shown (screens/latest_read.py)."""

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-filter")
        yield TextTable(id="timeline-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="timeline-detail")

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self.reload, init=True)

    def reload(self) -> None:
        self._load(self.reads.ask(), self.workbench.actor)

    @work(thread=True, exclusive=True, exit_on_error=False, group="timeline", description="读取时间线")
    def _load(self, asked: int, actor: Actor) -> None:
        entries = self.workbench.gateway.service.timeline(actor, self.business_uuid)
        self.post_message(TimelineLoaded(entries, asked))

    def on_timeline_loaded(self, message: TimelineLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # read before a later save (U 撤销办完 is offered from what is shown)
        self.entries = message.entries
        self._show()

    def on_resize(self) -> None:
        if self.entries:
            self._show()

    def _show(self) -> None:
        kind = FILTERS[self.filter_index]
        matching = [entry for entry in self.entries if kind is None or entry.kind == kind]
        self.shown = matching[:SHOWN_AT_MOST]
        counts = "  ".join(
            f"{label} {sum(entry.kind == code for entry in self.entries)}"
            for code, label in KIND_LABELS.items()
        )
        self.query_one("#timeline-filter", Static).update(
            Text.assemble(
                ("显示：", "dim"),
                (KIND_LABELS[kind] if kind else "全部", "bold"),
                f"（{len(matching)} 条）"
                if len(matching) == len(self.shown)
                else f"（最近 {len(self.shown)} 条，共 {len(matching)} 条）",
                ("  F6 切换    ", "dim"),
                (counts, "dim"),
            )
        )
        table = self.query_one("#timeline-table", DataTable)
        table.clear(columns=True)
        title_cells = min(TITLE_CELLS, max((cell_len(entry.title) for entry in self.shown), default=4))
        content_cells = max(10, self.size.width - FIXED_CELLS + TITLE_CELLS - title_cells)
        for label, width in (
            ("日期", 10),
            ("类别", 4),
            ("事项", title_cells),
            ("内容", content_cells),
            ("经办", WHO_CELLS),
        ):
            table.add_column(label, width=width)
        for entry in self.shown:
            table.add_row(
                entry.on.isoformat(),
                Text(entry.kind_label, style=KIND_STYLES.get(entry.kind, "")),
                fit_cells(entry.title, title_cells),
                fit_cells(entry.detail or "-", content_cells),
                fit_cells(entry.who, WHO_CELLS),
            )
        if not self.shown:
            table.add_row("", "", "（没有记录）", "", "")
        self._show_detail(0)

    @on(DataTable.RowHighlighted, "#timeline-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        detail = self.query_one("#timeline-detail", Static)
        if not 0 <= row < len(self.shown):
            detail.update("")
            return
        entry = self.shown[row]
        text = f"{entry.title}  {entry.detail}".strip()
        if entry.undoable:
            text += f"    {self._undo_keys()} 撤销办完"
        detail.update(
            text if cell_len(text) <= 4 * max(20, self.size.width) else fit_cells(text, 4 * self.size.width)
        )

    @on(DataTable.RowSelected, "#timeline-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.shown) and self.shown[event.cursor_row].entity == "appeal":
            self.app.push_screen(AppealScreen(self.shown[event.cursor_row].entity_uuid))

    def action_cycle_kind(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self._show()

    # 撤销办完: a follow-up marked done by mistake goes back to the to-do

    def _undo_keys(self) -> str:
        item = next(action for action in KEY_ACTIONS if action.binding_id == "timeline.undo-done")
        return effective_key_display(item, self.workbench.keymap_in_force)

    def action_undo_done(self) -> None:
        row = self.query_one("#timeline-table", DataTable).cursor_row
        entry = self.shown[row] if 0 <= row < len(self.shown) else None
        if entry is None or not entry.undoable:
            self.app.notify("请先选中一条仍然有效的「跟进办完」", severity="warning")
            return

        def answered(undo: bool | None) -> None:
            if undo:
                self._reopen(self.workbench.actor, entry.entity_uuid)

        what = entry.title.removeprefix("跟进办完：")
        self.app.push_screen(
            ConfirmDialog(f"撤销「{what}」的办完标记？它会回到今日待办。", "撤销办完", "不撤销", confirms_write=True), answered
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="timeline-undo", description="撤销跟进办完")
    def _reopen(self, actor: Actor, follow_up_uuid: str) -> None:
        self.post_message(FollowUpReopened(self.workbench.gateway.service.reopen_follow_up(actor, follow_up_uuid)))

    def on_follow_up_reopened(self, message: FollowUpReopened) -> None:
        self.app.notify(f"已撤销办完：走访跟进「{message.action}」回到今日待办")
        self.workbench.data_changed()
