"""The return package (回传包, issue 19): the laptop's own work since its field package, as RowChange rows in
a workbook (`workbench sync back`), and `read_return_package`, what the office's apply step reads.

The 变更 sheet has one line per changed value, readable first (what, which field, from, to, who, when), the
machine columns at the end: the value as JSON (a date stays text "2026-12-06", a number a number), the row's
uuid and base version. A deletion is a line marked 删除 (a tombstone). The manifest counts the lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from imports.export import logged_file, xlsx_path
from imports.fast_xlsx import FastBook
from imports.sheet_writer import Kind
from imports.sync_read import PackageRefused, check_count, open_package, sheet_rows
from imports.sync_sheets import LAYOUT_BY_TABLE, key_label
from imports.sync_workbook import encrypt_file, plain_sheet, write_info, write_manifest
from storage.audit import Actor, log_changes, utc_now
from storage.schema import SCHEMA_HEAD
from storage.tables import Office, new_uuid
from storage.tables_sync import SyncPackage
from workbench.domain.sync_model import PackageManifest, ReturnPackage, RowChange, Scalar
from workbench.services.errors import WorkbenchError
from workbench.services.sync_pending import pending_changes
from workbench.services.sync_rows import BUSINESS

CHANGES_SHEET = "变更"
HUMAN = ("类别", "对象", "项目", "原值", "新值", "操作", "修改人", "修改时间")
MACHINE = ("table", "uuid", "base_version", "field", "base_json", "new_json", "business_uuid", "deleted",
           "changed_by", "changed_at")
HEADERS = (*HUMAN, *MACHINE)
_TEXT: tuple[Kind, ...] = ("text",)
_KINDS: tuple[Kind, ...] = _TEXT * len(HUMAN) + ("code", "code", "count", "code", "code", "code", "code", "text", "text",
                                                "text")


MIN_PASSWORD = 6  # as for a 外业包 (imports.sync_out)


class NothingToSend(WorkbenchError):
    title = "没有需要回传的内容"


class PasswordNeeded(WorkbenchError):
    title = "回传包未生成"


class IdNumbersNeedPassword(PasswordNeeded):
    """Whole ID numbers and no password; `where` says where the person types one (the app: its 密码 field)."""

    def __init__(self, where: str = "用 --password ") -> None:
        super().__init__(f"本机的修改含完整身份证号，回传包必须加密：请{where}设置密码（至少 {MIN_PASSWORD} 位），"
                         "并把密码另行告知所里")


@dataclass(frozen=True)
class ReturnPackageResult:
    path: Path
    package_id: str
    changes: int
    lines: int
    personal_data: bool = False  # full ID numbers inside: the file is encrypted with the password given
    encrypted: bool = False


def write_return_package(*, session: Session, device_id: str, device: str, path: str | Path,
                         password: str | None = None, at: datetime | None = None) -> ReturnPackageResult:
    """Write every change since the field package, log it, commit; refused on a database no package made.

    Personal data never leaves the laptop in clear: when the laptop was loaded from a password-protected 外业包
    (its ID numbers are whole) or a change it sends carries a whole 身份证号, the package is encrypted with
    the password and its manifest says so; without a password it is refused before anything is written."""
    if password is not None and len(password) < MIN_PASSWORD:
        raise PasswordNeeded(f"密码太短（{len(password)} 位）：请用至少 {MIN_PASSWORD} 位的密码，没有生成回传包")
    at = at or utc_now()
    table: Any = SyncPackage
    base = session.exec(select(table).where(table.direction == "received", table.kind == "field")  # type: ignore[call-overload]
                        .order_by(table.id.desc()).limit(1)).first()
    if base is None:
        raise NothingToSend("这个数据库不是由外业包建立的笔记本库：回传包只能在读入过外业包的笔记本上生成")
    base = base[0]
    office: Any = session.get(Office, base.office_id)
    connection = session.connection()
    changes = pending_changes(connection, base.office_id)
    names = _business_names(session, base.office_id)
    lines = list(_lines(changes, names))
    personal = bool(changes) and (bool(base.personal_data) or any(map(_carries_id_number, changes)))
    if personal and password is None:
        raise IdNumbersNeedPassword()
    manifest = PackageManifest(
        package_id=new_uuid(), kind="return", office_code=office.code, officer=base.officer, device=device_id,
        created_at=at.replace(tzinfo=None).isoformat(), schema_version=SCHEMA_HEAD,
        base_package_id=base.package_id, row_count=len(lines), personal_data=personal,
    )
    given = Path(path).expanduser()
    target = given / f"回传包-{base.officer}-{at.astimezone():%Y-%m-%d-%H%M}.xlsx" if given.is_dir() else xlsx_path(given)
    with logged_file(session, target) as partial:
        _write(partial, manifest, lines, len(changes), office.name, office.uuid)
        if password is not None:
            encrypt_file(partial, password)
        actor = Actor(who=base.officer, device=device, office_id=base.office_id)
        log_changes(session, actor, "sync_package", manifest.package_id, "export", {
            "file": (None, target.name), "changes": (None, len(changes)), "base_package": (None, base.package_id),
            "personal_data": (None, "完整身份证号（密码保护）" if personal else "无完整身份证号"),
        }, at)
        session.add(SyncPackage(
            office_id=base.office_id, package_id=manifest.package_id, kind="return", direction="written",
            file_name=target.name, officer=base.officer, source_device=device_id, created_at=at, rows=len(lines),
            base_package_id=base.package_id, personal_data=personal, updated_at=at, updated_by=base.officer,
            device=device,
        ))
    return ReturnPackageResult(target, manifest.package_id, len(changes), len(lines), personal, password is not None)


def _carries_id_number(change: RowChange) -> bool:
    """A change whose lines would hold a whole 身份证号 (old or new value; a masked one has 「*」)."""
    if change.table != BUSINESS.name or "id_number" not in change.values:
        return False
    return any(isinstance(value, str) and value.strip() and "*" not in value
               for value in (change.values.get("id_number"), change.base.get("id_number")))


def _business_names(session: Session, office_id: int) -> dict[str, str]:
    b = BUSINESS.table.c
    rows = session.connection().execute(select(b.uuid, b.name).where(b.office_id == office_id))
    return {uuid: name for uuid, name in rows}


def _shown(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _lines(changes: Iterable[RowChange], names: dict[str, str]) -> Iterable[list[Any]]:
    for change in changes:
        layout = LAYOUT_BY_TABLE[change.table]
        who_is = change.uuid if change.table == BUSINESS.name else (change.business_uuid or "")
        shown_name = names.get(who_is, "")
        action = "删除" if change.deleted else ("新增" if change.base_version is None else "修改")
        keys = list(change.values) or [""]
        for key in keys:
            new = change.values.get(key) if key else None
            old = change.base.get(key) if key else None
            yield [
                layout.title, shown_name, key_label(change.table, key) if key else "（整条记录）",
                _shown(old), _shown(new), action, change.changed_by, change.changed_at.replace("T", " "),
                change.table, change.uuid, change.base_version, key,
                json.dumps(old, ensure_ascii=False) if key and change.base_version is not None else "",
                json.dumps(new, ensure_ascii=False) if key else "", change.business_uuid or "",
                "是" if change.deleted else "否", change.changed_by, change.changed_at,
            ]


def _write(path: Path, manifest: PackageManifest, lines: list[list[Any]], changes: int, office_name: str,
           office_uuid: str) -> None:
    with FastBook(path) as book:
        write_info(book, [
            ("回传包", f"{office_name} · {manifest.officer} 在笔记本上的 {changes:,} 处新增、修改和删除"),
            ("生成时间", manifest.created_at.replace("T", " ")[:19]),
            ("生成终端", manifest.device),
            ("所据外业包", manifest.base_package_id or ""),
            ("怎么用", "交回所里，用「导入」读入：先列出将要做的改动，确认后一次写入；两边都改过的同一项会列为冲突，由人决定"),
            ("注意", "「变更」表最后几列（table 起）供程序核对，请勿修改"),
            ("个人信息", "含完整身份证号：本包已用密码加密，请妥善保管、用后删除" if manifest.personal_data
             else "不含完整身份证号"),
        ])
        sheet = plain_sheet(book, CHANGES_SHEET, HEADERS)
        for number, line in enumerate(lines, start=2):
            sheet.row(number, line, _KINDS)
        write_manifest(book, manifest, {"office_name": office_name, "office_uuid": office_uuid},
                       [(CHANGES_SHEET, len(lines))])


def read_return_package(path: str | Path, password: str | None = None) -> ReturnPackage:
    """A return package as the office's apply step takes it; PackageRefused for anything but a whole one."""
    opened = open_package(path, "return", password)
    rows = sheet_rows(opened, CHANGES_SHEET)
    header = [str(cell).strip() for cell in rows[0]] if rows else []
    where = {title: index for index, title in enumerate(header)}
    missing = [title for title in MACHINE if title not in where]
    if missing:
        raise PackageRefused(f"「{opened.name}」的「{CHANGES_SHEET}」表缺少「{missing[0]}」列：包不完整或被改动过，请重新生成")
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    count = 0
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue
        count += 1
        cell = {title: (cells[where[title]] if where[title] < len(cells) else "") for title in MACHINE}
        try:
            _take(grouped, cell)
        except (ValueError, TypeError, KeyError):
            raise PackageRefused(
                f"「{opened.name}」「{CHANGES_SHEET}」表第 {number} 行无法识别（被改动过？）：请重新生成回传包"
            ) from None
    check_count(opened, CHANGES_SHEET, count)
    if count != opened.manifest.row_count:
        raise PackageRefused(
            f"「{opened.name}」不完整：清单记有 {opened.manifest.row_count:,} 行，「{CHANGES_SHEET}」表有 {count:,} 行；请重新拷贝或重新生成"
        )
    changes = tuple(RowChange(**fields) for fields in grouped.values())
    return ReturnPackage(opened.manifest, changes)


def _take(grouped: dict[tuple[str, str], dict[str, Any]], cell: dict[str, Any]) -> None:
    table = str(cell["table"])
    if table not in LAYOUT_BY_TABLE or table in ("grid", "officer"):
        raise ValueError(table)
    uuid = str(cell["uuid"])
    base_version = cell["base_version"]
    fields = grouped.setdefault((table, uuid), {
        "table": table, "uuid": uuid,
        "base_version": None if base_version in (None, "") else int(base_version),
        "values": {}, "base": {}, "deleted": cell["deleted"] == "是", "changed_by": str(cell["changed_by"] or ""),
        "changed_at": str(cell["changed_at"] or ""), "business_uuid": str(cell["business_uuid"]) or None,
        "source": "",
    })
    key = str(cell["field"] or "")
    if key:
        fields["values"][key] = json.loads(str(cell["new_json"]))
        if fields["base_version"] is not None:
            fields["base"][key] = json.loads(str(cell["base_json"]))
