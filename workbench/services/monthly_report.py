"""The monthly report (issue 18): an office's figures for a month as report_model.MonthlyReport, the plain
data the workbook, the dashboard and `workbench report monthly --json` all show.

Every figure is counted by GROUP BY in the database (report_flows, report_programmes, report_service_work,
report_indicators, report_inspections, report_details); this module asks them and assembles the report. A
month that was issued (出具) is shown as issued (workbench.services.report_issue); "last month" is last
month's issue when there is one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.audit import Actor
from storage.tables import Grid, Office, Officer
from workbench.domain import reference
from workbench.domain.report_definitions import DEFINITION_VERSION, ReportTargets, definitions
from workbench.domain.report_model import MonthlyReport
from workbench.domain.report_periods import Month, year_to_date
from workbench.services.errors import NotFound
from workbench.services.report_details import detail_table
from workbench.services.report_flows import flow_figures, monthly_new_and_deregistered
from workbench.services.report_indicators import active_rates, activity_test, survival_cohorts
from workbench.services.report_inspections import inspection_figures
from workbench.services.report_issue import issued_values
from workbench.services.report_programmes import programme_figures
from workbench.services.report_service_work import service_figures
from workbench.services.report_summary import (
    flow_lines,
    indicator_lines,
    inspection_lines,
    programme_lines,
    service_lines,
    with_last_month,
)
from workbench.services.report_tables import (
    appeal_table,
    charts,
    classes_table,
    grid_table,
    officer_table,
    section_table,
    support_table,
    survival_table,
)
from workbench.services.report_transaction import prepare_for_counting

Progress = Callable[[str], None]
ScaleUpCount = Callable[[Session, Actor], int]


def monthly_report(
    *,
    session: Session,
    actor: Actor,
    month: Month,
    targets: ReportTargets,
    scale_up_candidates: ScaleUpCount | None = None,
    progress: Progress | None = None,
) -> MonthlyReport:
    """Count the office's month now. `scale_up_candidates` counts the 上规上限 candidates with the office's
    candidate rules (None: the line says 暂无数据)."""
    step = progress or (lambda _what: None)
    office = session.get(Office, actor.office_id)
    if office is None or office.deleted_at is not None:
        raise NotFound("没有找到本所的记录，请先用 workbench office 建立本所")
    office_id = actor.office_id
    ytd = year_to_date(month)
    prepare_for_counting(session)
    step("实有户数、新设注销与活跃度")
    activity = activity_test(session, office_id, month, targets)
    flows = flow_figures(session, office_id, month, activity.flag)
    active, active_by_grid = active_rates(flows, activity)
    monthly = monthly_new_and_deregistered(session, office_id, month)
    step("分型与培育")
    programmes = programme_figures(session, office_id, month, ytd)
    candidates = scale_up_candidates(session, actor) if scale_up_candidates is not None else None
    step("帮扶、诉求与走访")
    service = service_figures(session, office_id, month, ytd)
    step("存活率")
    cohorts = survival_cohorts(session, office_id, month, targets)
    step("双随机抽查")
    inspections = inspection_figures(session, office_id, month)
    step("明细")
    details = detail_table(session, office_id, month)
    grids = _names(session, Grid, office_id)
    officers = _names(session, Officer, office_id)
    lines = [
        *indicator_lines(active, cohorts, targets),
        *inspection_lines(inspections, targets),
        *flow_lines(flows),
        *programme_lines(programmes, candidates),
        *service_lines(service),
    ]
    sections = {letter: reference.industry_name(letter) or letter for letter in flows.by_section if letter}
    return MonthlyReport(
        office_code=office.code,
        office_name=office.name,
        period=month.code,
        definition_version=DEFINITION_VERSION,
        summary=with_last_month(lines, issued_values(session, office_id, month.previous().code)),
        tables=(
            grid_table(month, flows, grids, active_by_grid),
            officer_table(month, flows, officers, service),
            classes_table(month, programmes),
            support_table(month, service),
            appeal_table(month, service),
            details,
            section_table(month, flows, sections),
            survival_table(month, cohorts, targets.survival_years),
        ),
        charts=charts(monthly, programmes, service),
        definitions=definitions(targets),
    )


def _names(session: Session, model: Any, office_id: int) -> dict[int, str]:
    """Names of the office's grids or officers, deleted ones too (old rows may still point at them)."""
    table = model.__table__
    rows = session.execute(select(table.c.id, table.c.name).where(table.c.office_id == office_id))
    return {row_id: name for row_id, name in rows}
