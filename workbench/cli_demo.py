"""`workbench demo`: build the demo office with a progress bar."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from storage.connection_errors import DatabaseUnavailable, explain_database_error
from storage.engine import is_sqlite, make_engine, normalise_url
from storage.schema import upgrade
from storage.tables import Business
from workbench.cli_output import say


def build_demo_database(url: str, *, size: int, seed: int, if_missing: bool, replace: bool) -> None:
    """Create (or reuse, or replace) the demo database at url."""
    from workbench.services.demo import build_demo

    if replace and is_sqlite(normalise_url(url)):
        _remove_sqlite_files(url)
    engine = make_engine(url)
    try:
        upgrade(engine)
        existing = _business_count(engine)
    except DBAPIError as error:
        engine.dispose()
        raise DatabaseUnavailable(explain_database_error(error, engine.url)) from error
    if existing and if_missing:
        say(f"演示库已存在（{existing:,} 户），直接使用：{url}")
        return
    if existing:
        say(f"演示库里已有 {existing:,} 户。要重建请加 --replace（会删除该演示库）。", err=True)
        raise typer.Exit(1)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as bar:
        task = bar.add_task("生成演示数据", total=size)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        summary = build_demo(engine, size=size, seed=seed, progress=progress)
    from workbench import locations
    from workbench.services.demo_address_grids import write_demo_table

    table = write_demo_table(engine, locations.config_dir())
    engine.dispose()
    say(f"演示库已生成：{url}")
    say(str(summary))
    if table is not None:
        say(f"已写入演示所的地址→网格表：{table}（导入登记名录时按地址分派网格和干部）")


def _business_count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Business)).scalar_one())  # type: ignore[call-overload]


def _remove_sqlite_files(url: str) -> None:
    path = Path(normalise_url(url).removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
