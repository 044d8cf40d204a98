"""Field sync as plain data (issue 19): what a return package (回传包) carries from a laptop back to the office,
as the package reader hands it to the office's apply step. The workbook format lives in imports/ (the package
writer and reader); the rules for applying (insert / nothing / apply / merge field by field / conflict) live
in workbench/services/. Both sides meet here, so either can be tested without the other.

Values travel as JSON-able scalars: text, int, float, bool, None, and dates / times as ISO strings
("2026-12-06", "2026-12-06T14:30:00"); the apply step converts them with the business row's declaration.

A reference to another row (REFERENCE_FIELDS: officer_id, grid_id, business_id, visit_id, appeal_id, task_id)
travels as that row's uuid, never its id: ids are each machine's own. The parent business of a visit, support record,
appeal, licence, year's figures or classification may also be given as `RowChange.business_uuid`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

Scalar = str | int | float | bool | None
# The device of a field package edited by hand in Excel or WPS and brought back (imports.sync_hand): its
# changes are logged under it, and the dry run calls it a 手工修改的外业包, not a 回传包.
HAND_EDIT_DEVICE = "手工编辑"

# The rows that travel back. A table name here is the storage table's name. Of 双随机 only the results go back
# (issue 20): tasks, draws and pairs are the office's; a laptop cannot draw.
SyncTable = Literal[
    "business", "visit", "visit_follow_up", "support_record", "appeal", "appeal_step", "classification_result",
    "license", "year_figures", "inspection_result",
]
RETURN_TABLES: frozenset[str] = frozenset(get_args(SyncTable))

# A reference column -> the table it names; its value in a RowChange is the referenced row's uuid.
REFERENCE_FIELDS: dict[str, str] = {
    "officer_id": "officer",
    "grid_id": "grid",
    "business_id": "business",
    "visit_id": "visit",
    "appeal_id": "appeal",
    "task_id": "inspection_task",
}


@dataclass(frozen=True)
class RowChange:
    """One row created, changed or deleted on the laptop since its field package.

    - `base_version` is the row's version when the field package was made (None: the row was created on the
      laptop). The office applies the change directly when its current version is still base_version.
    - `base` holds the package's values of the fields in `values` (what the laptop started from), so the office
      can tell "changed on both sides" from "changed on the laptop only" field by field.
    - `values` holds only the fields that changed (all fields for a new row).
    - `deleted` is a tombstone: the row was deleted on the laptop (deleted_at), never a physical delete.
    """

    table: SyncTable
    uuid: str
    base_version: int | None
    values: dict[str, Scalar]
    base: dict[str, Scalar] = field(default_factory=dict)
    deleted: bool = False
    changed_by: str = ""  # the officer's name on the laptop
    changed_at: str = ""  # ISO time of the last change on the laptop
    business_uuid: str | None = None  # the business a visit / support / step / licence belongs to
    source: str = ""  # where the change was read: "回传包 第3行" or "外业包 走访记录 第12行" for a hand edit


@dataclass(frozen=True)
class PackageManifest:
    """The manifest sheet of a field or return package."""

    package_id: str  # a uuid: a return package applied twice is recognised by it
    kind: Literal["field", "return"]  # 外业包 (office → laptop) / 回传包 (laptop → office)
    office_code: str
    officer: str
    device: str  # the machine that wrote it (a stable id kept in the config folder, and its host name)
    created_at: str  # ISO time
    schema_version: str  # storage.schema.SCHEMA_HEAD of the writer: a newer one is refused
    base_package_id: str | None = None  # a return package: the field package its changes start from
    row_count: int = 0  # rows in the package, checked against what the reader finds (a torn file is refused)
    personal_data: bool = False  # ID numbers in full (only in a password-protected package)
    # The office the package's data came from ("" in a package written before it was read): two 所 of one
    # district may share a code, never a uuid.
    office_uuid: str = ""


@dataclass(frozen=True)
class RowProblem:
    """A cell of a package edited by hand that cannot be read: the row's other cells still count."""

    sheet: str
    row: int  # the Excel row number
    column: str  # the column's header
    value: str
    reason: str  # one Chinese sentence


@dataclass(frozen=True)
class ReturnPackage:
    manifest: PackageManifest
    changes: tuple[RowChange, ...]
    # A field package edited by hand and brought back (imports.sync_hand): the cells it could not read.
    problems: tuple[RowProblem, ...] = ()
    # ... and what a person should know that is no error: rows missing from a sheet (not deletions), a sheet
    # removed. One Chinese sentence each, shown with the dry run.
    notices: tuple[str, ...] = ()
