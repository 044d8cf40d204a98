"""What the 统计看板 shows, as text: the indicator lines in order, their values in words, the bar charts, and
which 明细 rows stand behind a line. Plain functions over workbench.domain.report_model, so the dashboard
shows exactly what the workbook and `workbench report monthly --json` show, and so they are tested alone.

Category charts (三型分布, 诉求办结, 活跃度分网格) are drawn here with block characters rather than by
plotext: plotext counts a Chinese character as one cell, so Chinese category names break its frame. The
time series (新设与注销) goes to plotext with numbers and months only, and its legend is drawn here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from screens.format import fit_cells, money_text
from workbench.domain.report_model import Chart, MonthlyReport, Number, SummaryLine, Table

NO_DATA = "暂无数据"
BLOCKS = " ▏▎▍▌▋▊▉█"
SERIES_STYLES = ("green", "red", "cyan", "yellow")
PLOTEXT_COLORS = ("green", "red", "cyan", "yellow")

# A summary line's 明细: the 事项 of the 明细 rows that make up its number.
DRILL_ITEMS: dict[str, str] = {
    "flow.new": "新设",
    "flow.deregistered": "注销",
    "flow.revoked": "吊销",
    "flow.cancelled": "撤销",
    "flow.moved_in": "迁入",
    "flow.moved_out": "迁出",
    "first_loan.month": "首贷",
    "conversion.month": "个转企",
}
# The 户次 behind the 双随机 lines (counted when asked): line -> (year to date, 双随机 inspections only).
INSPECTION_LINES: dict[str, tuple[bool, bool]] = {
    "indicator.random_share": (False, False),
    "indicator.random_share_ytd": (True, False),
    "indicator.joint_share": (False, True),
    "indicator.joint_share_ytd": (True, True),
}
DETAIL_SHEET = "明细"
GRID_SHEET = "分网格"
OFFICER_SHEET = "分干部"


def ordered_lines(report: MonthlyReport) -> list[SummaryLine]:
    """The indicators with a target first (what the 所长 looks at), then the rest in the report's order."""
    with_target = [line for line in report.summary if line.target is not None]
    return with_target + [line for line in report.summary if line.target is None]


def value_text(value: Number | None, unit: str) -> str:
    if value is None:
        return NO_DATA
    if unit == "%":
        return f"{value * 100:.1f}%"
    if unit == "元":
        return money_text(round(value))
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def met_text(line: SummaryLine) -> Text:
    """达标 ✓ in green, 未达标 in red, nothing where there is no target or no value."""
    if line.met is None:
        return Text("")
    return Text("达标 ✓", style="bold green") if line.met else Text("未达标", style="bold red")


def line_cells(line: SummaryLine, label_cells: int) -> tuple[str | Text, ...]:
    value = value_text(line.value, line.unit)
    shown = Text(value, style="dim" if line.value is None else ("green" if line.met else "red" if line.met is False else ""))
    return (
        fit_cells(line.label, label_cells),
        shown,
        value_text(line.target, line.unit) if line.target is not None else "",
        met_text(line),
        value_text(line.last_month, line.unit) if line.last_month is not None else "",
        value_text(line.same_month_last_year, line.unit) if line.same_month_last_year is not None else "",
    )


def line_hint(line: SummaryLine, report: MonthlyReport) -> str:
    """Under the table: whether Enter lists the 户 (first: the hint has two lines), why a value is missing,
    and the definition of an indicator."""
    parts = []
    if line.code in DRILL_ITEMS:
        parts.append("Enter：查看逐户明细")
    elif line.code == "indicator.active_rate" and line.value is not None:
        parts.append("Enter：列出未计入活跃的户及原因")
    elif line.code in INSPECTION_LINES and line.denominator:
        parts.append("Enter：列出检查户次")
    if line.value is None and line.missing_reason:
        parts.append(line.missing_reason)
    definition = next((item for item in report.definitions if item.code == line.definition_code), None)
    if definition is not None:
        # Without spaces: the terminal then breaks the line where it is full, not at the last space before a
        # long run of Chinese (which Rich keeps whole, as if it were one word).
        parts.append(f"口径（{''.join(definition.version.split())}）：{''.join(definition.text.split())}")
    return "；".join(parts) or line.label


def table_named(report: MonthlyReport, sheet: str) -> Table | None:
    return next((table for table in report.tables if table.sheet == sheet), None)


