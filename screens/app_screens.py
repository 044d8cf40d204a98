"""The app's keys that open a screen or a dialog (Ctrl+T 今日待办, Ctrl+K 干部与网格, Ctrl+Z 双随机 …): a mixin of
WorkbenchApp (screens/app.py), kept apart so that the app's module holds who is at the keyboard and how it
starts, and this one what its keys open.

Each screen is imported by the key that opens it (tests/test_architecture.py: the app starts without them), and
most open only once an officer is chosen and when they are not already on top (a second Ctrl+J does nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from textual.command import CommandPalette
from textual.screen import Screen

from screens.key_order import OrderedKeysApp

if TYPE_CHECKING:
    from screens.app import WorkbenchApp
    from screens.reference import OfficeReference
    from screens.widgets.officer_picker import Picked
    from workbench.services.office import Choice


class OpensScreens(OrderedKeysApp):
    """The actions behind the app's own keys and the command palette's global commands."""

    if TYPE_CHECKING:
        officer: Choice | None
        reference: OfficeReference
        today: Callable[[], date]

        def _picked(self, picked: Picked | None) -> None: ...

    def _open(self, kind: type[Screen[Any]], *, needs_officer: bool = True, anywhere: bool = False) -> None:
        """Push a new `kind` screen, unless it is on top already (`anywhere`: anywhere in the stack, for screens
        that open others over themselves) or, for most, no officer is chosen yet."""
        shown = self.screen_stack if anywhere else [self.screen]
        if (self.officer is not None or not needs_officer) and not any(isinstance(screen, kind) for screen in shown):
            self.push_screen(kind())

    def _app(self) -> WorkbenchApp:
        """This app, as the entry points that take the whole app see it (it is one: the mixin's only use)."""
        return cast("WorkbenchApp", self)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        self._open(HelpScreen, needs_officer=False)

    def action_switch_officer(self) -> None:
        from screens.widgets.officer_picker import OfficerPicker

        if self.reference.offices and not isinstance(self.screen, OfficerPicker):
            self.push_screen(OfficerPicker(self.reference, cancellable=True, current=self.officer), self._picked)

    def action_todo(self) -> None:
        """Ctrl+T: 今日待办 from anywhere; Esc goes back to where you were."""
        from screens.todo_screen import TodoScreen

        self._open(TodoScreen)

    def action_distinctions(self) -> None:
        """名特优新 of the business on screen (in its detail), else of the whole office."""
        from screens.business_detail import BusinessDetailScreen
        from screens.distinction_screen import DistinctionScreen

        if self.officer is None or isinstance(self.screen, DistinctionScreen):
            return
        detail = self.screen if isinstance(self.screen, BusinessDetailScreen) else None
        name = str(detail.detail.values.get("name") or "") if detail is not None and detail.detail else ""
        self.push_screen(DistinctionScreen(detail.business_uuid if detail else None, name))

    def action_convert(self) -> None:
        """个转企 of the household open in the detail screen."""
        from screens.business_detail import BusinessDetailScreen
        from screens.distinction_dialogs import ConversionDialog

        detail = self.screen if isinstance(self.screen, BusinessDetailScreen) else None
        if detail is None or detail.detail is None:
            return
        from workbench.services.conversion import conversion_refusal

        values = detail.detail.values
        refusal = conversion_refusal(str(values.get("name") or ""), str(values.get("kind") or ""))
        if refusal is not None:
            self.notify(refusal, severity="warning")
            return
        self.push_screen(ConversionDialog(detail.business_uuid, detail.detail.version, str(values.get("name") or ""),
                                          self.today()))

    # the commands of one screen's keys that the palette offers on every screen

    def action_route(self) -> None:
        from screens.visit_route import RouteScreen

        self._open(RouteScreen)

    def action_support_list(self) -> None:
        from screens.support_list import SupportListScreen

        self._open(SupportListScreen)

    def action_appeal_list(self) -> None:
        from screens.appeal_list import AppealListScreen

        self._open(AppealListScreen)

    def _business_in_view(self) -> tuple[str, str] | None:
        from screens.base import WorkbenchScreen

        return self.screen.business_in_view() if isinstance(self.screen, WorkbenchScreen) else None

    def action_add_support(self) -> None:
        """新增帮扶 for the business on screen (detail) or highlighted (list, to-do)."""
        from screens import service_entries

        if self.officer is None:
            return
        business = self._business_in_view()
        if business is None:
            self.notify("新增帮扶要先选定一户：在市场主体列表中选中它（或打开它），再按 B 或用命令面板", severity="warning")
            return
        service_entries.add_support(self._app(), *business)

    def action_add_appeal(self) -> None:
        """登记诉求 for the business on screen or highlighted; elsewhere for a person not registered."""
        from screens import service_entries

        if self.officer is None:
            return
        business = self._business_in_view()
        service_entries.add_appeal(self._app(), *(business or (None, "")))

    def action_sync_review(self) -> None:
        """回传冲突处理: the whole office's, or the business's on the detail screen."""
        from screens.business_detail import BusinessDetailScreen
        from screens.sync_review import SyncReviewScreen

        if self.officer is None or isinstance(self.screen, SyncReviewScreen):
            return
        on_detail = self.screen.business_uuid if isinstance(self.screen, BusinessDetailScreen) else None
        self.push_screen(SyncReviewScreen(on_detail))

    def action_sync(self, what: str) -> None:
        """外业包 / 回传包 (issue 19) from the command palette: out, in, back, apply (screens/sync_entries.py)."""
        from screens import sync_entries

        if self.officer is not None:
            sync_entries.COMMANDS[what](self._app())

    def action_pools(self) -> None:
        from screens.pools_screen import PoolsScreen

        self._open(PoolsScreen)

    def action_staff(self) -> None:
        """Ctrl+K: 干部与网格."""
        from screens.staff_screen import StaffScreen

        self._open(StaffScreen, anywhere=True)

    def action_dashboard(self) -> None:
        """Ctrl+J (统计 tǒngjì): 统计看板."""
        from screens.dashboard_screen import DashboardScreen

        self._open(DashboardScreen)

    def action_inspection(self) -> None:
        """Ctrl+Z: 双随机抽查 (tasks, the draw, results, publication)."""
        from screens.inspection_screen import InspectionScreen

        self._open(InspectionScreen, anywhere=True)

    def action_candidates(self) -> None:
        from screens.candidates_screen import CandidatesScreen

        self._open(CandidatesScreen)

    def action_size_calculator(self) -> None:
        """Ctrl+L: 规模测算, a dialog over whatever is on screen."""
        from screens.size_dialog import SizeDialog

        self._open(SizeDialog, needs_officer=False)

    def action_reclassify(self) -> None:
        """Ctrl+F: 重新分型 (a dry run first; F8 writes it)."""
        from screens.classify_screen import ClassifyScreen

        self._open(ClassifyScreen, anywhere=True)

    def action_command_palette(self) -> None:
        from screens.palette import WorkbenchPalette

        if not any(isinstance(screen, CommandPalette) for screen in self.screen_stack):
            self.push_screen(WorkbenchPalette())

    def action_new_business(self) -> None:
        from screens.business_detail import BusinessDetailScreen
        from screens.business_form import BusinessFormScreen

        if self.officer is None or isinstance(self.screen, BusinessFormScreen):
            return

        def opened(business_uuid: str | None) -> None:
            if business_uuid:
                self.push_screen(BusinessDetailScreen(business_uuid))

        self.push_screen(BusinessFormScreen(None), opened)

    def action_import_register(self) -> None:
        """Ctrl+O: the import wizard; it bumps data_version after a commit, so the list re-reads on return."""
        from screens.import_wizard import ImportWizardScreen

        self._open(ImportWizardScreen, anywhere=True)
