"""`workbench candidates` and `workbench pool` (issue 5): the candidate lists and the 培育库, read-only."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import typer

from workbench import locations
from workbench.cli_output import say, say_json

POOL_WORDS = {
    "conversion": "conversion",
    "个转企": "conversion",
    "scale_up": "scale_up",
    "上规上限": "scale_up",
    "distinction": "distinction",
    "名特优新": "distinction",
}
OfficeOption = Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("candidates")(candidates_command)
    app.command("pool")(pool_command)


def _pool(word: str, allowed: tuple[str, ...]) -> str:
    pool = POOL_WORDS.get(word.strip())
    if pool not in allowed:
        say(
            f"不认识「{word}」，可用：{'、'.join(w for w, p in POOL_WORDS.items() if p in allowed)}", err=True
        )
        raise typer.Exit(2)
    return pool


def office_actor(ctx: typer.Context, office: str | None, who: str = "命令行") -> tuple[Any, Any]:
    """The ready engine and an Actor of the one office named (or the only one); exits 1 naming the offices."""
    from sqlmodel import Session

    from storage.audit import Actor
    from workbench.cli_ready import ready_engine
    from workbench.services.office import offices

    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    with Session(engine) as session:
        known = [c for c in offices(session=session) if office is None or c.name == office.strip()]
        if len(known) != 1:
            names = "、".join(choice.name for choice in offices(session=session)) or "（还没有建所）"
            say(f"请用 --office 指定所：{names}", err=True)
            raise typer.Exit(1)
    return engine, Actor(who=who, device=locations.device_name(), office_id=known[0].id)


def candidates_command(
    ctx: typer.Context,
    which: Annotated[str, typer.Argument(help="个转企 / 上规上限（或 conversion / scale_up）")],
    office: OfficeOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出个转企或上规上限候选主体及其理由（只列出，不入库）。"""
    from sqlmodel import Session

    from workbench.domain.candidates import CANDIDATE_POOLS, load_candidate_rules
    from workbench.domain.rule_files import RulesError
    from workbench.services.candidates import candidates

    pool = _pool(which, tuple(CANDIDATE_POOLS))
    try:
        rules = load_candidate_rules(locations.config_dir())
    except RulesError as error:
        say(error.message_zh, err=True)
        raise typer.Exit(1) from None
    engine, actor = office_actor(ctx, office)
    with Session(engine) as session:
        rows = candidates(session=session, actor=actor, pool=pool, rules=rules.rules)
    engine.dispose()
    if as_json:
        say_json(
                {"list": pool, "rules_version": rules.version, "candidates": [asdict(row) for row in rows]},
                indent=2,
            )
        return
    for row in rows:
        mark = "（已入库）" if row.in_pool else ""
        say(f"{row.business_name}\t{row.uscc or ''}\t{row.reason_text}{mark}")
    say(f"{CANDIDATE_POOLS[pool]}共 {len(rows)} 户（规则版本 {rules.version}）")


def pool_command(
    ctx: typer.Context,
    which: Annotated[
        str, typer.Argument(help="个转企 / 名特优新 / 上规上限（或 conversion / distinction / scale_up）")
    ],
    office: OfficeOption = None,
    include_left: Annotated[bool, typer.Option("--all", help="含已出库的记录")] = False,
    as_json: JsonOption = False,
) -> None:
    """列出培育库的在库主体（入库日期、理由）。"""
    from sqlmodel import Session

    from workbench.domain.candidates import POOL_LABELS
    from workbench.services.pools import pool_members

    pool = _pool(which, tuple(POOL_LABELS))
    engine, actor = office_actor(ctx, office)
    with Session(engine) as session:
        rows = pool_members(session=session, actor=actor, pool=pool, include_left=include_left)
    engine.dispose()
    if as_json:
        say_json([asdict(row) for row in rows], indent=2, default=_iso)
        return
    for row in rows:
        left = f"\t{row.left_on} 出库：{row.exit_reason}" if row.left_on else ""
        say(f"{row.business_name}\t{row.uscc or ''}\t{row.entered_on} 入库：{row.entry_reason}{left}")
    say(f"{POOL_LABELS[pool]}共 {len(rows)} 条")


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
