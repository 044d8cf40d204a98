"""今日待办: the opening screen. The officer's to-do grouped by urgency, each item one Enter from its record.

Typing a name here starts a search on the business list underneath, so the screen never stands in the way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker

from screens.actions import KEY_ACTIONS, bindings
from screens.base import WorkbenchScreen
from screens.business_list import BusinessListScreen
from screens.keymap import effective_key_display
from screens.last_todo_screen import show_last_todo
from screens.latest_read import LatestRead
from screens.todo_lines import HINT, Line, fill_table, todo_title
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.services.last_todo import LastTodo, LastTodoLine, summarised
from workbench.services.reminders import URGENCY_LABELS, URGENCY_ORDER, TodoItem
from workbench.services.service_common import ServiceSettings

if TYPE_CHECKING:
    from workbench.services.licenses import LicenseLine

TAB_OF_KIND = {"licence": "licenses", "follow_up": "timeline"}
"""Which tab of the business detail shows what an item is about."""
GROUPS = tuple(URGENCY_LABELS.items())


class TodoLoaded(Message):
    def __init__(self, items: list[TodoItem], asked: int) -> None:
        super().__init__()
        self.items = items
        self.asked = asked
        """Which refresh read these items: a thread cannot be stopped, so a slower earlier read may arrive last."""


class RenewalRead(Message):
    def __init__(self, line: LicenseLine, asked: int) -> None:
        super().__init__()
        self.line = line
        self.asked = asked


class TodoScreen(WorkbenchScreen[None]):
    """Groups 已逾期 / 今天 / 本周 / 即将到期 with counts; Esc or F3 goes to the business list."""

    SCOPE = "todo"
    BINDINGS = bindings("todo")
    AUTO_FOCUS = "#todo-table"

    def __init__(self, last: LastTodo | None = None) -> None:
        super().__init__()
        self.last = last
        """The last to-do, painted at launch until the fresh one is read (nothing on it can be acted on)."""
        self.items: list[TodoItem] = []
        self.row_items: list[TodoItem | None] = []
        self.whole_office = False
        self.seen_data_version = -1
        self.reads = LatestRead()
        """Only the last read's items are shown (F9 typed during a read; screens/latest_read.py)."""
        self.renewal_reads = LatestRead()
        """Ctrl+D again while a licence is read: only the last one's renewal form opens."""
        self.shown_width = -1
        """The width the last to-do's lines were laid out for (screens/last_todo_screen.py)."""
        self.leaving_for: BusinessListScreen | None = None
        """Set while the screen closes towards the list: keys still arriving are the search's."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        last = self.last
        yield Static(
            todo_title(last.whose, last.counts(), last.unassigned, last_saved_at=last.saved_at) if last else "今日待办  正在计算",
            id="todo-title",
        )
        yield TextTable(id="todo-table", cursor_type="row", zebra_stripes=False)
        yield Static(HINT, id="todo-hint")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "officer", self._officer_changed, init=False)
        if self.last is not None:
            self._show_last(self.last)

    def _show_last(self, last: LastTodo) -> None:
        self.row_items = [None] * show_last_todo(self, last)  # the last to-do's lines: Enter, F4, Ctrl+D act on none

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self.action_refresh()

    def _officer_changed(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        officer = self.workbench.officer
        self.seen_data_version = self.workbench.data_version
        officer_id = None if self.whole_office or officer is None else officer.id
        summary = self._summary_template(officer_id)
        self._load(
            self.reads.ask(), self.workbench.actor, officer_id, self.workbench.today(), self.workbench.settings.service,
            summary,
        )  # fmt: skip

    def _summary_template(self, officer_id: int | None) -> LastTodo | None:
        """The officer's own to-do is saved for the next launch to paint first (workbench/services/last_todo.py)."""
        officer = self.workbench.officer
        if self.workbench.last_todo_store is None or officer is None or officer_id != officer.id:
            return None
        return LastTodo(
            self.workbench.database_key, officer.uuid, officer.name, self.workbench.sub_title,
            self.workbench.today().isoformat(), "", "", "", (),
        )  # fmt: skip

    @work(thread=True, exclusive=True, exit_on_error=False, group="todo", description="计算今日待办")
    def _load(
        self, asked: int, actor: Actor, officer_id: int | None, today: date, settings: ServiceSettings,
        summary: LastTodo | None,
    ) -> None:  # fmt: skip
        first_reads = self.workbench.first_reads  # the first to-do: read by the CLI while the screens imported
        items = first_reads.todo((actor, officer_id, today, settings)) if first_reads is not None else None
        if items is None:
            items = self.workbench.gateway.service.todo(actor, officer_id=officer_id, today=today, settings=settings)
        self.post_message(TodoLoaded(items, asked))
        store = self.workbench.last_todo_store
        if summary is not None and store is not None:
            store.save(_summarised(summary, items))

    def on_todo_loaded(self, message: TodoLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # an earlier read, overtaken by a later F9, officer change or refresh
        self.items = message.items
        self._show_title()
        self._show_items()
        if self.last is not None:
            self.last = None
            self.workbench.fresh_todo_shown()  # the keys typed meanwhile go on, to today's items

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        """The fresh read failed (the app says why): the last to-do does not stay as if it were today's."""
        if worker.group == "todo" and self.last is not None:
            self.last = None
            self.query_one("#todo-title", Static).update("今日待办  读取失败（按 F9 重试）")
            self.query_one("#todo-table", DataTable).clear(columns=True)
            self.row_items = []
        super().worker_failed(worker, error)

    def _show_title(self) -> None:
        officer = self.workbench.officer
        whose = "全所" if self.whole_office or officer is None else officer.name
        counts = [(urgency, label, sum(item.urgency == urgency for item in self.items)) for urgency, label in GROUPS]
        title = todo_title(whose, counts, _unassigned_note(self.items), today=self.workbench.today())
        self.query_one("#todo-title", Static).update(title)

    def _show_items(self) -> None:
        table = self.query_one("#todo-table", DataTable)
        lines = [
            Line(item.urgency, item.due_on.isoformat() if item.due_on else "", item.kind_label, item.text, item)
            for item in self.items
        ]
        self.row_items = fill_table(table, GROUPS, lines, self.size.width)
        self._show_hint(table.cursor_row)

    @on(DataTable.RowHighlighted, "#todo-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_hint(event.cursor_row)

    def _show_hint(self, row: int) -> None:
        """The highlighted item in full (the table cuts it at 80 columns), else what the keys do."""
        item = self.row_items[row] if 0 <= row < len(self.row_items) else None
        text = item.text if item else HINT
        if item is not None and item.kind == "follow_up":
            text += f"    {self._keys_of('todo.done')} 办完"
        if item is not None and item.license_uuid:
            text += f"    {self._keys_of('todo.done')} 已换证（录入新证）"
        self.query_one("#todo-hint", Static).update(text)

    def on_resize(self) -> None:
        if self.items:
            self._show_items()
        elif self.last is not None:
            self._show_last(self.last)

    # opening what an item concerns

    @on(DataTable.RowSelected, "#todo-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if (
            self.leaving_for is None
            and 0 <= event.cursor_row < len(self.row_items)
            and (item := self.row_items[event.cursor_row])
        ):
            self.open_item(item)

    def open_item(self, item: TodoItem) -> None:
        # The screens an item leads to are imported when first opened: the to-do is the first screen
        # painted, and they (with Excel export behind them) would add to every start of the app.
        from screens.appeal_screen import AppealScreen
        from screens.business_detail import BusinessDetailScreen

        if item.opens_list:
            self._to_filtered_list(dict(item.opens_list))
        elif item.kind == "sync_conflict":
            from screens.sync_review import SyncReviewScreen

            self.app.push_screen(SyncReviewScreen(item.business_uuid))
        elif item.entity == "appeal":
            self.app.push_screen(AppealScreen(item.entity_uuid))
        elif item.business_uuid or item.entity == "business":
            detail = BusinessDetailScreen(item.business_uuid or item.entity_uuid)
            self.app.push_screen(detail)
            if tab := TAB_OF_KIND.get(item.kind):
                detail.call_after_refresh(detail.action_show_tab, tab)
        else:
            # A summary line (the 年报 season) has no record of its own: the register list is where it leads.
            self.notify(
                item.note or "这是一条汇总提醒：已转到市场主体列表，可按「只看我的」等条件查看", timeout=6
            )
            self._to_list()

    # going elsewhere

    def on_key(self, event: events.Key) -> None:
        """Typing a name goes straight on to the business list's search (when the list is underneath).

        Keys typed in one burst can still arrive here while the screen is closing: they go on to the search
        box too, Enter included, so 「佳美」+Enter pasted or typed fast opens what it would on the list.
        """
        if self.leaving_for is not None:
            event.stop()
            self._forward(self.leaving_for, event)
        elif event.is_printable and event.character and not event.character.isspace() and self._list_below():
            event.stop()
            self._to_list(event.character)

    def _forward(self, below: BusinessListScreen, event: events.Key) -> None:
        search = below.query_one("#search", Input)
        if event.key == "enter":
            search.post_message(Input.Submitted(search, search.value))
        elif event.key == "backspace":
            search.value = search.value[:-1]
        elif event.is_printable and event.character:
            search.value += event.character
        search.cursor_position = len(search.value)

    def _list_below(self) -> BusinessListScreen | None:
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 and stack[-1] is self else None
        return below if isinstance(below, BusinessListScreen) else None

    def _to_list(self, typed: str = "") -> None:
        below = self._list_below()
        if below is None:
            self.dismiss(None)
            return
        self.leaving_for = below
        self.dismiss(None)
        search = below.query_one("#search", Input)
        search.focus()
        search.value += typed
        search.cursor_position = len(search.value)

    def _to_filtered_list(self, wanted: dict[str, object]) -> None:
        """A count line (未分派 N 户): the list, filtered the same way, with the cursor in its results."""
        below = self._list_below()
        if below is None:
            listing = BusinessListScreen()
            self.app.push_screen(listing)
            listing.call_after_refresh(listing.show_filtered, **wanted)
            return
        self.dismiss(None)
        below.show_filtered(**wanted)

    def action_to_list(self) -> None:
        self._to_list()

    def business_in_view(self) -> tuple[str, str] | None:
        item = self._highlighted_item()
        return (item.business_uuid, item.business_name) if item is not None and item.business_uuid else None

    def _keys_of(self, binding_id: str) -> str:
        """The keys of a to-do action as the person has them (keymap.toml may rebind them)."""
        item = next(action for action in KEY_ACTIONS if action.binding_id == binding_id)
        return effective_key_display(item, self.workbench.keymap_in_force)

    def _highlighted_item(self) -> TodoItem | None:
        row = self.query_one("#todo-table", DataTable).cursor_row
        return self.row_items[row] if 0 <= row < len(self.row_items) else None

    def action_edit(self) -> None:
        """F4, as everywhere: 编辑 — here the business the highlighted item concerns."""
        from screens.business_form import BusinessFormScreen

        item = self._highlighted_item()
        if item is None or not item.business_uuid:
            self.notify("选中的事项没有对应的市场主体可编辑（未登记的个人、汇总提醒）", severity="warning")
            return
        self.app.push_screen(BusinessFormScreen(item.business_uuid))

    def action_finish_item(self) -> None:
        """Ctrl+D (F4 is 编辑, as everywhere): a visit's follow-up asks what was done (办理情况), then is done
        today, and the business's timeline shows the note and can undo it; a licence was renewed (已换证), so
        its renewal form opens. Either way the item leaves the list once saved."""
        from screens.follow_up_dialog import FollowUpDoneDialog

        item = self._highlighted_item()
        if item is not None and item.license_uuid:
            self._open_renewal(self.renewal_reads.ask(), self.workbench.actor, item.license_uuid)
            return
        if item is None or item.kind != "follow_up" or not item.business_uuid:
            self.notify("请先选中一条「走访跟进」或「许可证」", severity="warning")
            return

        def finished(count: int | None) -> None:
            if count:
                self.notify(f"已办完：{item.business_name} 的走访跟进（{count} 项）；该户时间线中可撤销")

        self.app.push_screen(FollowUpDoneDialog(item, self.workbench.today()), finished)

    @work(thread=True, exclusive=True, exit_on_error=False, group="todo-renew", description="读取许可证")
    def _open_renewal(self, asked: int, actor: Actor, license_uuid: str) -> None:
        self.post_message(RenewalRead(self.workbench.gateway.licenses.license(actor, license_uuid), asked))

    def on_renewal_read(self, message: RenewalRead) -> None:
        if not self.renewal_reads.is_latest(message.asked):
            return  # Ctrl+D pressed again (on another licence) before this one was read: that one opens
        from screens.license_dialogs import renew_license  # the dialogs load when first used, not at start

        renew_license(self.workbench, message.line)

    def action_toggle_whole_office(self) -> None:
        self.whole_office = not self.whole_office
        self.action_refresh()


def _unassigned_note(items: list[TodoItem]) -> str:
    """The title's 未分派 N 户 (the count line's words before its colon), or ''."""
    unassigned = next((item for item in items if item.kind == "unassigned"), None)
    return unassigned.text.split("：")[0] if unassigned is not None else ""


def _summarised(template: LastTodo, items: list[TodoItem]) -> LastTodo:
    """The to-do as shown, for the next launch (no more than the screen shows; workbench/services/last_todo.py)."""
    lines = [
        LastTodoLine(item.urgency, item.due_on.isoformat() if item.due_on else "", item.kind_label, item.text)
        for item in sorted(items, key=lambda item: URGENCY_ORDER.index(item.urgency))
    ]
    return summarised(replace(template, unassigned=_unassigned_note(items)), lines)
