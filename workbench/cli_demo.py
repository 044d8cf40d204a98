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
    tiers = _classify(engine)
    from workbench import locations
    from workbench.services.demo_address_grids import write_demo_table

    table = write_demo_table(engine, locations.config_dir())
    engine.dispose()
    say(f"演示库已生成：{url}")
    say(str(summary))
    say(tiers)
    if table is not None:
        say(f"已写入演示所的地址→网格表：{table}（导入登记名录时按地址分派网格和干部）")


def _classify(engine) -> str:  # type: ignore[no-untyped-def]
    """三型 and 规模 as an office that uses Workbench has them (its 重新分型 has run), with the shipped rules, so
    the demo's lists, to-do, report and dashboard show tiers rather than 尚未分型; logged as 演示数据."""
    from datetime import date

    from storage.audit import Actor
    from storage.tables import Office
    from workbench.services.classification import load_rules
    from workbench.services.classification_recompute import recompute

    rules, _error = load_rules(None)
    with Session(engine) as session:
        office_id = session.execute(select(Office.__table__.c.id)).scalars().first()  # type: ignore[attr-defined]
        if office_id is None:
            return ""
        report = recompute(session, actor=Actor("演示数据", "演示生成", office_id), rules=rules, today=date.today())
        session.commit()
    from workbench.domain.list_filters import TIER_LABELS

    counts = "，".join(f"{label} {report.tier_counts.get(code, 0):,} 户" for code, label in TIER_LABELS.items())
    return f"已按默认规则分型（重新分型）：{counts}"


def _business_count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Business)).scalar_one())  # type: ignore[call-overload]


def _remove_sqlite_files(url: str) -> None:
    path = Path(normalise_url(url).removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


SAMPLE_ROWS = 200


def write_sample_register(url: str, path: Path, *, seed: int) -> None:
    """A messy registration list (imports.sample_register) whose 所属网格 and 包联干部 are the demo office's,
    so importing it shows the mess a county export has, not 400 lines about grids the office lacks."""
    from sqlmodel import col
    from sqlmodel import select as select_names

    from imports.sample_register import write_messy_xlsx
    from storage.tables import Grid, Officer

    path = path.expanduser()
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    if path.exists():
        say(f"文件已存在：{path}。为免覆盖您的文件，没有写入；请换一个文件名。", err=True)
        raise typer.Exit(1)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            grids = tuple(session.exec(select_names(Grid.name).order_by(col(Grid.id))).all())
            officers = tuple(session.exec(select_names(Officer.name).order_by(col(Officer.id))).all())
    finally:
        engine.dispose()
    try:
        write_messy_xlsx(path, SAMPLE_ROWS, seed, grids=grids, officers=officers)
    except OSError as error:
        say(f"示例登记名录没有写成：{path}（{error.strerror or error}）。请换一个能写入的位置。", err=True)
        raise typer.Exit(1) from None
    say(f"示例登记名录已写到：{path}（{SAMPLE_ROWS} 户，像县局系统导出的一样杂乱：标题行、数字格式的代码、多种日期写法）")
    say(f"先预览再导入：workbench --db {url} import {path} --dry-run")
