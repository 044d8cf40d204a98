"""`workbench inspect result / results / publish`: record a result, export the results and the publication list."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from workbench.cli_inspect_common import (
    OfficeOption,
    TaskArgument,
    WhoOption,
    inspection_settings,
    parse_day,
    run,
)
from workbench.cli_output import say

OutputOption = Annotated[str, typer.Option("-o", "--output", help="保存到哪个文件（.xlsx）")]


def register(app: typer.Typer) -> None:
    app.command("result")(result_command)
    app.command("results")(results_command)
    app.command("publish")(publish_command)


def result_command(
    ctx: typer.Context,
    task: TaskArgument,
    business: Annotated[str, typer.Argument(help="抽中的市场主体：统一社会信用代码、注册号或名称")],
    code: Annotated[list[str], typer.Option("--code", help="抽查结果代码，可写多次（inspect codes 可查）")],
    on: Annotated[str, typer.Option("--date", help="检查日期")],
    inspector: Annotated[list[str] | None, typer.Option("--inspector", help="实际检查人员（默认：抽中的人员）")] = None,
    notes: Annotated[str, typer.Option("--notes", help="备注")] = "",
    follow_up: Annotated[str, typer.Option("--follow-up", help="后续处置：责令整改 / 移送 / 经营异常 / 立案")] = "",
    due: Annotated[str | None, typer.Option("--due", help="整改期限（默认按工作日推算）")] = None,
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """录入一户的抽查结果（可多选代码）与后续处置。"""
    from workbench.domain.code_common import normalise_code
    from workbench.domain.working_days import estimated_note
    from workbench.services.errors import NotFound
    from workbench.services.inspection_lists import result_lines
    from workbench.services.inspection_results import ResultInput, record_result
    from workbench.services.inspection_tasks import find_task

    settings = inspection_settings()
    rules = settings.inspection.rules
    inspected_on, due_on = parse_day(on, "--date"), parse_day(due, "--due")
    assert inspected_on is not None

    def work(session: Any, actor: Any) -> str:
        found = find_task(session, actor=actor, which=task)
        text = business.strip()
        typed = normalise_code(text)  # as an inspection list writes it: 91…x, full-width digits, spaces, （）
        lines = [line for line in result_lines(session, actor=actor, task=found, rules=rules)
                 if typed in (normalise_code(line.business_name), normalise_code(line.code))]  # fmt: skip
        if len(lines) > 1:
            raise NotFound(f"任务「{found.name}」抽中的名单里有 {len(lines)} 户叫「{text}」：请改用统一社会信用代码或注册号")
        if not lines:
            raise NotFound(f"任务「{found.name}」抽中的名单里没有「{text}」：请核对统一社会信用代码、注册号或名称"
                           f"（抽中的名单可用 workbench inspect results {found.id} -o 文件 导出）")
        line = lines[0]
        entry = ResultInput(code, inspected_on, tuple(inspector or line.drawn.split("、")), notes, follow_up, due_on)
        row = record_result(session, actor=actor, task=found, business_uuid=line.business_uuid, entry=entry,
                            rules=rules, calendar=settings.service.calendar, base_version=line.result_version)  # fmt: skip
        calendar = settings.service.calendar
        extra = f"，整改期限 {row.follow_up_due}" if row.follow_up_due else ""
        if due_on is None and row.follow_up_due and (years := calendar.estimated_between(inspected_on, row.follow_up_due)):
            extra += f"（{estimated_note(years)}）".replace("（可在", "，可在").replace("通知））", "通知）")
        publish = calendar.add_working_days(found.ends_on, rules.publish_within_working_days)
        publish_note = f"，{publish.note}" if publish.estimated else ""
        return f"已录入「{line.business_name}」的抽查结果{extra}；公示期限 {row.publish_by}{publish_note}"

    say(run(ctx, office, who, work))


def results_command(ctx: typer.Context, task: TaskArgument, output: OutputOption, office: OfficeOption = None,
                    who: WhoOption = None) -> None:  # fmt: skip
    """导出任务抽中的全部主体、检查人员、回避记录与结果。"""
    from imports.inspection_export import export_results
    from workbench.services.inspection_tasks import find_task

    rules = inspection_settings().inspection.rules

    def work(session: Any, actor: Any) -> str:
        found = find_task(session, actor=actor, which=task)
        target, rows = export_results(session=session, actor=actor, task=found, rules=rules, path=output)
        return f"已导出 {rows:,} 户到 {target}"

    say(run(ctx, office, who, work))


def publish_command(
    ctx: typer.Context,
    task: TaskArgument,
    output: OutputOption,
    published_on: Annotated[str | None, typer.Option(
        "--published-on", help="已在公示系统公示的日期：给出则把这些结果记为已公示")] = None,  # fmt: skip
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """按公示模板导出已录入的结果；公示后用 --published-on 记下公示日期（待办中的公示提醒随之消失）。"""
    from imports.inspection_export import export_publication
    from workbench.services.inspection_results import mark_published
    from workbench.services.inspection_tasks import find_task

    rules = inspection_settings().inspection.rules
    published = parse_day(published_on, "--published-on")
    if published is not None and published > date.today():
        say(f"公示日期 {published} 在今天之后，请核对", err=True)
        raise typer.Exit(1)

    def work(session: Any, actor: Any) -> str:
        found = find_task(session, actor=actor, which=task)
        target, rows = export_publication(session=session, actor=actor, task=found, rules=rules, path=output)
        message = f"已导出公示名单 {rows:,} 条到 {target}"
        if published is not None:
            marked = mark_published(session, actor=actor, task=found, on=published)
            message += f"；{marked:,} 条结果记为 {published} 已公示"
        return message

    say(run(ctx, office, who, work))
