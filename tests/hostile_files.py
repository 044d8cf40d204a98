"""The hostile-file corpus: files that once crashed, exhausted or confused Workbench, generated into tmp_path
by the tests (nothing binary is committed). Each Hostile names its file, how to make it, and what the
import must answer. No tests live here; tests/test_hostile_files.py runs them.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from import_helpers import HEADER, row
from test_imports_producers import write_docx, write_encrypted_xlsx

from imports.header import column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
TOO_LARGE = "文件过大或已损坏"


@dataclass(frozen=True)
class Hostile:
    """A file of the corpus: `make` writes it; importing it must exit with `exit_code` and say `message`."""

    name: str
    make: Callable[[Path], object]
    message: str
    exit_code: int = 1
    imported: int = 0  # businesses a (non dry-run) import adds: the files that are valid must be read


# ---------------------------------------------------------------- xlsx packages written part by part


def _cell(reference: str, value: object) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{reference}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def register_sheet_xml(rows: Iterable[list[object]], *, dimension: str = "A1", extra: str = "") -> str:
    """A worksheet part with the given rows from A1, every cell written as Excel writes it."""
    body = []
    for number, cells in enumerate(rows, 1):
        written = "".join(_cell(f"{column_letter(column)}{number}", value)
                          for column, value in enumerate(cells) if value not in ("", None))
        body.append(f'<row r="{number}">{written}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}">'
            f'<dimension ref="{dimension}"/><sheetData>{"".join(body)}{extra}</sheetData></worksheet>')


def register_rows(count: int = 2) -> list[list[object]]:
    """The header and `count` valid rows, dates as ISO text (these sheets carry no styles)."""
    return [HEADER, *([*(value.isoformat() if isinstance(value, date) else value for value in row(serial))]
                      for serial in range(1, count + 1))]


def write_package(path: Path, sheet: str | bytes | Iterator[bytes], *, folder: str = "xl", separator: str = "/",
                  calculation: str = "", compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A minimal xlsx: content types, package and workbook relationships, one sheet 名录, no styles."""
    def name(part: str) -> str:
        return part.replace("/", separator)

    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{folder}/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="{folder}/workbook.xml"/></Relationships>'
        ),
        f"{folder}/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<sheets><sheet name="名录" sheetId="1" r:id="rId1"/></sheets>{calculation}</workbook>'
        ),
        f"{folder}/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    with zipfile.ZipFile(path, "w", compression) as archive:
        for part, text in parts.items():
            archive.writestr(name(part), text)
        sheet_name = name(f"{folder}/worksheets/sheet1.xml")
        if isinstance(sheet, (str, bytes)):
            archive.writestr(sheet_name, sheet)
        else:
            info = zipfile.ZipInfo(sheet_name)
            info.compress_type = compression
            with archive.open(info, "w", force_zip64=True) as part_file:
                for chunk in sheet:
                    part_file.write(chunk)
    return path


# ---------------------------------------------------------------- the files


def dimension_bomb(last: str = "XFD1048576") -> Callable[[Path], Path]:
    """5.6 KB: a header in row 1 and one value at `last`; python-calamine's grid spans both."""
    def make(path: Path) -> Path:
        sheet = register_sheet_xml(register_rows(2), dimension=f"A1:{last}")
        far_row = int("".join(character for character in last if character.isdigit()))
        sheet = sheet.replace("</sheetData>", f'<row r="{far_row}">{_cell(last, "x")}</row></sheetData>')
        return write_package(path, sheet)
    return make


