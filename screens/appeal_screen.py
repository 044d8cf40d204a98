"""One appeal: its state, deadline and history; the footer offers only the steps its state allows.

A key for a step the state does not allow is answered with the state machine's Chinese refusal.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from screens.actions import bindings, scope_actions
from screens.appeal_marks import deadline_cell, state_cell
from screens.appeal_steps import AppealStepDialog
from screens.base import WorkbenchScreen
from screens.format import local_time_text
from screens.latest_read import LatestRead
from screens.service_dialog import officer_choices
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain import appeal_states as states
from workbench.services.appeals import AppealDetail
from workbench.services.service_common import ServiceSettings

STEP_KEYS: dict[str, str] = {
    item.action.removeprefix("act('").removesuffix("')"): item.keys
    for item in scope_actions("appeal")
    if item.action.startswith("act(")
}
"""Action name -> its key, from the registry (assign -> f3 ...)."""


class AppealLoaded(Message):
    def __init__(self, detail: AppealDetail, asked: int) -> None:
        super().__init__()
        self.detail = detail
        self.asked = asked


class AppealScreen(WorkbenchScreen[None]):
    """诉求办理: Esc goes back; F3 分派, J 办理记录, F6 答复, F7 办结, F8 回访, F9 重新办理 when allowed."""

    SCOPE = "appeal"
    BINDINGS = bindings("appeal")
    AUTO_FOCUS = "#step-table"

    def __init__(self, appeal_uuid: str) -> None:
        super().__init__()
        self.appeal_uuid = appeal_uuid
        self.detail: AppealDetail | None = None
        self.seen_data_version = -1
        self.reads = LatestRead()
        """A step saved during a read starts another: only the last one is shown (screens/latest_read.py)."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("正在读取诉求", id="appeal-title")
        yield Static("", id="appeal-facts")
        yield Static("", id="appeal-message")
        yield TextTable(id="step-table", cursor_type="row", zebra_stripes=True)
        yield WorkbenchFooter()

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.seen_data_version = self.workbench.data_version
        self._load(self.reads.ask(), self.workbench.actor, self.workbench.settings.service)

    @work(thread=True, exclusive=True, exit_on_error=False, group="appeal", description="读取诉求")
    def _load(self, asked: int, actor: Actor, settings: ServiceSettings) -> None:
        detail = self.workbench.gateway.service.appeal(
            actor, self.appeal_uuid, settings=settings, today=self.workbench.today()
        )
        self.post_message(AppealLoaded(detail, asked))

    def worker_failed(self, _worker: Worker[Any], error: BaseException) -> None:
        if self.detail is None:
            self.dismiss(None)
        self.workbench.show_error(error)

    def on_appeal_loaded(self, message: AppealLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # read before a later step was saved: its state would offer steps no longer allowed
        self.detail = message.detail
        line = message.detail.appeal
        self.query_one("#appeal-title", Static).update(
            Text.assemble(("诉求  ", "dim"), (line.who or "-", "bold"), f"  {line.category}")
        )
        self.query_one("#appeal-facts", Static).update(_facts(message.detail))
        table = self.query_one("#step-table", DataTable)
        table.clear(columns=True)
        table.add_columns("时间", "办理人", "操作", "之后状态", "说明")
        for step in message.detail.steps:
            table.add_row(local_time_text(step.at), step.who, step.action_label, step.to_label, step.note)
        self.refresh_bindings()

    # steps

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Steps the state does not allow are left out of the footer."""
        if action == "act" and parameters:
            return self.detail is not None and str(parameters[0]) in self.detail.allowed_actions
        return True

    def on_key(self, event: events.Key) -> None:
        """A step key the state refuses: say why, in the state machine's words."""
        if self.detail is None:
            return
        for action, keys in STEP_KEYS.items():
            if event.key in keys.split(",") and action not in self.detail.allowed_actions:
                self._say(str(states.IllegalTransition(self.detail.appeal.state, action)))
                event.stop()
                return

    def _say(self, text: str) -> None:
        message = self.query_one("#appeal-message", Static)
        message.update(text)
        message.set_class(bool(text), "-shown")

    def action_act(self, action: str) -> None:
        if self.detail is None:
            return
        self._say("")
        line = self.detail.appeal
        officer = self.workbench.officer
        dialog = AppealStepDialog(
            action,
            appeal_uuid=line.uuid,
            base_version=line.version,
            today=self.workbench.today(),
            context=f"「{line.who}」 {line.category}，当前状态「{line.state_label}」",
            settings=self.workbench.settings.service,
            officers=officer_choices(self.workbench),
            officer_id=line.officer_id or (officer.id if officer else None),
        )
        self.app.push_screen(dialog)

    def action_back(self) -> None:
        self.dismiss(None)


def _facts(detail: AppealDetail) -> Table:
    line = detail.appeal
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(ratio=1)
    table.add_row("状态", state_cell(line))
    deadline = deadline_cell(line)
    if line.deadline_note:
        deadline.append(f"  （{line.deadline_note}）", style="italic")
    table.add_row("办理期限", deadline)
    table.add_row("来源", f"{line.channel}  {line.received_on.isoformat()} 受理")
    if line.person_name or line.person_phone:
        table.add_row("诉求人", f"{line.person_name} {line.person_phone}".strip())
    table.add_row("承办干部", line.officer_name or "（待分派）")
    table.add_row("诉求内容", line.description)
    if line.reply:
        table.add_row("答复", line.reply)
    if line.satisfaction:
        table.add_row("回访", f"{line.satisfaction}（{line.followed_up_on}）")
    allowed = "、".join(states.ACTION_LABELS[action] for action in detail.allowed_actions)
    table.add_row("可办理", allowed or "-")
    return table
