"""The real type of a file from its bytes, and a Chinese message saying what an unreadable file is."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from test_imports_producers import (
    SHEET_ROWS,
    csv_text,
    html_table,
    spreadsheetml,
    write_docx,
    write_encrypted_xlsx,
    write_odfpy,
    write_openpyxl,
    write_xlsxwriter,
    write_xlwt,
)

from imports.errors import UnreadableFile
from imports.parse import parse_register_file
from imports.sniff import sniff


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("a.xlsx", lambda path: write_openpyxl(path, SHEET_ROWS), "xlsx"),
        ("a.xlsm", lambda path: write_xlsxwriter(path, SHEET_ROWS), "xlsx"),
        ("a.xls", lambda path: write_xlwt(path, SHEET_ROWS), "xls"),
        ("a.ods", lambda path: write_odfpy(path, SHEET_ROWS), "ods"),
        ("a.xml", lambda path: path.write_text(spreadsheetml(SHEET_ROWS), encoding="utf-8"), "spreadsheetml"),
        ("a.html", lambda path: path.write_text(html_table(SHEET_ROWS), encoding="utf-8"), "html"),
        ("a.csv", lambda path: path.write_text(csv_text(SHEET_ROWS), encoding="utf-8"), "csv"),
    ],
)
def test_each_format_is_known_by_its_content_and_needs_no_note_under_its_own_name(
    tmp_path: Path, name: str, make: object, kind: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    found = sniff(path)
    assert (found.kind, found.note) == (kind, None)


@pytest.mark.parametrize(
    ("name", "make", "kind", "said"),
    [
        ("list.xls", lambda path: write_openpyxl(path, SHEET_ROWS), "xlsx", "Excel 工作簿（.xlsx）"),
        ("list.xlsx", lambda path: write_xlwt(path, SHEET_ROWS), "xls", "Excel 97-2003"),
        ("list.xlsx", lambda path: write_odfpy(path, SHEET_ROWS), "ods", "OpenDocument"),
        ("list.xls", lambda path: path.write_text(spreadsheetml(SHEET_ROWS), encoding="utf-8"), "spreadsheetml",
         "Excel 2003 XML"),
        ("list.xlsx", lambda path: path.write_text(spreadsheetml(SHEET_ROWS), encoding="utf-8"), "spreadsheetml",
         "Excel 2003 XML"),
        ("list.xls", lambda path: path.write_text(html_table(SHEET_ROWS), encoding="utf-8"), "html", "网页表格（HTML）"),
        ("list.xls", lambda path: path.write_text(csv_text(SHEET_ROWS), encoding="gbk"), "csv", "CSV"),
    ],
)
def test_a_misleading_extension_is_read_by_content_and_the_person_is_told(
    tmp_path: Path, name: str, make: object, kind: str, said: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    found = sniff(path)
    assert found.kind == kind
    assert found.note is not None and said in found.note and Path(name).suffix in found.note


def test_an_html_xls_says_it_comes_from_a_web_system(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_text(html_table(SHEET_ROWS, charset="gbk"), encoding="gbk")
    found = sniff(path)
    assert found.kind == "html" and found.encoding == "gb18030"
    assert found.note == "文件扩展名是 .xls，实际内容是网页表格（HTML），已按实际格式读取（网页系统导出的「Excel」常是这样）"


@pytest.mark.parametrize(
    ("encoding", "expected", "delimiter"),
    [
        ("utf-8", "utf-8", ","),
        ("utf-8-sig", "utf-8-sig", ","),
        ("gbk", "gb18030", ","),
        ("gb18030", "gb18030", "\t"),
        ("utf-16", "utf-16", "\t"),
    ],
)
def test_text_encodings_are_found_by_strict_decoding(tmp_path: Path, encoding: str, expected: str,
                                                      delimiter: str) -> None:
    path = tmp_path / "名录.csv"
    path.write_text(csv_text(SHEET_ROWS, delimiter=delimiter), encoding=encoding)
    found = sniff(path)
    assert (found.kind, found.encoding, found.delimiter) == ("csv", expected, delimiter)


def test_a_gb18030_only_character_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "生僻字.csv"
    path.write_text("名称,经营者\n䶮记小吃店,王䶮\n", encoding="gb18030")
    rows = list(parse_register_file(path).rows)
    assert [row.values["name"] for row in rows] == ["䶮记小吃店"]


def _pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


def _truncated(path: Path) -> None:
    write_openpyxl(path, SHEET_ROWS)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _zip_of_workbooks(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("一月.xlsx", b"x")
        archive.writestr("二月.xlsx", b"x")


def _unknown_xml(path: Path) -> None:
    path.write_text('<?xml version="1.0"?><root><item/></root>', encoding="utf-8")


def _binary(path: Path) -> None:
    path.write_bytes(b"\x00\x01\x02garbage\x00" * 50)


def _big5(path: Path) -> None:
    path.write_bytes("名稱,經營者\n".encode("big5") + b"\xff\xfe\xfd\x80\x80\n")


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("list.xlsx", _pdf, "这是 PDF 文件"),
        ("list.xlsx", lambda path: write_encrypted_xlsx(path), "这是加密（设置了打开密码）的 Excel 文件"),
        ("list.xlsx", lambda path: path.write_bytes(b""), "文件是空的"),
        ("list.xlsx", _truncated, "文件不完整或已损坏"),
        ("list.xlsx", lambda path: write_docx(path), "这是 Word 文字文档"),
        ("list.xls", _zip_of_workbooks, "这是 zip 压缩包，里面有 一月.xlsx、二月.xlsx"),
        ("list.xls", lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20), "这是图片"),
        ("list.xls", lambda path: path.write_bytes(b"Rar!\x1a\x07\x00" + b"\x00" * 20), "这是 RAR 压缩包"),
        ("list.xml", _unknown_xml, "这是 XML 文件，但不是 Excel 能打开的表格格式"),
        ("list.xls", _binary, "无法识别的文件格式"),
        ("list.csv", _big5, "无法识别的文字编码"),
    ],
)
def test_unreadable_files_get_a_chinese_message_saying_what_they_are(tmp_path: Path, name: str, make: object,
                                                                      expected: str) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    with pytest.raises(UnreadableFile) as raised:
        parse_register_file(path)
    assert expected in raised.value.message
    assert raised.value.title == "无法读取这个文件"


def test_the_messages_say_what_to_do(tmp_path: Path) -> None:
    encrypted = write_encrypted_xlsx(tmp_path / "密码.xlsx")
    with pytest.raises(UnreadableFile, match="取消密码后另存为 .xlsx"):
        sniff(encrypted)
    _truncated(tmp_path / "半个.xlsx")
    with pytest.raises(UnreadableFile, match="请重新下载"):
        sniff(tmp_path / "半个.xlsx")
    _binary(tmp_path / "怪.xls")
    with pytest.raises(UnreadableFile, match="另存为」Excel 工作簿（.xlsx）再导入"):
        sniff(tmp_path / "怪.xls")
