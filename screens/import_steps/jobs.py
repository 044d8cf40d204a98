"""The wizard's long work, run in thread workers: each job calls one imports function and posts messages.

Jobs never touch widgets; `post` is the screen's thread-safe post_message. A typed (Chinese) error is
posted as JobFailed for the wizard to show where it belongs; anything else propagates to the worker
and is shown as an unexpected error.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from textual.message import Message

from imports.columns import ColumnMapping
from imports.commit import ImportResult, commit_import
from imports.error_workbook import write_error_workbook
from imports.errors import UnreadableFile
from imports.file_gateway import FileGateway
from imports.list_commit import ListResult
from imports.list_plan import ListPlan
from imports.parse import ParsedFile, parse_list_file
from imports.plan import ImportPlan, plan_import
from imports.profiles import load_profile
from imports.source import SourceFile, read_file_bytes, source_of
from imports.sync_files import package_kind
from screens.import_steps.list_review import list_review_rows
from screens.import_steps.review_step import ReviewRows, review_rows
from storage.audit import Actor
from workbench.domain.labels import ImportKind
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.assignment import AssignmentRequest
from workbench.services.errors import WorkbenchError

Post = Callable[[Message], object]


class FileRead(Message):
    """The file was read up to its header (`sample` is its first data row's cells)."""

    def __init__(self, parsed: ParsedFile, sample: list[Any], profile: str | None) -> None:
        super().__init__()
        self.parsed = parsed
        self.sample = sample
        self.profile = profile


class PackagePicked(Message):
    """The file picked is a sync package, not a list: the wizard offers the package's own action.
    `laptop` is the officer whose laptop this database is (None at the office)."""

    def __init__(self, path: Path, kind: str, laptop: str | None) -> None:
        super().__init__()
        self.path = path
        self.kind = kind
        self.laptop = laptop


class JobProgress(Message):
    """`done` of `total` (None: not known yet) at `stage`, of the dry run or the commit."""

    def __init__(self, job: str, done: int, total: int | None, stage: str) -> None:
        super().__init__()
        self.job = job
        self.done = done
        self.total = total
        self.stage = stage


class PlanReady(Message):
    def __init__(self, plan: ImportPlan | ListPlan, review: ReviewRows) -> None:
        super().__init__()
        self.plan = plan
        self.review = review


class Committed(Message):
    def __init__(self, result: ImportResult | ListResult) -> None:
        super().__init__()
        self.result = result


class ErrorsSaved(Message):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class ReadAnswered(Message):
    """What a read of a chosen file posted (FileRead, PackagePicked or JobFailed), with the read's number: a
    file chosen while another is being read starts a second read, and the first, if slower, answers last."""

    def __init__(self, asked: int, answer: Message) -> None:
        super().__init__()
        self.asked = asked
        self.answer = answer


class JobFailed(Message):
    """Job `job` (read, plan, commit, errors) stopped with a Chinese error (ImportCancelled when cancelled)."""

    def __init__(self, job: str, error: WorkbenchError) -> None:
        super().__init__()
        self.job = job
        self.error = error


def read_job(
    post: Post,
    file: Path | SourceFile,
    sheet: str | None,
    profile: str | None,
    mapping: ColumnMapping | None,
    profiles: Path,
    kind: ImportKind | None = None,
    laptop_officer: Callable[[], str | None] | None = None,
) -> None:
    """Read the chosen file (a path: from disk, the one time; a SourceFile: the bytes read before, when
    the person chose another sheet, profile, column or kind of list) up to its first data row. `kind`
    None: told from the headers; a saved profile is a registration list's."""
    try:
        if isinstance(file, Path) and laptop_officer is not None:
            data = read_file_bytes(file)  # the one read: the package test and the list reader share it
            package = package_kind(file, data)  # a 外业包 or 回传包 is told by its manifest, not mapped as a list
            if package is not None:
                post(PackagePicked(file, package, laptop_officer()))
                return
            file = source_of(file, data)
        loaded = load_profile(profiles, profile) if profile else None
        if loaded is not None or mapping is not None:
            kind = kind or ImportKind.REGISTER
        with no_full_collections():
            parsed = parse_list_file(file, kind=kind, sheet=sheet, profile=loaded, mapping=mapping)
            first = parsed.first_row()  # stays in parsed.rows: the dry run takes the rows from there
    except WorkbenchError as error:
        post(JobFailed("read", error))
        return
    except OSError as error:  # gone, locked by another program, no permission
        name = file.path.name if isinstance(file, SourceFile) else file.name
        post(JobFailed("read", UnreadableFile(f"无法打开「{name}」：{error.strerror or error}。")))
        return
    post(FileRead(parsed, first.cells if first else [], profile))


@contextmanager
def no_full_collections() -> Iterator[None]:
    """Keep the cycle collector's full passes away from the objects a dry run or commit builds.

    A 100,000-row plan is hundreds of thousands of objects; each full pass over them holds the GIL for up
    to three seconds (bench/import_wizard.py), and the screen cannot answer meanwhile, whichever thread
    triggered it. Full passes wait while the job runs; afterwards the survivors are frozen (left out of
    later passes) so that the first pass after it does not stall either. Reference counting still frees
    everything acyclic, frozen or not.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)


def _reporter(post: Post, job: str) -> Callable[[int, int | None, str], None]:
    def report(done: int, total: int | None, stage: str) -> None:
        post(JobProgress(job, done, total, stage))

    return report


def plan_job(
    post: Post,
    files: FileGateway,
    parsed: ParsedFile,
    *,
    actor: Actor,
    mode: str,
    confirm_names: bool,
    cancel: threading.Event,
    assignment: AssignmentRequest | None = None,
) -> None:
    """The dry run of the file as read, with the sheet and mapping the person confirmed (and the 包联分派)."""
    try:
        with no_full_collections():
            plan = files.plan_import(
                parsed,
                actor=actor,
                mode=mode,
                confirm_name_matches=confirm_names,
                progress=_reporter(post, "plan"),
                cancel=cancel,
                assignment=assignment,
                run=plan_import,  # looked up at call time: a test holds the job at its first report
            )
            review = review_rows(plan)
    except WorkbenchError as error:
        post(JobFailed("plan", error))
        return
    post(PlanReady(plan, review))


def list_plan_job(
    post: Post, files: FileGateway, parsed: ParsedFile, *, actor: Actor, license_kind: str | None,
    cancel: threading.Event,
) -> None:  # fmt: skip
    """The dry run of a 经营数据 or 许可证 list as read."""
    try:
        with no_full_collections():
            plan = files.plan_list(parsed, actor=actor, license_kind=license_kind, progress=_reporter(post, "plan"),
                                   cancel=cancel)  # fmt: skip
            review = list_review_rows(plan)
    except WorkbenchError as error:
        post(JobFailed("plan", error))
        return
    post(PlanReady(plan, review))


def list_commit_job(
    post: Post, files: FileGateway, plan: ListPlan, *, actor: Actor, rules: LoadedRules[TierRules],
    cancel: threading.Event,
) -> None:  # fmt: skip
    try:
        with no_full_collections():
            result = files.commit_list(plan, actor=actor, rules=rules, progress=_reporter(post, "commit"),
                                       cancel=cancel)  # fmt: skip
    except WorkbenchError as error:
        post(JobFailed("commit", error))
        return
    post(Committed(result))


def commit_job(
    post: Post, files: FileGateway, plan: ImportPlan, *, actor: Actor, cancel: threading.Event
) -> None:
    try:
        with no_full_collections():
            result = files.commit_import(
                plan, actor=actor, progress=_reporter(post, "commit"), cancel=cancel, run=commit_import
            )
    except WorkbenchError as error:
        post(JobFailed("commit", error))
        return
    post(Committed(result))


def error_workbook_path(source: Path) -> Path:
    """Beside the source file: 登记名录.xlsx -> 登记名录_错误行.xlsx (numbered if that name is taken)."""
    candidate = source.with_name(f"{source.stem}_错误行.xlsx")
    number = 2
    while candidate.exists():
        candidate = source.with_name(f"{source.stem}_错误行({number}).xlsx")
        number += 1
    return candidate


def errors_job(post: Post, plan: ImportPlan | ListPlan) -> None:
    target = error_workbook_path(plan.path)
    try:
        post(ErrorsSaved(write_error_workbook(plan, target)))
    except WorkbenchError as error:  # a full disk, a read-only folder: one Chinese sentence (WriteFailed)
        post(JobFailed("errors", error))
