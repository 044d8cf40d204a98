"""汇总, the first sheet of the monthly report: every figure and indicator with its target, last month, the
same month last year and a 达标 mark, then the native charts (on a page of their own when printed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from imports.report_cells import PIXELS_PER_WIDTH, ReportFormats, ReportSheet, unit_kind
from imports.report_sheets import ChartBlock, report_title
from workbench.domain.report_model import MonthlyReport, SummaryLine

SUMMARY_SHEET = "汇总"
SUMMARY_HEADERS = ["指标", "单位", "本月", "目标", "达标", "上月", "环比", "去年同月", "同比", "说明"]
VALUE_COLUMN = 2
HEADER_ROW = 3
FIRST_LINE_ROW = HEADER_ROW + 1
NO_DATA = "暂无数据"
MET, NOT_MET = "达标", "未达标"
EXPLANATION_WIDTH = 36  # the 说明 column wraps: a long reason would otherwise shrink the whole page
LINES_ON_ONE_PAGE = 24  # summary lines that fit on the first A4 landscape page under the title
CHART_HEIGHT = 300  # pixels
_CHART_TYPES = {"line": "line", "bar": "column", "pie": "pie"}


def growth(value: float | None, before: float | None, unit: str) -> float | None:
    """环比 / 同比 as a ratio; none for a rate (a rate's change is read from the two rates beside it) or
    when either side is missing or the earlier one is 0 (no growth rate from nothing)."""
    if unit == "%" or value is None or before is None or before == 0:
        return None
    return (value - before) / before


def explanation(line: SummaryLine, report: MonthlyReport) -> str:
    """The 说明 cell: why a figure is 暂无数据 (or a rate's counts), and which definition (and version) it follows."""
    parts = []
    if line.value is None:
        parts.append(line.missing_reason or "缺少计算所需的数据")
    elif line.numerator is not None and line.denominator is not None:
        parts.append(f"{line.numerator:,} ÷ {line.denominator:,}")  # the counts behind a rate
    definition = next((item for item in report.definitions if item.code == line.definition_code), None)
    if definition is not None:
        parts.append(f"口径：{definition.name}（{definition.version}）")
    elif line.definition_code:
        parts.append(f"口径：{report.definition_version}")
    return "；".join(parts)


@dataclass(frozen=True)
class ChartPlace:
    """Where the charts go on 汇总: below the table, on a page of their own, as wide as the table."""

    row: int
    width: int  # pixels


def write_summary(
    workbook: Any, formats: ReportFormats, report: MonthlyReport
) -> tuple[ReportSheet, dict[str, str], ChartPlace]:
    """The sheet, the cell each line's value is in (C5 …) for the machine sheet's cell check, and where the
    charts go (they are inserted once 图表数据, the data they plot, is written)."""
    sheet = ReportSheet(workbook, formats, SUMMARY_SHEET)
    width = len(SUMMARY_HEADERS)
    sheet.title(0, report_title(report), width, formats.title)
    sheet.title(1, _subtitle(report), width, formats.subtitle)
    sheet.header(HEADER_ROW, SUMMARY_HEADERS)
    value_cells: dict[str, str] = {}
    row = FIRST_LINE_ROW
    for line in report.summary:
        kind = unit_kind(line.unit)
        sheet.write(row, 0, line.label, "text", "bold" if line.target is not None else "")
        sheet.write(row, 1, line.unit, "text")
        if line.value is None:
            sheet.write(row, VALUE_COLUMN, NO_DATA, "text", "muted")
        else:
            sheet.write(row, VALUE_COLUMN, line.value, kind)
            value_cells[line.code] = xl_rowcol_to_cell(row, VALUE_COLUMN)
        sheet.write(row, 3, line.target, kind)
        if line.met is not None:
            sheet.write(row, 4, MET if line.met else NOT_MET, "text", "good" if line.met else "bad")
        else:
            sheet.write(row, 4, None)
        sheet.write(row, 5, line.last_month, kind)
        sheet.write(row, 6, growth(line.value, line.last_month, line.unit), "growth")
        sheet.write(row, 7, line.same_month_last_year, kind)
        sheet.write(row, 8, growth(line.value, line.same_month_last_year, line.unit), "growth")
        sheet.wrapped(row, 9, explanation(line, report), EXPLANATION_WIDTH)
        row += 1
    sheet.title(row + 1, f"达标：本月数值达到目标。{NO_DATA}：缺少计算所需的数据（原因见说明列），不是 0。"
                "上月取自上月出具时的数字。", width, formats.note)
    widths = sheet.fit_columns(width - 1)
    sheet.sheet.set_column(width - 1, width - 1, EXPLANATION_WIDTH)
    widths.append(EXPLANATION_WIDTH)
    place = ChartPlace(row + 3, sum(widths) * PIXELS_PER_WIDTH)
    if report.charts:
        sheet.sheet.set_h_pagebreaks([place.row])  # the charts print on a page of their own
    # The title lines repeat on every page; the header row too when the lines run onto a second page (when
    # they fit on one, it would only be printed again above the charts).
    repeated = (0, HEADER_ROW) if len(report.summary) > LINES_ON_ONE_PAGE else (0, 1)
    sheet.print_setup(header_rows=repeated, title=report_title(report), freeze=(FIRST_LINE_ROW, 1))
    return sheet, value_cells, place


def insert_charts(
    workbook: Any, sheet: ReportSheet, blocks: list[ChartBlock], data_sheet: str, place: ChartPlace
) -> None:
    """Two charts side by side (the table's width between them), the next pair below."""
    chart_width = max(360, place.width // 2 - 10)
    rows_per_chart = CHART_HEIGHT // 20 + 2  # default row height is 20 pixels
    for index, block in enumerate(blocks):
        made = _make_chart(workbook, block, data_sheet)
        made.set_size({"width": chart_width, "height": CHART_HEIGHT})
        place_row = place.row + (index // 2) * rows_per_chart
        x_offset = (index % 2) * (chart_width + 10)
        sheet.sheet.insert_chart(place_row, 0, made, {"x_offset": x_offset, "y_offset": 5})


def _subtitle(report: MonthlyReport) -> str:
    issued = (
        f"第 {report.issue_number} 次出具：{report.issued_at:%Y-%m-%d %H:%M}"
        if report.issue_number and report.issued_at
        else "草稿：尚未出具，数字可能变动"
    )
    return f"所代码：{report.office_code}　口径：{report.definition_version}　{issued}"


def _make_chart(workbook: Any, block: ChartBlock, data_sheet: str) -> Any:
    chart_spec = block.chart
    made = workbook.add_chart({"type": _CHART_TYPES[chart_spec.kind]})
    for column, (name, _values) in enumerate(chart_spec.series, start=1):
        series: dict[str, Any] = {
            "name": name,
            "categories": [data_sheet, block.first_row, 0, block.last_row, 0],
            "values": [data_sheet, block.first_row, column, block.last_row, column],
        }
        if chart_spec.kind == "pie":
            series["data_labels"] = {"percentage": True, "category": True, "leader_lines": True}
        elif chart_spec.kind == "bar":
            series["data_labels"] = {"value": True}
        else:
            series["marker"] = {"type": "circle", "size": 4}
        made.add_series(series)
    made.set_title({"name": chart_spec.title, "name_font": {"size": 12, "bold": True}})
    if chart_spec.kind == "pie":
        made.set_legend({"position": "right"})
    else:
        made.set_legend({"position": "bottom"})
        made.set_x_axis({"num_font": {"rotation": -45 if len(chart_spec.categories) > 12 else 0}})
    return made
