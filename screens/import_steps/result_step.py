"""Step 5, 导入: the commit's progress bar, then what was written (or that nothing was)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from screens.format import paragraph_text


class ResultStep(Vertical):
    """While committing: the stage and a bar (Esc cancels); afterwards one paragraph and what to do next."""

    def compose(self) -> ComposeResult:
        yield Static("", id="import-commit-stage")
        yield ProgressBar(id="import-commit-progress", show_eta=False)
        yield Static("", id="import-result", markup=False)
        yield Static("", id="import-result-hint", classes="import-hint")

    def running(self, stage: str) -> None:
        self.set_class(True, "-running")
        self.query_one("#import-commit-stage", Static).update(
            f"正在导入：{stage}…（按 Esc 取消，已处理的也会全部撤销）"
        )

    def progress(self, done: int, total: int | None, stage: str) -> None:
        self.running(stage)
        self.query_one(ProgressBar).update(total=total, progress=done)

    def finished(self, text: str, hint: str) -> None:
        self.set_class(False, "-running")
        self.query_one("#import-result", Static).update(paragraph_text(text))
        self.query_one("#import-result-hint", Static).update(hint)
