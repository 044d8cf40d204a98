"""The wizard's 包联分派 choice (step 3): where the list's NEW businesses go, and whether existing ones move too.

按地址→网格表 (when the office keeps address_grids.csv, and then the default), 不分派, or one officer on duty
(with that officer's grid). The dry run then says how many go to each grid and officer and how many stay
未分派 (imports.assignment_text); existing businesses are reassigned only when the box is ticked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Select, Static

from screens.widgets.ticks import TickBox
from workbench.domain.address_grids import NO_TABLE
from workbench.services.assignment import AssignmentRequest
from workbench.services.office import Choice

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

BY_ADDRESS = "address"
NOBODY = "none"


class AssignChoice(Vertical):
    DEFAULT_CSS = """
    AssignChoice { height: auto; }
    AssignChoice Select { width: 60; }
    AssignChoice Checkbox { border: none; padding: 0; height: 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.officers: list[Choice] = []
        self.table = NO_TABLE

    def compose(self) -> ComposeResult:
        workbench = cast("WorkbenchApp", self.app)
        office = workbench.office
        self.officers = workbench.reference.officers.get(office.id, []) if office is not None else []
        self.table = workbench.settings.address_grids()  # read afresh: the clerk may have edited it just now
        options: list[tuple[str, str]] = []
        if self.table.entries:
            options.append((f"按地址→网格表分派（{len(self.table.entries)} 个关键词）", BY_ADDRESS))
        options.append(("不分派（新增的主体为未分派）", NOBODY))
        options += [(f"都包联给 {officer.name}", str(officer.id)) for officer in self.officers]
        yield Static("新增主体的包联干部：", classes="import-hint")
        yield Select(options, value=options[0][1], allow_blank=False, id="import-assign", compact=True)
        yield TickBox("库里已有的主体也按此改派（默认不动）", id="import-reassign")

    def request(self) -> AssignmentRequest:
        chosen = str(self.query_one("#import-assign", Select).value)
        reassign = self.query_one("#import-reassign", Checkbox).value
        if chosen == BY_ADDRESS:
            return AssignmentRequest(table=self.table, reassign=reassign)
        if chosen == NOBODY:
            return AssignmentRequest(use_table=False)
        name = next(officer.name for officer in self.officers if str(officer.id) == chosen)
        return AssignmentRequest(officer=name, use_table=False, reassign=reassign)
