"""The demo office's 地址→网格表: its addresses' streets and roads -> its grids, written for the office to try.

The demo puts two grids (东 / 西片区) in each 街道 and its addresses read 温州市鹿城区五马街道解放街123号.
The table gives each 街道 to its 东片区 and the second half of the 街道's roads (written with the 街道, so the
longer keyword wins) to its 西片区: every demo address then finds a grid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from storage.tables import Grid, Office
from workbench.domain import reference
from workbench.domain.address_grids import FILE_NAME, table_text
from workbench.services.demo_names import ROADS

_grid: Any = Grid.__table__  # type: ignore[attr-defined]
_office: Any = Office.__table__  # type: ignore[attr-defined]
HEADING = (
    "地址→网格表：演示库生成时写入，对应演示所的街道和路名（说明见 workbench locate 所示的示例文件）。\n"
    "换成本所的真实数据时，请按本所网格改写或删除本文件。"
)


def demo_table(engine: Engine) -> list[tuple[str, str]]:
    """(keyword, grid name) for the demo office's grids, from their 街道 and that 街道's roads."""
    towns = {town.code: town.name for town in reference.wenzhou_townships()}
    with engine.connect() as connection:
        grids = list(connection.execute(select(_grid.c.name, _grid.c.township_code).order_by(_grid.c.id)))
    entries: list[tuple[str, str]] = []
    for name, code in grids:
        town = towns.get(code)
        if town is None:
            continue
        roads = ROADS.get(town, ())
        if name.endswith("东片区"):
            entries.append((town, name))
        else:
            entries += [(f"{town}{road}", name) for road in roads[len(roads) // 2 :]]
    return entries


def write_demo_table(engine: Engine, folder: Path) -> Path | None:
    """Write the demo's table into the config folder unless the office already keeps one (None then)."""
    path = folder / FILE_NAME
    entries = demo_table(engine)
    if path.exists() or not entries:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(table_text(entries, HEADING), encoding="utf-8")
    return path
