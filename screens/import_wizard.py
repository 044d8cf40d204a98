"""The import wizard: choose a file, check sheet and columns, choose a mode, dry run, confirm, commit.

Nothing is written before the last step. Esc steps back (or cancels the work under way); F8 goes on.
Reading, the dry run and the commit run in thread workers that only post messages.
"""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import ContentSwitcher, Header, Static
from textual.worker import Worker

from imports.columns import ColumnMapping
from imports.errors import ImportCancelled, ImportConflict
from imports.list_plan import ListPlan
from imports.parse import ParsedFile
from imports.plan import ImportPlan
from imports.profiles import list_profiles, save_profile
from imports.source import SourceFile
from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.format import plain
from screens.import_steps import jobs
from screens.import_steps.dialogs import ProfileNameDialog
from screens.import_steps.file_step import FileStep, start_folder
from screens.import_steps.list_review import list_confirm_question, name_match_question
from screens.import_steps.mapping_step import MappingStep
from screens.import_steps.mode_step import ModeStep
from screens.import_steps.package_offer import offer_package_action
from screens.import_steps.result_step import ResultStep
from screens.import_steps.review_step import ReviewStep, confirm_question
from screens.import_steps.steps import FOCUS, MISSING_COLUMNS, STEP_KEYS, STEPS, step_title
from screens.latest_read import LatestRead
from screens.preview_gate import PreviewGate
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.footer import WorkbenchFooter
from workbench.domain.labels import ImportKind


