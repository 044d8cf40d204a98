"""The monthly workbook as an export (issue 18): written beside its name, logged in the change log like every
other export (it lists businesses by name and code in 明细), moved into place, committed; all or nothing."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from imports.export import ExportFailed, export_path, is_csv, write_logged_file
from imports.report_workbook import write_workbook
from storage.audit import Actor
from workbench.domain.report_model import MonthlyReport


def default_report_name(report: MonthlyReport) -> str:
    """月报-五马市场监管所-2026-10.xlsx: the name a folder given as the destination gets."""
    return f"月报-{report.office_name}-{report.period}.xlsx"


def report_description(report: MonthlyReport) -> str:
    state = f"第 {report.issue_number} 次出具" if report.issue_number else "草稿，尚未出具"
    return f"{report.office_name} {report.period} 月报（{state}，{report.definition_version}）"


def export_monthly_report(*, session: Session, actor: Actor, report: MonthlyReport, path: str | Path) -> Path:
    """Write the report's workbook to path (a folder gets default_report_name; 月报 -> 月报.xlsx) and log it."""
    target = export_path(path, default_report_name(report))
    if is_csv(target):
        raise ExportFailed(f"月报含图表和多张表，不能写成 CSV：请把「{target.name}」改为以 .xlsx 结尾的文件名")
    rows = len(report.summary) + sum(len(table.rows) for table in report.tables)
    write_logged_file(
        session=session, actor=actor, target=target, description=report_description(report), rows=rows,
        write=lambda partial: write_workbook(report, partial),
    )
    return target
