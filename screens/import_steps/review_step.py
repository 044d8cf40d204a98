"""Step 4, 试导入: a progress bar while the dry run reads, then the summary and lists to browse.

The lists (rows with problems, field-level updates, possible duplicates, name matches) are built as
plain rows in the worker by `review_rows`, so a 100,000-row plan does not stall the screen; each list
shows at most SHOWN rows and says where the rest are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, ProgressBar, Static, TabbedContent, TabPane

from imports.assignment_text import assignment_text
from imports.list_plan import ListPlan
from imports.plan import ImportPlan, RowKind
from screens.format import paragraph_text
from screens.import_steps.mapping_step import clip
from screens.widgets.text_table import TextTable

SHOWN = 1000
TABS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("invalid", "1 错误行", ("工作表", "行", "列", "值", "原因")),
    ("updates", "2 将更新", ("行", "名称", "字段", "原值", "新值")),
    ("duplicates", "3 疑似重复", ("行", "名称", "地址", "文件中的代码", "登记簿中的代码")),
    ("names", "4 名称对应", ("行", "名称", "经营者 / 代码", "将更新")),
)


@dataclass
class ReviewRows:
    """What each list shows (cells as text), and the full sentence for each problem row."""

    tables: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    warnings: int = 0
    """Of the problems, how many are warnings only (the row is imported all the same)."""


def review_rows(plan: ImportPlan) -> ReviewRows:
    """The four lists of the review step, each cut at SHOWN rows (totals say how many there are)."""
    review = ReviewRows()
    problems = [problem for outcome in plan.outcomes if outcome.problems for problem in outcome.problems]
    problems.sort(key=lambda problem: not problem.blocking)  # errors first, then warnings; each in file order
    review.totals["invalid"] = len(problems)
    review.warnings = sum(1 for problem in problems if not problem.blocking)
    review.tables["invalid"] = [
        (
            clip(problem.sheet, 10),
            str(problem.row),
            clip(f"{problem.column} {problem.column_header}".strip(), 16),
            clip(problem.raw_value, 14),
            ("" if problem.blocking else "提示：") + problem.reason,
        )
        for problem in problems[:SHOWN]
    ]
    review.messages = [
        problem.message() + ("" if problem.blocking else "（提示，本行照常导入）")
        for problem in problems[:SHOWN]
    ]
    changes = [
        (outcome, change) for outcome in plan.outcomes_of(RowKind.UPDATE) for change in outcome.changes
    ]
    review.totals["updates"] = len(changes)
    review.tables["updates"] = [
        (
            str(outcome.row_number),
            clip(outcome.name, 20),
            change.label,
            clip(change.before, 16),
            clip(change.after, 16),
        )
        for outcome, change in changes[:SHOWN]
    ]
    review.totals["duplicates"] = len(plan.possible_duplicates)
    review.tables["duplicates"] = [
        (str(item.row_number), clip(item.name, 20), clip(item.address, 20), item.code, item.existing_code)
        for item in plan.possible_duplicates[:SHOWN]
    ]
    review.totals["names"] = len(plan.name_matches)
    review.tables["names"] = [
        (
            str(item.row_number),
            clip(item.name, 20),
            clip(item.code, 18),
            "、".join(change.label for change in item.changes) or "无变化",
        )
        for item in plan.name_matches[:SHOWN]
    ]
    return review


def confirm_question(plan: ImportPlan) -> str:
    """What the confirm dialog asks: the counts that will be written and those that will not."""
    counts = plan.counts
    left_out = sum(
        counts[kind] for kind in (RowKind.INVALID, RowKind.DUPLICATE, RowKind.SKIPPED, RowKind.NAME_MATCH)
    )
    return (
        f"将新增 {counts[RowKind.NEW]:,} 户、更新 {counts[RowKind.UPDATE]:,} 户（无变化 {counts[RowKind.UNCHANGED]:,} 户；"
        f"有错误、重复、跳过或待确认的 {left_out:,} 行不导入）。\n确认导入吗？"
    )


class ReviewStep(Vertical):
    """Progress while the dry run works; afterwards the summary, the four lists and the problem under the cursor."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.review: ReviewRows | None = None
        self.filled: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static("", id="import-review-stage")
        yield ProgressBar(id="import-review-progress", show_eta=False)
        yield Static("", id="import-summary", markup=False)
        with TabbedContent(id="import-review-tabs"):
            for tab, title, _headers in TABS:
                with TabPane(title, id=tab):
                    yield TextTable(id=f"import-{tab}", cursor_type="row", zebra_stripes=True)
        yield Static("", id="import-problem", markup=False)
        yield Static("F8 确认导入  Ctrl+E 保存错误行  1-4 切换列表  Esc 返回修改", classes="import-hint")

    def running(self, stage: str) -> None:
        """The dry run has started (or moved on to `stage`): show the bar, hide the results."""
        self.query_one("#import-review-stage", Static).update(f"{stage}…（按 Esc 取消，不会写入任何数据）")
        self.set_class(True, "-running")

    def progress(self, done: int, total: int | None, stage: str) -> None:
        self.running(stage)
        self.query_one(ProgressBar).update(total=total, progress=done)

    def show(self, plan: ImportPlan | ListPlan, review: ReviewRows) -> None:
        """The summary and the tab labels at once; each list is filled when its tab is first shown."""
        self.set_class(False, "-running")
        summary = plan.summary_text()
        if isinstance(plan, ImportPlan):  # a registration list: where its new businesses go
            summary += assignment_text(
                plan, reassign_hint="要改派请在上一步勾选「库里已有的主体也按此改派」",
                none_hint="可在上一步选择包联给谁，或在列表中批量改派",
            )
        if any(len(review.tables[tab]) < review.totals[tab] for tab, _title, _headers in TABS):
            summary += f"每个列表最多列出前 {SHOWN:,} 条；全部问题见错误行工作簿（Ctrl+E 保存）。"
        self.query_one("#import-summary", Static).update(paragraph_text(summary))
        self.review, self.filled = review, set()
        tabs = self.query_one(TabbedContent)
        for tab, title, _headers in TABS:
            label = f"{title} {review.totals[tab]:,}"
            if tab == "invalid" and review.warnings:
                label = f"{title} {review.totals[tab] - review.warnings:,}，提示 {review.warnings:,}"
            tabs.get_tab(tab).label = label  # type: ignore[assignment]
        self.query_one("#import-problem", Static).update(
            paragraph_text(review.messages[0]) if review.messages else ""
        )
        self.show_tab(next((tab for tab, _title, _headers in TABS if review.tables[tab]), "invalid"))

    def show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._fill(tab)
        self.query_one(f"#import-{tab}", DataTable).focus()

    @on(TabbedContent.TabActivated, "#import-review-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = str(event.pane.id)
        self._fill(tab)
        self.query_one("#import-problem", Static).display = tab == "invalid"

    def _fill(self, tab: str) -> None:
        if self.review is None or tab in self.filled:
            return
        self.filled.add(tab)
        table: DataTable[str] = self.query_one(f"#import-{tab}", DataTable)
        table.clear(columns=True)
        table.add_columns(*next(headers for name, _title, headers in TABS if name == tab))
        table.add_rows(self.review.tables[tab])

    @on(DataTable.RowHighlighted, "#import-invalid")
    def _problem_highlighted(self, event: DataTable.RowHighlighted) -> None:
        messages = self.review.messages if self.review else []
        if 0 <= event.cursor_row < len(messages):
            self.query_one("#import-problem", Static).update(paragraph_text(messages[event.cursor_row]))
