"""回传冲突: what return packages left for a person, decided with one key each.

A field changed at the office and on a laptop to different values: O keeps the office value, L takes the
laptop's, B keeps the office value and writes both down. A new business from a laptop that looks like one
already registered: M merges it into that one, S registers it as a business of its own. The highlighted
item shows both values side by side with who and when. Keys typed faster than the database answers wait in
order, each applied to the item under the cursor once the one before it is done, so a fast typist's
「L O B」 decides the first three items.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Header, Static

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.format import fit_cells, local_time_text
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.services.gateway.sync_desk import Decided
from workbench.services.sync_review import ReviewItem

FIELD_KEYS = {"o": "office", "l": "laptop", "b": "both"}
MERGE_KEYS = {"m": "merge", "s": "separate"}
COLUMNS = (("主体", 16), ("项目", 12), ("本所值", 16), ("外业值", 16), ("外业", 6))


class ItemsLoaded(Message):
    def __init__(self, items: list[ReviewItem], note: str = "") -> None:
        super().__init__()
        self.items = items
        self.note = note


class SyncReviewScreen(WorkbenchScreen[None]):
    """The open items, oldest first; one business's only when opened from its detail or the to-do."""

    SCOPE = "sync"
    BINDINGS = bindings("sync")
    AUTO_FOCUS = "#sync-table"

    def __init__(self, business_uuid: str | None = None) -> None:
        super().__init__()
        self.business_uuid = business_uuid
        self.items: list[ReviewItem] = []
        self.waiting: list[str] = []  # decision keys typed while one is being written
        self.busy = True  # until the first read arrives

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="sync-summary")
        yield TextTable(id="sync-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sync-detail")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.title = "回传冲突处理"
        table = self.query_one("#sync-table", TextTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self._read(self.workbench.actor)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-read", description="读取待处理事项")
    def _read(self, actor: Actor) -> None:
        self.post_message(ItemsLoaded(self.workbench.gateway.sync.items(actor, self.business_uuid)))

    def on_items_loaded(self, message: ItemsLoaded) -> None:
        self._show(message.items)
        if message.note:
            self.notify(message.note, timeout=6)
        self.busy = False
        if self.waiting:
            self._decide(self.waiting.pop(0))

    def _show(self, items: list[ReviewItem]) -> None:
        table = self.query_one("#sync-table", TextTable)
        row = table.cursor_row
        self.items = items
        table.clear()
        for item in items:
            cells = (item.business_name, item.what, item.office, item.laptop, item.laptop_by)
            table.add_row(*(fit_cells(text, width) for text, (_label, width) in zip(cells, COLUMNS, strict=True)))
        if items:
            table.move_cursor(row=min(max(row, 0), len(items) - 1), animate=False)
        fields = sum(item.kind == "field" for item in items)
        merges = len(items) - fields
        parts = [f"{label} {count} 项" for label, count in (("字段冲突", fields), ("疑似同一户", merges)) if count]
        summary = "待处理：" + "，".join(parts) if items else "没有待处理的回传冲突"
        self.query_one("#sync-summary", Static).update(Text(summary, style="bold" if items else "dim"))
        self._describe()

    def on_data_table_row_highlighted(self) -> None:
        self._describe()

    def _current(self) -> ReviewItem | None:
        table = self.query_one("#sync-table", TextTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            return None
        return self.items[table.cursor_row]

    def _describe(self) -> None:
        item = self._current()
        detail = self.query_one("#sync-detail", Static)
        if item is None:
            detail.update("")
            return
        text = Text()
        text.append(f"「{item.business_name}」{item.what}\n", style="bold")
        if item.kind == "merge":
            text.append(f"{item.office}\n{item.laptop}（{item.laptop_by} {item.laptop_at}）\n")
            text.append("M 合并为一户   S 是两户，单独登记", style="bold cyan")
        else:
            text.append(f"起始值：{item.base}\n")
            text.append(f"本所值：{item.office}", style="bold")
            when = local_time_text(item.office_at) if item.office_at else ""
            text.append(f"（{item.office_by or '本所'} {when}）\n")
            text.append(f"外业值：{item.laptop}", style="bold")
            text.append(f"（{item.laptop_by} {item.laptop_at}）\n")
            text.append("O 保留本所值   L 采用外业值   B 两者都保留（记为备注）", style="bold cyan")
        detail.update(text)

    def action_decide(self, key: str) -> None:
        if self.busy:
            self.waiting.append(key)
        else:
            self._decide(key)

    def _decide(self, key: str) -> None:
        item = self._current()
        if item is None:
            self.waiting.clear()
            return
        decisions = MERGE_KEYS if item.kind == "merge" else FIELD_KEYS
        if key not in decisions:
            self.waiting.clear()  # the keys after a wrong one were meant for other items: drop them
            self.notify(
                "这是疑似同一户的事项：按 M 合并为一户，按 S 单独登记" if item.kind == "merge"
                else "这是字段冲突：按 O 保留本所值，L 采用外业值，B 两者都保留",
                severity="warning",
            )
            return
        self.busy = True
        self._write(self.workbench.actor, item, decisions[key])

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-write", description="保存冲突处理")
    def _write(self, actor: Actor, item: ReviewItem, decision: str) -> None:
        decided: Decided = self.workbench.gateway.sync.decide(actor, item, decision, self.business_uuid)
        self.post_message(ItemsLoaded(decided.items, decided.note))

    def worker_failed(self, worker: object, error: BaseException) -> None:
        self.waiting.clear()
        self.busy = False
        super().worker_failed(worker, error)  # type: ignore[arg-type]
        self._read(self.workbench.actor)

    def action_refresh(self) -> None:
        if not self.busy:
            self.busy = True
            self._read(self.workbench.actor)

    def action_back(self) -> None:
        self.workbench.data_changed()
        self.app.pop_screen()
