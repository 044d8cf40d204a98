"""`workbench sync out | in | back` (issue 19): field packages (外业包) from the office to a laptop, and return
packages (回传包) from the laptop back. The office applies a return package with the import (syncback)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench import locations
from workbench.cli_output import say

sync_app = typer.Typer(help="外业同步：外业包（所里 → 笔记本）与回传包（笔记本 → 所里）。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(sync_app, name="sync")


@sync_app.command("out")
def sync_out_command(
    ctx: typer.Context,
    officer: Annotated[str, typer.Option("--officer", help="为哪名包联干部生成外业包（本所干部的姓名）")],
    output: Annotated[Path, typer.Option("-o", "--output", help="外业包文件名，如 外业包-张伟-2026-12-06.xlsx；给文件夹则自动命名")],
    grid: Annotated[str | None, typer.Option("--grid", help="只带这个网格里该干部负责的主体")] = None,
    password: Annotated[str | None, typer.Option(
        "--password", help="用 Excel 自带的加密保护外业包（至少 6 位）；加密后身份证号完整带出，否则只带部分"
    )] = None,
    who: Annotated[str | None, typer.Option("--who", help="生成人（本所干部姓名），记入变更记录")] = None,
    office: Annotated[str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")] = None,
) -> None:
    """所里：为一名干部生成外业包（他负责的主体、许可证、经营数据、未办结诉求、近一年帮扶和走访，及参考清单）。"""
    from sqlmodel import Session

    from imports.sync_out import write_field_package
    from workbench.cli_export import _login, _progress_bar
    from workbench.cli_export_options import ExportOptions, resolve
    from workbench.cli_ready import ready_engine
    from workbench.services.errors import WorkbenchError
    from workbench.services.office import DeviceMemory
    from workbench.services.settings import OfficeSettings
    from workbench.services.sync_select import select_field_rows

    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    remembered = DeviceMemory(locations.device_memory_path()).officer_uuid(
        engine.url.render_as_string(hide_password=True)
    )
    options = ExportOptions(grid=grid, officer=officer, who=who, office=office)
    settings = OfficeSettings(locations.config_dir())
    try:
        with Session(engine) as session:
            actor, flt = resolve(session, options, remembered_officer=remembered, login=_login(),
                                 device=locations.device_name())
            assert flt.officer_id is not None
            selection = select_field_rows(session=session, office_id=actor.office_id, officer_id=flt.officer_id,
                                          officer=officer.strip(), grid_id=flt.grid_id)
            with _progress_bar(quiet=False) as progress:
                result = write_field_package(
                    session=session, actor=actor, selection=selection, path=output, device_id=locations.device_id(),
                    lists=settings.service.lists, settings_folder=settings.folder, password=password,
                    progress=progress,
                )
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    say(f"已为 {officer} 生成外业包：{result.businesses:,} 户市场主体{result.inspection_note}，共 {result.rows:,} 行，"
        f"写到：{result.path}")
    if result.personal_data:
        say("外业包已用密码加密并含完整身份证号：已记入变更记录，请把密码另行告知，用后删除。")
    else:
        say("身份证号已部分隐藏（要带完整身份证号请加 --password 加密）。")


DbOption = Annotated[str | None, typer.Option("--db", help="笔记本上的工作库（默认为本机的库；新文件名则新建）")]
PasswordOption = Annotated[str | None, typer.Option("--password", help="加密外业包的密码")]


@sync_app.command("in")
def sync_in_command(
    ctx: typer.Context,
    package: Annotated[Path, typer.Argument(help="所里生成的外业包，如 外业包-张伟-2026-12-06.xlsx")],
    db: DbOption = None,
    password: PasswordOption = None,
) -> None:
    """笔记本：读入外业包，建立或更新本机的工作库；本机尚未回传的修改会保留并列出。"""
    from sqlmodel import Session

    from imports.sync_read import read_field_package
    from workbench.cli_ready import ready_engine
    from workbench.domain.sync_labels import sync_field_label
    from workbench.services.errors import WorkbenchError
    from workbench.services.sync_laptop import receive_field_package

    try:
        data = read_field_package(package, password)
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    engine, _result = ready_engine(locations.database_url(db or ctx.obj["db"]), create=True)
    try:
        with Session(engine) as session:
            result = receive_field_package(session=session, package=data, who=data.manifest.officer,
                                           device=locations.device_name())
            session.commit()
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    what = "已建立本机工作库" if result.created else "已更新本机工作库"
    say(f"{what}（{data.manifest.officer}）：{result.businesses:,} 户市场主体；新增 {result.inserted:,} 行，"
        f"更新 {result.updated:,} 行，未变 {result.unchanged:,} 行。")
    if result.kept:
        say(f"本机有 {len(result.kept):,} 条修改尚未被所里收到，已保留（请用 workbench sync back 生成回传包交回）：")
        for kept in result.kept[:50]:
            say(f"  {kept.what}：{'、'.join(sync_field_label(kept.table, name) for name in kept.fields) or '删除'}")
        if len(result.kept) > 50:
            say(f"  …… 另有 {len(result.kept) - 50:,} 条")
    if result.removed:
        others = f"及 {result.removed_other_rows:,} 条相关记录" if result.removed_other_rows else ""
        businesses = f"{result.removed_businesses:,} 户市场主体" if result.removed_businesses else ""
        what = f"{businesses}{others}" if businesses else f"{result.removed_other_rows:,} 条记录"
        say(f"所里已不再交给本机的 {what}（已删除、改派给其他干部，或诉求已办结、走访和帮扶已超过一年）已从本机移除。")
    if result.held:
        say(f"另有 {len(result.held):,} 条所里已不再交给本机的记录暂时保留，因为本机还有与它们有关、尚未回传的内容：")
        for held in result.held[:50]:
            say(f"  {held.name}：{held.reason}")
        if len(result.held) > 50:
            say(f"  …… 另有 {len(result.held) - 50:,} 条")
    written = _write_rule_files(data.rule_files)
    if written:
        say(f"已按所里的设置更新本机的设置文件：{'、'.join(written)}")


def _write_rule_files(files: dict[str, str]) -> list[str]:
    """The office's settings files, so the laptop classifies and lists as the office does."""
    from imports.sync_files import write_rule_files

    return write_rule_files(locations.config_dir(), files)


