"""The dry run: every row of a registration list weighed against this office's register, nothing written.

plan_import reads the file once, as a stream (imports.parse), or takes the ParsedFile the wizard read;
it looks the rows up in the register a chunk at a time (imports.matching), and says for each row whether
it is new, an update (with a field-level diff), unchanged, invalid, a repeat within the file, a match by
name that needs confirming, or skipped by the chosen mode. The ImportPlan keeps only what the review and the commit need: a small entry per row, the
values to insert, the diffs to apply and the original cells of rows with problems (for the error workbook).
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import Engine

from imports.columns import ColumnMapping
from imports.diffing import FieldChange, field_changes
from imports.import_mode import ImportMode
from imports.packed_cells import PackedCells
from imports.parse import ParsedFile
from imports.pending import PendingInsert, PendingInserts, getter
from imports.problems import Problem, SkippedRow, UnknownColumn
from imports.profiles import Profile
from storage.audit import Actor
from storage.tables_imports import ImportRecord
from workbench.services.assignment import Assignment, AssignmentRequest

__all__ = [
    "FieldChange",
    "ImportMode",
    "ImportPlan",
    "PossibleDuplicate",
    "RowKind",
    "RowOutcome",
    "plan_import",
]

ProgressCallback = Callable[[int, int | None, str], None]
_KEYS = getter("uscc", "reg_no", "name")


class RowKind(StrEnum):
    """What the dry run says about one data row."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    DUPLICATE = "duplicate_in_file"
    NAME_MATCH = "name_match"  # no code; found by name + operator: applied only once a person confirms
    SKIPPED = "skipped_by_mode"  # new under 仅更新, or an update under 仅新增
    OTHER_OFFICE = "other_office"  # the list's 管辖单位 is another 市场监管所: not this office's business

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    RowKind.NEW: "新增",
    RowKind.UPDATE: "更新",
    RowKind.UNCHANGED: "无变化",
    RowKind.INVALID: "有错误",
    RowKind.DUPLICATE: "文件内重复",
    RowKind.NAME_MATCH: "待确认（按名称和经营者匹配）",
    RowKind.SKIPPED: "按导入方式跳过",
    RowKind.OTHER_OFFICE: "属于其他所",
}


@dataclass
class RowOutcome:
    """One data row's verdict, with its diff (updates) and its problems (warnings too)."""

    sheet: str
    row_number: int
    kind: RowKind
    name: str
    code: str
    business_uuid: str | None = None
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class PossibleDuplicate:
    """A new row whose name and address equal a business already in the register under another code."""

    sheet: str
    row_number: int
    name: str
    address: str
    code: str
    existing_uuid: str
    existing_code: str


@dataclass(slots=True)
class PendingUpdate:
    """What the commit applies to one business: the diff against the version the dry run read."""

    row_number: int
    business_id: int
    business_uuid: str
    base_version: int
    name: str
    diff: dict[str, tuple[Any, Any]]
    search_sources: tuple[str, str, str]  # name, operator, address after the update


@dataclass(slots=True)
class RowEntry:
    """The memory-lean record of one row; RowOutcome objects are made from it when asked for."""

    row_number: int
    kind: RowKind
    name: str
    code: str
    business_uuid: str | None = None
    diff: dict[str, tuple[Any, Any]] | None = None
    problems: list[Problem] | None = None
    cells_at: int | None = None  # rows with problems only: the index of its cells in ImportPlan.problem_cells