def _bomb_chunks(size_mb: int, head: bytes, filler: bytes, tail: bytes) -> Iterator[bytes]:
    yield head
    block = filler * ((1 << 20) // len(filler))
    for _ in range(size_mb):
        yield block
    yield tail


def whitespace_bomb(size_mb: int) -> Callable[[Path], Path]:
    """A sheet whose text between two rows is `size_mb` MB of spaces, ~1 KB compressed per MB.

    Deflating a gigabyte takes zlib 20 s here, so one MB of spaces is deflated once, ending on a full flush
    (which makes its bytes independent of what came before), and repeated: the same stream zlib would write,
    up to the block boundaries."""
    def make(path: Path) -> Path:
        head, _, tail = register_sheet_xml(register_rows(1)).partition("</sheetData>")
        first, last = head.encode(), b"</sheetData>" + tail.encode()
        block = b" " * (1 << 20)
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        opening = compressor.compress(first) + compressor.flush(zlib.Z_FULL_FLUSH)
        repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
        closing = compressor.compress(last) + compressor.flush()
        crc = zlib.crc32(first)
        for _ in range(size_mb):
            crc = zlib.crc32(block, crc)
        crc = zlib.crc32(last, crc)
        raw = opening + repeated * size_mb + closing
        write_package(path, register_sheet_xml(register_rows(1)))
        _replace_member(path, "xl/worksheets/sheet1.xml", raw, crc, len(first) + size_mb * len(block) + len(last))
        return path
    return make


def _replace_member(path: Path, name: str, raw: bytes, crc: int, size: int) -> None:
    """Rewrite a zip with `name` replaced by already-deflated bytes (sizes below 4 GB: no zip64)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist() if info.filename != name]
    entries: list[tuple[bytes, int, int, int, int, int]] = []  # name, method, crc, compressed, size, offset
    with path.open("wb") as out:
        def add(member: str, method: int, data: bytes, member_crc: int, member_size: int) -> None:
            encoded = member.encode()
            entries.append((encoded, method, member_crc, len(data), member_size, out.tell()))
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, member_crc, len(data),
                                  member_size, len(encoded), 0) + encoded + data)

        for member, data in members:
            add(member, 0, data, zlib.crc32(data), len(data))
        add(name, 8, raw, crc, size)
        start = out.tell()
        for encoded, method, member_crc, compressed, member_size, offset in entries:
            out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, member_crc,
                                  compressed, member_size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), out.tell() - start, start, 0))


def cell_bomb(size_mb: int) -> Callable[[Path], Path]:
    """A sheet of `size_mb` MB of the same cell repeated (each a value calamine keeps): ~1,000:1 compressed."""
    head, _, tail = register_sheet_xml(register_rows(1)).partition("</sheetData>")
    return lambda path: write_package(path, cell_bomb_parts(size_mb, head.encode(), b"</sheetData>" + tail.encode()))


def lying_sizes(path: Path) -> Path:
    """A sheet that inflates to 64 MB while the zip's headers say 2 KB (only a metered read can tell)."""
    head, _, tail = register_sheet_xml(register_rows(1)).partition("</sheetData>")
    write_package(path, b"".join(cell_bomb_parts(64, head.encode(), b"</sheetData>" + tail.encode())))
    data = bytearray(path.read_bytes())
    for signature, name_length_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            length = struct.unpack_from("<H", data, start + name_length_at)[0]
            if bytes(data[start + name_at:start + name_at + length]).endswith(b"sheet1.xml"):
                struct.pack_into("<I", data, start + size_at, 2048)
            start += 4
    path.write_bytes(bytes(data))
    return path


def cell_bomb_parts(size_mb: int, head: bytes, tail: bytes) -> Iterator[bytes]:
    return _bomb_chunks(size_mb, head, b'<row r="3"><c r="A3"><v>1</v></c></row>', tail)


def spreadsheetml(cell: str) -> Callable[[Path], Path]:
    """Excel 2003 XML with the header and one data row, the data row's second cell given as `cell`."""
    def make(path: Path) -> Path:
        header = "".join(f'<Cell><Data ss:Type="String">{text}</Data></Cell>' for text in HEADER)
        path.write_text(
            '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="名录"><Table>'
            f'<Row>{header}</Row><Row><Cell><Data ss:Type="String">x</Data></Cell>{cell}</Row>'
            "</Table></Worksheet></Workbook>",
            encoding="utf-8",
        )
        return path
    return make


def _laughs() -> str:
    """The "billion laughs": ten entities, each ten of the one before (10**9 copies of "lol")."""
    return '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))


def spreadsheetml_far_rows(path: Path) -> Path:
    """5,000 rows with one cell at column 16,384 each: 420 KB of XML, 82 million cells as rows."""
    far = '<Row><Cell ss:Index="16384"><Data ss:Type="String">x</Data></Cell></Row>' * 5000
    spreadsheetml("")(path)
    path.write_text(path.read_text(encoding="utf-8").replace("</Table>", far + "</Table>"), encoding="utf-8")
    return path


def html_colspans(path: Path) -> Path:
    """One table row of 70,000 cells each spanning 1,000 columns (HTML's own cap): 1.5 MB, 70 million cells."""
    path.write_text("<html><body><table><tr>" + "".join(f"<th>{text}</th>" for text in HEADER) + "</tr><tr>"
                    + '<td colspan="1000">x</td>' * 70_000 + "</tr></table></body></html>", encoding="utf-8")
    return path


def spreadsheetml_entity_bomb(path: Path) -> Path:
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE Workbook [{_laughs()}]><Workbook '
        'xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="名录"><Table><Row><Cell><Data ss:Type="String">&l9;</Data></Cell></Row></Table>'
        "</Worksheet></Workbook>",
        encoding="utf-8",
    )
    return path


