"""What a file really is, from its first bytes: staff get .xls files that are HTML, XML or zip inside."""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from imports.errors import UnreadableFile

FileKind = Literal["xlsx", "xlsb", "xls", "ods", "spreadsheetml", "html", "csv"]

SAVE_AS_XLSX = "请用 Excel 或 WPS 打开后「另存为」Excel 工作簿（.xlsx）再导入"
ASK_FOR_EXCEL = "请向发件方索要 Excel 原文件（.xlsx / .xls / .csv）"
_HEAD_BYTES = 8192
_CHUNK = 1 << 20
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEETML_NS = "urn:schemas-microsoft-com:office:spreadsheet"

_DESCRIPTIONS: dict[FileKind, str] = {
    "xlsx": "Excel 工作簿（.xlsx）",
    "xlsb": "Excel 二进制工作簿（.xlsb）",
    "xls": "Excel 97-2003 工作簿（.xls）",
    "ods": "OpenDocument 电子表格（.ods）",
    "spreadsheetml": "Excel 2003 XML 表格（SpreadsheetML）",
    "html": "网页表格（HTML）",
    "csv": "CSV 文本表格",
}
_EXPECTED_SUFFIXES: dict[FileKind, tuple[str, ...]] = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm"),
    "xlsb": (".xlsb",),
    "xls": (".xls", ".xlt", ".et"),
    "ods": (".ods",),
    "spreadsheetml": (".xml",),
    "html": (".html", ".htm"),
    "csv": (".csv", ".tsv", ".txt"),
}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", f"这是 PDF 文件，不是表格，无法导入。{ASK_FOR_EXCEL}，或先用 WPS / Acrobat 把表格导出为 Excel"),
    (b"\x89PNG", f"这是图片（PNG），无法导入。{ASK_FOR_EXCEL}"),
    (b"\xff\xd8\xff", f"这是图片（JPEG），无法导入。{ASK_FOR_EXCEL}"),
    (b"GIF8", f"这是图片（GIF），无法导入。{ASK_FOR_EXCEL}"),
    (b"Rar!", "这是 RAR 压缩包，请先解压，再导入其中的 Excel 文件"),
    (b"7z\xbc\xaf\x27\x1c", "这是 7z 压缩包，请先解压，再导入其中的 Excel 文件"),
    (b"\x1f\x8b", "这是 gzip 压缩包，请先解压，再导入其中的 Excel 文件"),
    (b"{\\rtf", "这是 RTF 文字文档，不是表格。如果表格在文档里，请复制到 Excel 后另存为 .xlsx 再导入"),
)
# Stream names inside an OLE2 compound file, as they are stored: UTF-16LE and NUL-terminated.
_CFB_STREAMS = {name: name.encode("utf-16-le") + b"\x00\x00" for name in (
    "EncryptedPackage", "Workbook", "Book", "WordDocument", "PowerPoint Document",
)}
# An encrypted .xlsx is a compound file whose payload is EncryptedPackage; a .xls may embed a Word
# document, so the workbook streams are looked for before the others.
_OTHER_CFB = {
    "EncryptedPackage": "这是加密（设置了打开密码）的 Excel 文件，无法直接读取。请在 Excel 中输入密码打开，"
    "在「文件 → 信息 → 保护工作簿」中取消密码后另存为 .xlsx，再导入",
    "WordDocument": "这是 Word 97-2003 文档（.doc），不是表格。如果表格在文档里，请复制到 Excel 后另存为 .xlsx 再导入",
    "PowerPoint Document": f"这是 PowerPoint 97-2003 演示文稿，不是表格，无法导入。{ASK_FOR_EXCEL}",
}


@dataclass(frozen=True)
class Sniffed:
    """The real type of a file, how to decode it when it is text, and a note when its name misleads."""

    kind: FileKind
    description: str
    encoding: str | None = None
    delimiter: str = ","
    note: str | None = None


def sniff(path: str | Path, data: bytes | None = None) -> Sniffed:
    """The real type of a file from its content; UnreadableFile (in Chinese) when it is not a table.

    `data` is the file's content when the caller has read it already (imports.source): an import reads its
    file once, and the sniff looks at those bytes; `path` then only names the file.
    """
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    head = data[:_HEAD_BYTES]
    if not head:
        raise UnreadableFile("文件是空的（0 字节），可能下载或复制时没有完成，请重新下载或重新导出")
    for signature, message in _SIGNATURES:
        if head.startswith(signature):
            raise UnreadableFile(message)
    if head.startswith(b"PK"):
        found = _sniff_zip(data)
    elif head.startswith(_CFB_MAGIC):
        found = _sniff_cfb(data)
    else:
        found = _sniff_text(data, head)
    return _with_note(found, path)


