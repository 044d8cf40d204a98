"""批量改派: the marked rows (or the list's current search and filters) to another officer and/or grid.

The person picks the officer (or 未分派) and/or the grid; each choice asks the gateway for a dry run, and
the dialog shows its one sentence (将把 37 户从 张伟 改派给 李娜). 确认改派 (F8, or Enter on the button)
is enabled only once the sentence for the choice on screen has arrived, so no key pressed ahead can
confirm a count the person has not seen. Dismisses with how many businesses changed (None: cancelled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from screens.widgets.worker_errors import ShowsWorkerErrors
from storage.audit import Actor
from workbench.domain.list_filters import UNASSIGNED_LABEL
from workbench.domain.safe_text import shown
from workbench.services.errors import WorkbenchError
from workbench.services.office import Choice
from workbench.services.reassign import ReassignPreview, ReassignTarget, Selection

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

NOBODY = -1
"""The officer select's 未分派 entry (取消包联)."""


class PreviewReady(Message):
    def __init__(self, target: ReassignTarget, preview: ReassignPreview | None, problem: str) -> None:
        super().__init__()
        self.target = target
        self.preview = preview
        self.problem = problem


class Reassigned(Message):
    def __init__(self, changed: int | None, problem: str) -> None:
        super().__init__()
        self.changed = changed
        self.problem = problem


class ReassignDialog(ShowsWorkerErrors, ModalScreen[int | None]):
    """Officer and grid selects, the dry run's sentence, 确认改派 / 取消."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", id="reassign.cancel"),
        Binding("f8", "confirm", "确认改派", id="reassign.confirm"),
    ]
    DEFAULT_CSS = """
    ReassignDialog .dialog-message { margin-bottom: 0; }
    ReassignDialog .reassign-line { height: 1; margin-top: 1; }
    ReassignDialog .reassign-line Label { width: 10; }
    ReassignDialog .reassign-line Select { width: 1fr; }
    ReassignDialog #reassign-preview { margin-top: 1; min-height: 2; }
    ReassignDialog .reassign-problem { color: $error; }
    """

    def __init__(
        self, actor: Actor, selection: Selection, what: str, officers: list[Choice], grids: list[Choice]
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.actor = actor
        self.selection = selection
        self.what = what
        self.officers = officers
        self.grids = grids
        self.shown_for: ReassignTarget | None = None  # the target whose sentence is on screen
        self.changing = 0
        self.writing = False

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("批量改派", classes="dialog-title")
            yield Static(Text(shown(f"对象：{self.what}")), classes="dialog-message")
            with Horizontal(classes="reassign-line"):
                yield Label("包联干部")
                yield Select(
                    [(f"{UNASSIGNED_LABEL}（取消包联）", NOBODY), *((o.name, o.id) for o in self.officers)],
                    prompt="干部不变", id="reassign-officer", compact=True,
                )  # fmt: skip
            with Horizontal(classes="reassign-line"):
                yield Label("网格")
                yield Select([(g.name, g.id) for g in self.grids], prompt="网格不变", id="reassign-grid", compact=True)
            yield Static("请选择改派给哪名干部或哪个网格", id="reassign-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("确认改派", id="reassign-yes", variant="error", disabled=True)
                yield Button("取消", id="reassign-no", variant="primary")
            yield Static("Tab 切换  Enter 展开选择  F8 确认改派  Esc 取消", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#reassign-officer", Select).focus()

    def target(self) -> ReassignTarget | None:
        officer = self.query_one("#reassign-officer", Select)
        grid = self.query_one("#reassign-grid", Select)
        if officer.is_blank() and grid.is_blank():
            return None
        officer_id = None if officer.is_blank() or officer.value == NOBODY else int(officer.value)  # type: ignore[arg-type]
        grid_id = None if grid.is_blank() else int(grid.value)  # type: ignore[arg-type]
        return ReassignTarget(officer_id, grid_id, set_officer=not officer.is_blank(), set_grid=not grid.is_blank())

    @on(Select.Changed)
    def _choice_changed(self) -> None:
        self.shown_for = None
        self.query_one("#reassign-yes", Button).disabled = True
        target = self.target()
        if target is None:
            self.query_one("#reassign-preview", Static).update("请选择改派给哪名干部或哪个网格")
            return
        self.query_one("#reassign-preview", Static).update("正在核对……")
        self._preview(self.actor, self.selection, target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reassign-preview", description="核对改派户数")
    def _preview(self, actor: Actor, selection: Selection, target: ReassignTarget) -> None:
        try:
            preview = self.workbench.gateway.assignment.preview(actor, selection, target)
        except WorkbenchError as error:
            self.post_message(PreviewReady(target, None, error.message))
        else:
            self.post_message(PreviewReady(target, preview, ""))

    def on_preview_ready(self, message: PreviewReady) -> None:
        if message.target != self.target():
            return  # the person chose again meanwhile: that choice's sentence is on its way
        line = self.query_one("#reassign-preview", Static)
        line.set_class(bool(message.problem), "reassign-problem")
        if message.preview is None:
            line.update(Text(shown(message.problem)))
            return
        line.update(Text(shown(message.preview.sentence + ("。按 F8 确认改派" if message.preview.changing else "。"))))
        self.shown_for, self.changing = message.target, message.preview.changing
        self.query_one("#reassign-yes", Button).disabled = not self.changing

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "reassign-yes":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_confirm(self) -> None:
        target = self.target()
        if self.writing or target is None or target != self.shown_for or not self.changing:
            self.notify("请等改派户数显示后再确认", severity="warning")
            return
        self.writing = True
        self.query_one("#reassign-yes", Button).disabled = True
        self.query_one("#reassign-preview", Static).update("正在改派……")
        self._write(self.actor, self.selection, target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reassign-write", description="批量改派")
    def _write(self, actor: Actor, selection: Selection, target: ReassignTarget) -> None:
        try:
            changed = self.workbench.gateway.assignment.reassign(actor, selection, target)
        except WorkbenchError as error:
            self.post_message(Reassigned(None, error.message))
        else:
            self.post_message(Reassigned(changed, ""))

    def on_reassigned(self, message: Reassigned) -> None:
        if message.changed is None:
            self.writing = False
            line = self.query_one("#reassign-preview", Static)
            line.add_class("reassign-problem")
            line.update(Text(shown(message.problem)))
            return
        self.dismiss(message.changed)

    def action_cancel(self) -> None:
        if not self.writing:
            self.dismiss(None)


def selection_text(marked: int, total: int | None, filter_words: str) -> str:
    """What the dialog says it works on: 已标记的 3 户, or the current list's matches."""
    if marked:
        return f"已标记的 {marked:,} 户"
    count = "" if total is None else f"共 {total:,} 户"
    return f"当前列表（{filter_words}）{count}"
