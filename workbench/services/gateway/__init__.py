"""The screens' narrow way to the database: one object with a desk per area, each method one unit of work.

Screens never hold an Engine or a Session (an import-linter contract in pyproject.toml says so). Each
action a person takes calls one desk method; the method opens its session (UnitOfWork), calls the services,
commits a write or rolls all of it back, and returns plain data for the screen to show. The use cases
stay in the services; a desk only draws the transaction around them, the way harlequin's adapters stand
between its UI and the database drivers.

The actor is passed to each call rather than fixed here: the person at the keyboard changes with F2.
Desks are built on first use, so the screens of the first paint load only the services they show.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from workbench.services.gateway.register_desk import RegisterDesk
from workbench.services.gateway.service_desk import ServiceDesk
from workbench.services.gateway.staff_desk import StaffDesk
from workbench.services.gateway.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from workbench.services.gateway.assignment_desk import AssignmentDesk
    from workbench.services.gateway.classification_desk import ClassificationDesk
    from workbench.services.gateway.figures_desk import FiguresDesk
    from workbench.services.gateway.inspection_desk import InspectionDesk
    from workbench.services.gateway.license_desk import LicenseDesk
    from workbench.services.gateway.programme_desk import ProgrammeDesk
    from workbench.services.gateway.report_desk import ReportDesk
    from workbench.services.gateway.sync_desk import SyncDesk

__all__ = ["Gateway", "UnitOfWork"]


class Gateway:
    """register (list, detail, form), service (todo, support, visits, appeals), programmes (名特优新, 培育库,
    候选, 个转企), classification, figures (经营数据 by hand), licenses (许可证 by hand), staff, assignment (批量改派,
    调离 hand-over), inspection (双随机: tasks, preview and confirm, verify, results), sync (a return package's dry
    run and commit, its conflicts and merge offers)."""

    def __init__(self, engine: Engine) -> None:
        self._work = UnitOfWork(engine)
        self.register = RegisterDesk(self._work)
        self.service = ServiceDesk(self._work)
        self.staff = StaffDesk(self._work)

    @cached_property
    def report(self) -> ReportDesk:
        from workbench.services.gateway.report_desk import ReportDesk

        return ReportDesk(self._work)

    @cached_property
    def programmes(self) -> ProgrammeDesk:
        from workbench.services.gateway.programme_desk import ProgrammeDesk

        return ProgrammeDesk(self._work)

    @cached_property
    def assignment(self) -> AssignmentDesk:
        from workbench.services.gateway.assignment_desk import AssignmentDesk

        return AssignmentDesk(self._work)

    @cached_property
    def classification(self) -> ClassificationDesk:
        from workbench.services.gateway.classification_desk import ClassificationDesk

        return ClassificationDesk(self._work)

    @cached_property
    def figures(self) -> FiguresDesk:
        from workbench.services.gateway.figures_desk import FiguresDesk

        return FiguresDesk(self._work)

    @cached_property
    def inspection(self) -> InspectionDesk:
        from workbench.services.gateway.inspection_desk import InspectionDesk

        return InspectionDesk(self._work)

    @cached_property
    def licenses(self) -> LicenseDesk:
        from workbench.services.gateway.license_desk import LicenseDesk

        return LicenseDesk(self._work)

    @cached_property
    def sync(self) -> SyncDesk:
        from workbench.services.gateway.sync_desk import SyncDesk

        return SyncDesk(self._work)
