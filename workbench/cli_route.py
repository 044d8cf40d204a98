"""`workbench route`: 今日走访路线 as the app shows it, grouped by street, ready to print or save as text."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING, Annotated

import typer

from workbench import locations
from workbench.cli_output import say

if TYPE_CHECKING:
    from workbench.services.visit_route import RouteStop


def route_command(
    ctx: typer.Context,
    officer: Annotated[
        str | None, typer.Option("--officer", help="干部姓名（默认本机上次使用工作台的干部）")
    ] = None,
    office: Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")] = None,
    on: Annotated[str | None, typer.Option("--day", help="哪一天的路线，如 2026-11-23（默认今天）")] = None,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", help="存成 Excel（A4 横向、可直接打印）或 .csv；给文件夹则用默认文件名"),
    ] = None,
) -> None:
    """今日走访路线：到期的走访跟进和歇业届满核实，按街道/社区分组、门牌顺序排列；可打印（如 | lp）或用 -o 存成 Excel。"""
    from sqlmodel import Session

    from storage.audit import Actor
    from workbench.cli_ready import ready_engine
    from workbench.cli_service import _officer, pick_office
    from workbench.domain.values import parse_date
    from workbench.services.errors import WorkbenchError
    from workbench.services.visit_route import day_route, route_title

    try:
        day = parse_date(on) or date.today()
    except ValueError as problem:
        say(f"--day：{problem}", err=True)
        raise typer.Exit(1) from None
    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    try:
        with Session(engine) as session:
            chosen_office = pick_office(session, office)
            key = engine.url.render_as_string(hide_password=True)
            chosen = _officer(session, chosen_office.id, officer, key)
            if chosen is None:
                say("走访路线是一名干部的：请用 --officer 指定干部（workbench staff list 列出本所干部）", err=True)
                raise typer.Exit(1)
            actor = Actor(who=chosen.name, device=locations.device_name(), office_id=chosen_office.id)
            stops = day_route(session, actor=actor, day=day, officer_id=chosen.id)
            if output is not None:
                from imports.route_export import export_route

                written = export_route(
                    session=session, actor=actor, whose=chosen.name, day=day, stops=stops, path=output
                )
                say(f"{route_title(chosen.name, day, stops)}，已写到：{written.path}")
                return
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    for line in render_route(chosen.name, day, stops):
        say(line)


def render_route(whose: str, day: date, stops: list[RouteStop]) -> list[str]:
    """A heading, then each street with its doors in order: name, door, operator and phone, what is due."""
    from workbench.services.visit_route import route_title

    lines = [route_title(whose, day, stops)]
    if not stops:
        return [*lines, "这一天没有到期的走访跟进或歇业届满核实。"]
    number = 0
    for area, group in groupby(stops, key=lambda stop: stop.area):
        lines.append(f"【{area}】")
        for stop in group:
            number += 1
            who = " ".join(part for part in (stop.operator, stop.phone) if part)
            lines.append(f"  {number}. {stop.name}  {stop.street_address}  {who}".rstrip())
            lines += [f"     {reason}" for reason in stop.reasons]
    return lines