@dataclass
class ImportPlan:
    """The dry run's answer: counts, per-row outcomes, what needs a person's eye, and what commit applies."""

    path: Path
    sha256: str
    sheet: str
    mode: ImportMode
    office_id: int
    counts: dict[RowKind, int]
    headers: list[str] = field(default_factory=list)
    header_rows: tuple[int, ...] = ()
    sheets: list[str] = field(default_factory=list)
    mapping: ColumnMapping | None = None
    unknown_columns: list[UnknownColumn] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    possible_duplicates: list[PossibleDuplicate] = field(default_factory=list)
    name_matches: list[RowOutcome] = field(default_factory=list)
    previous_import: ImportRecord | None = None
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    blank_rows: int = 0
    seconds: float = 0.0
    confirm_name_matches: bool = False
    inserts: PendingInserts = field(default_factory=PendingInserts, repr=False)
    updates: list[PendingUpdate] = field(default_factory=list, repr=False)
    entries: list[RowEntry] = field(default_factory=list, repr=False)
    problem_cells: PackedCells = field(default_factory=PackedCells, repr=False)
    """The original cells of the rows with problems (for the error workbook), packed (imports.packed_cells)."""
    labels: dict[str, dict[Any, str]] = field(default_factory=dict, repr=False)  # grid / officer id -> name
    assignment: Assignment = field(default_factory=Assignment, repr=False)
    assigned: Counter[tuple[int | None, int | None]] = field(default_factory=Counter, repr=False)
    """New businesses per (grid id, officer id) they will get: the dry run's 包联分派 counts."""
    reassigned: Counter[tuple[int | None, int | None]] = field(default_factory=Counter, repr=False)
    """Existing businesses given another grid or officer (--reassign), per destination."""
    other_offices: Counter[str] = field(default_factory=Counter, repr=False)
    """Rows left out because their 管辖单位 is another office, per office named."""

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def rows_read(self) -> int:
        return sum(self.counts.values())

    @property
    def outcomes(self) -> Iterator[RowOutcome]:
        """Every data row's outcome, in file order."""
        return self._merged(None)

    def outcomes_of(self, kind: RowKind) -> Iterator[RowOutcome]:
        """The outcomes of one kind, in file order (made on the fly: a 100,000-row plan stays small)."""
        return self._merged(kind)

    def _merged(self, kind: RowKind | None) -> Iterator[RowOutcome]:
        """Entries, and the new rows without problems (which keep no entry: their insert says it all)."""
        entries = (entry for entry in self.entries if kind is None or entry.kind is kind)
        if kind not in (None, RowKind.NEW):
            yield from map(self._outcome, entries)
            return
        noted = {entry.row_number for entry in self.entries if entry.kind is RowKind.NEW}
        plain = (self._new_outcome(pending) for pending in self.inserts if pending.row_number not in noted)
        made = ((entry.row_number, 0, self._outcome(entry)) for entry in entries)
        for _number, _source, outcome in heapq.merge(made, ((item.row_number, 1, item) for item in plain)):
            yield outcome

    def _new_outcome(self, pending: PendingInsert) -> RowOutcome:
        uscc, reg_no, name = _KEYS(pending.values)
        return RowOutcome(self.sheet, pending.row_number, RowKind.NEW, str(name), str(uscc or reg_no or ""))

    def rows_with_problems(self) -> Iterator[tuple[int, list[Any], list[Problem]]]:
        """(Excel row number, original cells, problems) of every row with a problem or a warning."""
        for entry in self.entries:
            if entry.problems and entry.cells_at is not None:
                yield entry.row_number, self.problem_cells[entry.cells_at], entry.problems

    def problem_count(self) -> int:
        return sum(len(entry.problems or ()) for entry in self.entries)

    def warning_count(self) -> int:
        """Warnings on rows that still import (an unknown grid name, a possible 2011 industry code ...)."""
        return sum(
            1
            for entry in self.entries
            if entry.kind in (RowKind.NEW, RowKind.UPDATE, RowKind.UNCHANGED)
            for problem in entry.problems or ()
            if not problem.blocking
        )

    def summary_text(self) -> str:
        """The plan in one Chinese paragraph, as the wizard and the CLI show it."""
        from imports.plan_text import summary_text

        return summary_text(self)

    def _outcome(self, entry: RowEntry) -> RowOutcome:
        changes = field_changes(entry.diff, self.labels) if entry.diff else []
        return RowOutcome(
            self.sheet,
            entry.row_number,
            entry.kind,
            entry.name,
            entry.code,
            entry.business_uuid,
            changes,
            list(entry.problems or ()),
        )


def plan_import(
    engine: Engine,
    file: str | Path | ParsedFile,
    *,
    actor: Actor,
    mode: ImportMode | str = ImportMode.INSERT_AND_UPDATE,
    sheet: str | None = None,
    profile: Profile | None = None,
    mapping: ColumnMapping | None = None,
    confirm_name_matches: bool = False,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    prepare_commit: bool = False,
    assignment: AssignmentRequest | None = None,
    keep_cells: bool = True,
) -> ImportPlan:
    """Dry run of importing `file` into the actor's office; raises UnreadableFile / NoHeaderFound /
    ImportCancelled (cancel set) in Chinese. Reads the register, writes nothing. prepare_commit: a commit
    is expected to follow, so an idle CPU derives the new rows' search columns meanwhile (imports.prepare).

    `file` is a path, read here once, or the ParsedFile a person has checked (the wizard), whose sheet
    and mapping are then used as they are (`sheet`, `profile` and `mapping` must be left out).
    `assignment`: how new businesses get their grid and officer (workbench.services.assignment); none:
    未分派, unless the list itself names them. keep_cells=False: the cells of rows with problems are not kept
    (no error workbook will be written from this plan: the command line without --errors; ~0.3 s of 100,000
    rows with 36,000 problem rows)."""
    from imports.planner import Planner

    started = perf_counter()
    if isinstance(file, ParsedFile) and (sheet, profile, mapping) != (None, None, None):
        raise ValueError("a ParsedFile already has its sheet and mapping")
    path = file.path if isinstance(file, ParsedFile) else Path(file)
    planner = Planner(
        engine, path, actor, ImportMode.parse(mode), confirm_name_matches, progress, cancel, prepare_commit,
        assignment or AssignmentRequest(use_table=False), keep_cells,
    )  # fmt: skip
    plan = planner.run(file if isinstance(file, ParsedFile) else None, sheet=sheet, profile=profile, mapping=mapping)
    plan.seconds = perf_counter() - started
    return plan
