"""The filter row under the search box: 登记状态, 主体类型, 网格, 包联干部 (or 未分派), 三型, 规模 and「只看我的」."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Select

from screens.reference import OfficeReference
from screens.widgets.ticks import TickBox
from workbench.domain.labels import KIND_LABELS, STATUS_LABELS
from workbench.domain.list_filters import SIZE_LABELS, TIER_LABELS, UNASSIGNED_LABEL
from workbench.services.office import Choice


@dataclass(frozen=True)
class FilterChoice:
    """What the filter row currently asks for; None means 全部."""

    status: str | None
    kind: str | None
    grid_id: int | None
    officer_id: int | None
    mine: bool
    tier: str | None = None
    size_class: str | None = None
    unassigned: bool = False


UNASSIGNED = -1
"""The officer select's 未分派 entry: no officer id is negative."""


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
        yield Select([], prompt="全部干部", id="filter-officer", compact=True, tooltip="包联干部（或未分派）")
        yield Select([(label, code) for code, label in TIER_LABELS.items()], prompt="三型",
                     id="filter-tier", compact=True, tooltip="三型（生存型 / 成长型 / 发展型）")
        yield Select([(label, code) for code, label in SIZE_LABELS.items()], prompt="规模",
                     id="filter-size", compact=True, tooltip="规模（大中小微）")
        yield TickBox("只看我的", id="filter-mine", compact=True, tooltip="只看包联给当前使用人的主体 (F9)")

    def set_choices(self, grids: list[Choice], officers: list[Choice]) -> None:
        """Offer this office's grids and officers (after start or when the officer switches office)."""
        self.query_one("#filter-grid", Select).set_options((grid.name, grid.id) for grid in grids)
        self.query_one("#filter-officer", Select).set_options(
            [(UNASSIGNED_LABEL, UNASSIGNED), *((person.name, person.id) for person in officers)]
        )

    def current(self) -> FilterChoice:
        mine = self.query_one("#filter-mine", Checkbox).value
        officer_id = _value(self.query_one("#filter-officer", Select))
        unassigned = officer_id == UNASSIGNED and not mine
        return FilterChoice(
            status=_value(self.query_one("#filter-status", Select)),
            kind=_value(self.query_one("#filter-kind", Select)),
            grid_id=_value(self.query_one("#filter-grid", Select)),
            officer_id=None if officer_id == UNASSIGNED else officer_id,
            mine=mine,
            tier=_value(self.query_one("#filter-tier", Select)),
            size_class=_value(self.query_one("#filter-size", Select)),
            unassigned=unassigned,
        )

    def show(self, **wanted: Any) -> None:
        """Clear the row, then set what is named: unassigned=True, tier="growth", size_class="micro" …
        (the to-do's count lines open the list this way)."""
        self.clear()
        ids = {"status": "#filter-status", "kind": "#filter-kind", "grid_id": "#filter-grid",
               "officer_id": "#filter-officer", "tier": "#filter-tier", "size_class": "#filter-size"}
        for name, value in wanted.items():
            if name == "unassigned" and value:
                self.query_one("#filter-officer", Select).value = UNASSIGNED
            elif name in ids and value is not None:
                self.query_one(ids[name], Select).value = value

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
