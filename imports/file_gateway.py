"""The screens' way to the Excel side: import a register, export the list, the 帮扶台账 and the pools, read a
sync package (回传包, or a 外业包 edited by hand).

Like workbench.services.gateway (the screens' facade for the rest), each method is one unit of work and
the screens never see the Engine: the import's dry run reads and its commit writes all rows or none
(imports.plan / imports.commit draw their own transactions); each export writes its file and logs it in
one transaction. The Excel libraries are imported by the method that needs them, not at start.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from storage.audit import Actor
from workbench.services.gateway import UnitOfWork

if TYPE_CHECKING:
    from imports.commit import ImportResult
    from imports.export import ExportResult
    from imports.list_commit import ListResult
    from imports.list_plan import ListPlan
    from imports.parse import ParsedFile
    from imports.plan import ImportPlan, ProgressCallback
    from imports.sync_back import ReturnPackageResult
    from imports.sync_out import FieldPackageResult
    from workbench.domain.inspection_rules import InspectionRules
    from workbench.domain.report_model import MonthlyReport
    from workbench.domain.rule_files import LoadedRules
    from workbench.domain.service_lists import ServiceLists
    from workbench.domain.sync_model import ReturnPackage
    from workbench.domain.tiers import TierRules
    from workbench.services.assignment import AssignmentRequest
    from workbench.services.candidates import CandidateRow
    from workbench.services.listing import BusinessFilter
    from workbench.services.pools import MemberRow
    from workbench.services.support import SupportFilters
    from workbench.services.sync_laptop import ReceiveResult
    from workbench.services.visit_route import RouteStop

Names = dict[str, dict[int, str]]


class FileGateway:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._work = UnitOfWork(engine)

    def plan_import(
        self, parsed: ParsedFile, *, actor: Actor, mode: str, confirm_name_matches: bool,
        progress: ProgressCallback, cancel: threading.Event, run: Callable[..., ImportPlan] | None = None,
        assignment: AssignmentRequest | None = None,
    ) -> ImportPlan:  # fmt: skip
        """The dry run of the file as the wizard read it (its sheet and mapping, as the person checked them;
        the file is not read again); people review before they confirm, so the commit's per-row work is done
        meanwhile.

        `run` (here and below): the imports function unless the screen hands its own reference over, a seam
        the tests use to hold a job at its first progress report; it runs on this gateway's engine either way.
        """
        from imports.plan import plan_import

        run = run or plan_import
        return run(
            self._engine, parsed, actor=actor, mode=mode,
            confirm_name_matches=confirm_name_matches, progress=progress, cancel=cancel, prepare_commit=True,
            assignment=assignment,
        )  # fmt: skip

    def commit_import(
        self, plan: ImportPlan, *, actor: Actor, progress: ProgressCallback, cancel: threading.Event,
        run: Callable[..., ImportResult] | None = None,
    ) -> ImportResult:  # fmt: skip
        """All rows or none (imports.commit draws the transaction)."""
        from imports.commit import commit_import

        run = run or commit_import
        return run(self._engine, plan, actor=actor, progress=progress, cancel=cancel)

    def plan_list(
        self, parsed: ParsedFile, *, actor: Actor, license_kind: str | None, progress: ProgressCallback,
        cancel: threading.Event,
    ) -> ListPlan:  # fmt: skip
        """The dry run of a 经营数据 or 许可证 list as the wizard read it; rows matched by name + address wait for
        the confirm step (ListPlan.accept_name_matches, set before the commit)."""
        from imports.figures_plan import plan_figures
        from imports.licenses_plan import plan_licenses
        from workbench.domain.labels import ImportKind

        if parsed.kind is ImportKind.FIGURES:
            return plan_figures(self._engine, parsed, office_id=actor.office_id, progress=progress, cancel=cancel)
        return plan_licenses(self._engine, parsed, office_id=actor.office_id, default_kind=license_kind,
                             progress=progress, cancel=cancel)  # fmt: skip

    def commit_list(
        self, plan: ListPlan, *, actor: Actor, rules: LoadedRules[TierRules], progress: ProgressCallback,
        cancel: threading.Event,
    ) -> ListResult:  # fmt: skip
        """All rows or none, and the businesses touched reclassified in the same transaction (imports.list_commit)."""
        from imports.list_commit import commit_list

        return commit_list(self._engine, plan, actor=actor, rules=rules, progress=progress, cancel=cancel)

    def export_register(
        self, actor: Actor, flt: BusinessFilter, path: Path, *, full_personal_data: bool,
        progress: Callable[[int, int], None], run: Callable[..., ExportResult] | None = None,
    ) -> ExportResult:  # fmt: skip
        from imports.export import export_register

        run = run or export_register
        with self._work.writing() as session:
            return run(
                session=session, actor=actor, flt=flt, path=path, full_personal_data=full_personal_data,
                progress=progress,
            )  # fmt: skip

    def export_route(self, actor: Actor, *, whose: str, day: date, stops: Sequence[RouteStop], path: str) -> Path:
        from imports.route_export import export_route

        with self._work.writing() as session:
            return export_route(session=session, actor=actor, whose=whose, day=day, stops=list(stops), path=path).path

    def export_support(self, actor: Actor, filters: SupportFilters, *, description: str, path: str) -> Path:
        from imports.support_export import export_support

        with self._work.writing() as session:
            return export_support(
                session=session, actor=actor, filters=filters, description=description, path=path
            ).path

    def export_candidates(
        self, actor: Actor, *, title: str, rows: Sequence[CandidateRow], names: Names, path: str
    ) -> Path:
        from imports.pool_export import export_candidates

        with self._work.writing() as session:
            return export_candidates(
                session=session, actor=actor, title=title, rows=rows, names=names, description="候选名单", path=path
            )

    def export_pool(
        self, actor: Actor, *, pool: str, rows: Sequence[MemberRow], names: Names, description: str, path: str
    ) -> Path:
        from imports.pool_export import export_pool

        with self._work.writing() as session:
            return export_pool(
                session=session, actor=actor, pool=pool, rows=rows, names=names, description=description, path=path
            )

    def export_monthly_report(self, actor: Actor, report: MonthlyReport, path: str | Path) -> Path:
        """The monthly report's workbook (issue 18), logged as an export; returns the file written."""
        from imports.report_export import export_monthly_report

        with self._work.writing() as session:
            return export_monthly_report(session=session, actor=actor, report=report, path=path)

    def read_sync_package(self, path: str | Path, password: str | None = None) -> ReturnPackage:
        """A 回传包, or a 外业包 edited by hand in Excel or WPS (issue 19), as the office's dry run takes it
        (Gateway.sync.dry_run / apply): the cells of a hand-edited one that could not be read are its
        `problems`, what a person should know its `notices`. Reads the file only; PackageRefused (a
        WorkbenchError) names a file that is no package, another kind, a wrong password."""
        from imports.sync_package import read_sync_package

        return read_sync_package(path, password)

    def export_inspection_publication(self, actor: Actor, task_id: int, rules: InspectionRules,
                                      path: str | Path) -> tuple[Path, int]:  # fmt: skip
        """双随机: a task's recorded results in the publication template's columns; (file written, rows)."""
        from imports.inspection_export import export_publication
        from workbench.services.inspection_tasks import find_task

        with self._work.writing() as session:
            task = find_task(session, actor=actor, which=str(task_id))
            return export_publication(session=session, actor=actor, task=task, rules=rules, path=path)

    # field sync (issue 19): the office's 外业包, the laptop's 导入 and 回传包; the office applies a 回传包
    # through Gateway.sync (dry run, then one commit)

    def write_field_package(
        self, actor: Actor, *, officer_id: int, officer: str, grid_id: int | None, path: Path,
        password: str | None, lists: ServiceLists, settings_folder: Path | None,
        progress: Callable[[int, int], None],
    ) -> FieldPackageResult:  # fmt: skip
        """The officer's 外业包, written and logged (the file exists only if the log commits)."""
        from imports.sync_out import write_field_package
        from workbench import locations
        from workbench.services.sync_select import select_field_rows

        with self._work.writing() as session:
            selection = select_field_rows(session=session, office_id=actor.office_id, officer_id=officer_id,
                                          officer=officer, grid_id=grid_id)  # fmt: skip
            return write_field_package(
                session=session, actor=actor, selection=selection, path=path, device_id=locations.device_id(),
                lists=lists, settings_folder=settings_folder, password=password, progress=progress,
            )  # fmt: skip

    def receive_field_package(
        self, path: Path, *, password: str | None, device: str, settings_folder: Path | None,
        progress: Callable[[int, int], None],
    ) -> Received:  # fmt: skip
        """On the laptop: the 外业包 read, this database made or refreshed from it, and the office's settings
        files written into the laptop's folder (so it classifies as the office does)."""
        from imports.sync_files import write_rule_files
        from imports.sync_read import read_field_package
        from workbench.services.sync_laptop import receive_field_package

        progress(0, 3)
        data = read_field_package(path, password)
        progress(1, 3)
        with self._work.writing() as session:
            result = receive_field_package(session=session, package=data, who=data.manifest.officer, device=device)
        progress(2, 3)
        written = write_rule_files(settings_folder, data.rule_files) if settings_folder is not None else []
        progress(3, 3)
        return Received(data.manifest.officer, data.office_name, result, written)

    def write_return_package(self, path: Path, *, device: str, password: str | None = None) -> ReturnPackageResult:
        """On the laptop: everything since its 外业包, as a 回传包 for the office (logged)."""
        from imports.sync_back import write_return_package
        from workbench import locations

        with self._work.writing() as session:
            return write_return_package(session=session, device_id=locations.device_id(), device=device, path=path,
                                        password=password)

    def read_office_package(self, path: Path, password: str | None = None) -> ReturnPackage:
        """At the office: a 回传包, or a 外业包 edited by hand in Excel or WPS read as changes against the values
        it carried; PackageRefused (one Chinese sentence naming the file) for anything else."""
        return self.read_sync_package(path, password)


@dataclass(frozen=True)
class Received:
    """A 外业包 taken in on the laptop: whose, which office's, what happened, which settings files changed."""

    officer: str
    office_name: str
    result: ReceiveResult
    settings_written: list[str]
