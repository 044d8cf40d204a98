"""One chart of the 统计看板: a title with its legend, then a plotext line plot (a series over months) or
block-character bars (categories; see screens.dashboard_view for why those are not plotext's)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

from screens.dashboard_view import PLOTEXT_COLORS, bars, legend, month_ticks
from workbench.domain.report_model import Chart

COLUMNS_PER_LABEL = 9  # a 5-character month label with room on both sides
Y_LABELS = 6  # the count labels and the frame left of the plotting area


class MonthPlot(PlotextPlot):
    """A line plot over months whose axis labels are chosen for the width it is drawn at.

    plotext skips a label that would touch another one, and which it skips depends on the order of a
    set (string hashes differ per run): so the labels are spaced to always fit, measured at render time.
    """

    months: tuple[str, ...] = ()

    def render(self) -> RenderResult:
        most = max(2, (self.size.width - Y_LABELS) // COLUMNS_PER_LABEL)
        ticks, labels = month_ticks(self.months, most)
        self.plt.xticks([float(tick) for tick in ticks], labels)
        return super().render()


class ChartView(Vertical):
    DEFAULT_CSS = """
    ChartView { height: 1fr; padding: 0 1; }
    ChartView .chart-title { height: 1; }
    ChartView PlotextPlot { height: 1fr; }
    ChartView .chart-bars { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", classes="chart-title")
        yield MonthPlot()
        yield Static("", classes="chart-bars")

    def show(self, chart: Chart, number: str) -> None:
        title = self.query_one(".chart-title", Static)
        plot = self.query_one(MonthPlot)
        body = self.query_one(".chart-bars", Static)
        heading = legend(chart) if chart.kind == "line" else None
        shown_title = f"{chart.title}" + (f"（{number}，按数字键换图）" if number else "")
        title.update(shown_title if heading is None else Text.assemble((shown_title, "bold"), "  ", heading))
        if chart.kind == "line":
            plot.display, body.display = True, False
            plt = plot.plt
            plt.clear_data()
            plt.clear_figure()
            positions = list(range(len(chart.categories)))
            for index, (_name, values) in enumerate(chart.series):
                plt.plot(positions, list(values), color=PLOTEXT_COLORS[index % len(PLOTEXT_COLORS)], marker="braille")
            highest = max((max(values, default=0) for _name, values in chart.series), default=0)
            plt.ylim(0, max(1, highest))  # counts: from 0 up, never a -1 axis for a quiet month
            plot.months = chart.categories
            plot.refresh()
        else:
            plot.display, body.display = False, True
            body.update(bars(chart, max(20, self.size.width - 2), percent=chart.title.startswith("活跃度")))
