"""A field package edited by hand in Excel or WPS, brought back to the office (issue 19): its cells read as
changes against the values the package carried (its hidden 基准值 sheet), as one return package that the
office's dry run, apply, conflict and merge steps take like any other (workbench.services.sync_plan).

- a changed cell of a row the package carried -> a RowChange of that field on the row's base version (the
  person's typing and the program's rewriting told apart by imports.sync_hand_cells);
- a name changed in a readable column (包联干部, 网格, 所属市场主体) -> the row now refers to the row of that name;
- a row added at the bottom of a sheet (a visit typed into 走访记录, a new business) -> a new row, its
  business / officer / grid found by the name typed; its uuid is made from the package and the row's content,
  so the same file read twice, or sorted and saved again, gives the same rows (never two of each);
- a row marked in a column the person adds, headed 删除, with 是 -> a deletion (a tombstone at the office);
- a cell that cannot be read -> a RowProblem (sheet, row, column, value, reason): the row's other cells and
  the other rows still show in the dry run; the office applies the package once the cell is mended.
A row missing from a sheet is not a deletion (a slip of the mouse, a cut, a filter saved): it is counted in a
notice and the office's row stays. Columns are found by their headers, so hidden machine columns shown again,
moved or sorted do no harm; without its uuid column a sheet cannot be matched and is named, not guessed.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from imports.sync_hand_cells import empty, read_cell
from imports.sync_read import OpenedPackage, PackageRefused, open_package, sheet_rows
from imports.sync_sheets import LAYOUTS, SheetColumn, SheetLayout
from imports.sync_workbook import BASE_SHEET
from workbench.domain.sync_model import (
    HAND_EDIT_DEVICE,
    RETURN_TABLES,
    ReturnPackage,
    RowChange,
    RowProblem,
    Scalar,
)

HAND_DEVICE = HAND_EDIT_DEVICE  # the device a hand-edited package's changes are logged under
# The sheets read back: not the reference lists, nor 双随机's (a result is recorded on a laptop or at the office,
# where its codes and follow-up are checked; the field package's info sheet says so).
HAND_TABLES = RETURN_TABLES - {"inspection_result"}
HAND_UNREAD = RETURN_TABLES - HAND_TABLES  # travel back from a laptop, but typed into the workbook they are not read
DELETE_HEADER = "删除"  # a column the person adds to mark rows to delete
_DELETE_YES = frozenset({"是", "删除", "删", "√", "✓", "Y", "y", "1"})
_DELETE_NO = frozenset({"否", "0", "N", "n"})
_WORDS = {"business": "市场主体", "officer": "干部", "grid": "网格", "appeal": "诉求", "visit": "走访记录"}
Bases = dict[tuple[str, str], tuple[int, dict[str, Scalar]]]


def read_edited_field_package(path: str | Path, password: str | None = None) -> ReturnPackage:
    opened = open_package(path, "field", password)
    if BASE_SHEET not in opened.workbook.sheet_names:
        raise PackageRefused(f"「{opened.name}」没有基准值表（不是本版本工作台生成的外业包）：请重新生成外业包")
    bases = _bases(opened, sheet_rows(opened, BASE_SHEET))
    stamp = datetime.fromtimestamp(Path(path).expanduser().stat().st_mtime, UTC).replace(tzinfo=None)
    reader = _Reader(opened, bases, _Names(bases, opened), stamp.isoformat(timespec="seconds"))
    for item in LAYOUTS:
        if item.spec.name in HAND_TABLES:
            reader.read_sheet(item)
        elif item.spec.name in HAND_UNREAD and item.title in opened.workbook.sheet_names:
            _say_unread_edits(reader, item)
    changes = tuple(reader.changes)
    manifest = replace(
        opened.manifest, package_id=_package_id(opened.manifest.package_id, changes), kind="return",
        device=HAND_DEVICE, base_package_id=opened.manifest.package_id, row_count=len(changes),
    )
    return ReturnPackage(manifest, changes, tuple(reader.problems), tuple(reader.notices))


def _say_unread_edits(reader: _Reader, item: SheetLayout) -> None:
    """A sheet that is not read back (抽查结果): edits typed into it are named in a notice, never dropped unseen."""
    probe = _Reader(reader.opened, reader.bases, reader.names, reader.at)
    probe.read_sheet(item)
    edited = len(probe.changes) + len({problem.row for problem in probe.problems})
    if edited:
        reader.notices.append(
            f"「{item.title}」表有 {edited} 行手工改动没有读入：检查结果要在笔记本的双随机界面（Ctrl+Z）或所里录入，"
            "那里会核对结果代码和后续处置"
        )


def _package_id(field_package_id: str, changes: tuple[RowChange, ...]) -> str:
    """The same changes from the same field package are the same package: applied twice, they change nothing;
    the file edited again and brought back is a new package (what the office has already is 无变化)."""
    content = json.dumps([(c.table, c.uuid, c.base_version, c.values, c.deleted) for c in changes],
                         ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(content.encode()).hexdigest()
    return str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"workbench-hand/{field_package_id}/{digest}"))


def _bases(opened: OpenedPackage, rows: list[list[Any]]) -> Bases:
    bases: Bases = {}
    try:
        for cells in rows[1:]:
            if len(cells) >= 4 and cells[1]:
                bases[(str(cells[0]), str(cells[1]))] = (int(float(cells[2])), json.loads(str(cells[3])))
    except (ValueError, TypeError):
        raise PackageRefused(f"「{opened.name}」的基准值表被改动过，无法核对改了什么：请在原来的外业包上修改") from None
    return bases


class _Names:
    """A name shown in a readable column <-> the uuid of the business, officer, grid, visit or appeal."""

    def __init__(self, bases: Bases, opened: OpenedPackage) -> None:
        self.uuids: dict[str, dict[str, list[str]]] = {}
        self.names: dict[str, dict[str, str]] = {}
        shown = {"business": lambda v: v.get("name"), "appeal": lambda v: f"{v.get('received_on')} {v.get('category')}",
                 "visit": lambda v: f"{v.get('visited_on')} {v.get('purpose') or v.get('finding')}"}
        for (table, uuid), (_version, values) in bases.items():
            if table in shown:
                self._add(table, str(shown[table](values)), uuid)
        for table, title, header in (("officer", "干部", "姓名"), ("grid", "网格", "名称"), ("inspection_task", "抽查任务", "任务名称")):
            rows = sheet_rows(opened, title) if title in opened.workbook.sheet_names else []
            columns = [str(cell).strip() for cell in rows[0]] if rows else []
            if "uuid" in columns and header in columns:
                for cells in rows[1:]:
                    self._add(table, str(cells[columns.index(header)]), str(cells[columns.index("uuid")]))

    def _add(self, table: str, name: str, uuid: str) -> None:
        self.uuids.setdefault(table, {}).setdefault(name.strip(), []).append(uuid)
        self.names.setdefault(table, {})[uuid] = name.strip()

    def find(self, table: str, name: str) -> list[str]:
        return self.uuids.get(table, {}).get(name.strip(), [])

    def name_of(self, table: str, uuid: Scalar) -> str:
        return self.names.get(table, {}).get(str(uuid), "") if uuid else ""


@dataclass
class _Reader:
    opened: OpenedPackage
    bases: Bases
    names: _Names
    at: str
    changes: list[RowChange] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def officer(self) -> str:
        return self.opened.manifest.officer

    def read_sheet(self, item: SheetLayout) -> None:
        title = item.title
        if title not in self.opened.workbook.sheet_names:
            self.notices.append(f"「{title}」表不见了：这张表没有读入，所里的这些记录不变（删掉整张表不算删除其中的记录）")
            return
        rows = sheet_rows(self.opened, title)
        top = next((index for index, cells in enumerate(rows[:10]) if "uuid" in _texts(cells)), None)
        if top is None:
            if any(not all(empty(cell) for cell in cells) for cells in rows[1:]):
                self.problems.append(RowProblem(title, 1, "uuid", "", "这张表找不到 uuid 列（被删掉或改了名）：表中的行对不上"
                                                "原来的记录，没有读入；请在原来的外业包上修改，不要删除 uuid 列"))
            return
        where: dict[str, int] = {}
        for index, header in enumerate(_texts(rows[top])):
            where.setdefault(header, index)
        self._columns_notice(item, where)
        table = item.spec.name
        carried = {uuid for (name, uuid) in self.bases if name == table}
        seen: dict[str, int] = {}
        made: dict[str, int] = {}
        for index in range(top + 1, len(rows)):
            cells, number = rows[index], index + 1
            if all(empty(cell) for cell in cells):
                continue
            row = _Row(item, cells, where, number)
            row_uuid = _plain(row.cell("uuid"))
            if not row_uuid:
                if not empty(row.cell("version")):
                    self._problem(row, "uuid", "", "这一行的 uuid 被清空了（version 还在）：请从原来的外业包把它的 uuid 复制回来；"
                                  "新加的行请把 uuid 和 version 都留空")
                else:
                    self._new_row(row, made)
            elif row_uuid not in carried:
                self._problem(row, "uuid", row_uuid, f"不是这个外业包里「{title}」表的行：请勿修改 uuid 列，新加的行 uuid 留空")
            elif row_uuid in seen:
                self._problem(row, "uuid", row_uuid, f"与第{seen[row_uuid]}行的 uuid 相同（复制的行？）：新加的行请把 uuid 和 "
                              "version 列留空")
            else:
                seen[row_uuid] = number
                self._carried_row(row, row_uuid)
        if missing := len(carried - seen.keys()):
            self.notices.append(
                f"「{title}」表比外业包少了 {missing} 行：直接删掉的行不算删除，所里的这些记录不变；要删除一条记录，"
                f"请在表的最后加一列「{DELETE_HEADER}」，在那一行填「是」"
            )

    def _columns_notice(self, item: SheetLayout, where: dict[str, int]) -> None:
        """A column renamed, added or removed by the person is not read: say which, so nothing is lost unseen."""
        readable = [column.header for column in item.columns if not column.machine]
        readable += [header for header, _table, _key in item.reference_names]
        extra = [header for header in where if header and header not in {*item.headers, DELETE_HEADER}]
        missing = [header for header in readable if header not in where]
        if extra:
            self.notices.append(f"「{item.title}」表多了{_quoted(extra)}列：这些列不是外业包的，没有读入")
        if missing:
            self.notices.append(f"「{item.title}」表少了{_quoted(missing)}列（删掉或改了名？）：这些列没有读入，所里的值不变")

    def _problem(self, row: _Row, header: str, value: str, reason: str) -> None:
        self.problems.append(RowProblem(row.item.title, row.number, header, value, reason))

    def _carried_row(self, row: _Row, row_uuid: str) -> None:
        table = row.item.spec.name
        version, base = self.bases[(table, row_uuid)]
        values, _unreadable = self._values(row, base)
        changed = {key: value for key, value in values.items() if base.get(key) != value}
        for header, referenced, key in row.item.reference_names:
            typed = row.cell(header)
            if empty(typed) or _plain(typed) == self.names.name_of(referenced, base.get(key)):
                continue  # a cleared name is not read as taking the reference away
            found = self._named(row, header, referenced, typed)
            if found is not None and found != base.get(key):
                changed[key] = found
        deleted = self._marked_deleted(row)
        if not changed and not deleted:
            return
        owner = base.get("business_id") or self._owner(table, base)
        self.changes.append(RowChange(
            table, row_uuid, version, {} if deleted else changed,  # type: ignore[arg-type]
            {} if deleted else {key: base.get(key) for key in changed}, deleted=deleted, changed_by=self.officer,
            changed_at=self.at, business_uuid=owner, source=row.source,  # type: ignore[arg-type]
        ))

    def _new_row(self, row: _Row, made: dict[str, int]) -> None:
        item = row.item
        problems_before = len(self.problems)
        values, unreadable = self._values(row, None)
        for header, referenced, key in item.reference_names:
            typed = row.cell(header)
            if empty(typed):
                mine = self.names.find("officer", self.officer) if referenced == "officer" else []
                values[key] = mine[0] if len(mine) == 1 else None
                continue
            values[key] = self._named(row, header, referenced, typed)
        wanted = [column.header for column in item.columns if not column.machine and _required(item, column)
                  and column.header in row.where and column.key not in unreadable
                  and values.get(column.key) in (None, "")]
        wanted += [header for header, _referenced, key in item.reference_names
                   if values.get(key) is None and not item.spec.table.c[key].nullable and empty(row.cell(header))]
        wanted += [column.header for column in item.columns if not column.machine and _required(item, column)
                   and column.header not in row.where]
        for header in wanted:
            self._problem(row, header, "", f"新加的一行必须填写「{header}」")
        if len(self.problems) > problems_before or self._marked_deleted(row):
            return  # a new row marked 删除 is one the person changed their mind about: nothing to bring
        content = json.dumps([item.spec.name, values], ensure_ascii=False, sort_keys=True)
        made[content] = made.get(content, 0) + 1  # the same row typed twice is two rows, each its own uuid
        name = f"workbench-hand/{self.opened.manifest.package_id}/{content}/{made[content]}"
        owner = values.get("business_id") or self._owner(item.spec.name, values)
        self.changes.append(RowChange(
            item.spec.name, str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, name)), None, values,  # type: ignore[arg-type]
            changed_by=self.officer, changed_at=self.at, business_uuid=owner, source=row.source,  # type: ignore[arg-type]
        ))

    def _values(self, row: _Row, base: dict[str, Scalar] | None) -> tuple[dict[str, Scalar], set[str]]:
        """The readable cells' values, and the keys of those that cannot be read (each a problem). A new row
        (no base) leaves its empty cells out: the office's defaults fill them (个体工商户, 存续), as in its form."""
        values: dict[str, Scalar] = {}
        unreadable: set[str] = set()
        for column in row.item.columns:
            if column.machine or column.header not in row.where:
                continue
            cell = row.cell(column.header)
            if base is None and empty(cell):
                continue
            try:
                values[column.key] = read_cell(row.item, column, cell, (base or {}).get(column.key))
            except (ValueError, TypeError) as problem:
                self._problem(row, column.header, _plain(cell), str(problem) or "无法识别")
                unreadable.add(column.key)
        return values, unreadable

    def _named(self, row: _Row, header: str, referenced: str, typed: Any) -> str | None:
        name = _plain(typed)
        found = self.names.find(referenced, name)
        if len(found) == 1:
            return found[0]
        what = _WORDS.get(referenced, referenced)
        reason = f"找不到名为「{name}」的{what}" if not found else f"有 {len(found)} 个「{name}」，请在 uuid 列旁核对"
        self._problem(row, header, name, reason)
        return None

    def _marked_deleted(self, row: _Row) -> bool:
        mark = row.cell(DELETE_HEADER)
        text = _plain(mark)
        if isinstance(mark, bool):
            return mark
        if empty(mark) or text in _DELETE_NO:
            return False
        if text in _DELETE_YES:
            return True
        self._problem(row, DELETE_HEADER, text, "「删除」列只填「是」（删除这一行的记录）或留空")
        return False

    def _owner(self, table: str, values: dict[str, Scalar]) -> str | None:
        parent = {"appeal_step": ("appeal", "appeal_id"), "visit_follow_up": ("visit", "visit_id")}.get(table)
        if parent is None:
            return None
        base = self.bases.get((parent[0], str(values.get(parent[1]))))
        return None if base is None else base[1].get("business_id")  # type: ignore[return-value]


@dataclass(frozen=True)
class _Row:
    item: SheetLayout
    cells: list[Any]
    where: dict[str, int]
    number: int  # the Excel row number

    def cell(self, header: str) -> Any:
        index = self.where.get(header)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    @property
    def source(self) -> str:
        return f"外业包 {self.item.title} 第{self.number}行"


def _quoted(headers: list[str]) -> str:
    return "、".join(f"「{header}」" for header in headers)


def _texts(cells: list[Any]) -> list[str]:
    return [_plain(cell) for cell in cells]


def _plain(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _required(item: SheetLayout, column: SheetColumn) -> bool:
    """A column a new row must fill: the table has no default for it (名称, 走访日期, 走访结果, 帮扶类型 ...)."""
    sql = item.spec.table.c[column.key]
    return not sql.nullable and sql.default is None and sql.server_default is None
