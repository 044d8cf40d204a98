"""`workbench report monthly --month 2026-10 -o 月报-2026-10.xlsx`: the writer entry the monthly command calls
with the MonthlyReport it computed (issue 18). A failure to write is one Chinese sentence and exit code 1."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from workbench.cli_output import say

if TYPE_CHECKING:
    from workbench.domain.report_model import MonthlyReport


def default_name(report: MonthlyReport) -> str:
    """月报-五马市场监管所-2026-10.xlsx: what -o pointing at a folder names the file."""
    return f"月报-{report.office_name}-{report.period}.xlsx"


def write_report_output(report: MonthlyReport, output: Path, *, quiet: bool = False) -> Path:
    """Write the workbook to output (a folder gets the default name); returns the file written."""
    from imports.report_workbook import write_monthly_report
    from workbench.services.errors import WorkbenchError

    target = output / default_name(report) if output.is_dir() else output
    if target.suffix.lower() != ".xlsx":
        say(f"月报文件「{target.name}」应以 .xlsx 结尾，如 -o 月报-{report.period}.xlsx", err=True)
        raise typer.Exit(1)
    try:
        written = write_monthly_report(report, target)
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    if not quiet:
        state = f"第 {report.issue_number} 次出具" if report.issue_number else "草稿，尚未出具"
        say(f"已写出 {report.office_name} {report.period} 月报（{state}，{report.definition_version}）：{written}")
    return written
