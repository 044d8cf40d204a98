"""The 分型分类 tab of the business detail: tier and size class with their reasons, the history, overrides.

R sets a manual tier (人工认定, a reason is required), U clears it. A business never classified is
worked out for showing when the tab first reads it. The rules are the app's settings' classification.toml
(shipped + the office's override): a faulty override is reported once and the last good rules stay in force.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from screens.actions import bindings
from screens.format import fit_cells, local_time_text
from screens.latest_read import LatestRead
from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from screens.widgets.text_table import TextTable
from screens.widgets.worker_errors import ShowsWorkerErrors
from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TIER_LABELS, TierRules
from workbench.services.classification_override import override_refusal
from workbench.services.classification_view import ClassificationView

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

TIER_STYLES = {"survival": "yellow", "growth": "green", "development": "bold green", "unclassified": "dim"}


class ClassificationLoaded(Message):
    def __init__(self, view: ClassificationView, asked: int) -> None:
        super().__init__()
        self.view = view
        self.asked = asked


class ClassificationTab(ShowsWorkerErrors, Vertical):
    """Reads the classification on mount and after every save (the app's data_version)."""

    BINDINGS = bindings("classification")

    def __init__(self, business_uuid: str) -> None:
        super().__init__(id="classification-body")
        self.business_uuid = business_uuid
        self.view: ClassificationView | None = None
        self.reads = LatestRead()
        """Each save starts a read: only the last one is shown (screens/latest_read.py)."""

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("正在读取", id="classification-summary")
        yield TextTable(id="classification-history", cursor_type="row", zebra_stripes=True)
        yield Static("", id="classification-line")

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self.reload, init=True)

    def reload(self) -> None:
        rules = self.workbench.settings.classification
        self._load(self.reads.ask(), self.workbench.actor, rules, self.workbench.today())

    @work(thread=True, exclusive=True, exit_on_error=False, group="classification", description="读取分型")
    def _load(self, asked: int, actor: Actor, rules: LoadedRules[TierRules], today: date) -> None:
        view = self.workbench.gateway.classification.of_business(
            actor, self.business_uuid, rules=rules, today=today
        )
        self.post_message(ClassificationLoaded(view, asked))

    def worker_failed(self, worker: Any, error: BaseException) -> None:
        self.query_one("#classification-summary", Static).update("分型记录没有读出来：请关闭这户后重新打开再试。")
        super().worker_failed(worker, error)

    def on_classification_loaded(self, message: ClassificationLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # read before a later save
        self.view = view = message.view
        self.query_one("#classification-summary", Static).update(summary_text(view))
        table = self.query_one("#classification-history", DataTable)
        table.clear(columns=True)
        table.add_columns("时间", "经办", "事项", "分型", "规模", "理由 / 说明")
        width = max(12, self.size.width - 16 - 8 - 12 - 8 - 6 - 12)
        for entry in view.history:
            table.add_row(
                local_time_text(entry.at), fit_cells(entry.who, 8), entry.event_label,
                TIER_LABELS.get(entry.tier or "", "-"), _size_label(entry.size_class),
                fit_cells(entry.reason or entry.explanation or "-", width),
            )  # fmt: skip
        if not view.history:
            table.add_row("", "", "（没有记录）", "", "", "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted history line in full underneath: 80 columns cut long explanations."""
        if self.view is None or not 0 <= event.cursor_row < len(self.view.history):
            return
        entry = self.view.history[event.cursor_row]
        self.query_one("#classification-line", Static).update(entry.reason or entry.explanation)

    def action_override(self) -> None:
        view = self.view
        if view is None:
            return
        if refusal := override_refusal(view.kind):
            self.app.notify(refusal, severity="warning")
            return
        rules = self.workbench.settings.classification
        self.app.push_screen(OverrideDialog(view, rules, self.workbench.today()))

    def action_clear_override(self) -> None:
        view = self.view
        if view is None or view.override_tier is None:
            self.app.notify("这户没有人工认定的分型", severity="warning")
            return
        self.app.push_screen(ClearOverrideDialog(view))


def summary_text(view: ClassificationView) -> Table:
    """Tier (marked 人工认定 when overridden) and size class, one reason a line, and the rule version."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(ratio=1)
    style = TIER_STYLES.get(view.tier.value if view.tier else "", "")
    table.add_row("三型", Text(view.tier_text, style=f"bold {style}"))
    if view.override_tier is not None:
        table.add_row("", Text(f"人工认定：{view.override_by} {_when(view.override_at)}", style="dim"))
        if view.explanation:
            table.add_row("", Text(f"计算结果：{view.explanation}", style="dim"))
    else:
        for reason in _reasons(view.explanation):
            table.add_row("", f"· {reason}")
    table.add_row("规模", Text(view.size_text, style="bold"))
    for reason in _reasons(view.size_explanation):
        table.add_row("", f"· {reason}")
    if view.computed:
        table.add_row(
            "规则", Text(f"版本 {view.rule_version}，计算于 {_when(view.computed_at)}", style="dim")
        )
    elif view.explanation or view.size_explanation:
        table.add_row(
            "规则", Text(f"版本 {view.rule_version}；尚未保存，重新分型（Ctrl+F）后写入", style="dim")
        )
    return table


def _reasons(explanation: str) -> list[str]:
    """The reasons of an explanation such as 「成长型：a；b；c」: [a, b, c]."""
    body = explanation.partition("：")[2]
    return [part for part in body.split("；") if part]


def _when(at: datetime | None) -> str:
    return local_time_text(at) if at is not None else "-"


def _size_label(size_class: str | None) -> str:
    return {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}.get(size_class or "", "-")


class OverrideDialog(ServiceDialog):
    """人工认定: a tier and the reason (required); it stays until cleared, whatever a recompute says."""

    TITLE_TEXT = "人工认定分型"

    def __init__(self, view: ClassificationView, rules: LoadedRules[TierRules], today: date) -> None:
        choices = tuple((label, code) for code, label in TIER_LABELS.items())
        current = (view.tier.value if view.tier else None) or "growth"
        fields = (
            DialogField("tier", "分型", choices, current),
            DialogField("reason", "理由", placeholder="必填，如：省级老字号，实际经营规模大"),
        )
        super().__init__(f"计算结果：{view.explanation or '尚未分型'}", fields)
        self.view = view
        self.rules = rules
        self.today = today

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.classification.override(
            actor, self.view.business_uuid, tier=values["tier"] or "", reason=str(values["reason"]),
            rules=self.rules, today=self.today,
        )  # fmt: skip


class ClearOverrideDialog(ServiceDialog):
    """取消人工认定: the computed tier applies again; the reason is kept in the history (may stay empty)."""

    TITLE_TEXT = "取消人工认定"

    def __init__(self, view: ClassificationView) -> None:
        fields = (DialogField("reason", "说明", placeholder="可不填，如：复核后按计算结果"),)
        super().__init__(f"现为：{view.tier_text}", fields)
        self.view = view

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.classification.clear_override(
            actor, self.view.business_uuid, str(values["reason"])
        )
