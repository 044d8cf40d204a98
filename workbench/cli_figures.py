"""`workbench figures set`: one business's figures for one year, as the detail's 经营数据 tab records them.

The same service (workbench.services.year_figures through the gateway's FiguresDesk): a year that has
figures is edited, a deleted one brought back, the change logged (source 手工录入) and the business
reclassified at once; the command prints what it did and what the classification did.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from workbench import locations
from workbench.cli_output import say

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from storage.audit import Actor

figures_app = typer.Typer(help="经营数据（营业收入、纳税额、从业人员、参保人数）：按年度录入或修改。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(figures_app, name="figures")


@figures_app.command("set")
def set_command(
    ctx: typer.Context,
    business: Annotated[str, typer.Argument(help="统一社会信用代码或主体全称")],
    year: Annotated[str, typer.Option("--year", help="年度，如 2025")],
    revenue: Annotated[str | None, typer.Option("--revenue", help="营业收入，如 120万 或 1200000")] = None,
    tax: Annotated[str | None, typer.Option("--tax", help="纳税额，如 3200 或 0.32万")] = None,
    employees: Annotated[str | None, typer.Option("--employees", help="从业人员（人）")] = None,
    insured: Annotated[str | None, typer.Option("--insured", help="参保人数（社保缴纳人数）")] = None,
    unit: Annotated[str, typer.Option("--unit", help="不带单位的金额按什么读：元 或 万元")] = "元",
    who: Annotated[str | None, typer.Option("--who", help="录入人：本所在岗干部的姓名")] = None,
    office: Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")] = None,
) -> None:
    """录入或修改一户一个年度的经营数据；该年度已有数据时即为修改。保存后立即重新分型，并说明分型的变化。"""
    from workbench.cli_ready import ready_engine
    from workbench.domain.figures import AmountUnit
    from workbench.domain.rule_files import RulesError
    from workbench.services.classification import load_rules
    from workbench.services.errors import ValidationFailed, WorkbenchError
    from workbench.services.gateway import Gateway
    from workbench.services.year_figures import FiguresEntry

    if unit not in tuple(AmountUnit):
        say(f"--unit 只能是「元」或「万元」，现在是「{unit}」", err=True)
        raise typer.Exit(1)
    try:
        rules, rules_error = load_rules(locations.config_dir())
    except RulesError as broken:
        say(broken.message_zh, err=True)
        raise typer.Exit(1) from None
    if rules_error is not None:
        say(f"{rules_error.message_zh}\n本次按随程序提供的默认规则分型。", err=True)
    entry = FiguresEntry(year=year, revenue=revenue, tax_paid=tax, employees=employees, insured_staff=insured,
                         revenue_unit=unit, tax_unit=unit)  # fmt: skip
    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    try:
        actor, business_uuid, name = _whom(engine, business, who, office)
        outcome = Gateway(engine).figures.record(actor, business_uuid, entry, rules=rules, today=date.today())
    except ValidationFailed as refused:
        for line in refused.errors.values():
            say(line, err=True)
        raise typer.Exit(1) from None
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    say(f"{outcome.message}（{name}）")
    say(outcome.classification.notice)


def _whom(engine: Engine, business: str, who: str | None, office: str | None) -> tuple[Actor, str, str]:
    """The actor (--who, an officer of the office; else the login) and the business's uuid and name."""
    from sqlmodel import Session

    from storage.audit import Actor
    from workbench.cli_service import pick_office
    from workbench.services.distinction_lists import find_business

    with Session(engine) as session:
        chosen = pick_office(session, office)
        actor = Actor(who=_who(session, chosen.id, who), device=locations.device_name(), office_id=chosen.id)
        found = find_business(session=session, actor=actor, text=business)
        return actor, found.uuid, found.name


def _who(session: Session, office_id: int, who: str | None) -> str:
    from workbench.services.errors import ValidationFailed
    from workbench.services.office import officers

    if who is None:
        import getpass

        try:
            return f"{getpass.getuser()}（命令行）"
        except (KeyError, OSError):
            return "命令行"
    staff = officers(session=session, office_id=office_id)
    if not any(person.name == who.strip() for person in staff):
        names = "、".join(person.name for person in staff) or "（无）"
        raise ValidationFailed({"who": f"录入人「{who}」不是本所在岗干部：--who 须写本所干部的姓名（可选：{names}）"})
    return who.strip()
