"""`workbench db ...`: upgrade, backup, check and copy the database."""

from __future__ import annotations

from typing import Annotated

import typer

from workbench import locations
from workbench.cli_output import say

db_app = typer.Typer(help="数据库维护：升级、备份、检查、迁移到 PostgreSQL。", no_args_is_help=True)


def _url(ctx: typer.Context) -> str:
    parent = ctx.find_root().obj or {}
    return locations.database_url(parent.get("db"))


@db_app.command("upgrade")
def upgrade_command(ctx: typer.Context) -> None:
    """把数据库升级到当前程序的版本（SQLite 先自动备份）。"""
    from workbench.cli_ready import ready_engine

    _engine, result = ready_engine(_url(ctx))
    if result.before == result.after:
        say(f"数据库已是最新版本（{result.after}）。")
    else:
        say(f"已升级：{result.before or '空库'} 升到 {result.after}")
    if result.backup:
        say(f"升级前的备份：{result.backup}")


@db_app.command("backup")
def backup_command(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option("--to", help="备份放到哪个文件夹（默认为备份文件夹）")] = None,
) -> None:
    """备份数据库：SQLite 用在线备份（不影响他人使用），PostgreSQL 用 pg_dump。"""
    from pathlib import Path

    from storage.backup import BackupError, backup_database
    from workbench.cli_ready import open_engine

    target_dir = Path(to) if to else locations.backup_dir()
    try:
        path = backup_database(open_engine(_url(ctx)), target_dir)
    except BackupError as problem:
        say(str(problem), err=True)
        raise typer.Exit(1) from None
    say(f"备份完成：{path}")


@db_app.command("check")
def check_command(ctx: typer.Context) -> None:
    """检查数据库：SQLite 做完整性检查；PostgreSQL 检查连接、迁移版本和中文检索。"""
    from storage.check import check_database
    from storage.engine import make_engine

    report = check_database(make_engine(_url(ctx)))  # check_database names a missing file without creating it
    for line in report.lines:
        say(line)
    if not report.ok:
        raise typer.Exit(1)


@db_app.command("copy")
def copy_command(
    source: Annotated[str, typer.Option("--from", help="源数据库（文件路径或 URL）")],
    target: Annotated[str, typer.Option("--to", help="目标数据库（须为空库）")],
) -> None:
    """把整个库原样迁移到另一个数据库（SQLite ⇄ PostgreSQL），保留 uuid、版本和变更记录，最后核对数量。"""
    from rich.progress import Progress

    from storage.copy import CopyError, copy_database
    from workbench.cli_ready import open_engine

    source_engine = open_engine(source)  # a missing source stops here: no empty target is left behind
    target_engine = open_engine(target, create=True)
    with Progress() as bar:
        task = bar.add_task("复制", total=None)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        try:
            result = copy_database(source_engine, target_engine, progress=progress)
        except CopyError as problem:
            say(str(problem), err=True)
            raise typer.Exit(1) from None
    for table, count in result.counts.items():
        say(f"{table}: {count:,} 行，已核对一致")
