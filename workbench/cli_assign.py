"""`workbench assign --from 张伟 --to 李娜 [--grid 网格] [--to-grid 网格] [--dry-run] [--json]`: 批量改派.

Hands one officer's businesses (or the 未分派 ones: `--from 未分派`) to another officer and/or grid, all in
one transaction, each business's version bumped and each changed field logged. Exit codes: 0 done (or
nothing to change), 1 nothing written (an unknown or departed officer, an unknown grid, a bad option).
"""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer

from workbench.cli_output import say, say_json
from workbench.cli_pools import office_actor

UNASSIGNED_LABEL = "未分派"  # workbench.domain.list_filters' word, kept here so the CLI's start imports nothing more


def register(app: typer.Typer) -> None:
    app.command("assign")(assign_command)


def assign_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--from", help="原包联干部（可为已调离的）；或「未分派」")],
    to: Annotated[
        str | None, typer.Option("--to", help="接收的在岗干部姓名；写「未分派」则取消包联")
    ] = None,
    grid: Annotated[str | None, typer.Option("--grid", help="只改派这个网格里的主体")] = None,
    to_grid: Annotated[str | None, typer.Option("--to-grid", help="同时把这些主体改到这个网格")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只说明将改派多少户，不写入")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果，供脚本使用")] = False,
    office: Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")] = None,
    who: Annotated[str | None, typer.Option("--who", help="记在谁名下（默认：本机登录名）")] = None,
) -> None:
    """批量改派：把一名干部包联的主体（可限定网格）改派给另一名干部或另一个网格。"""
    from sqlmodel import Session

    from workbench.services.errors import WorkbenchError

    if to is None and to_grid is None:
        _fail("请用 --to 给出接收的干部（或用 --to-grid 给出新网格）")
    engine, actor = office_actor(ctx, office, who or getpass.getuser())
    try:
        with Session(engine) as session:
            outcome = _run(session, actor, source, to, grid, to_grid, dry_run)
            session.commit()
    except WorkbenchError as error:
        _fail(error.message)
    finally:
        engine.dispose()
    if as_json:
        say_json(outcome, indent=2)
    else:
        say(outcome["sentence"] + ("。（预览，未写入。去掉 --dry-run 即可改派。）" if dry_run and outcome["changing"] else "。"))
        if not dry_run and outcome["changed"]:
            say(f"已改派 {outcome['changed']:,} 户，每户的改动都已记入变更记录。")


def _run(
    session: Any, actor: Any, source: str, to: str | None, grid: str | None, to_grid: str | None, dry_run: bool
) -> dict[str, Any]:
    from dataclasses import replace

    from storage.queries import BusinessFilter
    from workbench.services.reassign import Selection, preview_reassign, reassign, target_named

    unassign = to is not None and to.strip() == UNASSIGNED_LABEL
    target = target_named(session, actor, officer=to, grid=to_grid, unassign=unassign)
    scope = target_named(session, actor, officer=None, grid=grid)
    flt = BusinessFilter(office_id=actor.office_id, grid_id=scope.grid_id)
    if source.strip() == UNASSIGNED_LABEL:
        flt = replace(flt, unassigned=True)
    else:
        flt = replace(flt, officer_id=_source_officer(session, actor, source))
    if target.set_officer and target.officer_id is not None and target.officer_id == flt.officer_id:
        _fail(f"「{source.strip()}」与接收的干部是同一人，没有要改派的")
    selection = Selection(flt=flt)
    preview = preview_reassign(session, actor=actor, selection=selection, target=target)
    changed = 0 if dry_run else reassign(session, actor=actor, selection=selection, target=target)
    return {
        "dry_run": dry_run,
        "selected": preview.selected,
        "changing": preview.changing,
        "changed": changed,
        "sentence": preview.sentence if preview.selected else _nothing(source, grid),
    }


def _source_officer(session: Any, actor: Any, name: str) -> int:
    """The officer named by --from, on duty or departed (a departed one's businesses are what is handed over)."""
    from sqlalchemy import select

    from storage.tables import Officer
    from workbench.services.assignment import AssignmentRefused

    table: Any = Officer.__table__  # type: ignore[attr-defined]
    rows = list(session.connection().execute(
        select(table.c.id, table.c.name, table.c.active)
        .where(table.c.office_id == actor.office_id, table.c.deleted_at.is_(None))
        .order_by(table.c.active.desc(), table.c.id)
    ))  # fmt: skip
    found = [row for row in rows if row.name == name.strip()]
    if not found:
        names = "、".join(row.name for row in rows) or "（还没有干部）"
        raise AssignmentRefused(f"本所没有名为「{name.strip()}」的干部，本所干部有：{names}")
    return int(found[0].id)


def _nothing(source: str, grid: str | None) -> str:
    where = f"在「{grid.strip()}」" if grid else ""
    if source.strip() == UNASSIGNED_LABEL:
        return f"{where}没有未分派的主体，没有要改派的"
    return f"「{source.strip()}」{where}名下没有主体，没有要改派的"


def _fail(message: str) -> Any:
    say(message, err=True)
    raise typer.Exit(1)
