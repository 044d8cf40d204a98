"""The dry run's loop: parse a chunk of rows, look them up in the register, and classify each row."""

from __future__ import annotations

import threading
from contextlib import ExitStack
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from imports import row_workers
from imports.columns import ColumnMapping
from imports.diffing import diff_values
from imports.errors import ImportCancelled
from imports.header import column_letter
from imports.matching import Match, RegisterLookup
from imports.parallel import worker_count
from imports.parse import ParsedFile, parse_register_file, reopened
from imports.plan import (
    ImportMode,
    ImportPlan,
    PendingUpdate,
    PossibleDuplicate,
    ProgressCallback,
    RowEntry,
    RowKind,
)
from imports.prepare import CommitPreparer
from imports.problems import ParsedRow, Problem
from imports.records import previous_import
from storage.audit import Actor
from workbench.domain.business_fields import NEW_BUSINESS_DEFAULTS
from workbench.domain.labels import guess_kind
from workbench.domain.office_names import is_office_name, same_office
from workbench.services.assignment import NO_ASSIGNMENT, AssignmentRequest
from workbench.services.business_validation import out_of_bounds
from workbench.services.free_memory import return_free_memory

CHUNK = 2000
CLEAN_WORKERS = 2  # at most: this process's own part (reading, lookups, classifying) is about half the dry run
ROW_BYTES = 200  # a CSV's rows are not counted ahead: about this many bytes each
_PEOPLE = (("grid", "grid_id", "网格"), ("officer", "officer_id", "包联干部"))
_DEFAULTS = dict(NEW_BUSINESS_DEFAULTS)
_NEW_VALUES = itemgetter(*_DEFAULTS)  # a tuple of the imported fields, in NEW_BUSINESS_DEFAULTS' order


