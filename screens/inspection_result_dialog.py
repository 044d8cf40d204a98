"""One drawn business's 抽查结果: the official codes (docs/rules.md §5.2, several at once), the day, who inspected,
notes, and what follows (责令整改 with a working-day deadline, 移送, 经营异常, 立案).

The codes are a list ticked with Space; typing a code's first character jumps to it (1 again goes on to
10, 11, 12), so a result is keys only: B Space E Space Tab … Ctrl+S.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Static

from screens.service_dialog import DialogField, DialogValues, HoldsWhileSaving, _editor
from screens.widgets.ticks import TickList
from storage.audit import Actor
from workbench.domain.inspection_rules import InspectionRules
from workbench.domain.safe_text import shown
from workbench.domain.values import parse_date
from workbench.services.errors import ValidationFailed
from workbench.services.inspection_lists import ResultLine
from workbench.services.inspection_results import FOLLOW_UPS, ResultInput
from workbench.services.inspection_tasks import TaskView


class CodeList(TickList):
    """The result codes; a typed character moves to the next code that starts with it."""

    def on_key(self, event: events.Key) -> None:
        typed = (event.character or "").upper()
        if not typed or not typed.isalnum():
            return
        count = self.option_count
        start = (self.highlighted if self.highlighted is not None else -1) + 1
        for step in range(count):
            index = (start + step) % count
            if str(self.get_option_at_index(index).value).upper().startswith(typed):
                self.highlighted = index
                event.stop()
                return


class ResultDialog(HoldsWhileSaving):
    """Dismisses with the sentence to show once the result is stored."""

    TITLE_TEXT = "录入抽查结果"

    def __init__(self, task: TaskView, line: ResultLine, rules: InspectionRules, today: date) -> None:
        rectify = f"空：按 {rules.rectify_working_days} 个工作日推算（仅责令整改）"
        follow_up = line.follow_up if line.follow_up in FOLLOW_UPS else ("经营异常" if line.follow_up else "")
        super().__init__(
            f"{line.business_name}（{line.code}）  抽中：{line.drawn}",
            (
                DialogField("inspected_on", "检查日期", default=(line.inspected_on or today).isoformat()),
                DialogField("inspectors", "检查人员", default=line.inspectors or line.drawn),
                DialogField("notes", "备注", default=line.notes),
                DialogField("follow_up", "后续处置", choices=tuple((name, name) for name in FOLLOW_UPS),
                            default=follow_up, blank=True),  # fmt: skip
                DialogField("follow_up_due", "整改期限", default=line.follow_up_due.isoformat() if line.follow_up_due
                            else "", placeholder=rectify),  # fmt: skip
            ),
        )
        self.inspection_task = task
        self.line = line
        self.rules = rules
        self.today = today
        labels = set(line.result.split("；")) if line.result else set()
        self.chosen = [code.code for code in rules.results if code.label in labels]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog service-dialog result-dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            yield Static(shown(self.context), classes="dialog-context", markup=False)
            yield Label("抽查结果（可多选）：↑↓ 或键入代码移动，空格勾选", classes="dialog-label-wide")
            yield CodeList(
                *((f"{code.code:>2}  {code.label}", code.code, code.code in self.chosen) for code in self.rules.results),
                id="result-codes",
            )
            with VerticalScroll(classes="dialog-fields", can_focus=False):
                for spec in self.fields:
                    with Horizontal(classes="field-line"):
                        yield Label(spec.label, classes="field-label dialog-label")
                        yield _editor(spec)
                    yield Static("", id=f"error-{spec.name}", classes="field-error")
            yield Static("", id="dialog-summary")
            yield Static("Ctrl+S 保存    Esc 取消    Tab 下一项", classes="dialog-hint")

    DEFAULT_CSS = """
    ResultDialog #result-codes { height: 6; border: none; padding: 0; }
    ResultDialog .dialog-label-wide { color: $text-muted; }
    """

    def on_mount(self, event: events.Mount | None = None) -> None:
        """The codes first (ServiceDialog's own on_mount would focus the first field, so it is not run)."""
        if event is not None:
            event.prevent_default()
        self.opened = self.read()
        self.query_one("#result-codes", CodeList).focus()

    def read(self) -> DialogValues:
        values = super().read()
        values["codes"] = list(self.query_one("#result-codes", CodeList).selected)
        return values

    def write(self, actor: Actor, values: DialogValues) -> Any:
        inspected_on = _day(values, "inspected_on", "检查日期", required=True)
        due = _day(values, "follow_up_due", "整改期限", required=False)
        assert inspected_on is not None
        # in the rules' order, as the publication lists them, whatever order they were ticked in
        codes = [code.code for code in self.rules.results if code.code in values["codes"]]
        inspectors = tuple(part for part in str(values["inspectors"]).replace(",", "、").replace("，", "、").split("、"))
        entry = ResultInput(codes, inspected_on, inspectors, str(values["notes"]), values["follow_up"] or "", due)
        self.workbench.gateway.inspection.record_result(
            actor, self.inspection_task.id, self.line.business_uuid, entry, self.rules, self.workbench.settings.service.calendar,
            base_version=self.line.result_version,
        )  # fmt: skip
        return f"已录入「{self.line.business_name}」的抽查结果"


def _day(values: DialogValues, name: str, what: str, *, required: bool) -> date | None:
    text = str(values[name]).strip()
    if not text:
        if required:
            raise ValidationFailed({name: f"请填写{what}"})
        return None
    try:
        found = parse_date(text)
    except ValueError:
        found = None
    if found is None:
        raise ValidationFailed({name: f"{what}「{text}」不是日期，请写成如 2026-12-01"})
    return found