def xlsx_entity_bomb(path: Path) -> Path:
    sheet = register_sheet_xml(register_rows(1)).replace(
        '<worksheet', f'<!DOCTYPE worksheet [{_laughs()}]><worksheet', 1).replace("<t>名称</t>", "<t>&l9;</t>")
    return write_package(path, sheet)


def long_csv_field(path: Path) -> Path:
    """An opening quote never closed: the rest of the file is one field of 200,000 characters."""
    path.write_text(",".join(HEADER) + '\n"' + "五马街" * 70_000 + "\n", encoding="utf-8")
    return path


def _xls(path: Path, patch: Callable[[bytearray], None]) -> Path:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("名录")
    for column, text in enumerate(HEADER):
        sheet.write(0, column, text)
    sheet.write(1, 0, "x")
    workbook.save(str(path))
    data = bytearray(path.read_bytes())
    patch(data)
    path.write_bytes(bytes(data))
    return path


def xls_dimension_bomb(path: Path) -> Path:
    """DIMENSIONS says rows 0..4,294,967,280: calamine reserves rows x columns cells at open (43 TB)."""
    def patch(data: bytearray) -> None:
        at = data.find(b"\x00\x02\x0e\x00")
        struct.pack_into("<IIHHH", data, at + 4, 0, 0xFFFFFFF0, 0, 0xFF, 0)
    return _xls(path, patch)


def xls_far_cell(path: Path) -> Path:
    """The data cell moved to row 65,536, column 65,536: a grid of 2**32 cells (128 GB)."""
    def patch(data: bytearray) -> None:
        first = data.find(b"\xfd\x00\x0a\x00")
        last = data.rfind(b"\xfd\x00\x0a\x00")
        assert last > first
        struct.pack_into("<HH", data, last + 4, 0xFFFF, 0xFFFF)
    return _xls(path, patch)