class ImportWizardScreen(WorkbenchScreen[bool]):
    """Answers True when something was written (the list then re-reads), else False."""

    SCOPE = "import"
    BINDINGS = bindings("import")
    AUTO_FOCUS = "#import-tree"

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder or start_folder()
        self.step = "file"
        self.job: str | None = None
        """The work under way (read, plan, commit, errors), if any."""
        self.cancel = threading.Event()
        self.file_reads = LatestRead()
        """Another file chosen while one is read: only the last one chosen is shown (screens/latest_read.py)."""
        self.parsed: ParsedFile | None = None
        self.sample: list[Any] = []
        self.mapping: ColumnMapping | None = None
        """The mapping a person changed by hand; None while the synonym table (or profile) decides."""
        self.profile: str | None = None
        self.kind: ImportKind | None = None
        """The kind of list the person chose; None while the headers tell it."""
        self.plan: ImportPlan | ListPlan | None = None
        self.finished = False
        self.written = False
        self.preview_gate = PreviewGate(self, "（试导入结果）")

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="import-step-title")
        with ContentSwitcher(initial="step-file", id="import-steps"):
            yield FileStep(self.folder, id="step-file")
            yield MappingStep(id="step-mapping")
            yield ModeStep(id="step-mode")
            yield ReviewStep(id="step-review")
            yield ResultStep(id="step-result")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self._show_step("file")

    def _show_step(self, step: str) -> None:
        self.step = step
        title = self.parsed.shape.title if self.parsed is not None and step != "file" else "登记名录"
        self.query_one("#import-step-title", Static).update(step_title(step, title))
        self.query_one(ContentSwitcher).current = f"step-{step}"
        if step in FOCUS:
            self.query_one(FOCUS[step]).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next" and self.step == "review" and self.job == "plan":
            return True  # F8 during the dry run is answered: 请先看完预览再确认
        if action in ("next", "save_profile", "save_errors", "show_tab"):
            return action in STEP_KEYS[self.step] and self.job is None
        return True

    @property
    def _profiles(self) -> Path:
        """Named column mappings live in the office's config folder, beside its other settings."""
        return self.workbench.settings.import_profiles

    def _start(self, job: str, work: Any, description: str, post: jobs.Post | None = None) -> None:
        self.job = job
        self.run_worker(
            partial(work, post or self.post_message),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="import",
            description=description,
        )
        self.refresh_bindings()

    def _stopped(self) -> None:
        self.job = None
        self.refresh_bindings()

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        """An unexpected error: the work stopped (a commit rolled back), so the person can step back or retry."""
        failed = self.job
        self._stopped()
        if failed == "plan":
            self._show_step(self._before_review())
        elif failed == "commit":
            self.query_one(ResultStep).finished("导入未完成，数据库没有任何改动。", "按 Esc 返回试导入结果。")
        super().worker_failed(worker, error)

    # steps 1 and 2: reading the file, choosing sheet, profile and columns

    @on(FileStep.Chosen)
    def _file_chosen(self, event: FileStep.Chosen) -> None:
        self.mapping, self.profile, self.kind = None, None, None
        self._read(event.path, None, None)

    def _read(self, file: Path | SourceFile, sheet: str | None, profile: str | None) -> None:
        """Read a chosen file from disk, or again (another sheet, profile or column) from its bytes."""
        name = file.path.name if isinstance(file, SourceFile) else file.name
        self.query_one(FileStep).show_error(f"正在读取「{name}」…")
        self._start(
            "read",
            partial(
                jobs.read_job,
                file=file,
                sheet=sheet,
                profile=profile,
                mapping=self.mapping,
                profiles=self._profiles,
                kind=self.kind,
                laptop_officer=self.workbench.gateway.sync.laptop_officer,
            ),
            "读取名录表头",
            partial(self._post_read_answer, self.file_reads.ask()),
        )

    def _post_read_answer(self, asked: int, answer: Message) -> None:
        """In the read's thread: its answer goes out numbered, and is looked at on the app's thread."""
        self.post_message(jobs.ReadAnswered(asked, answer))

    def on_read_answered(self, message: jobs.ReadAnswered) -> None:
        if self.file_reads.is_latest(message.asked):
            self.post_message(message.answer)  # else: a file chosen before the last one, read more slowly

    def on_file_read(self, message: jobs.FileRead) -> None:
        self._stopped()
        self.parsed, self.sample, self.profile = message.parsed, message.sample, message.profile
        self.query_one(FileStep).show_error("")
        self._show_mapping()
        if self.step in ("file", "mapping"):
            self._show_step("mapping")  # also when the kind changed: the title names it

    def on_package_picked(self, message: jobs.PackagePicked) -> None:
        self._stopped()
        self.query_one(FileStep).show_error("")
        offer_package_action(self, message.path, message.kind, message.laptop)

    def _show_mapping(self) -> None:
        assert self.parsed is not None
        profiles = list_profiles(self._profiles)
        self.query_one(MappingStep).show(self.parsed, self.sample, profiles, self.profile)

    def on_mapping_step_read_again(self, message: MappingStep.ReadAgain) -> None:
        if self.parsed is not None and self.job is None:
            self.mapping, self.kind = message.mapping, message.kind
            self._read(self.parsed.source, message.sheet, message.profile)

    def action_save_profile(self) -> None:
        if self.parsed is None:
            return
        mapping = self.parsed.mapping

        def named(name: str | None) -> None:
            if name:
                saved = save_profile(self._profiles, name, mapping)
                self.profile = name
                self._show_mapping()
                self.notify(f"已保存列对应方案「{name}」：{saved}")

        self.app.push_screen(ProfileNameDialog(self.profile or self.parsed.path.stem), named)

    # steps 3 and 4: the dry run and its review

    def _start_dry_run(self) -> None:
        assert self.parsed is not None
        step = self.query_one(ModeStep)
        self.cancel, self.plan = threading.Event(), None
        self.preview_gate.hidden()
        self._show_step("review")
        self.query_one(ReviewStep).running("正在试导入")
        if self.parsed.kind is not ImportKind.REGISTER:
            work = partial(jobs.list_plan_job, files=self.workbench.files, parsed=self.parsed,
                           actor=self.workbench.actor, license_kind=step.license_kind(), cancel=self.cancel)  # fmt: skip
            self._start("plan", work, "试导入")
            return
        self._start(
            "plan",
            partial(
                jobs.plan_job,
                files=self.workbench.files,
                parsed=self.parsed,
                actor=self.workbench.actor,
                mode=step.mode(),
                confirm_names=step.match_by_name(),
                assignment=step.assignment(),
                cancel=self.cancel,
            ),
            "试导入",
        )

    def on_job_progress(self, message: jobs.JobProgress) -> None:
        if message.job == "plan":
            self.query_one(ReviewStep).progress(message.done, message.total, message.stage)
        elif message.job == "commit":
            self.query_one(ResultStep).progress(message.done, message.total, message.stage)

    def on_plan_ready(self, message: jobs.PlanReady) -> None:
        self._stopped()
        self.plan = message.plan
        self.query_one(ReviewStep).show(message.plan, message.review)
        self.preview_gate.shown()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(ReviewStep).show_tab(tab)

    def action_save_errors(self) -> None:
        if self.plan is None:
            return
        if next(self.plan.rows_with_problems(), None) is None:
            self.notify("试导入没有发现有问题的行，不需要错误行工作簿。")
            return
        self._start("errors", partial(jobs.errors_job, plan=self.plan), "保存错误行工作簿")

    def on_errors_saved(self, message: jobs.ErrorsSaved) -> None:
        self._stopped()
        self.notify(f"已保存错误行工作簿：{message.path}", timeout=10)
        self.query_one("#import-problem", Static).update(plain(f"错误行工作簿已保存到：{message.path}"))

    # step 5: confirm and commit

    def _confirm(self) -> None:
        plan = self.plan
        assert plan is not None

        def answered(yes: bool | None) -> None:
            if yes:
                self._commit()

        if not isinstance(plan, ListPlan):
            self.app.push_screen(ConfirmDialog(confirm_question(plan), "确认导入", "返回", confirms_write=True), answered)
            return
        question = name_match_question(plan)

        def names_answered(yes: bool | None) -> None:
            if yes is None:
                return
            plan.accept_name_matches = yes
            self.app.push_screen(ConfirmDialog(list_confirm_question(plan), "确认导入", "返回", confirms_write=True), answered)

        if question is None:
            self.app.push_screen(ConfirmDialog(list_confirm_question(plan), "确认导入", "返回", confirms_write=True), answered)
        else:
            self.app.push_screen(ConfirmDialog(question, "一并导入", "不导入"), names_answered)

    def _commit(self) -> None:
        assert self.plan is not None
        self.finished = False
        self.cancel = threading.Event()
        self._show_step("result")
        self.query_one(ResultStep).running("准备写入")
        if isinstance(self.plan, ListPlan):
            work = partial(jobs.list_commit_job, files=self.workbench.files, plan=self.plan, actor=self.workbench.actor,
                           rules=self.workbench.settings.classification, cancel=self.cancel)  # fmt: skip
            self._start("commit", work, f"导入{self.plan.kind_label}")
            return
        self._start(
            "commit",
            partial(
                jobs.commit_job,
                files=self.workbench.files,
                plan=self.plan,
                actor=self.workbench.actor,
                cancel=self.cancel,
            ),
            "导入登记名录",
        )

    def on_committed(self, message: jobs.Committed) -> None:
        self._stopped()
        self.finished = self.written = True
        self.workbench.data_changed()
        self.query_one(ResultStep).finished(message.result.summary_text(), "按 Esc 或 F8 回到原来的界面。")

    def on_job_failed(self, message: jobs.JobFailed) -> None:
        self._stopped()
        error = message.error
        if message.job == "read" and self.step == "file":
            self.query_one(FileStep).show_error(f"{error.title}：{error.message}")
        elif message.job == "plan":
            self._show_step(self._before_review())
            self._tell(error)
        elif message.job == "commit":
            self.plan = None if isinstance(error, ImportConflict) else self.plan
            hint = (
                "按 Esc 返回，重新试导入。"
                if self.plan is None
                else "按 Esc 返回试导入结果，可以再次确认导入。"
            )
            self.query_one(ResultStep).finished(f"{error.title}：{error.message}", hint)
        else:
            self._tell(error)

    def _tell(self, error: Exception) -> None:
        if isinstance(error, ImportCancelled):
            self.notify(str(error))
        else:
            self.workbench.show_error(error)

    # moving between steps

    def action_next(self) -> None:
        if self.step == "mapping" and self.parsed is not None:
            if self.parsed.missing_fields:
                self.notify(self._missing_columns(), severity="error")
            elif self.parsed.kind is ImportKind.FIGURES:  # nothing to choose: straight to the dry run
                self._start_dry_run()
            else:
                self.query_one(ModeStep).configure(self.parsed.kind)
                self._show_step("mode")
        elif self.step == "mode":
            self._start_dry_run()
        elif self.step == "review":
            if self.plan is None:
                self.notify("请先看完预览再确认（试导入还没有完成）", severity="warning")
            elif self.preview_gate.allows():
                self._confirm()
        elif self.step == "result" and self.finished:
            self.dismiss(True)

    def action_back(self) -> None:
        if self.job in ("plan", "commit"):
            self.cancel.set()
            return
        if self.job is not None:
            return
        if self.step == "file" or (self.step == "result" and self.finished):
            self.dismiss(self.written)
        elif self.step == "result":
            self._show_step("review" if self.plan is not None else self._before_review())
        elif self.step == "review":
            self._show_step(self._before_review())
        else:
            self._show_step(STEPS[STEPS.index(self.step) - 1])

    def _before_review(self) -> str:
        """A 经营数据 list has no step 3: back from the dry run is its columns."""
        return "mapping" if self.parsed is not None and self.parsed.kind is ImportKind.FIGURES else "mode"

    def _missing_columns(self) -> str:
        assert self.parsed is not None
        if self.parsed.kind is ImportKind.REGISTER:
            return MISSING_COLUMNS
        labels = "、".join(self.parsed.shape.label(name) for name in self.parsed.missing_fields)
        return f"{self.parsed.shape.title}缺少必需的列：{labels}。请核对表头，或在「名录种类」中改选。"
