"""The parts of a zip-based workbook, found the way Excel finds them, and read through a meter.

Part names are matched with either slash and in any case (some Chinese attendance and HR exporters write
`xl\\workbook.xml`), and the workbook is wherever the package's `_rels/.rels` says (not always `xl/`).
Every part is read in chunks through a meter that refuses a zip bomb before it is inflated: the declared
size against the ceiling (imports.limits), the actual size as it inflates (zipfile stops at the declared
size and checks the CRC, so a header that lies is damage), the ratio of inflated to compressed bytes, and
the longest stretch without a tag (an XML parser holds a whole text run, or a whole tag, in memory).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from imports.errors import UnreadableFile
from imports.limits import MAX_RATIO, MAX_TEXT_RUN, RATIO_FROM_BYTES, max_unpacked_bytes, megabytes, too_large
from imports.sniff import SAVE_AS_XLSX

CHUNK = 1 << 20
# Parts parsed whole (the workbook, relationships): a few KB in a real workbook, even with 1,000 sheets.
WHOLE_PART_LIMIT = 64 << 20
_OFFICE_DOCUMENT = "/relationships/officeDocument"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
DAMAGED = "文件不完整或已损坏（压缩结构读不出来），可能下载或复制时中断"
_AGAIN = f"请重新下载；若仍不行，{SAVE_AS_XLSX}"


def normalised(name: str) -> str:
    """A part name as compared: forward slashes, no leading slash, case folded."""
    return name.replace("\\", "/").lstrip("/").casefold()


class Package:
    """An open zip package; use as a context manager. Lookups ignore slash direction and case."""

    def __init__(self, source: Path | BinaryIO) -> None:
        """`source`: the file's bytes as the import read them (io.BytesIO), or a path."""
        try:
            self.zip = zipfile.ZipFile(source)
            self.infos = {normalised(info.filename): info for info in self.zip.infolist()}
        except (zipfile.BadZipFile, EOFError, OSError, ValueError):
            raise UnreadableFile(f"{DAMAGED}。{_AGAIN}") from None

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.zip.close()

    def has(self, name: str) -> bool:
        return normalised(name) in self.infos

    def names(self) -> list[str]:
        return [info.filename.replace("\\", "/") for info in self.infos.values()]

    def office_document(self) -> str | None:
        """The main part named by _rels/.rels (e.g. xl/workbook.xml), or None when there is none."""
        if not self.has("_rels/.rels"):
            return None
        for relation in self._relations("_rels/.rels"):
            if relation.get("Type", "").endswith(_OFFICE_DOCUMENT):
                return _resolve("", relation.get("Target", ""))
        return None

    def sheet_parts(self, workbook: str) -> dict[str, set[str]]:
        """Sheet name -> the parts it may be read from, from the workbook and its relationships.

        Both the tidy path and the one python-calamine builds (folder + target, ".." left in, case folded)
        are given, and every sheet of a name that appears twice: a check must see whatever calamine reads."""
        folder, base = posixpath.split(normalised(workbook))
        targets: dict[str, set[str]] = {}
        for relation in self._relations(posixpath.join(folder, "_rels", base + ".rels")):
            target = relation.get("Target", "")
            untidy = target[1:] if target.startswith("/") else (folder + "/" if folder else "") + target
            targets[relation.get("Id", "")] = {_resolve(folder, target), normalised(untidy)}
        parts: dict[str, set[str]] = {}
        for sheet in self.xml(workbook).iter(_MAIN_NS + "sheet"):
            parts.setdefault(sheet.get("name", ""), set()).update(targets.get(sheet.get(_R_ID, ""), set()))
        return parts

    def entries(self, name: str) -> list[zipfile.ZipInfo]:
        """Every entry stored under `name` (a hostile zip may hold two that differ only in case or slashes)."""
        key = normalised(name)
        return [info for info in self.zip.infolist() if normalised(info.filename) == key]

    def recalculated_on_open(self, workbook: str) -> bool:
        """Whether the workbook asks Excel to compute every formula when it opens (its cached results are stale)."""
        settings = self.xml(workbook).find(_MAIN_NS + "calcPr")
        return settings is not None and settings.get("fullCalcOnLoad", "").lower() in ("1", "true")

    def related(self, workbook: str) -> list[str]:
        """Every part the workbook's relationships name (shared strings, styles, sheets, theme ...)."""
        folder, base = posixpath.split(normalised(workbook))
        rels = posixpath.join(folder, "_rels", base + ".rels")
        return [rels, *(_resolve(folder, relation.get("Target", "")) for relation in self._relations(rels))]

    def xml(self, name: str) -> Element:
        """A small part parsed with defusedxml (entity bombs and external entities refused)."""
        pieces: list[bytes] = []
        size = 0
        for chunk in self.chunks(name):
            pieces.append(chunk)
            size += len(chunk)
            if size > WHOLE_PART_LIMIT:
                raise too_large(f"工作簿的「{name}」部分超过 {megabytes(WHOLE_PART_LIMIT)}（正常只有几 KB）")
        data = b"".join(pieces)
        try:
            return fromstring(data)
        except (ParseError, DefusedXmlException, ValueError) as error:
            raise UnreadableFile(f"工作簿的「{name}」部分已损坏，无法读取（{_short(error)}）。请用 Excel 打开后另存为 .xlsx 再导入") from None

    def check_declared(self) -> None:
        """Refuse, from the zip's directory alone, a package whose parts claim more than the ceiling."""
        ceiling = max_unpacked_bytes()
        total = sum(info.file_size for info in self.infos.values())
        if total > ceiling:
            raise too_large(f"压缩包解开后有 {megabytes(total)}，超过上限 {megabytes(ceiling)}")
        for info in self.infos.values():
            _check_ratio(info, info.file_size)

    def chunks(self, name: str | zipfile.ZipInfo) -> Iterator[bytes]:
        """A part's bytes in chunks of about 1 MB, metered; UnreadableFile when the part is missing."""
        info = name if isinstance(name, zipfile.ZipInfo) else self.infos.get(normalised(name))
        if info is None:
            raise UnreadableFile(f"工作簿缺少「{name}」部分，文件不完整。请用 Excel 打开后另存为 .xlsx 再导入")
        meter = _Meter(info, max_unpacked_bytes())
        try:
            with self.zip.open(info) as part:
                while chunk := part.read(CHUNK):
                    meter.count(chunk)
                    yield chunk
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
            raise UnreadableFile(f"{DAMAGED}（「{info.filename}」解压失败）。{_AGAIN}") from None

    def read_all(self, names: list[str]) -> None:
        """Meter the given parts from start to end (those present), keeping nothing."""
        for name in names:
            if self.has(name):
                for _chunk in self.chunks(name):
                    pass

    def _relations(self, name: str) -> list[Element]:
        if not self.has(name):
            return []
        return list(self.xml(name).iter(_RELS_NS + "Relationship"))


