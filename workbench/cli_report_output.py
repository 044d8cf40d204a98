"""`workbench report monthly --month 2026-10 -o 月报-2026-10.xlsx`: the writer entry the monthly command calls
with the MonthlyReport it computed (issue 18). The workbook is an export like any other: logged in the change
log (its 明细 lists businesses by name and code). A failure is one Chinese sentence and exit code 1."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from workbench.cli_output import say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from storage.audit import Actor
    from workbench.domain.report_model import MonthlyReport


def write_report_output(
    engine: Engine, actor: Actor, report: MonthlyReport, output: Path, *, quiet: bool = False
) -> Path:
    """Write the workbook to output (a folder gets 月报-所名-月份.xlsx) and log it; returns the file written."""
    from imports.file_gateway import FileGateway
    from imports.report_export import report_description
    from workbench.services.errors import WorkbenchError

    try:
        written = FileGateway(engine).export_monthly_report(actor, report, output)
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    if not quiet:
        say(f"已写出 {report_description(report)}：{written}")
    return written
