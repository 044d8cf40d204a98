"""The two small forms of 干部与网格: an officer (name, phone, grid) and a grid (name); Ctrl+S saves."""

from __future__ import annotations

from typing import Any

from screens.service_dialog import DialogField, DialogValues, ServiceDialog
from storage.audit import Actor
from workbench.services.staff import GridLine, OfficerLine


class OfficerDialog(ServiceDialog):
    """A new officer (line None) or the highlighted one; dismisses with the officer's name."""

    def __init__(self, grids: list[tuple[str, int]], line: OfficerLine | None) -> None:
        self.line = line
        self.TITLE_TEXT = "新增包联干部" if line is None else f"修改干部「{line.name}」"
        fields = (
            DialogField(
                "name", "姓名", default=line.name if line else "", placeholder="同名时加区分，如 张伟（东片）"
            ),
            DialogField(
                "phone", "联系电话", default=line.phone if line else "", placeholder="手机或固话，可不填"
            ),
            DialogField(
                "grid_id", "负责网格", tuple(grids), default=line.grid_id if line else None, blank=True
            ),
        )
        super().__init__("新干部保存后即可在开机选择使用人时选到" if line is None else "", fields)

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.staff.save_officer(actor, self.line, values)


class GridDialog(ServiceDialog):
    """A new grid (line None) or a new name for the highlighted one; dismisses with the grid's name."""

    def __init__(self, line: GridLine | None) -> None:
        self.line = line
        self.TITLE_TEXT = "新增网格" if line is None else f"修改网格「{line.name}」"
        fields = (
            DialogField("name", "网格名称", default=line.name if line else "", placeholder="如 五马东片区"),
        )
        super().__init__("", fields)

    def write(self, actor: Actor, values: DialogValues) -> Any:
        return self.workbench.gateway.staff.save_grid(actor, self.line, values)