def drill_rows(report: MonthlyReport, code: str) -> list[tuple[object, ...]]:
    """The 明细 rows behind a summary line (its 事项), in the report's order; [] when it has none."""
    item = DRILL_ITEMS.get(code)
    detail = table_named(report, DETAIL_SHEET)
    if item is None or detail is None:
        return []
    return [row for row in detail.rows if row and row[0] == item]


@dataclass(frozen=True)
class Slice:
    """One row of 分网格 or 分干部: the dashboard filtered to a grid or an officer."""

    sheet: str
    name: str
    cells: tuple[tuple[str, str], ...]  # (column title, value as text)


def slices(report: MonthlyReport, sheet: str) -> list[Slice]:
    table = table_named(report, sheet)
    if table is None:
        return []
    found = []
    for row in table.rows:
        cells = tuple(
            (column.title, _cell_text(value, column.kind)) for column, value in zip(table.columns[1:], row[1:], strict=False)
        )
        found.append(Slice(sheet, str(row[0]), cells))
    return found


def _cell_text(value: object, kind: str) -> str:
    if value is None:
        return NO_DATA if kind == "percent" else ""
    if kind == "percent" and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if kind == "money" and isinstance(value, int | float):
        return money_text(round(value))
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def active_by_grid(report: MonthlyReport) -> Chart | None:
    """活跃度 per grid, from 分网格's 活跃度 column (the dashboard's fourth chart); None without one."""
    table = table_named(report, GRID_SHEET)
    if table is None:
        return None
    column = next((index for index, column in enumerate(table.columns) if column.title == "活跃度"), None)
    if column is None:
        return None
    rows = [(str(row[0]), row[column]) for row in table.rows]
    known = [(name, value) for name, value in rows if isinstance(value, int | float)]
    if not known:
        return None
    return Chart(
        "活跃度（分网格）", "bar", tuple(name for name, _v in known), (("活跃度", tuple(v for _n, v in known)),)
    )


def dashboard_charts(report: MonthlyReport) -> list[Chart]:
    charts = list(report.charts)
    if (by_grid := active_by_grid(report)) is not None:
        charts.append(by_grid)
    return charts


def legend(chart: Chart) -> Text:
    text = Text()
    for index, (name, _values) in enumerate(chart.series):
        text.append("━━ ", style=SERIES_STYLES[index % len(SERIES_STYLES)])
        text.append(f"{name}  ")
    return text


def bars(chart: Chart, width: int, percent: bool = False) -> Text:
    """Horizontal bars, one line per category (and series): the name, a bar scaled to the largest, the value."""
    entries = [
        (category if len(chart.series) == 1 else f"{category}·{name}", values[index], series_index)
        for index, category in enumerate(chart.categories)
        for series_index, (name, values) in enumerate(chart.series)
        if index < len(values)
    ]
    if not entries:
        return Text(NO_DATA, style="dim")
    name_cells = min(12, max(_cells(name) for name, _v, _s in entries))
    # A rate is drawn against 100 %, so 68 % and 71 % do not look alike; counts against the largest.
    largest = 1 if percent else max((abs(value) for _n, value, _s in entries), default=0) or 1
    value_texts = [f"{value * 100:.1f}%" if percent else f"{value:,}" for _n, value, _s in entries]
    value_cells = max(len(text) for text in value_texts)
    room = max(4, width - name_cells - value_cells - 3)
    text = Text()
    for (name, value, series_index), shown in zip(entries, value_texts, strict=True):
        eighths = round(abs(value) / largest * room * 8)
        bar = BLOCKS[-1] * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")
        fitted = fit_cells(name, name_cells)
        text.append(fitted + " " * (name_cells - _cells(fitted) + 1))
        text.append(bar.ljust(room), style=SERIES_STYLES[series_index % len(SERIES_STYLES)])
        text.append(f" {shown.rjust(value_cells)}\n")
    if not any(value for _n, value, _s in entries):
        text.append("（本期各项均为 0）", style="dim")
    text.rstrip()  # no empty line under the last bar
    return text


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def month_ticks(categories: tuple[str, ...], most: int) -> tuple[list[int], list[str]]:
    """Every few months' labels along the axis (2025-11 → 25-11), at most `most` of them."""
    if not categories:
        return [], []
    step = max(1, -(-len(categories) // max(1, most)))
    positions = list(range(0, len(categories), step))
    return positions, [categories[index][2:] if len(categories[index]) == 7 else categories[index] for index in positions]
