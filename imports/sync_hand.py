"""A field package edited by hand in Excel or WPS, brought back to the office (issue 19): its cells read as
changes against the values the package carried (its hidden 基准值 sheet), as one return package.

- a changed cell of a row the package carried -> a RowChange of that field, on the row's base version;
- a row added at the bottom of a sheet (a visit typed into 走访记录, a new business) -> a new row, its
  business / officer / grid found by the name typed in the readable column; its uuid is made from the
  package and the row number, so reading the same file twice gives the same rows (never two of each);
- a cell that cannot be read -> a RowProblem (sheet, row, column, value, reason); the row's other cells still
  count, except a new row missing what it needs, which is left out whole.
Deleted rows are not deletions: a row missing from a sheet is most often a slip of the mouse.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from imports.sync_read import PackageRefused, open_package, sheet_rows
from imports.sync_sheets import _CHOICES, LAYOUTS, SheetColumn, SheetLayout
from imports.sync_workbook import BASE_SHEET
from workbench.domain.sync_model import ReturnPackage, RowChange, RowProblem, Scalar

_REASONS = {"date": "不是日期，请写成 2026-12-06 这样的日期", "count": "不是数字", "money": "不是金额（元）"}
Bases = dict[tuple[str, str], tuple[int, dict[str, Scalar]]]


def read_edited_field_package(path: str | Path, password: str | None = None) -> ReturnPackage:
    opened = open_package(path, "field", password)
    if BASE_SHEET not in opened.workbook.sheet_names:
        raise PackageRefused(f"「{opened.name}」没有基准值表（不是本版本工作台生成的外业包）：请重新生成外业包")
    bases = _bases(sheet_rows(opened, BASE_SHEET))
    finder = _Finder(bases, opened)
    at = datetime.fromtimestamp(Path(path).expanduser().stat().st_mtime, UTC).replace(tzinfo=None).isoformat()
    changes: list[RowChange] = []
    problems: list[RowProblem] = []
    for item in LAYOUTS:
        if item.spec.name in ("grid", "officer"):
            continue
        rows = sheet_rows(opened, item.title)
        where = {str(title).strip(): index for index, title in enumerate(rows[0])} if rows else {}
        for number, cells in enumerate(rows[1:], start=2):
            if not any(cell not in (None, "") for cell in cells):
                continue
            found = _read_row(item, cells, where, number, opened.manifest.officer, at, bases, finder, problems)
            if found is not None:
                changes.append(found)
    manifest = replace(opened.manifest, kind="return", base_package_id=opened.manifest.package_id,
                       row_count=len(changes))
    return ReturnPackage(manifest, tuple(changes), tuple(problems))


def _bases(rows: list[list[Any]]) -> Bases:
    bases: Bases = {}
    for cells in rows[1:]:
        if len(cells) >= 4 and cells[1]:
            bases[(str(cells[0]), str(cells[1]))] = (int(float(cells[2])), json.loads(str(cells[3])))
    return bases


class _Finder:
    """A name typed into a readable column -> the uuid of the business, officer or grid of that name."""

    def __init__(self, bases: Bases, opened: Any) -> None:
        self.package_id: str = opened.manifest.package_id
        self.by_table: dict[str, dict[str, list[str]]] = {}
        for (table, uuid), (_version, values) in bases.items():
            if table == "business":
                self.by_table.setdefault("business", {}).setdefault(str(values.get("name")), []).append(uuid)
        for table, title in (("officer", "干部"), ("grid", "网格")):
            rows = sheet_rows(opened, title)
            header = [str(cell).strip() for cell in rows[0]] if rows else []
            if "uuid" in header:
                name_at = header.index("姓名" if table == "officer" else "名称")
                for cells in rows[1:]:
                    self.by_table.setdefault(table, {}).setdefault(str(cells[name_at]).strip(), []).append(
                        str(cells[header.index("uuid")]))

    def find(self, table: str, name: str) -> list[str]:
        return self.by_table.get(table, {}).get(name.strip(), [])


def _read_row(
    item: SheetLayout, cells: list[Any], where: dict[str, int], number: int, officer: str, at: str, bases: Bases,
    finder: _Finder, problems: list[RowProblem],
) -> RowChange | None:
    table = item.spec.name
    source = f"外业包 {item.title} 第{number}行"
    uuid_at = where.get("uuid")
    row_uuid = str(cells[uuid_at]).strip() if uuid_at is not None and uuid_at < len(cells) and cells[uuid_at] else ""
    values, unreadable = _cells(item, cells, where, number, problems)
    bad = bool(unreadable)
    if row_uuid:
        base = bases.get((table, row_uuid))
        if base is None:
            problems.append(RowProblem(item.title, number, "uuid", row_uuid, "uuid 不是这个外业包里的行：请勿修改 uuid 列"))
            return None
        version, base_values = base
        changed = {key: value for key, value in values.items() if key in base_values and base_values[key] != value}
        if not changed:
            return None
        owner = base_values.get("business_id") or _owner(table, base_values, bases)
        return RowChange(table, row_uuid, version, changed, {key: base_values[key] for key in changed},  # type: ignore[arg-type]
                         changed_by=officer, changed_at=at, business_uuid=owner, source=source)  # type: ignore[arg-type]
    for header, referenced, key in item.reference_names:
        typed = cells[where[header]] if header in where and where[header] < len(cells) else None
        if typed in (None, ""):
            values[key] = finder.find("officer", officer)[0] if referenced == "officer" and finder.find(
                "officer", officer) else None
            continue
        found = finder.find(referenced, str(typed))
        if len(found) != 1:
            reason = f"找不到名为「{typed}」的{_WORDS[referenced]}" if not found else f"有 {len(found)} 个「{typed}」，请在 uuid 列旁核对"
            problems.append(RowProblem(item.title, number, header, str(typed), reason))
            bad = True
        else:
            values[key] = found[0]
    missing = [column.header for column in item.columns if not column.machine and _required(item, column)
               and column.key not in unreadable and values.get(column.key) in (None, "")]
    for header in missing:
        problems.append(RowProblem(item.title, number, header, "", f"新加的一行必须填写「{header}」"))
    for header, _referenced, key in item.reference_names:
        if values.get(key) is None and not item.spec.table.c[key].nullable:
            if not any(problem.row == number and problem.sheet == item.title for problem in problems):
                problems.append(RowProblem(item.title, number, header, "", f"新加的一行必须填写「{header}」"))
            bad = True
    if bad or missing:
        return None
    new_uuid = str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"workbench-sync/{finder.package_id}/{source}"))
    owner = values.get("business_id") or _owner(table, values, bases)
    return RowChange(table, new_uuid, None, values, changed_by=officer, changed_at=at,  # type: ignore[arg-type]
                     business_uuid=owner, source=source)  # type: ignore[arg-type]


_WORDS = {"business": "市场主体", "officer": "干部", "grid": "网格", "appeal": "诉求", "visit": "走访"}


def _owner(table: str, values: dict[str, Scalar], bases: Bases) -> str | None:
    parent = {"appeal_step": ("appeal", "appeal_id"), "visit_follow_up": ("visit", "visit_id")}.get(table)
    if parent is None:
        return None
    base = bases.get((parent[0], str(values.get(parent[1]))))
    return None if base is None else base[1].get("business_id")  # type: ignore[return-value]


def _required(item: SheetLayout, column: SheetColumn) -> bool:
    """A column a new row must fill: the table has no default for it (名称, 走访日期, 走访结果, 帮扶类型 ...)."""
    sql = item.spec.table.c[column.key]
    return not sql.nullable and sql.default is None and sql.server_default is None


def _cells(item: SheetLayout, cells: list[Any], where: dict[str, int], number: int,
           problems: list[RowProblem]) -> tuple[dict[str, Scalar], set[str]]:
    """The readable cells' values, and the keys of the cells that could not be read (named in problems)."""
    values: dict[str, Scalar] = {}
    bad: set[str] = set()
    for column in item.columns:
        if column.machine or column.header not in where:
            continue
        index = where[column.header]
        cell = cells[index] if index < len(cells) else None
        try:
            value = column.from_cell(cell)
        except (ValueError, TypeError):
            problems.append(RowProblem(item.title, number, column.header, str(cell), _REASONS.get(column.kind, "无法识别")))
            bad.add(column.key)
            continue
        choices = _CHOICES.get((item.spec.name, column.key))
        if choices is not None and value not in (None, "") and value not in choices:
            problems.append(RowProblem(item.title, number, column.header, str(cell),
                                       f"不是可选的值（可选：{'、'.join(choices.values())}）"))
            bad.add(column.key)
            continue
        values[column.key] = value
    return values, bad
