"""重新分型: a dry run shows who would move ("37 户 成长型 -> 发展型") before F8 writes it, in a worker.

Underneath, the current distribution by 网格 or 包联干部 (F6), of tiers or size classes (F7).
F5 re-reads the rules file and tries again; a faulty override is reported and the last good rules used.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.latest_read import LatestRead
from screens.preview_gate import PreviewGate
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.classification_report import RecomputeReport
from workbench.services.classification_stats import Distribution


class RecomputeDone(Message):
    def __init__(self, report: RecomputeReport) -> None:
        super().__init__()
        self.report = report


class RecomputeProgress(Message):
    def __init__(self, done: int, dry_run: bool) -> None:
        super().__init__()
        self.done = done
        self.dry_run = dry_run


class DistributionLoaded(Message):
    def __init__(self, found: Distribution, asked: int) -> None:
        super().__init__()
        self.found = found
        self.asked = asked


class ClassifyScreen(WorkbenchScreen[None]):
    """Preview, then commit, a recompute of the whole office; and the distribution by grid or officer."""

    SCOPE = "classify"
    BINDINGS = bindings("classify")
    AUTO_FOCUS = "#classify-moves"
    DEFAULT_CSS = """
    ClassifyScreen #classify-status { height: auto; padding: 0 1; }
    ClassifyScreen #classify-top { height: 12; }
    ClassifyScreen #classify-counts { width: 34; }
    ClassifyScreen #classify-moves { width: 1fr; }
    ClassifyScreen #classify-distribution-title { padding: 0 1; color: $accent; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.preview: RecomputeReport | None = None
        self.busy = False
        self.by = "grid"
        self.measure = "tier"
        self.distribution_reads = LatestRead()
        """F6 / F7 during a read start another: only the last one's table is shown (screens/latest_read.py)."""
        self.preview_gate = PreviewGate(self, "（试算结果）")

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("正在试算", id="classify-status")
        with Horizontal(id="classify-top"):
            yield TextTable(id="classify-counts", cursor_type="none", zebra_stripes=True)
            yield TextTable(id="classify-moves", cursor_type="row", zebra_stripes=True)
        yield Static("", id="classify-distribution-title")
        yield TextTable(id="classify-distribution", cursor_type="row", zebra_stripes=True)
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    @property
    def rules(self) -> LoadedRules[TierRules]:
        return self.workbench.settings.classification

    # the recompute

    def action_refresh(self) -> None:
        """F5: re-read the rules file and run the dry run again."""
        if self.busy:
            return
        self.workbench.settings.reload_classification()
        self.preview = None
        self.preview_gate.hidden()
        self._start(dry_run=True)
        self._load_distribution(self.workbench.actor, self.by, self.measure)

    def action_commit(self) -> None:
        """F8: write what the preview showed (recomputed in the same transaction, so nothing is stale)."""
        if self.busy and self.preview is not None:
            return  # the write under way
        if self.preview is None:
            waiting = "请先看完预览再确认（试算还没有完成）" if self.busy else "没有待写入的试算结果：按 F5 重新试算"
            self.notify(waiting, severity="warning")
            return
        if not self.preview_gate.allows():
            return
        self.preview_gate.hidden()
        self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        self.busy = True
        verb = "正在试算" if dry_run else "正在写入"
        self.query_one("#classify-status", Static).update(f"{verb}（规则版本 {self.rules.version}）…")
        self._run(self.workbench.actor, self.rules, dry_run)

    @work(thread=True, exclusive=True, exit_on_error=False, group="classify", description="重新分型")
    def _run(self, actor: Actor, rules: LoadedRules[TierRules], dry_run: bool) -> None:
        def progress(done: int) -> None:
            self.post_message(RecomputeProgress(done, dry_run))

        report = self.workbench.gateway.classification.recompute(
            actor, rules=rules, today=self.workbench.today(), dry_run=dry_run, progress=progress
        )
        self.post_message(RecomputeDone(report))

    def on_recompute_progress(self, message: RecomputeProgress) -> None:
        if self.busy:
            verb = "正在试算" if message.dry_run else "正在写入"
            self.query_one("#classify-status", Static).update(f"{verb}：已算 {message.done:,} 户 …")

    def on_recompute_done(self, message: RecomputeDone) -> None:
        self.busy = False
        report = message.report
        status = Text(report.summary)
        if report.dry_run:
            self.preview = report
            status.append("\n以上为试算，尚未写入。", "bold")
            status.append("  F8 确认写入    F5 重读规则再试算    Esc 返回", "dim")
        else:
            self.preview = None
            self.workbench.data_changed()
            status.append(f"\n已写入（用时 {report.seconds:.1f} 秒）。", "bold green")
            self._load_distribution(self.workbench.actor, self.by, self.measure)
        self.query_one("#classify-status", Static).update(status)
        self._show_report(report)
        if report.dry_run:
            self.preview_gate.shown()

    def worker_failed(self, _worker: Any, error: BaseException) -> None:
        self.busy = False
        self.query_one("#classify-status", Static).update("没有完成，数据库未改动。")
        self.workbench.show_error(error)

    def _show_report(self, report: RecomputeReport) -> None:
        counts = self.query_one("#classify-counts", DataTable)
        counts.clear(columns=True)
        counts.add_columns("分类", "户数")
        for label, number in report.tier_table() + report.size_table():
            counts.add_row(label, Text(f"{number:,}", justify="right"))
        moves = self.query_one("#classify-moves", DataTable)
        moves.clear(columns=True)
        moves.add_columns("变动" if report.dry_run else "已变动")
        for move in report.moves:
            moves.add_row(move.text)
        if not report.moves:
            moves.add_row("（没有变动）")

    # the distribution

    def action_toggle_by(self) -> None:
        self.by = "officer" if self.by == "grid" else "grid"
        self._load_distribution(self.workbench.actor, self.by, self.measure)

    def action_toggle_measure(self) -> None:
        self.measure = "size_class" if self.measure == "tier" else "tier"
        self._load_distribution(self.workbench.actor, self.by, self.measure)

    def _load_distribution(self, actor: Actor, by: str, measure: str) -> None:
        self._read_distribution(self.distribution_reads.ask(), actor, by, measure)

    @work(thread=True, exclusive=True, exit_on_error=False, group="classify-distribution", description="分布")
    def _read_distribution(self, asked: int, actor: Actor, by: str, measure: str) -> None:
        found = self.workbench.gateway.classification.distribution(actor, by=by, measure=measure)
        self.post_message(DistributionLoaded(found, asked))

    def on_distribution_loaded(self, message: DistributionLoaded) -> None:
        if not self.distribution_reads.is_latest(message.asked):
            return  # a slower earlier read (before F6 / F7 or the write)
        found = message.found
        by = "网格" if found.by == "grid" else "包联干部"
        what = "三型" if found.measure == "tier" else "规模"
        self.query_one("#classify-distribution-title", Static).update(
            f"当前{what}分布（按{by}，已写入的结果）    F6 按网格 / 按干部    F7 三型 / 规模"
        )
        table = self.query_one("#classify-distribution", DataTable)
        table.clear(columns=True)
        table.add_columns(by, *found.columns, "合计")
        for row in found.rows:
            table.add_row(row.name, *(Text(f"{n:,}", justify="right") for n in (*row.counts, row.total)))
        if not found.rows:
            table.add_row("（还没有分型结果：按 F8 写入后显示）", *([""] * (len(found.columns) + 1)))

    def action_back(self) -> None:
        self.dismiss(None)
