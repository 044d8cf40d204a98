"""调离 with the hand-over: who takes the leaving officer's businesses, or 未分派, or (as before) nobody yet.

Shown by the staff screen's D when the officer still holds businesses. Dismisses with the choice
(HandOverChoice) or None (返回); the staff screen writes it in one gateway call.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from workbench.domain.safe_text import shown
from workbench.services.office import Choice

UNASSIGN = -1
KEEP = -2


@dataclass(frozen=True)
class HandOverChoice:
    successor_id: int | None
    unassign: bool


class HandOverDialog(ModalScreen[HandOverChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "返回", id="hand-over.cancel")]
    DEFAULT_CSS = """
    HandOverDialog .dialog-message { margin-bottom: 1; }
    HandOverDialog Select { width: 100%; margin-bottom: 1; }
    """

    def __init__(self, name: str, businesses: int, successors: list[Choice]) -> None:
        super().__init__(classes="dialog-screen")
        self.officer_name = name
        self.businesses = businesses
        self.successors = successors

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(shown(f"调离「{self.officer_name}」")), classes="dialog-title")
            yield Static(
                Text(shown(f"「{self.officer_name}」名下还有 {self.businesses:,} 户。调离的同时把这些主体交给：")),
                classes="dialog-message",
            )
            yield Select(
                [
                    *((f"接任干部：{person.name}", person.id) for person in self.successors),
                    (f"改为未分派（{self.businesses:,} 户之后在列表中筛「未分派」再派）", UNASSIGN),
                    ("暂不改派（仍记在其名下）", KEEP),
                ],
                prompt="请选择接任的干部", id="hand-over-to", compact=True,
            )  # fmt: skip
            with Horizontal(classes="dialog-buttons"):
                yield Button("调离", id="hand-over-yes", variant="error", disabled=True)
                yield Button("返回", id="hand-over-no", variant="primary")
            yield Static("Enter 展开选择，Tab 到按钮，Esc 返回", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#hand-over-to", Select).focus()

    @on(Select.Changed, "#hand-over-to")
    def _chosen(self, event: Select.Changed) -> None:
        button = self.query_one("#hand-over-yes", Button)
        button.disabled = event.select.is_blank()
        if not button.disabled:
            button.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        select = self.query_one("#hand-over-to", Select)
        if event.button.id != "hand-over-yes" or select.is_blank():
            self.dismiss(None)
            return
        value = int(select.value)  # type: ignore[arg-type]
        if value == UNASSIGN:
            self.dismiss(HandOverChoice(None, True))
        elif value == KEEP:
            self.dismiss(HandOverChoice(None, False))
        else:
            self.dismiss(HandOverChoice(value, False))

    def action_cancel(self) -> None:
        self.dismiss(None)