@sync_app.command("back")
def sync_back_command(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="回传包文件名，如 回传包-张伟-2026-12-08.xlsx；给文件夹则自动命名")],
    db: DbOption = None,
    password: Annotated[str | None, typer.Option(
        "--password", help="用 Excel 自带的加密保护回传包（至少 6 位）；本机的修改含完整身份证号时必须给出"
    )] = None,
) -> None:
    """笔记本：把读入外业包以来本机新增、修改、删除的内容写成回传包，交回所里导入。"""
    from sqlmodel import Session

    from imports.sync_back import write_return_package
    from workbench.cli_ready import ready_engine
    from workbench.services.errors import WorkbenchError

    engine, _result = ready_engine(locations.database_url(db or ctx.obj["db"]))
    try:
        with Session(engine) as session:
            result = write_return_package(session=session, device_id=locations.device_id(),
                                          device=locations.device_name(), path=output, password=password)
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    if result.changes == 0:
        say(f"读入外业包以来本机没有新增或修改：回传包是空的（0 处改动），已写到：{result.path}")
    else:
        say(f"已生成回传包：{result.changes:,} 处新增、修改或删除（{result.lines:,} 行），写到：{result.path}")
    if result.personal_data:
        say("回传包已用密码加密并含完整身份证号：请把密码另行告知所里（所里导入时用 --password 给出），用后删除。")
    elif result.encrypted:
        say("回传包已用密码加密：请把密码另行告知所里（所里导入时用 --password 给出）。")
