"""The county merge's workbook: 汇总 (a row per office, 合计, 目标, 合计达标, and how each column was totalled),
说明 (each line's method and the source files) and 口径说明; print-ready like the offices' reports.

`merge_report_files(files, output)` is the entry the command line (and later the app) calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import xlsxwriter
from rich.cells import cell_len

from imports.report_cells import LINE_HEIGHT, Emphasis, ReportFormats, ReportSheet, period_words, unit_kind
from imports.report_machine import MACHINE_SHEET, MERGE_MARK
from imports.report_merge import (
    METHOD_WORDS,
    MergedLine,
    MergedReport,
    expand_patterns,
    is_draft,
    merge,
    read_sources,
)
from imports.report_sheets import write_definitions
from imports.report_workbook import ReportFileRefused
from workbench.services.file_output import write_file

MERGED_SUMMARY = "汇总"
NOTES_SHEET = "说明"
FIRST_BLOCK_ROW = 3
LINES_PER_BLOCK = 8
METHOD_SHORT = {"sum": "相加", "recompute": "重算", "per_office": "分列"}
NO_DATA = "暂无数据"
NOT_SENT = "无此项"


DRAFT_MARK = "（草稿）"


def merge_report_files(files: Sequence[str | Path], output: Path, *, allow_draft: bool = False) -> MergedReport:
    """Read, check and merge the offices' workbooks, and write the summary to output (atomically). Drafts (not
    issued) are refused unless `allow_draft`; then each is marked as one wherever its office is named."""
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise ReportFileRefused(f"汇总文件「{output.name}」应以 .xlsx 结尾，如 -o 汇总-2026-10.xlsx")
    merged = merge(read_sources(expand_patterns(files), output, allow_draft=allow_draft))
    write_file(output, lambda partial: write_merged_workbook(merged, partial))
    return merged


def draft_offices(merged: MergedReport) -> list[str]:
    """The offices whose workbook is a draft (merged with --allow-draft)."""
    return [source.report.office_name for source in merged.sources if is_draft(source.report)]


def merged_title(merged: MergedReport) -> str:
    return f"{period_words(merged.period)} 各所市场主体月报汇总"


def write_merged_workbook(merged: MergedReport, path: Path) -> None:
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    formats = ReportFormats(workbook)
    _write_summary(workbook, formats, merged)
    _write_notes(workbook, formats, merged)
    first = merged.sources[0].report
    county = replace(first, office_name="各所汇总", summary=(), tables=(), charts=())
    write_definitions(workbook, formats, county)
    machine = workbook.add_worksheet(MACHINE_SHEET)
    machine.write_string(0, 0, "格式")
    machine.write_string(0, 1, MERGE_MARK)
    machine.write_string(0, 2, "几个所合并后的汇总表：不能再作为一个所的月报合并")
    machine.hide()
    workbook.close()


def _write_summary(workbook: Any, formats: ReportFormats, merged: MergedReport) -> None:
    """Blocks of at most LINES_PER_BLOCK lines, one under the other, each with a row per office, 合计, 目标,
    合计达标 and 合计方法: twenty-odd lines side by side would print too small to read on one page's width."""
    sheet = ReportSheet(workbook, formats, MERGED_SUMMARY)
    width = 2 + min(LINES_PER_BLOCK, len(merged.lines))
    sheet.title(0, merged_title(merged), width, formats.title)
    sheet.title(1, f"口径：{merged.definition_version}　共 {len(merged.sources)} 个所：" +
                "、".join(source.report.office_name for source in merged.sources), width, formats.subtitle)
    if drafts := draft_offices(merged):
        sheet.title(2, f"含未出具的草稿：{'、'.join(drafts)}。草稿的数字还可能变动，本表仅供核对，"
                    "正式上报请待各所出具后重新合并。", width, formats.cell("text", "bad"))
    row = FIRST_BLOCK_ROW
    for start in range(0, len(merged.lines), LINES_PER_BLOCK):
        row = _write_block(sheet, merged, merged.lines[start:start + LINES_PER_BLOCK], row) + 1
    sheet.title(row, "合计方法：相加 = 户数、件数、金额各所相加；重算 = 比率按各所报送的分子、分母合计后重算"
                "（不是各所比率的平均）；", width, formats.note)
    sheet.title(row + 1, "分列 = 没有分子分母的比率不能合计，各所分列。有所暂无数据的项目不合计。来源文件见「说明」页。",
                width, formats.note)
    widths = sheet.fit_columns(width)
    for header_row, titles in sheet.header_rows.items():
        lines = max(
            sum(-(-cell_len(part) // max(1, widths[column] - 1)) for part in title.splitlines())
            for column, title in enumerate(titles)
        )
        sheet.sheet.set_row(header_row, LINE_HEIGHT * max(1, lines))
    sheet.print_setup(header_rows=(0, 1), title=merged_title(merged), freeze=(FIRST_BLOCK_ROW, 1))


def _write_block(sheet: ReportSheet, merged: MergedReport, lines: Sequence[MergedLine], row: int) -> int:
    """One block from `row`; returns the row after it."""
    titles = ["所名称", "所代码", *(f"{line.label}\n（{line.unit}）" for line in lines)]
    sheet.header(row, titles)
    sheet.header_rows[row] = titles
    row += 1
    for index, source in enumerate(merged.sources):
        report = source.report
        if is_draft(report):
            sheet.write(row, 0, report.office_name + DRAFT_MARK, "text", "bad")
        else:
            sheet.write(row, 0, report.office_name)
        sheet.write(row, 1, report.office_code, "code")
        for column, line in enumerate(lines, start=2):
            _office_cell(sheet, row, column, line, index, report.summary)
        row += 1
    totals: list[tuple[Any, str, Emphasis]] = []
    for line in lines:
        if line.total is not None:
            totals.append((line.total, unit_kind(line.unit), "bold"))
        else:
            totals.append(("各所分列" if line.method == "per_office" else NO_DATA, "text", "muted"))
    _label_row(sheet, row, "合计", totals)
    _label_row(sheet, row + 1, "目标", [(line.target, unit_kind(line.unit), "") for line in lines])
    _label_row(sheet, row + 2, "合计达标", [
        (None if line.total_met is None else ("达标" if line.total_met else "未达标"), "text",
         "" if line.total_met is None else ("good" if line.total_met else "bad"))
        for line in lines
    ])
    _label_row(sheet, row + 3, "合计方法", [(METHOD_SHORT[line.method], "text", "muted") for line in lines])
    return row + 4


def _office_cell(sheet: ReportSheet, row: int, column: int, line: MergedLine, index: int, summary: Any) -> None:
    if not line.present[index]:
        sheet.write(row, column, NOT_SENT, "text", "muted")
        return
    value = line.values[index]
    if value is None:
        sheet.write(row, column, NO_DATA, "text", "muted")
        return
    office_line = next(item for item in summary if item.code == line.code)
    emphasis: Emphasis = "" if office_line.met is None else ("good" if office_line.met else "bad")
    sheet.write(row, column, value, unit_kind(line.unit), emphasis)


def _label_row(sheet: ReportSheet, row: int, label: str, cells: list[tuple[Any, str, Emphasis]]) -> None:
    sheet.write(row, 0, label, "text", "bold")
    sheet.write(row, 1, None)
    for column, (value, kind, emphasis) in enumerate(cells, start=2):
        sheet.write(row, column, value, kind, emphasis)


def _write_notes(workbook: Any, formats: ReportFormats, merged: MergedReport) -> None:
    """Each line's method in words, and where the figures came from (file, office, issue)."""
    sheet = ReportSheet(workbook, formats, NOTES_SHEET)
    sheet.title(0, f"{merged_title(merged)} · 说明", 5, formats.title)
    sheet.header(1, ["指标", "单位", "合计方法", "合计", "说明"])
    row = 2
    for line in merged.lines:
        sheet.write(row, 0, line.label)
        sheet.write(row, 1, line.unit)
        sheet.write(row, 2, METHOD_WORDS[line.method])
        if line.total is None:
            sheet.write(row, 3, "各所分列" if line.method == "per_office" else NO_DATA, "text", "muted")
        else:
            sheet.write(row, 3, line.total, unit_kind(line.unit))
        sheet.write(row, 4, line.note)
        row += 1
    row += 1
    sheet.header(row, ["来源文件", "所名称", "所代码", "出具次数", "出具时间"])
    for source in merged.sources:
        row += 1
        report = source.report
        sheet.write(row, 0, source.path.name)
        sheet.write(row, 1, report.office_name)
        sheet.write(row, 2, report.office_code, "code")
        sheet.write(row, 3, report.issue_number or "草稿", "count")
        sheet.write(row, 4, report.issued_at, "date")
    sheet.fit_columns(5)
    sheet.print_setup(header_rows=(0, 1), title=merged_title(merged), freeze=(2, 1))
