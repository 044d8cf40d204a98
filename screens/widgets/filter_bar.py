"""The filter row under the search box: 登记状态, 主体类型, 网格, 包联干部 and「只看我的」."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Select

from screens.reference import OfficeReference
from workbench.domain.labels import KIND_LABELS, STATUS_LABELS
from workbench.services.office import Choice


@dataclass(frozen=True)
class FilterChoice:
    """What the filter row currently asks for; None means 全部."""

    status: str | None
    kind: str | None
    grid_id: int | None
    officer_id: int | None
    mine: bool


def _value(select: Select[Any]) -> Any:
    return None if select.is_blank() else select.value


class FilterBar(Horizontal):
    """Compact selects and a checkbox; the screen listens to their Changed messages."""

    def compose(self) -> ComposeResult:
        yield Select([(label, code) for code, label in STATUS_LABELS.items()], prompt="全部状态",
                     id="filter-status", compact=True, tooltip="登记状态")
        yield Select([(label, code) for code, label in KIND_LABELS.items()], prompt="全部类型",
                     id="filter-kind", compact=True, tooltip="主体类型")
        yield Select([], prompt="全部网格", id="filter-grid", compact=True, tooltip="网格")
        yield Select([], prompt="全部干部", id="filter-officer", compact=True, tooltip="包联干部")
        yield Checkbox("只看我的", id="filter-mine", compact=True, tooltip="只看包联给当前使用人的主体 (F9)")

    def set_choices(self, grids: list[Choice], officers: list[Choice]) -> None:
        """Offer this office's grids and officers (after start or when the officer switches office)."""
        self.query_one("#filter-grid", Select).set_options((grid.name, grid.id) for grid in grids)
        self.query_one("#filter-officer", Select).set_options((person.name, person.id) for person in officers)

    def current(self) -> FilterChoice:
        mine = self.query_one("#filter-mine", Checkbox).value
        return FilterChoice(
            status=_value(self.query_one("#filter-status", Select)),
            kind=_value(self.query_one("#filter-kind", Select)),
            grid_id=_value(self.query_one("#filter-grid", Select)),
            officer_id=_value(self.query_one("#filter-officer", Select)),
            mine=mine,
        )

    def toggle_mine(self) -> None:
        checkbox = self.query_one("#filter-mine", Checkbox)
        checkbox.value = not checkbox.value

    def clear(self) -> None:
        for select in self.query(Select):
            select.clear()
        self.query_one("#filter-mine", Checkbox).value = False

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#filter-officer", Select).disabled = event.value


def grid_select(reference: OfficeReference, office_id: int, select_id: str) -> Select[int]:
    """A 全部网格 / one-grid filter over the office's grids (lists other than the business list)."""
    choices = [(grid.name, grid.id) for grid in reference.grids.get(office_id, [])]
    return Select(choices, prompt="全部网格", id=select_id, compact=True)


def officer_select(reference: OfficeReference, office_id: int, select_id: str) -> Select[int]:
    """A 全部干部 / one-officer filter over the office's officers."""
    choices = [(person.name, person.id) for person in reference.officers.get(office_id, [])]
    return Select(choices, prompt="全部干部", id=select_id, compact=True)
