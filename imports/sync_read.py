"""Reading a sync package back (issue 19): open it (decrypting a password-protected one), check its
manifest, and rebuild its rows as plain data. Refused, with one Chinese sentence naming the file: a file
that is no package, the other kind of package, one from a newer schema, one whose sheets do not hold the
rows its manifest counts (a torn copy), a wrong or missing password.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from imports.sync_sheets import FORMAT_MARK, LAYOUTS, SheetLayout
from imports.sync_workbook import MANIFEST_SHEET, ROWS_KEY
from storage.schema import SCHEMA_HEAD
from workbench.domain.sync_model import PackageManifest, Scalar
from workbench.services.errors import WorkbenchError
from workbench.services.sync_laptop import FieldPackageData
from workbench.services.sync_rows import INSPECTION_SPECS, PlainRow

INSPECTION_TABLES = frozenset(spec.name for spec in INSPECTION_SPECS)

KIND_WORDS = {"field": "外业包", "return": "回传包"}


class PackageRefused(WorkbenchError, ValueError):
    """A ValueError too: the office's apply step (syncback) refuses a package on any ValueError of the reader."""

    title = "同步包未读入"


@dataclass
class OpenedPackage:
    name: str
    workbook: CalamineWorkbook
    manifest: PackageManifest
    facts: dict[str, str]  # every manifest key -> its value as text
    counts: dict[str, int]  # sheet title -> rows the manifest counts


def open_package(path: str | Path, kind: str, password: str | None = None) -> OpenedPackage:
    """The workbook and its manifest, or PackageRefused."""
    path = Path(path).expanduser()
    name = path.name
    word = KIND_WORDS[kind]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PackageRefused(f"找不到文件「{path}」：请检查文件名和所在文件夹") from None
    except OSError as error:
        raise PackageRefused(f"无法打开「{path}」（{error.strerror or error}）：请检查文件后重试") from None
    data = _decrypted(data, name, password, word)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError):
        raise PackageRefused(f"「{name}」不是工作台的{word}（打不开这个 Excel 文件）：请选择工作台生成的{word}") from None
    if MANIFEST_SHEET not in workbook.sheet_names:
        raise PackageRefused(f"「{name}」不是工作台的{word}（没有「{MANIFEST_SHEET}」表）：请选择工作台生成的{word}")
    facts = _facts(workbook)
    if facts.get("format") != FORMAT_MARK:
        raise PackageRefused(f"「{name}」不是工作台的{word}（「{MANIFEST_SHEET}」表不是同步包的清单）：请选择工作台生成的{word}")
    if facts.get("kind") != kind:
        other = KIND_WORDS.get(facts.get("kind", ""), "别的文件")
        raise PackageRefused(f"「{name}」是{other}，不是{word}：请选择{word}")
    schema = facts.get("schema_version", "")
    if schema > SCHEMA_HEAD:
        raise PackageRefused(
            f"「{name}」由更新版本的工作台生成（数据库版本 {schema}，本机为 {SCHEMA_HEAD}）：请先升级本机的工作台再读取"
        )
    try:
        manifest = PackageManifest(
            package_id=facts["package_id"], kind=kind,  # type: ignore[arg-type]
            office_code=facts.get("office_code", ""), officer=facts.get("officer", ""), device=facts.get("device", ""),
            created_at=facts.get("created_at", ""), schema_version=schema,
            base_package_id=facts.get("base_package_id") or None, row_count=int(float(facts.get("row_count") or 0)),
            personal_data=facts.get("personal_data") == "是", office_uuid=facts.get("office_uuid", ""),
        )
        counts = {key[len(ROWS_KEY):]: int(float(value)) for key, value in facts.items() if key.startswith(ROWS_KEY)}
    except (KeyError, ValueError):
        raise PackageRefused(f"「{name}」的「{MANIFEST_SHEET}」表不完整或被改动过：请重新生成{word}") from None
    return OpenedPackage(name, workbook, manifest, facts, counts)


def package_kind(path: str | Path, password: str | None = None) -> str | None:
    """"field" (外业包) or "return" (回传包) as the file's manifest says; None when the file is no package this
    can open (the reader called next names why)."""
    target = Path(path).expanduser()
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(_decrypted(target.read_bytes(), target.name, password, "同步包")))
        if MANIFEST_SHEET not in workbook.sheet_names:
            return None
        kind = _facts(workbook).get("kind")
    except (OSError, ValueError, CalamineError):
        return None
    return kind if kind in KIND_WORDS else None


