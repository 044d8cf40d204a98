"""What every `workbench inspect …` command shares: the office and actor, the office's inspection lists
(inspection.toml in the config folder, a broken one named), one transaction with Chinese errors."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import typer

from workbench import locations
from workbench.cli_output import say
from workbench.cli_pools import office_actor

OfficeOption = Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")]
WhoOption = Annotated[str | None, typer.Option("--who", help="记在谁名下（默认：本机登录名）")]
TaskArgument = Annotated[str, typer.Argument(help="任务编号或名称（workbench inspect task list 可查）")]

T = TypeVar("T")


def inspection_settings() -> Any:
    """The office's OfficeSettings: inspection.toml and the holiday calendar; a broken file is said, once."""
    from workbench.services.settings import OfficeSettings

    return OfficeSettings(locations.config_dir(), report=lambda message, _seconds: say(message, err=True))


def run(ctx: typer.Context, office: str | None, who: str | None, work: Callable[[Any, Any], T], *,
        commit: bool = True) -> T:  # fmt: skip
    """work(session, actor) in one transaction (committed unless `commit` is off); a refusal prints its
    Chinese reasons and exits 1."""
    from sqlmodel import Session

    from workbench.services.errors import ValidationFailed, WorkbenchError

    engine, actor = office_actor(ctx, office, who or getpass.getuser())
    try:
        with Session(engine) as session:
            result = work(session, actor)
            if commit:
                session.commit()
            return result
    except ValidationFailed as error:
        for text in error.errors.values():
            say(text, err=True)
        raise typer.Exit(1) from None
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None


def parse_day(text: str | None, what: str) -> date | None:
    """A date as typed (2026-12-01, 2026/12/1, 20261201 …); exits 1 naming the option for anything else."""
    from workbench.domain.values import parse_date

    if text is None or not text.strip():
        return None
    try:
        return parse_date(text.strip())
    except ValueError:
        say(f"{what}「{text}」不是日期，请写成如 2026-12-01", err=True)
        raise typer.Exit(1) from None