def ods_repeat_bomb(path: Path) -> Path:
    """1 KB: one value repeated over 6,000 rows x 16,384 columns (calamine expanded it: 6 GB, 46 s)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        '<office:spreadsheet><table:table table:name="名录"><table:table-row>'
        + "".join(f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
                  for text in HEADER)
        + '</table:table-row><table:table-row table:number-rows-repeated="6000"><table:table-cell '
        'table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
        ))
    return path


def many_columns(path: Path) -> Path:
    """A valid register whose header row runs on to column XFD: 16,384 titled columns."""
    rows = register_rows(2)
    rows[0] = [*rows[0], *[f"备用{index}" for index in range(len(rows[0]), 16_384)]]
    return write_package(path, register_sheet_xml(rows))


def many_rows(path: Path) -> Path:
    """1,048,575 rows of one number each in column A: no header anywhere."""
    head, _, tail = register_sheet_xml([]).partition("</sheetData>")

    def chunks() -> Iterator[bytes]:
        yield head.encode()
        for start in range(1, 1_048_576, 50_000):
            yield "".join(f'<row r="{number}"><c r="A{number}"><v>{number}</v></c></row>'
                          for number in range(start, min(start + 50_000, 1_048_576))).encode()
        yield b"</sheetData>" + tail.encode()
    return write_package(path, chunks())


def uncomputed_formulas(path: Path) -> Path:
    """As xlsxwriter writes formulas: a cached 0 and fullCalcOnLoad (the phone and 从业人员 of row 3 are formulas)."""
    rows = register_rows(2)
    phone, employees = HEADER.index("联系电话"), HEADER.index("从业人员")
    formulas = {f"{column_letter(phone)}3": '<f>"1381234"&amp;"5678"</f><v>0</v>', f"{column_letter(employees)}3": "<f>1+1</f><v>0</v>"}
    sheet = register_sheet_xml(rows)
    for reference, inner in formulas.items():
        start = sheet.index(f'<c r="{reference}"')
        sheet = sheet[:start] + f'<c r="{reference}">{inner}</c>' + sheet[sheet.index("</c>", start) + 4:]
    return write_package(path, sheet, calculation='<calcPr calcId="124519" fullCalcOnLoad="1"/>')


def truncated(path: Path) -> Path:
    write_package(path, register_sheet_xml(register_rows(2)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def random_bytes(path: Path) -> Path:
    path.write_bytes(os.urandom(20_000).replace(b"PK", b"pk"))
    return path


def utf16_csv(path: Path) -> Path:
    path.write_text("\n".join(",".join(str(value) for value in cells) for cells in register_rows(2)) + "\n",
                    encoding="utf-16")
    return path


CORPUS: list[Hostile] = [
    Hostile("dimension_bomb.xlsx", dimension_bomb(), f"{TOO_LARGE}：工作表「名录」的内容从 A1 一直到 XFD1048576"),
    Hostile("dimension_bomb_200k.xlsx", dimension_bomb("XFD200000"), "（200,000 行 × 16,384 列）"),
    Hostile("whitespace_bomb.xlsx", whitespace_bomb(1000), "这是「压缩炸弹」"),
    Hostile("whitespace_run.xlsx", whitespace_bomb(8), "有一段超过 2 MB 的连续内容没有任何标记"),
    Hostile("cell_bomb.xlsx", cell_bomb(64), "这是「压缩炸弹」"),
    Hostile("lying_sizes.xlsx", lying_sizes, "解压失败"),
    Hostile("index_bomb.xml", spreadsheetml('<Cell ss:Index="2000000000"><Data ss:Type="String">y</Data></Cell>'),
            f"{TOO_LARGE}：工作表「名录」第 2 行的列号是 2000000000"),
    Hostile("merge_bomb.xls", spreadsheetml('<Cell ss:MergeAcross="2000000000"><Data ss:Type="String">y</Data></Cell>'),
            "第 2 行的合并列数是 2000000000"),
    Hostile("index_abc.xml", spreadsheetml('<Cell ss:Index="abc"><Data ss:Type="String">y</Data></Cell>'),
            "第 2 行的列号「abc」不是数字"),
    Hostile("entity_bomb.xml", spreadsheetml_entity_bomb, "里有实体定义"),
    Hostile("far_rows.xml", spreadsheetml_far_rows, "工作表「名录」展开后超过 67,108,864 个单元格"),
    Hostile("colspans.xls", html_colspans, "网页表格的第 2 行超过 16,384 列"),
    Hostile("long_field.csv", long_csv_field, "多半是某个引号（\"）没有配对"),
    Hostile("dimension_bomb.xls", xls_dimension_bomb, "声明的大小是 1,099,511,623,936 个单元格"),
    Hostile("far_cell.xls", xls_far_cell, "有单元格位于第 65,536 列"),
    Hostile("repeat_bomb.ods", ods_repeat_bomb, "重复单元格展开后有 6,001 行 × 16,384 列"),
    Hostile("entity_bomb.xlsx", xlsx_entity_bomb, "工作簿已损坏或格式不规范"),
    Hostile("uncomputed_formulas.xlsx", uncomputed_formulas, "第 3 行「联系电话」列（H 列）：公式没有计算结果", exit_code=0,
            imported=2),
    Hostile("truncated.xlsx", truncated, "文件不完整或已损坏"),
    Hostile("random.xls", random_bytes, "无法识别的文件格式"),
    Hostile("renamed_docx.xlsx", lambda path: write_docx(path), "这是 Word 文字文档"),
    Hostile("encrypted.xlsx", lambda path: write_encrypted_xlsx(path), "这是加密（设置了打开密码）的 Excel 文件"),
    Hostile("utf16.csv", utf16_csv, "新增 2 户", exit_code=0, imported=2),
    Hostile("columns_16384.xlsx", many_columns, "新增 2 户", exit_code=0, imported=2),
    Hostile("rows_1048575.xlsx", many_rows, "的前 20 行里没有找到表头"),
    Hostile("backslashes.xlsx", lambda path: write_package(path, register_sheet_xml(register_rows(2)), separator="\\"),
            "新增 2 户", exit_code=0, imported=2),
    Hostile("workbook_elsewhere.xlsx",
            lambda path: write_package(path, register_sheet_xml(register_rows(2)), folder="book"),
            "新增 2 户", exit_code=0, imported=2),
]
