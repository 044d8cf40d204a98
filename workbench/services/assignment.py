"""包联分派 of an import's new businesses: to a named grid and officer, or by the office's 地址→网格 table.

How a business gets its officer (docs/rules.md, 包联分派):
- `--grid G --officer O`: every new business to G and O.
- `--officer O` alone: to O and O's own grid (None when O has none).
- `--grid G` alone, or a grid found by the address table: to G and G's officer, below.
- no option: by the address table when the office keeps one (address_grids.csv); otherwise 未分派.
A grid's officer is its 在岗 officer; when a grid has several, the one holding the fewest live businesses
when the import starts (ties: the one added first). It is chosen once per import, so one list's businesses
of a grid all go to one person, and the dry run can say who. A grid without an officer on duty gives its
businesses the grid and no officer (未分派). A row whose list names its own 网格 / 包联干部 keeps them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from storage.tables import Business, Grid, Officer
from workbench.domain.address_grids import NO_TABLE, AddressGridTable
from workbench.services.errors import WorkbenchError

_business: Any = Business.__table__  # type: ignore[attr-defined]
_grid: Any = Grid.__table__  # type: ignore[attr-defined]
_officer: Any = Officer.__table__  # type: ignore[attr-defined]
UNASSIGNED = "未分派"


class AssignmentRefused(WorkbenchError):
    """A grid or officer named for an assignment that cannot take it (unknown, left the office)."""

    title = "无法分派"


@dataclass(frozen=True)
class Assignment:
    """Where new businesses go: `assign(address)` -> (grid id, officer id), either None for 未分派."""

    how: str = "none"  # none / fixed / rule
    grid_id: int | None = None
    officer_id: int | None = None
    table: AddressGridTable = NO_TABLE
    grid_ids: Mapping[str, int] = field(default_factory=dict)
    officer_of_grid: Mapping[int, int | None] = field(default_factory=dict)
    grid_names: Mapping[int, str] = field(default_factory=dict)
    officer_names: Mapping[int, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    reassign: bool = False  # existing businesses of the list are given the same assignment

    @property
    def active(self) -> bool:
        return self.how != "none"

    def assign(self, address: str | None) -> tuple[int | None, int | None]:
        if self.how == "fixed":
            return self.grid_id, self.officer_id
        if self.how == "rule":
            grid_id = self.grid_ids.get(self.table.grid_for(address) or "")
            return grid_id, None if grid_id is None else self.officer_of_grid.get(grid_id)
        return None, None

    def describe(self) -> str:
        """One line: how this import assigns (shown above the dry run's counts)."""
        if self.how == "fixed":
            return f"新增主体分派给：{self.label((self.grid_id, self.officer_id))}"
        if self.how == "rule":
            return f"新增主体按地址→网格表分派（{self.table.source}，{len(self.table.entries)} 个关键词）"
        return "新增主体不分派，只按名录中的网格、包联干部列"

    def label(self, pair: tuple[int | None, int | None]) -> str:
        grid_id, officer_id = pair
        if grid_id is None and officer_id is None:
            return UNASSIGNED
        grid = self.grid_names.get(grid_id, "") if grid_id is not None else "无网格"
        officer = self.officer_names.get(officer_id, "") if officer_id is not None else "无干部（未分派）"
        return f"{grid} / {officer}"

    def count_lines(self, counts: Counter[tuple[int | None, int | None]]) -> list[str]:
        """「五马东片区 / 张伟 12 户」per destination, most first; then those left 未分派, and why."""
        assigned = sorted(
            ((pair, count) for pair, count in counts.items() if pair[1] is not None),
            key=lambda item: (-item[1], self.label(item[0])),
        )
        lines = [f"{self.label(pair)} {count:,} 户" for pair, count in assigned]
        for (grid_id, officer_id), count in sorted(counts.items(), key=lambda item: -item[1]):
            if officer_id is None and grid_id is not None:
                lines.append(f"{self.grid_names.get(grid_id, '')}（网格没有在岗干部）未分派 {count:,} 户")
        if nowhere := counts.get((None, None), 0):
            why = "（按地址未找到本所网格）" if self.how == "rule" else ""
            lines.append(f"未分派{why} {nowhere:,} 户")
        return lines


NO_ASSIGNMENT = Assignment()


@dataclass(frozen=True)
class AssignmentRequest:
    """What the person asked for (CLI options, the wizard's choice); the dry run turns it into an Assignment."""

    grid: str | None = None
    officer: str | None = None
    table: AddressGridTable = NO_TABLE
    use_table: bool = True
    reassign: bool = False

    def build(self, connection: Connection, office_id: int) -> Assignment:
        return build_assignment(
            connection, office_id, grid=self.grid, officer=self.officer, table=self.table,
            use_table=self.use_table, reassign=self.reassign,
        )  # fmt: skip


def build_assignment(
    connection: Connection,
    office_id: int,
    *,
    grid: str | None = None,
    officer: str | None = None,
    table: AddressGridTable = NO_TABLE,
    use_table: bool = True,
    reassign: bool = False,
) -> Assignment:
    """The assignment for an import into `office_id`; AssignmentRefused names an unknown or departed person."""
    grids = {row.name: row.id for row in connection.execute(
        select(_grid.c.id, _grid.c.name).where(_grid.c.office_id == office_id, _grid.c.deleted_at.is_(None))
    )}  # fmt: skip
    officers = list(connection.execute(
        select(_officer.c.id, _officer.c.name, _officer.c.grid_id, _officer.c.active)
        .where(_officer.c.office_id == office_id, _officer.c.deleted_at.is_(None))
        .order_by(_officer.c.id)
    ))  # fmt: skip
    names: dict[str, Any] = {
        "grid_names": {grid_id: name for name, grid_id in grids.items()},
        "officer_names": {row.id: row.name for row in officers},
        "reassign": reassign,
    }
    grid_id = _grid_named(grids, grid) if grid is not None and grid.strip() else None
    if officer is not None and officer.strip():
        chosen = officer_named(officers, officer)
        return Assignment("fixed", chosen.grid_id if grid_id is None else grid_id, chosen.id, **names)
    on_duty = _officers_of_grids(connection, office_id, officers)
    if grid_id is not None:
        return Assignment("fixed", grid_id, on_duty.get(grid_id), **names)
    if not use_table or not table.entries:
        return Assignment(**names)
    missing = [name for name in table.grid_names if name not in grids]
    problems = (
        (f"地址网格表里的网格{''.join(f'「{name}」' for name in missing)}本所没有"
         f"（现有：{'、'.join(grids) or '无'}），含这些网格关键词的地址将未分派",) if missing else ()
    )  # fmt: skip
    return Assignment("rule", table=table, grid_ids=grids, officer_of_grid=on_duty, problems=problems, **names)


def officer_named(officers: list[Any], name: str, *, what: str = "分派给") -> Any:
    """The officer row of this name, on duty; one Chinese sentence when unknown or departed."""
    wanted = name.strip()
    rows = [row for row in officers if row.name == wanted]
    on_duty = [row for row in rows if row.active]
    if on_duty:
        return on_duty[0]
    if rows:
        raise AssignmentRefused(
            f"「{wanted}」已调离，不能{what}；请改选在岗干部，或先在「干部与网格」中恢复其在岗"
        )
    present = "、".join(row.name for row in officers if row.active) or "（还没有在岗干部）"
    raise AssignmentRefused(f"本所没有名为「{wanted}」的干部，在岗干部有：{present}")


def _grid_named(grids: Mapping[str, int], name: str) -> int:
    wanted = " ".join(name.split())
    if wanted in grids:
        return grids[wanted]
    raise AssignmentRefused(f"本所没有网格「{wanted}」，现有：{'、'.join(grids) or '（还没有网格）'}")


def _officers_of_grids(connection: Connection, office_id: int, officers: list[Any]) -> dict[int, int]:
    """Each grid's officer on duty; of several, the one with the fewest live businesses, then the first added."""
    held: dict[int, int] = dict(connection.execute(
        select(_business.c.officer_id, func.count())
        .where(_business.c.office_id == office_id, _business.c.deleted_at.is_(None),
               _business.c.officer_id.is_not(None))
        .group_by(_business.c.officer_id)
    ).all())  # fmt: skip
    chosen: dict[int, tuple[int, int]] = {}
    for row in officers:
        if not row.active or row.grid_id is None:
            continue
        rank = (held.get(row.id, 0), row.id)
        if row.grid_id not in chosen or rank < chosen[row.grid_id]:
            chosen[row.grid_id] = rank
    return {grid_id: officer_id for grid_id, (_count, officer_id) in chosen.items()}