def _decrypted(data: bytes, name: str, password: str | None, word: str) -> bytes:
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError, InvalidKeyError

    if not data.startswith(b"\xd0\xcf\x11\xe0"):  # not an OLE file: a plain xlsx (a zip) or no workbook at all
        return data
    try:
        document = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not document.is_encrypted():
            return data
    except (FileFormatError, OSError, ValueError):
        return data
    if not password:
        raise PackageRefused(f"「{name}」已用密码加密：请用 --password 给出生成它时设的密码")
    try:
        document.load_key(password=password)
        plain = io.BytesIO()
        document.decrypt(plain)
    except (InvalidKeyError, FileFormatError, ValueError):
        raise PackageRefused(f"「{name}」的密码不对：请核对生成{word}时设的密码（区分大小写）") from None
    return plain.getvalue()


def _facts(workbook: CalamineWorkbook) -> dict[str, str]:
    facts: dict[str, str] = {}
    for row in workbook.get_sheet_by_name(MANIFEST_SHEET).to_python()[1:]:
        if len(row) >= 3 and row[2] not in (None, ""):
            value = row[1]
            facts[str(row[2])] = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return facts


def sheet_rows(opened: OpenedPackage, title: str) -> list[list[Any]]:
    """A sheet's rows with its header; a sheet the manifest counts must be there."""
    if title not in opened.workbook.sheet_names:
        raise PackageRefused(f"「{opened.name}」缺少「{title}」表：包不完整，请重新拷贝或重新生成")
    rows: list[list[Any]] = opened.workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    return rows


def check_count(opened: OpenedPackage, title: str, found: int) -> None:
    expected = opened.counts.get(title)
    if expected is not None and expected != found:
        raise PackageRefused(
            f"「{opened.name}」不完整：「{title}」表应有 {expected:,} 行，实有 {found:,} 行；"
            f"请重新拷贝这个文件，或{'在笔记本上重新生成回传包' if opened.manifest.kind == 'return' else '请所里重新生成'}"
        )


def read_table(opened: OpenedPackage, item: SheetLayout) -> list[PlainRow]:
    rows = sheet_rows(opened, item.title)
    header = [str(cell).strip() for cell in rows[0]] if rows else []
    where = {title: index for index, title in enumerate(header)}
    missing = [column.header for column in item.columns if column.machine and column.header not in where]
    if missing:
        raise PackageRefused(f"「{opened.name}」的「{item.title}」表缺少「{missing[0]}」列：包不完整或被改动过，请重新生成")
    plan: list[tuple[str, int, Callable[[Any], Scalar]]] = [
        (column.key, where[column.header], column.from_cell) for column in item.columns if column.header in where
    ]
    found: list[PlainRow] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue
        values: dict[str, Scalar] = {}
        for key, index, back in plan:
            cell = cells[index] if index < len(cells) else None
            try:
                values[key] = back(cell)
            except (ValueError, TypeError):
                raise PackageRefused(
                    f"「{opened.name}」「{item.title}」表第 {number} 行「{item.columns_by_key[key].header}」列的值"
                    f"「{cell}」无法识别：请重新生成或改正后再读"
                ) from None
        uuid = values.pop("uuid")
        version = values.pop("version")
        if not uuid or not isinstance(version, int):
            raise PackageRefused(f"「{opened.name}」「{item.title}」表第 {number} 行没有 uuid 或 version：包被改动过，请重新生成")
        found.append(PlainRow(str(uuid), version, values))
    check_count(opened, item.title, len(found))
    return found


def _before_inspections(opened: OpenedPackage, item: SheetLayout) -> bool:
    """A 外业包 written before packages carried 双随机 draws (issue 20) has none of their sheets, and its manifest
    counts none: it is read as carrying no draws, not refused as torn."""
    return (item.spec.name in INSPECTION_TABLES and item.title not in opened.workbook.sheet_names
            and item.title not in opened.counts)


def read_field_package(path: str | Path, password: str | None = None) -> FieldPackageData:
    """A field package (外业包) as plain rows, for the laptop (workbench.services.sync_laptop)."""
    opened = open_package(path, "field", password)
    rows = {item.spec.name: [] if _before_inspections(opened, item) else read_table(opened, item) for item in LAYOUTS}
    found = sum(len(table_rows) for table_rows in rows.values())
    if found != opened.manifest.row_count:
        raise PackageRefused(
            f"「{opened.name}」不完整：清单记有 {opened.manifest.row_count:,} 行，各表合计 {found:,} 行；请重新拷贝或重新生成"
        )
    rules: dict[str, str] = {}
    if "规则文件" in opened.workbook.sheet_names:
        for line in opened.workbook.get_sheet_by_name("规则文件").to_python()[1:]:
            if len(line) >= 2 and line[0]:
                rules[str(line[0])] = str(line[1])
    return FieldPackageData(opened.manifest, opened.facts.get("office_name", ""), opened.facts.get("office_uuid", ""),
                            rows, rules, opened.name)
