"""`workbench todo`: the to-do list (今日待办) the TUI opens on, grouped by urgency, as text or JSON (issue 6)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from workbench import locations
from workbench.cli_output import say, say_json

if TYPE_CHECKING:
    from sqlmodel import Session

    from workbench.services.office import Choice
    from workbench.services.reminders import TodoItem


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    from workbench import cli_route, cli_service_lists

    app.command("todo")(todo_command)
    app.command("route")(cli_route.route_command)
    cli_service_lists.register(app)


def todo_command(
    ctx: typer.Context,
    officer: Annotated[
        str | None,
        typer.Option("--officer", help="干部姓名：只列这名干部的待办（默认本机上次使用工作台的干部）"),
    ] = None,
    whole_office: Annotated[bool, typer.Option("--all", help="列出全所的待办")] = False,
    office: Annotated[
        str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")
    ] = None,
    on: Annotated[str | None, typer.Option("--today", help="按哪一天计算，如 2026-11-23（默认今天）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出，供脚本使用")] = False,
) -> None:
    """今日待办：证照到期、诉求到期或逾期、走访跟进、年报季、名特优新复核、歇业期届满，按紧急程度分组。"""
    from sqlmodel import Session

    from storage.audit import Actor
    from workbench.cli_ready import ready_engine
    from workbench.domain.values import parse_date
    from workbench.services.errors import WorkbenchError
    from workbench.services.reminders import todo_list
    from workbench.services.service_common import load_settings

    try:
        today = parse_date(on) or date.today()
        settings = load_settings(locations.config_dir())
    except ValueError as problem:
        say(str(problem), err=True)
        raise typer.Exit(1) from None
    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    try:
        with Session(engine) as session:
            chosen_office = pick_office(session, office)
            key = engine.url.render_as_string(hide_password=True)
            chosen_officer = None if whole_office else _officer(session, chosen_office.id, officer, key)
            actor = Actor(
                who=chosen_officer.name if chosen_officer else "命令行",
                device=locations.device_name(),
                office_id=chosen_office.id,
            )
            officer_id = chosen_officer.id if chosen_officer else None
            items = todo_list(session, actor=actor, officer_id=officer_id, today=today, settings=settings)
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    whose = chosen_officer.name if chosen_officer else chosen_office.name
    if as_json:
        say_json(_as_json(chosen_office.name, whose, today, items), indent=2)
        return
    for line in render_todo(whose, today, items):
        say(line)


def render_todo(whose: str, today: date, items: list[TodoItem]) -> list[str]:
    """The text the terminal shows: a heading, then each urgency group with its items."""
    from workbench.services.reminders import URGENCY_LABELS

    lines = [f"今日待办（{whose}，{today}）：共 {len(items)} 项"]
    if not items:
        return [*lines, "没有需要处理的事项。"]
    for urgency, label in URGENCY_LABELS.items():
        group = [item for item in items if item.urgency == urgency]
        if not group:
            continue
        lines.append(f"【{label}】{len(group)} 项")
        for item in group:
            lines.append(f"  [{item.kind_label}] {item.text}")
            if item.note:
                lines.append(f"      注：{item.note}")
    return lines


def _as_json(office: str, whose: str, today: date, items: list[TodoItem]) -> dict[str, Any]:
    def one(item: TodoItem) -> dict[str, Any]:
        values = asdict(item)
        values["due_on"] = item.due_on.isoformat() if item.due_on else None
        return {**values, "urgency_label": item.urgency_label, "kind_label": item.kind_label}

    return {
        "office": office,
        "for": whose,
        "today": today.isoformat(),
        "items": [one(item) for item in items],
    }


def pick_office(session: Session, name: str | None) -> Choice:
    from workbench.services.errors import NotFound
    from workbench.services.office import offices

    known = offices(session=session)
    if name:
        known = [choice for choice in known if choice.name == name.strip()]
    if not known:
        raise NotFound(f"没有名为「{name}」的所" if name else "数据库里还没有所：请先运行 workbench init")
    if len(known) > 1:
        names = "、".join(choice.name for choice in known)
        raise NotFound(f"数据库里有多个所，请用 --office 指定：{names}")
    return known[0]


def _officer(session: Session, office_id: int, name: str | None, database_key: str) -> Choice | None:
    """--officer NAME; else the officer this device last used; else None (the whole office)."""
    from workbench.services.errors import NotFound
    from workbench.services.office import DeviceMemory, officers

    staff = officers(session=session, office_id=office_id)
    if name:
        found = [choice for choice in staff if choice.name == name.strip()]
        if not found:
            names = "、".join(choice.name for choice in staff)
            raise NotFound(f"本所没有名为「{name}」的干部；本所干部：{names}")
        return found[0]
    remembered = DeviceMemory(locations.device_memory_path()).officer_uuid(database_key)
    return next((choice for choice in staff if remembered and choice.uuid == remembered), None)
