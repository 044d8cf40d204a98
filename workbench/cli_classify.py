"""`workbench size` (the size-class calculator) and `workbench classify` (recompute every business) (issue 5)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workbench import locations
from workbench.cli_output import say, say_json


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("size")(size_command)
    app.command("classify")(classify_command)


def size_command(
    industry: Annotated[str, typer.Option("--industry", help="国民经济行业代码（GB/T 4754），如 5211")],
    employees: Annotated[float | None, typer.Option("--employees", help="从业人员（人）")] = None,
    revenue: Annotated[float | None, typer.Option("--revenue", help="营业收入（万元）")] = None,
    assets: Annotated[float | None, typer.Option("--assets", help="资产总额（万元）")] = None,
    code_version: Annotated[str, typer.Option("--code-version", help="行业代码版本：2017 或 2011")] = "2017",
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出，供脚本使用")] = False,
) -> None:
    """规模测算：按《中小企业划型标准规定》判断大型/中型/小型/微型，并说明每项指标的理由。"""
    from workbench.domain.size_class import classify_size

    verdict = classify_size(
        industry, employees=employees, revenue_wan=revenue, assets_wan=assets, version=code_version
    )
    if as_json:
        say_json(_size_json(verdict), indent=2)
    else:
        say(f"规模：{verdict.size_class.label if verdict.size_class else '无法划型'}")
        if verdict.row is not None:
            say(f"行业：{verdict.row.name}")
        for reason in verdict.reasons:
            say(f"  · {reason.text}")
        for note in verdict.notes:
            say(f"  · {note}")
        say(f"依据：{verdict.source}")
    if verdict.size_class is None:
        raise typer.Exit(1)


def _size_json(verdict: Any) -> dict[str, Any]:
    return {
        "size_class": verdict.size_class.value if verdict.size_class else None,
        "label": verdict.size_class.label if verdict.size_class else "无法划型",
        "industry_row": verdict.row.name if verdict.row else None,
        "reasons": [
            {
                "indicator": r.indicator.value,
                "value": r.value,
                "size_class": r.size_class.value,
                "text": r.text,
            }
            for r in verdict.reasons
        ],
        "notes": list(verdict.notes),
        "explanation": verdict.explanation,
        "source": verdict.source,
    }


def classify_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只看结果和变动，不写入数据库")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="以 JSON 输出（各型、各规模户数和变动），供脚本使用")
    ] = False,
    who: Annotated[
        str | None, typer.Option("--who", help="操作人，记入变更记录；默认为本机上次使用工作台的干部")
    ] = None,
    office: Annotated[
        str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")
    ] = None,
) -> None:
    """重新分型：按当前规则（含本所的classification.toml）计算全部市场主体的三型和规模，列出变动。"""
    from datetime import date

    from sqlmodel import Session

    from workbench.cli_export_options import ExportOptions, resolve
    from workbench.cli_ready import ready_engine
    from workbench.domain.rule_files import RulesError
    from workbench.services.classification import load_rules
    from workbench.services.classification_recompute import recompute
    from workbench.services.errors import WorkbenchError
    from workbench.services.office import DeviceMemory

    try:
        rules, rules_error = load_rules(locations.config_dir())
    except RulesError as broken:  # the shipped file itself: nothing to fall back on
        say(broken.message_zh, err=True)
        raise typer.Exit(1) from None
    if rules_error is not None:
        say(f"{rules_error.message_zh}\n本次按随程序提供的默认规则分型。", err=True)
    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    remembered = DeviceMemory(locations.device_memory_path()).officer_uuid(
        engine.url.render_as_string(hide_password=True)
    )
    try:
        with Session(engine) as session:
            actor, _flt = resolve(
                session,
                ExportOptions(who=who, office=office),
                remembered_officer=remembered,
                login=_login(),
                device=locations.device_name(),
            )
            report = recompute(session, actor=actor, rules=rules, today=date.today(), dry_run=dry_run)
            if not dry_run:
                session.commit()
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    if as_json:
        found = report.as_json() | {"rules_error": rules_error.message_zh if rules_error else None}
        say_json(found, indent=2)
        return
    _print_report(report)


def _login() -> str:
    import getpass

    try:
        return f"{getpass.getuser()}（命令行）"
    except (KeyError, OSError):
        return "命令行"


def _print_report(report: Any) -> None:
    say(("【试算，未写入】" if report.dry_run else "") + report.summary)
    say(
        "三型（个体工商户）：" + "，".join(f"{label} {count:,}" for label, count in report.tier_table())
    )
    say("规模：" + "，".join(f"{label} {count:,}" for label, count in report.size_table()))
    moves = report.moves
    say("变动：" + ("无" if not moves else ""))
    for move in moves:
        say(f"  {move.text}")
    say(f"用时 {report.seconds:.1f} 秒")
