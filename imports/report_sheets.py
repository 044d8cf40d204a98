"""The monthly report's sheets other than 汇总: one per table (分网格, 分干部, 三型四类, 帮扶, 诉求, 明细),
the chart data the charts on 汇总 plot, and 口径说明 (each definition and its version)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imports.report_cells import ReportFormats, ReportSheet, header_width, period_words, value_width
from workbench.domain.report_model import Chart, MonthlyReport, Table

CHART_DATA_SHEET = "图表数据"
DEFINITIONS_SHEET = "口径说明"
DEFINITION_TEXT_WIDTH = 70  # the 说明 column wraps at this width instead of running off the page


def report_title(report: MonthlyReport) -> str:
    return f"{report.office_name} {period_words(report.period)} 市场主体月报"


def write_table(workbook: Any, formats: ReportFormats, report: MonthlyReport, table: Table) -> ReportSheet:
    """Title line, header row, one row per entry, the 合计 row in bold, the note under the table."""
    sheet = ReportSheet(workbook, formats, table.sheet)
    width = len(table.columns)
    title = table.title if report.office_name in table.title else f"{report.office_name} {table.title}"
    if period_words(report.period) not in title and report.period not in title:
        title = f"{title}（{period_words(report.period)}）"
    kinds = [column.kind for column in table.columns]
    # The widths first (the rows are streamed to disk as they are written): the title wraps if the table
    # is narrower than it.
    sheet.widest = measure(table)
    widths = sheet.fit_columns(width)
    sheet.title(0, title, width, formats.title, fit_width=sum(widths))
    sheet.header(1, [column.title for column in table.columns])
    row = 2
    for values in table.rows:
        for column, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            sheet.write(row, column, value, kind)
        row += 1
    if table.rows:
        sheet.sheet.autofilter(1, 0, row - 1, width - 1)
    if table.total is not None:
        for column, (value, kind) in enumerate(zip(table.total, kinds, strict=True)):
            sheet.write(row, column, value, kind, "bold")
        row += 1
    if not table.rows:
        sheet.title(row, "（本月没有记录）", width, formats.note)
        row += 1
    if table.note:
        sheet.title(row + 1, table.note, width, formats.note)
    sheet.print_setup(header_rows=(0, 1), title=report_title(report), freeze=(2, 1))
    return sheet


def measure(table: Table) -> dict[int, int]:
    """Each column's widest shown value, header included (as ReportSheet.write measures them)."""
    widest = {column: header_width(spec.title) for column, spec in enumerate(table.columns)}
    kinds = [column.kind for column in table.columns]
    for values in (*table.rows, *((table.total,) if table.total else ())):
        for column, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            if value is not None and (not isinstance(value, str) or 2 * len(value) > widest[column]):
                widest[column] = max(widest[column], value_width(kind, value))
    return widest


@dataclass(frozen=True)
class ChartBlock:
    """Where a chart's numbers are on 图表数据 (rows are 0-based; categories in column 0)."""

    chart: Chart
    first_row: int  # the first category's row
    last_row: int


def write_chart_data(
    workbook: Any, formats: ReportFormats, report: MonthlyReport
) -> tuple[ReportSheet, list[ChartBlock]]:
    """Each chart's categories and series as a small table: what the charts plot, readable and printable."""
    sheet = ReportSheet(workbook, formats, CHART_DATA_SHEET)
    widest = max((1 + len(chart.series) for chart in report.charts), default=2)
    sheet.title(0, "图表数据（汇总页图表所用的数字）", max(widest, 3), formats.title)
    blocks = []
    row = 2
    for chart in report.charts:
        sheet.write(row, 0, chart.title, "text", "bold")
        sheet.header(row + 1, ["类别", *(name for name, _ in chart.series)])
        first = row + 2
        for index, category in enumerate(chart.categories):
            sheet.write(first + index, 0, category, "text")
            for column, (_, values) in enumerate(chart.series, start=1):
                sheet.write(first + index, column, values[index] if index < len(values) else None, "count")
        last = first + max(len(chart.categories), 1) - 1
        blocks.append(ChartBlock(chart, first, last))
        row = last + 3
    sheet.fit_columns(widest)
    sheet.print_setup(header_rows=(0, 0), title=report_title(report), freeze=(1, 0))
    return sheet, blocks


def write_definitions(workbook: Any, formats: ReportFormats, report: MonthlyReport) -> ReportSheet:
    """口径说明: what each indicator counts, in words, and the version of that wording."""
    sheet = ReportSheet(workbook, formats, DEFINITIONS_SHEET)
    sheet.title(0, f"{report_title(report)} · 口径说明（{report.definition_version}）", 3, formats.title)
    sheet.header(1, ["指标", "口径版本", "说明"])
    row = 2
    for definition in report.definitions:
        sheet.write(row, 0, definition.name, "text", "wrap")
        sheet.write(row, 1, definition.version, "text", "wrap")
        sheet.wrapped(row, 2, definition.text, DEFINITION_TEXT_WIDTH)
        row += 1
    if not report.definitions:
        sheet.title(row, "（本报告没有附口径说明）", 3, formats.note)
    sheet.fit_columns(2)
    sheet.sheet.set_column(2, 2, DEFINITION_TEXT_WIDTH)
    sheet.print_setup(header_rows=(0, 1), title=report_title(report), freeze=(2, 1))
    return sheet