class _Meter:
    """Counts a part's inflated bytes and the bytes since the last '<' and '>' as it is read."""

    def __init__(self, info: zipfile.ZipInfo, ceiling: int) -> None:
        self.info = info
        self.ceiling = ceiling
        self.size = 0
        self.since = {b"<": 0, b">": 0}

    def count(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.ceiling:
            raise too_large(f"「{self.info.filename}」解压后超过 {megabytes(self.ceiling)}")
        _check_ratio(self.info, self.size)
        for mark, since in self.since.items():
            first = chunk.find(mark)
            run = since + (len(chunk) if first < 0 else first)
            if run > MAX_TEXT_RUN:
                raise too_large(
                    f"「{self.info.filename}」里有一段超过 {megabytes(MAX_TEXT_RUN)} 的连续内容没有任何标记"
                    "（正常表格的一个单元格最多几十 KB）"
                )
            self.since[mark] = run if first < 0 else len(chunk) - chunk.rfind(mark) - 1


def _check_ratio(info: zipfile.ZipInfo, size: int) -> None:
    if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
        raise too_large(
            f"「{info.filename}」压缩了 {size // max(info.compress_size, 1):,} 倍（{megabytes(info.compress_size)} 解开为 "
            f"{megabytes(size)} 以上），正常表格约 10 倍，这是「压缩炸弹」"
        )


def _resolve(folder: str, target: str) -> str:
    target = target.replace("\\", "/")
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return normalised(posixpath.normpath(joined))


def _short(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 80 else text[:80] + "…"
