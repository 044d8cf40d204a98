"""`workbench staff`: 干部与网格 from the command line (the TUI has the same under Ctrl+K).

`init` creates the office with its first officers and grids; people join, move and leave later:
`staff list`, `staff add 姓名 [--phone] [--grid 网格]`, `staff grid 网格名`, `staff leave 姓名`, `staff return 姓名`.
"""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer

from workbench.cli_output import say, say_table
from workbench.cli_pools import office_actor

OfficeOption = Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")]
WhoOption = Annotated[str | None, typer.Option("--who", help="记在谁名下（默认：本机登录名）")]

staff_app = typer.Typer(help="干部与网格：查看、新增干部或网格、调离与恢复在岗。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add `workbench staff …` to the main app."""
    app.add_typer(staff_app, name="staff")


def _actor(ctx: typer.Context, office: str | None, who: str | None) -> tuple[Any, Any]:
    return office_actor(ctx, office, who or getpass.getuser())


def _run(ctx: typer.Context, office: str | None, who: str | None, change: Any) -> None:
    """One change in one transaction; a refusal prints its Chinese reasons and exits 1."""
    from sqlmodel import Session

    from workbench.services.errors import ValidationFailed, WorkbenchError

    engine, actor = _actor(ctx, office, who)
    try:
        with Session(engine) as session:
            message = change(session, actor)
            session.commit()
    except ValidationFailed as error:
        for text in error.errors.values():
            say(text, err=True)
        raise typer.Exit(1) from None
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    say(message)


@staff_app.command("list")
def list_command(ctx: typer.Context, office: OfficeOption = None) -> None:
    """列出本所干部（在岗在前）和网格，以及各自包联的主体户数。"""
    from sqlmodel import Session

    from workbench.services.staff import staff_overview

    engine, actor = _actor(ctx, office, None)
    with Session(engine) as session:
        officers, grids = staff_overview(session, actor=actor)
    say(f"包联干部（{len(officers)} 名）：")
    say_table(
        ("姓名", "负责网格", "联系电话", "状态", "包联户数"),
        [
            (line.name, line.grid_name or "-", line.phone or "-", "在岗" if line.active else "已调离",
             f"{line.businesses:,}")
            for line in officers
        ],
    )  # fmt: skip
    say(f"网格（{len(grids)} 个）：")
    say_table(
        ("网格", "在岗干部", "主体户数"), [(grid.name, f"{grid.officers} 名", f"{grid.businesses:,}") for grid in grids]
    )


@staff_app.command("add")
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="干部姓名")],
    phone: Annotated[str, typer.Option("--phone", help="联系电话")] = "",
    grid: Annotated[str | None, typer.Option("--grid", help="负责网格的名称")] = None,
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """新增包联干部。"""
    from workbench.services.staff import add_officer

    def change(session: Any, actor: Any) -> str:
        officer = add_officer(
            session,
            actor=actor,
            data={"name": name, "phone": phone, "grid_id": _grid_id(session, actor, grid)},
        )
        return f"已新增干部「{officer.name}」"

    _run(ctx, office, who, change)


@staff_app.command("grid")
def grid_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="网格名称")],
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """新增网格。"""
    from workbench.services.staff import add_grid

    _run(
        ctx,
        office,
        who,
        lambda session, actor: f"已新增网格「{add_grid(session, actor=actor, data={'name': name}).name}」",
    )


@staff_app.command("leave")
def leave_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="干部姓名")],
    to: Annotated[str | None, typer.Option("--to", help="名下主体一并改派给这名在岗干部")] = None,
    unassign: Annotated[
        bool, typer.Option("--unassign", help="名下主体一并改为未分派（之后在列表中筛「未分派」再派）")
    ] = False,
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """把干部标记为已调离；用 --to 某某 把名下主体一并交给接任的干部，或 --unassign 改为未分派。"""
    from workbench.services.errors import NotFound
    from workbench.services.hand_over import leave_with_hand_over
    from workbench.services.reassign import target_named
    from workbench.services.staff import staff_overview

    if to is not None and unassign:
        say("--to 与 --unassign 只能选一个", err=True)
        raise typer.Exit(1)

    def change(session: Any, actor: Any) -> str:
        lines = [line for line in staff_overview(session, actor=actor)[0] if line.name == name.strip() and line.active]
        if not lines:
            raise NotFound(f"本所没有在岗的干部「{name.strip()}」")
        successor = target_named(session, actor, officer=to, grid=None).officer_id if to is not None else None
        done = leave_with_hand_over(
            session, actor=actor, officer_uuid=lines[0].uuid, base_version=lines[0].version,
            successor_id=successor, unassign=unassign,
        )  # fmt: skip
        hint = "" if done.moved or not done.kept else f"（可用 workbench assign --from {done.officer} --to 某某 一次改派）"
        return done.sentence() + hint

    _run(ctx, office, who, change)


@staff_app.command("return")
def return_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="干部姓名")],
    office: OfficeOption = None,
    who: WhoOption = None,
) -> None:
    """让已调离的干部恢复在岗。"""
    _set_active(ctx, name, True, office, who)


def _set_active(ctx: typer.Context, name: str, active: bool, office: str | None, who: str | None) -> None:
    from workbench.services.errors import NotFound
    from workbench.services.staff import staff_overview, update_officer

    def change(session: Any, actor: Any) -> str:
        lines = [
            line
            for line in staff_overview(session, actor=actor)[0]
            if line.name == name.strip() and line.active != active
        ]
        if not lines:
            raise NotFound(f"本所没有{'已调离' if active else '在岗'}的干部「{name.strip()}」")
        line = lines[0]
        update_officer(
            session, actor=actor, officer_uuid=line.uuid, base_version=line.version, data={"active": active}
        )
        return f"「{line.name}」已{'恢复在岗' if active else '标记为调离'}（名下 {line.businesses:,} 户）"

    _run(ctx, office, who, change)


def _grid_id(session: Any, actor: Any, grid: str | None) -> int | None:
    from workbench.services.errors import ValidationFailed
    from workbench.services.staff import staff_overview

    if grid is None or not grid.strip():
        return None
    grids = staff_overview(session, actor=actor)[1]
    found = [line.id for line in grids if line.name == grid.strip()]
    if not found:
        names = "、".join(line.name for line in grids) or "（还没有网格）"
        raise ValidationFailed({"grid_id": f"本所没有网格「{grid.strip()}」，现有：{names}"})
    return found[0]