class Planner:
    def __init__(
        self,
        engine: Engine,
        path: Path,
        actor: Actor,
        mode: ImportMode,
        confirm_name_matches: bool,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        prepare: bool = False,
        assignment: AssignmentRequest | None = None,
        keep_cells: bool = True,
    ) -> None:
        self.engine = engine
        self.path = path
        self.actor = actor
        self.mode = mode
        self.confirm = confirm_name_matches
        self.report = progress or (lambda done, total, stage: None)
        self.cancel = cancel
        self.prepare = prepare  # a commit follows: derive the new rows ahead (imports.prepare)
        self.keep_cells = keep_cells  # the cells of rows with problems, for an error workbook
        self.matched: dict[int, int] = {}  # business id -> the row that matched it
        self.codeless: dict[tuple[str, str], int] = {}  # (name, operator) of new rows without a code -> row
        self.mapping = ColumnMapping(headers=[])
        self.request = assignment or AssignmentRequest(use_table=False)
        self.assignment = NO_ASSIGNMENT
        self.column_of: dict[str, int] = {}  # field -> its first column: _problem asks once or twice a row
        # One str object per distinct problem text and cell value: a list whose every row names a grid or an
        # officer the office lacks keeps two warnings a row until the plan is dropped (200,000 at 100,000 rows).
        self.shared: dict[str, str] = {}
        self.office_name = ""
        self.clean_workers = 0  # worker processes that may clean the rows (imports.row_workers)

    def run(self, parsed: ParsedFile | None, *, sheet: str | None, profile: Any, mapping: Any) -> ImportPlan:
        """The dry run of `parsed` (its rows, or fresh ones when an earlier run took them), else of the file
        at self.path read now."""
        self._check_cancel()
        self.report(0, None, "读取文件")
        if parsed is None:
            parsed = parse_register_file(self.path, sheet=sheet, profile=profile, mapping=mapping)
        elif parsed.rows_taken:
            parsed = reopened(parsed)
        parsed.rows_taken = True
        self.mapping = parsed.mapping
        self.column_of = {}
        for index, name in parsed.mapping.fields.items():
            self.column_of.setdefault(name, index)
        plan = self._empty_plan(parsed)
        rows = parsed.total_rows or len(parsed.source.data) // ROW_BYTES
        preparer = self._preparer(rows)
        # The CLI's second CPU may clean rows meanwhile (_classify_rows); the wizard's derives the commit's.
        self.clean_workers = 0 if self.prepare else min(CLEAN_WORKERS, worker_count(rows))
        with ExitStack() as stack:
            if preparer is not None:
                stack.callback(preparer.close)  # a cancelled or failed dry run leaves no worker behind
                plan.inserts.on_pack = preparer.submit
            done = self._classify_rows(plan, parsed)
            if preparer is not None:
                plan.inserts.seal()  # the last, short pack goes to the worker too
                plan.inserts.on_pack = None
                plan.inserts.prepared = preparer.results()
        # The rows are read: the reader's copy of the sheet is gone, and its memory goes back to the system
        # before a commit forks its workers.
        return_free_memory()
        self.report(done, done, "预览完成")
        return plan

    def _preparer(self, rows: int) -> CommitPreparer | None:
        """A worker deriving the new rows' uuids and search columns while this process classifies, when a
        commit is to follow and the file is large enough (imports.prepare)."""
        workers = min(1, worker_count(rows))  # one keeps pace with this process's cleaning
        if not self.prepare or not workers or self.mode is ImportMode.UPDATE_ONLY:
            return None
        try:
            return CommitPreparer(workers)
        except (OSError, ValueError):  # no processes on this machine: the commit makes the rows itself
            return None

    def _classify_rows(self, plan: ImportPlan, parsed: ParsedFile) -> int:
        done = 0
        with self.engine.connect() as connection:
            lookup = RegisterLookup(connection, self.actor.office_id)
            plan.labels = lookup.labels()
            self.assignment = plan.assignment = self.request.build(connection, self.actor.office_id)
            plan.previous_import = previous_import(connection, self.actor.office_id, plan.sha256)
            self.office_name = lookup.office_name()
            # Into an empty register (an office's first import) a worker cleans the rows while this process
            # classifies them (imports.row_workers). Not into a full one: the forked worker keeps the pages this
            # process then rewrites (the register's lookups), +106 MB at 1,000,000 businesses, over the 400 MB
            # budget (docs/benchmarks.md, session 14 emptyplan).
            # And only while a second CPU is free (row_workers.second_cpu_free).
            parsed.clean_workers = self.clean_workers if lookup.empty and row_workers.second_cpu_free() else 0
            rows = parsed.rows
            try:
                while chunk := list(islice(rows, CHUNK)):
                    self._check_cancel()
                    lookup.prefetch([row.values for row in chunk])
                    for row in chunk:
                        self._classify(plan, lookup, row)
                    done += len(chunk)
                    self.report(done, parsed.total_rows, "核对登记簿")
            finally:  # a cancelled or failed dry run leaves no cleaning worker behind (imports.row_workers)
                close = getattr(rows, "close", None)
                if close is not None:
                    close()
        plan.skipped_rows = parsed.skipped
        plan.blank_rows = parsed.blank_rows
        return done

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelled("已取消预览，数据库没有任何改动")

    def _empty_plan(self, parsed: ParsedFile) -> ImportPlan:
        return ImportPlan(
            path=self.path,
            sha256=parsed.source.sha256,  # of the bytes the rows come from: the file is read once
            sheet=parsed.sheet,
            mode=self.mode,
            office_id=self.actor.office_id,
            counts=dict.fromkeys(RowKind, 0),
            headers=list(parsed.mapping.headers),
            header_rows=parsed.header_rows,
            sheets=[info.name for info in parsed.sheets],
            mapping=parsed.mapping,
            unknown_columns=parsed.unknown_columns,
            missing_fields=parsed.missing_fields,
            confirm_name_matches=self.confirm,
        )

    def _classify(self, plan: ImportPlan, lookup: RegisterLookup, row: ParsedRow) -> None:
        values = row.values
        problems = list(row.problems)
        if row.duplicate_of is not None:
            return self._add(plan, row, RowKind.DUPLICATE, problems)
        if not row.valid:
            return self._add(plan, row, RowKind.INVALID, problems)
        values.pop("registration_authority", None)
        unit = values.pop("supervising_unit", None)
        if unit is not None and self._elsewhere(plan, lookup, row, str(unit), problems):
            return self._add(plan, row, RowKind.OTHER_OFFICE, problems)
        if self._out_of_bounds(row, problems):
            return self._add(plan, row, RowKind.INVALID, problems)
        self._resolve_people(plan, lookup, row, problems)
        match = lookup.find(values, use_name=True)
        if match.refusal:
            problems.append(self._problem(row, (match.refused_field, "code"), match.refusal))
            return self._add(plan, row, RowKind.INVALID, problems)
        if match.stored is None:
            return self._new(plan, lookup, row, problems)
        return self._existing(plan, row, match, problems)

    def _new(self, plan: ImportPlan, lookup: RegisterLookup, row: ParsedRow, problems: list[Problem]) -> None:
        values = row.values
        if "name" not in values:
            problems.append(self._problem(row, ("name",), "名称为空：登记簿中没有这户，无法新增"))
            return self._add(plan, row, RowKind.INVALID, problems)
        if "uscc" not in values and "reg_no" not in values:
            key = (values["name"], values.get("operator", ""))
            first = self.codeless.setdefault(key, row.row_number)
            if first != row.row_number:
                reason = f"与第 {first} 行的名称和经营者相同（都没有代码）：文件中重复出现，本行不会导入"
                problems.append(self._problem(row, ("name",), reason))
                return self._add(plan, row, RowKind.DUPLICATE, problems)
        if self.mode is ImportMode.UPDATE_ONLY:
            return self._add(plan, row, RowKind.SKIPPED, problems)
        twin = lookup.same_name_and_address(values)
        if twin is not None:
            plan.possible_duplicates.append(
                PossibleDuplicate(
                    row.sheet,
                    row.row_number,
                    values["name"],
                    values.get("address", ""),
                    values.get("uscc") or values.get("reg_no") or "",
                    twin.uuid,
                    twin.uscc or twin.reg_no or "",
                )
            )
        if "kind" not in values:
            values["kind"] = guess_kind(values["name"])
        self._assign(values, values.get("address"))
        plan.assigned[(values.get("grid_id"), values.get("officer_id"))] += 1
        # The declaration's default where the row has no value (imports.pending.NewBusiness), in C: the row's
        # values laid over the defaults, then the imported fields picked in their order.
        plan.inserts.add(row.row_number, _NEW_VALUES({**_DEFAULTS, **values}))
        if problems:  # a new row without problems keeps no entry: plan.outcomes makes it from the insert
            self._add(plan, row, RowKind.NEW, problems)
        else:
            plan.counts[RowKind.NEW] += 1

    def _existing(self, plan: ImportPlan, row: ParsedRow, match: Match, problems: list[Problem]) -> None:
        stored = match.stored
        assert stored is not None
        first = self.matched.setdefault(stored.id, row.row_number)
        if first != row.row_number:
            reason = f"与第 {first} 行对应同一户市场主体「{stored.name}」：文件中重复出现，本行不会导入"
            problems.append(self._problem(row, ("uscc", "code", "reg_no", "name"), reason))
            return self._add(plan, row, RowKind.DUPLICATE, problems)
        if self.assignment.reassign:
            self._assign(row.values, row.values.get("address", stored.address))
        diff = diff_values(stored, row.values)
        if "grid_id" in diff or "officer_id" in diff:
            destination = (row.values.get("grid_id", stored.grid_id), row.values.get("officer_id", stored.officer_id))
            plan.reassigned[destination] += 1
        if not diff:
            return self._add(plan, row, RowKind.UNCHANGED, problems, stored.uuid)
        if match.how == "name" and not self.confirm:
            self._add(plan, row, RowKind.NAME_MATCH, problems, stored.uuid, diff)
            plan.name_matches.append(plan._outcome(plan.entries[-1]))
            return None
        if self.mode is ImportMode.INSERT_ONLY:
            return self._add(plan, row, RowKind.SKIPPED, problems, stored.uuid, diff)
        after = {name: new for name, (_old, new) in diff.items()}
        sources = tuple(
            after.get(name, getattr(stored, name)) or "" for name in ("name", "operator", "address")
        )
        plan.updates.append(
            PendingUpdate(
                row.row_number,
                stored.id,
                stored.uuid,
                stored.version,
                str(after.get("name", stored.name)),
                diff,
                (str(sources[0]), str(sources[1]), str(sources[2])),
            )
        )
        return self._add(plan, row, RowKind.UPDATE, problems, stored.uuid, diff)

    def _assign(self, values: dict[str, Any], address: str | None) -> None:
        """The grid and officer of the assignment, unless the list names either itself (its word counts)."""
        if not self.assignment.active or "grid_id" in values or "officer_id" in values:
            return
        grid_id, officer_id = self.assignment.assign(address)
        if grid_id is not None:
            values["grid_id"] = grid_id
        if officer_id is not None:
            values["officer_id"] = officer_id

    def _elsewhere(self, plan: ImportPlan, lookup: RegisterLookup, row: ParsedRow, unit: str,
                   problems: list[Problem]) -> bool:  # fmt: skip
        """Whether the row's 管辖单位 is another office (the row is then left out, said why, and a business of
        this register it names is pointed out); a value that is no office's name is the row's grid, unless the
        list has a grid column too."""
        if same_office(unit, self.office_name):
            return False
        if not is_office_name(unit):
            row.values.setdefault("grid", unit)
            return False
        plan.other_offices[unit] += 1
        ours = lookup.find(row.values, use_name=False).stored
        reason = self._shared(
            f"管辖单位是「{unit}」，不是本所（{self.office_name}）的市场主体，不导入" if ours is None else
            f"本所登记簿中有这一户（{ours.name}），名单上它的管辖单位却是「{unit}」：如已划转，请在它的详情里改为迁出；"
            "本行不导入")  # fmt: skip
        problems.append(self._problem(row, ("supervising_unit",), reason))  # listed with the rows not imported
        return True

    def _out_of_bounds(self, row: ParsedRow, problems: list[Problem]) -> bool:
        """Values the register's columns cannot hold, refused here (the form's check: workbench.services.
        business_validation.out_of_bounds), so a commit never fails half-way."""
        errors = out_of_bounds(row.values)
        if not errors:  # nearly every row: nothing more to make
            return False
        problems += [self._problem(row, (name,), reason) for name, reason in errors.items()]
        return True

    def _resolve_people(
        self, plan: ImportPlan, lookup: RegisterLookup, row: ParsedRow, problems: list[Problem]
    ) -> None:
        """Grid and officer names -> this office's ids; an unknown name is a warning, the rest imports."""
        for source, target, what in _PEOPLE:
            name = row.values.pop(source, None)
            if name is None:
                continue
            known = (lookup.grid_ids if target == "grid_id" else lookup.officer_ids).get(str(name))
            if known is not None:
                row.values[target] = known
                continue
            reason = self._shared(f"本所没有名为「{name}」的{what}，这一项没有导入（本行其余内容照常导入）")
            problems.append(self._problem(row, (source,), reason, blocking=False))

    def _problem(
        self, row: ParsedRow, fields: tuple[str, ...], reason: str, blocking: bool = True
    ) -> Problem:
        """A problem in the first of `fields` that has a column (and a value, if any has one)."""
        column_of = self.column_of
        cells = row.cells
        first = chosen = None
        for name in fields:  # a plain loop: every row of a list naming an unknown 网格 passes here
            index = column_of.get(name)
            if index is None:
                continue
            if first is None:
                first = index
            if index < len(cells) and cells[index] not in ("", None):
                chosen = index
                break
        if chosen is None:
            chosen = first
        if chosen is None:
            return Problem(row.sheet, row.row_number, "", None, reason, "", fields[0], blocking)
        raw = cells[chosen] if chosen < len(cells) else None
        if type(raw) is str:
            raw = self._shared(raw)
        return Problem(
            row.sheet,
            row.row_number,
            self.mapping.headers[chosen],
            raw,
            reason,
            column_letter(chosen),
            fields[0],
            blocking,
        )

    def _shared(self, text: str) -> str:
        """The str object equal to `text` this dry run keeps already (else `text`, kept from now on)."""
        return self.shared.setdefault(text, text)

    def _add(
        self,
        plan: ImportPlan,
        row: ParsedRow,
        kind: RowKind,
        problems: list[Problem],
        business_uuid: str | None = None,
        diff: dict[str, tuple[Any, Any]] | None = None,
    ) -> None:
        values = row.values
        plan.counts[kind] += 1
        plan.entries.append(
            RowEntry(
                row.row_number,
                kind,
                str(values.get("name", "")),
                str(values.get("uscc") or values.get("reg_no") or ""),
                business_uuid,
                diff,
                problems or None,
                plan.problem_cells.add(row.cells) if problems and self.keep_cells else None,
            )
        )
