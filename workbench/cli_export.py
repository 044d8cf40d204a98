"""`workbench export`: write the register (filtered as the list filters it) to a safe Excel file (issue 3)."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workbench import locations
from workbench.cli_output import say, say_json

if TYPE_CHECKING:
    from imports.export import ProgressCallback


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("export")(export_command)


def export_command(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option(
            "-o", "--output", help="导出到的文件，如 市场主体.xlsx；以 .csv 结尾则写成 CSV（UTF-8，Excel 可直接打开）；给文件夹则在其中自动命名"
        )],
    search: Annotated[
        str, typer.Option("--search", help="搜索：名称、信用代码、经营者、电话、地址、拼音首字母")
    ] = "",
    status: Annotated[str | None, typer.Option("--status", help="登记状态，如 存续、注销、吊销")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="主体类型：个体工商户、企业、农民专业合作社")
    ] = None,
    grid: Annotated[str | None, typer.Option("--grid", help="网格名称")] = None,
    officer: Annotated[str | None, typer.Option("--officer", help="只导出这名包联干部负责的主体")] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="只导出我负责的主体（我 = --who 或本机上次的使用人）")
    ] = False,
    who: Annotated[
        str | None, typer.Option(
            "--who", help="导出人（本所干部的姓名，见 workbench staff list），记入变更记录；默认为本机上次使用工作台的干部"
        )
    ] = None,
    office: Annotated[
        str | None, typer.Option("--office", help="所名称（数据库里有多个所时必须给出）")
    ] = None,
    sort: Annotated[
        str | None, typer.Option("--sort", help="排序：name 名称、new 成立日期从新到旧、old 从旧到新")
    ] = None,
    full_personal_data: Annotated[
        bool,
        typer.Option(
            "--full-personal-data", help="包含完整身份证号和手机号（默认部分隐藏）；本次导出记入变更记录"
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果，供脚本使用")] = False,
    tier: Annotated[str | None, typer.Option("--tier", help="三型：生存型、成长型、发展型、未分型")] = None,
    size: Annotated[str | None, typer.Option("--size", help="规模：大型、中型、小型、微型")] = None,
    unassigned: Annotated[bool, typer.Option("--unassigned", help="只导出未分派（没有包联干部）的主体")] = False,
) -> None:
    """导出市场主体名录到Excel或CSV：表头可直接再导入，代码为文本，防公式注入，身份证号和手机号默认部分隐藏。"""
    from sqlmodel import Session

    from imports.export import export_register
    from workbench.cli_export_options import ExportOptions, resolve
    from workbench.cli_ready import ready_engine
    from workbench.services.errors import WorkbenchError
    from workbench.services.office import DeviceMemory

    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]))
    remembered = DeviceMemory(locations.device_memory_path()).officer_uuid(
        engine.url.render_as_string(hide_password=True)
    )
    options = ExportOptions(search, status, kind, grid, officer, mine, who, office, sort, tier, size, unassigned)
    try:
        with Session(engine) as session:
            actor, flt = resolve(
                session,
                options,
                remembered_officer=remembered,
                login=_login(),
                device=locations.device_name(),
            )
            with _progress_bar(quiet=as_json) as progress:
                result = export_register(
                    session=session,
                    actor=actor,
                    flt=flt,
                    path=output,
                    full_personal_data=full_personal_data,
                    progress=progress,
                )
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    if as_json:
        say_json(
                {
                    "path": str(result.path),
                    "rows": result.rows,
                    "filter": result.description,
                    "full_personal_data": result.full_personal_data,
                    "export_uuid": result.export_uuid,
                }
            )
        return
    if result.rows == 0:
        # An empty file is easy to take for a finished job: say plainly that nothing matched.
        say(f"没有符合条件的市场主体（{result.description}）：文件只有表头，0 户，已写到：{result.path}")
    else:
        say(f"已导出 {result.rows:,} 户（{result.description}）到：{result.path}")
    if result.full_personal_data:
        say("含完整身份证号和手机号：本次导出已记入变更记录，请妥善保管、用后删除。")


def _login() -> str:
    try:
        return f"{getpass.getuser()}（命令行）"
    except (KeyError, OSError):
        return "命令行"


@contextmanager
def _progress_bar(*, quiet: bool) -> Iterator[ProgressCallback | None]:
    """A rich progress bar on stderr, so stdout stays clean for --json; yields the export's callback."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("导出"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("导出", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield progress