def _with_note(found: Sniffed, path: Path) -> Sniffed:
    suffix = path.suffix.lower()
    if not suffix or suffix in _EXPECTED_SUFFIXES[found.kind]:
        return found
    note = f"文件扩展名是 {suffix}，实际内容是{found.description}，已按实际格式读取"
    if found.kind == "html":
        note += "（网页系统导出的「Excel」常是这样）"
    return Sniffed(found.kind, found.description, found.encoding, found.delimiter, note)


def _found(kind: FileKind, **extra: str) -> Sniffed:
    return Sniffed(kind, _DESCRIPTIONS[kind], **extra)


def _sniff_zip(data: bytes) -> Sniffed:
    # Imported here: imports.package needs this module's error type and nothing else from it.
    from imports.package import Package

    with Package(io.BytesIO(data)) as package:
        names = package.names()
        mimetype = ""
        if package.has("mimetype"):
            mimetype = b"".join(package.chunks("mimetype"))[:200].decode("ascii", "replace")
        main = package.office_document() or ""
        if main.endswith("workbook.xml") or package.has("xl/workbook.xml"):
            return _found("xlsx")
        if main.endswith("workbook.bin") or package.has("xl/workbook.bin"):
            return _found("xlsb")
    if mimetype.strip() == "application/vnd.oasis.opendocument.spreadsheet":
        return _found("ods")
    raise UnreadableFile(_zip_message(names, mimetype))


def _zip_message(names: list[str], mimetype: str) -> str:
    if "word/document.xml" in names or "opendocument.text" in mimetype:
        return "这是 Word 文字文档，不是表格。如果表格在文档里，请复制到 Excel 后另存为 .xlsx 再导入"
    if "ppt/presentation.xml" in names or "opendocument.presentation" in mimetype:
        return f"这是演示文稿（PPT），不是表格，无法导入。{ASK_FOR_EXCEL}"
    tables = [name for name in names if name.lower().endswith((".xlsx", ".xls", ".csv", ".ods", ".et"))]
    if tables:
        listed = "、".join(tables[:3]) + (" 等" if len(tables) > 3 else "")
        return f"这是 zip 压缩包，里面有 {listed}，请先解压，再导入其中的表格文件"
    return f"这是 zip 压缩包，里面没有 Excel 工作簿。{ASK_FOR_EXCEL}"


def _sniff_cfb(data: bytes) -> Sniffed:
    streams = _cfb_streams(data)
    if "EncryptedPackage" in streams:
        raise UnreadableFile(_OTHER_CFB["EncryptedPackage"])
    if "Workbook" in streams or "Book" in streams:
        return _found("xls")
    for stream, message in _OTHER_CFB.items():
        if stream in streams:
            raise UnreadableFile(message)
    raise UnreadableFile(f"这是旧版 Office 复合文档，但里面没有 Excel 工作表。{SAVE_AS_XLSX}")


def _cfb_streams(data: bytes) -> set[str]:
    """Names of well-known streams in an OLE2 file, found by scanning for their directory entries."""
    return {name for name, needle in _CFB_STREAMS.items() if needle in data}


def _sniff_text(data: bytes, head: bytes) -> Sniffed:
    encoding = detect_encoding(data, head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    lowered = text[:4096].lower()
    if lowered.startswith("<"):
        return _sniff_markup(lowered, encoding)
    return _found("csv", encoding=encoding, delimiter=guess_delimiter(text))


def _sniff_markup(lowered: str, encoding: str) -> Sniffed:
    if _SPREADSHEETML_NS in lowered and "<workbook" in lowered:
        return _found("spreadsheetml", encoding=encoding)
    if "<html" in lowered or "<table" in lowered or "<!doctype html" in lowered:
        return _found("html", encoding=encoding)
    raise UnreadableFile(f"这是 XML 文件，但不是 Excel 能打开的表格格式。{ASK_FOR_EXCEL}")


def detect_encoding(data: bytes, head: bytes) -> str:
    """utf-8-sig / utf-16 by their BOM, else whichever of UTF-8 and GB18030 decodes the whole file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise UnreadableFile(f"无法识别的文件格式：既不是 Excel 工作簿，也不是文本表格。{SAVE_AS_XLSX}")
    for encoding in ("utf-8", "gb18030"):
        if _decodes(data, encoding):
            return encoding
    raise UnreadableFile(
        f"文件里有无法识别的文字编码（既不是 UTF-8，也不是 GBK / GB18030），中文会变成乱码。{SAVE_AS_XLSX}"
    )


def _decodes(data: bytes, encoding: str) -> bool:
    # In chunks: the whole file decoded at once would hold its text (up to 4 bytes a character) meanwhile.
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    view = memoryview(data)
    try:
        for start in range(0, len(view), _CHUNK):
            decoder.decode(view[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def guess_delimiter(text: str) -> str:
    """Tab when the first lines have more tabs than commas (Excel's 「文本文件（制表符分隔）」), else comma."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    sample = "\n".join(lines)
    return "\t" if sample.count("\t") > sample.count(",") else ","
