"""What the app needs around the sync packages' readers and writers (issue 19): telling a package from any
other workbook by its manifest alone (the import wizard offers the package's own action instead of mapping
its columns), and writing the office's settings files a field package carries into the laptop's folder.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

from python_calamine import CalamineError, CalamineWorkbook

from imports.sync_out import RULE_FILES
from imports.sync_sheets import FORMAT_MARK
from imports.sync_workbook import MANIFEST_SHEET

PackageKind = Literal["field", "return", "encrypted"]
OLE_MARK = b"\xd0\xcf\x11\xe0"  # an encrypted xlsx is an OLE file; so is an old .xls
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def package_kind(path: Path, data: bytes | None = None) -> PackageKind | None:
    """"field" (外业包) or "return" (回传包) from the manifest sheet; "encrypted" for a password-protected
    workbook (only a field package is ever encrypted by Workbench); None for any other file, including one
    that cannot be read (the register reader then says what is wrong with it in its own words). `data`: the
    file's bytes when the caller has read them already (an import reads its file once)."""
    if path.suffix.lower() not in XLSX_SUFFIXES:
        return None
    if data is None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
    if data.startswith(OLE_MARK):
        return "encrypted" if _encrypted(data) else None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if MANIFEST_SHEET not in workbook.sheet_names:
            return None
        rows = workbook.get_sheet_by_name(MANIFEST_SHEET).to_python()
    except (CalamineError, ValueError, OSError):
        return None
    facts = {str(row[2]): str(row[1]) for row in rows[1:] if len(row) >= 3 and row[2] not in (None, "")}
    if facts.get("format") != FORMAT_MARK:
        return None
    kind = facts.get("kind")
    return kind if kind in ("field", "return") else None  # type: ignore[return-value]


def _encrypted(data: bytes) -> bool:
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError

    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except (FileFormatError, OSError, ValueError):
        return False


def write_rule_files(folder: Path, files: dict[str, str]) -> list[str]:
    """The office's settings files, so the laptop classifies and lists as the office does; the names written.
    Only the settings files a package may carry are written: never a path of the file's choosing."""
    written: list[str] = []
    for name, text in files.items():
        if name not in RULE_FILES:
            continue
        path = folder / name
        try:
            if path.is_file() and path.read_text(encoding="utf-8-sig") == text:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        written.append(name)
    return written
