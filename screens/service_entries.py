"""Support, appeal and visit entry for one business: what the detail's B / S / Z keys open."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from screens.appeal_intake import AppealIntakeDialog, DuplicateDialog, IntakeResult
from screens.appeal_screen import AppealScreen
from screens.service_dialog import officer_choices, settings_of
from screens.support_dialog import SupportDialog, last_kind
from screens.visit_dialog import VisitDialog
from workbench.domain.service_lists import FIRST_LOAN

if TYPE_CHECKING:
    from screens.app import WorkbenchApp


def add_support(app: WorkbenchApp, business_uuid: str, business_name: str) -> None:
    officer = app.officer
    dialog = SupportDialog(
        business_uuid,
        business_name,
        kind=last_kind(app),
        today=app.today().isoformat(),
        officers=officer_choices(app),
        officer_id=officer.id if officer else None,
        support_types=settings_of(app).lists.support_types,
    )

    def saved(result: Any) -> None:
        if result:
            kind = last_kind(app)
            extra = "，已标记为首贷户" if kind == FIRST_LOAN else ""
            app.notify(f"已记录「{business_name}」的{kind}帮扶{extra}")

    app.push_screen(dialog, saved)


def add_appeal(app: WorkbenchApp, business_uuid: str | None, business_name: str = "") -> None:
    """Intake; a new appeal opens at once, a duplicate is offered as 「打开已有诉求」."""
    dialog = AppealIntakeDialog(
        settings_of(app),
        app.today(),
        business_uuid=business_uuid,
        business_name=business_name,
        officers=officer_choices(app),
    )

    def saved(result: IntakeResult | None) -> None:
        if result is None:
            return
        if not result.duplicate_message:
            app.push_screen(AppealScreen(result.appeal_uuid))
            return

        def answered(open_existing: bool | None) -> None:
            if open_existing:
                app.push_screen(AppealScreen(result.appeal_uuid))

        app.push_screen(DuplicateDialog(result.duplicate_message), answered)

    app.push_screen(dialog, saved)


def add_visit(
    app: WorkbenchApp,
    business_uuid: str,
    business_name: str,
    *,
    business_version: int | None,
    on_record: dict[str, Any],
) -> None:
    officer = app.officer

    def saved(result: Any) -> None:
        if result:
            app.notify(f"已记录对「{business_name}」的走访")

    app.push_screen(
        VisitDialog(
            business_uuid,
            business_name,
            business_version=business_version,
            on_record=on_record,
            today=app.today(),
            officer_name=officer.name if officer else "",
            officer_id=officer.id if officer else None,
            settings=settings_of(app),
        ),
        saved,
    )
