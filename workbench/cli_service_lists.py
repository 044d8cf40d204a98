"""`workbench support` and `workbench appeals`: list support records (or export them to Excel) and appeals (issue 6)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from workbench import locations
from workbench.cli_output import say, say_json

if TYPE_CHECKING:
    from sqlmodel import Session

    from storage.audit import Actor


OfficeOption = Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")]
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出，供脚本使用")]


def register(app: typer.Typer) -> None:
    app.command("support")(support_command)
    app.command("appeals")(appeals_command)


def support_command(
    ctx: typer.Context,
    kind: Annotated[
        str | None, typer.Option("--type", help="帮扶类型，如 融资/首贷、培训/入市第一课")
    ] = None,
    given_from: Annotated[str | None, typer.Option("--from", help="起始日期，如 2026-01-01")] = None,
    given_until: Annotated[str | None, typer.Option("--until", help="截止日期，如 2026-12-31")] = None,
    officer: Annotated[str | None, typer.Option("--officer", help="帮扶干部姓名")] = None,
    grid: Annotated[str | None, typer.Option("--grid", help="网格名称")] = None,
    office: OfficeOption = None,
    output: Annotated[
        Path | None, typer.Option(
            "-o", "--output", help="导出到文件：名称以 .csv 结尾为 CSV（Excel 可直接打开），否则为 Excel 工作簿 .xlsx；给文件夹则在其中自动命名"
        )
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """帮扶台账：按类型、期间、干部、网格筛选，显示或导出为 Excel。"""
    from workbench.domain.values import parse_date
    from workbench.services.support import SupportFilters, list_support

    def run(session: Session, actor: Actor, filters_only: bool = False) -> Any:
        filters = SupportFilters(
            kind=kind,
            given_from=parse_date(given_from),
            given_until=parse_date(given_until),
            officer_id=_choice_id(session, actor, "officer", officer),
            grid_id=_choice_id(session, actor, "grid", grid),
        )
        if filters_only:
            return filters
        return list_support(session, actor=actor, filters=filters, limit=1_000_000)

    if output is not None:
        _export(ctx, office, run, output, _describe(kind, given_from, given_until, officer, grid))
        return
    lines = _with_session(ctx, office, run)
    if as_json:
        say_json([asdict(line) for line in lines], indent=2, default=str)
    else:
        say(f"帮扶记录 {len(lines):,} 条")
        for line in lines:
            amount = f"，{line.amount_yuan:,} 元" if line.amount_yuan else ""
            say(
                f"  {line.given_on} [{line.kind}] {line.business_name}（{line.officer_name or '—'}）{line.content}{amount}"
            )


def appeals_command(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="只列未办结的诉求")] = False,
    urgent: Annotated[bool, typer.Option("--urgent", help="只列已逾期或即将到期的诉求")] = False,
    officer: Annotated[str | None, typer.Option("--officer", help="承办干部姓名")] = None,
    office: OfficeOption = None,
    as_json: JsonOption = False,
) -> None:
    """诉求清单：逾期和即将到期的排在前面。"""
    from workbench.services.appeals import AppealFilters, list_appeals
    from workbench.services.service_common import load_settings

    settings = load_settings(locations.config_dir())

    def run(session: Session, actor: Actor) -> list[Any]:
        officer_id = _choice_id(session, actor, "officer", officer)
        filters = AppealFilters(open_only=open_only, urgent_only=urgent, officer_id=officer_id)
        return list_appeals(session, actor=actor, filters=filters, settings=settings)

    lines = _with_session(ctx, office, run)
    if as_json:
        say_json([asdict(line) for line in lines], indent=2, default=str)
        return
    say(f"诉求 {len(lines):,} 件")
    for line in lines:
        flag = f"【{line.urgency_text}】" if line.overdue or line.due_soon else ""
        say(
            f"  {line.received_on} {line.state_label} {flag}{line.who}：{line.category}（期限 {line.deadline}）"
        )


def _describe(*parts: str | None) -> str:
    labels = ("类型", "起", "止", "干部", "网格")
    chosen = [f"{label} {part}" for label, part in zip(labels, parts, strict=True) if part]
    return "，".join(chosen) or "全部"


def _export(ctx: typer.Context, office: str | None, run: Any, output: Path, description: str) -> None:
    """Through imports.support_export (the screen's export): xlsx, codes as text, logged as an export."""
    from imports.support_export import export_support

    def write(session: Session, actor: Actor) -> list[Any]:
        filters = run(session, actor, filters_only=True)
        result = export_support(
            session=session, actor=actor, filters=filters, description=description, path=output
        )
        session.commit()
        return [result]

    (result,) = _with_session(ctx, office, write)
    if result.rows == 0:
        say(f"没有符合条件的帮扶记录（{description}）：文件只有表头，0 条，已写到：{result.path}")
    else:
        say(f"已导出帮扶记录 {result.rows:,} 条到：{result.path}")


def _with_session(ctx: typer.Context, office: str | None, run: Any) -> list[Any]:
    from sqlmodel import Session

    from storage.audit import Actor
    from workbench.cli_ready import ready_engine
    from workbench.cli_service import pick_office
    from workbench.services.errors import WorkbenchError

    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    try:
        with Session(engine) as session:
            chosen = pick_office(session, office)
            actor = Actor(who="命令行", device=locations.device_name(), office_id=chosen.id)
            return list(run(session, actor))
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    except ValueError as problem:
        say(str(problem), err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


def _choice_id(session: Session, actor: Actor, what: str, name: str | None) -> int | None:
    from workbench.services.errors import NotFound
    from workbench.services.office import grids, officers

    if not name:
        return None
    choices = (officers if what == "officer" else grids)(session=session, office_id=actor.office_id)
    found = next((choice for choice in choices if choice.name == name.strip()), None)
    if found is None:
        label = "干部" if what == "officer" else "网格"
        raise NotFound(
            f"本所没有名为「{name}」的{label}；可选：{'、'.join(choice.name for choice in choices)}"
        )
    return found.id
