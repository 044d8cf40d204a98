"""`workbench report …`: the monthly report (issue 18).

- `report monthly --month 2026-10 [--json] [--recount] [-o 月报.xlsx]`: the month's figures (as issued, when it
  was); -o writes the workbook (workbench/cli_report_output.py). `report merge` is cli_report_merge's.
- `report issue --month 2026-10 [--reason …]`: 出具: store the month's figures for good.

A sub-command group, so the workbook commands (`-o`, `report merge`) join it in their own module through
`report_app`. Errors a person can cause (a month that is no month, no office, a re-issue without a reason)
are one Chinese sentence on stderr and exit code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from workbench import locations
from workbench.cli_output import say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from storage.audit import Actor
    from workbench.domain.report_model import MonthlyReport, SummaryLine
    from workbench.domain.report_periods import Month

report_app = typer.Typer(
    help="月报：统计、出具本所每月上报的数据（实有户数、新设注销、分型、帮扶、诉求、活跃度、存活率），合并各所月报。",
    no_args_is_help=True,
)

MonthOption = Annotated[
    str | None, typer.Option("--month", help="统计月份，如 2026-10（默认上个月：月报在月初报上个月）")
]
OfficeOption = Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(report_app, name="report")


@report_app.command("monthly")
def monthly_command(
    ctx: typer.Context,
    month: MonthOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出全部数据（汇总、各表、图表数据、口径），供脚本使用")] = False,
    recount: Annotated[bool, typer.Option("--recount", help="已出具的月份也按现有数据重新统计（不改动已出具的数据）")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="另写成 Excel 月报，如 月报-2026-10.xlsx（给文件夹则自动命名）")] = None,
    office: OfficeOption = None,
) -> None:
    """统计一个月的月报数据并显示；已出具的月份显示出具时的数据。加 -o 另写成可打印的 Excel 月报。"""
    period = _month(month)
    engine, actor = _open(ctx, office)
    try:
        report = _run(lambda gateway, settings: gateway.report.monthly(
            actor, period, targets=settings.report_targets, candidate_rules=_candidate_rules(settings), recount=recount,
        ), engine)  # fmt: skip
        if output is not None:
            from workbench.cli_report_output import write_report_output

            write_report_output(engine, actor, report, output, quiet=as_json)
    finally:
        engine.dispose()
    if as_json:
        from workbench.domain.report_json import to_json

        say(to_json(report, indent=2))
        return
    _print(report)


@report_app.command("issue")
def issue_command(
    ctx: typer.Context,
    month: MonthOption = None,
    reason: Annotated[str, typer.Option("--reason", help="重新出具已出具月份时必须写明理由")] = "",
    office: OfficeOption = None,
) -> None:
    """出具月报：按现有数据统计该月并存档，之后的修改不再改变已出具的数据；重新出具须写明理由，原先的版本保留。"""
    period = _month(month)
    engine, actor = _open(ctx, office)
    try:
        report = _run(lambda gateway, settings: gateway.report.issue(
            actor, period, targets=settings.report_targets, candidate_rules=_candidate_rules(settings), reason=reason,
        ), engine)  # fmt: skip
    finally:
        engine.dispose()
    again = f"（第 {report.issue_number} 次出具）" if report.issue_number > 1 else ""
    say(f"已出具 {report.office_name} {period.label}月报{again}，口径 {report.definition_version}。")
    _print(report)


def _month(text: str | None) -> Month:
    """The month asked for; none given: last month, the one an office reports at the start of this one."""
    from datetime import date

    from workbench.domain.report_periods import Month, MonthError, parse_month

    if text is None:
        today = date.today()
        return Month(today.year, today.month).previous()
    try:
        return parse_month(text)
    except MonthError as error:
        say(str(error), err=True)
        raise typer.Exit(1) from None


def _open(ctx: typer.Context, office: str | None) -> tuple[Engine, Actor]:
    from sqlmodel import Session

    from storage.audit import Actor
    from workbench.cli_figures import _who
    from workbench.cli_ready import ready_engine
    from workbench.cli_service import pick_office
    from workbench.services.errors import WorkbenchError

    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    try:
        with Session(engine) as session:
            chosen = pick_office(session, office)
            actor = Actor(who=_who(session, chosen.id, None), device=locations.device_name(), office_id=chosen.id)
    except WorkbenchError as error:
        engine.dispose()
        say(error.message, err=True)
        raise typer.Exit(1) from None
    return engine, actor


def _run(call: Any, engine: Engine) -> MonthlyReport:
    from workbench.services.errors import ValidationFailed, WorkbenchError
    from workbench.services.gateway import Gateway
    from workbench.services.settings import OfficeSettings

    settings = OfficeSettings(locations.config_dir(), report=lambda message, _seconds: say(message, err=True))
    try:
        report: MonthlyReport = call(Gateway(engine), settings)
    except ValidationFailed as refused:
        for line in refused.errors.values():
            say(line, err=True)
        raise typer.Exit(1) from None
    except WorkbenchError as error:
        say(error.message, err=True)
        raise typer.Exit(1) from None
    return report


def _candidate_rules(settings: Any) -> Any:
    """The office's candidate rules for the 上规上限 count; None (the line says 暂无数据) when unreadable."""
    from workbench.domain.rule_files import RulesError

    try:
        return settings.candidates.rules
    except RulesError:
        return None


def _print(report: MonthlyReport) -> None:
    from workbench.cli_output import say_table

    issued = f"，{report.issued_at:%Y-%m-%d %H:%M} 出具（第 {report.issue_number} 次）" if report.issued_at else "（未出具）"
    say(f"{report.office_name} {report.period} 月报{issued}，口径：{report.definition_version}")
    rows: list[tuple[object, ...]] = [(line.label, _value(line), _value(line, line.last_month), _value(line, line.same_month_last_year),
             _value(line, line.target), _met(line)) for line in report.summary]
    say_table(("项目", "本月", "上月", "去年同期", "目标", "达标"), rows)
    for line in report.summary:
        if line.value is None and line.missing_reason:
            say(f"  · {line.label}：{line.missing_reason}")


def _value(line: SummaryLine, value: Any = ..., /) -> str:
    shown = line.value if value is ... else value
    if shown is None:
        return "—" if value is not ... else "暂无数据"
    if line.unit == "%":
        return f"{shown:.1%}"
    return f"{shown:,}"


def _met(line: SummaryLine) -> str:
    return "" if line.met is None else ("达标" if line.met else "未达标")
