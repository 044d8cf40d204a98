"""The composition root's commands: typer commands wire settings, engine and services; without a command the
TUI opens (workbench/cli_tui.py). `workbench` itself starts in workbench/cli.py, which opens the TUI without
building these commands when none is given."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench import (
    cli_assign,
    cli_classify,
    cli_export,
    cli_figures,
    cli_import,
    cli_inspect,
    cli_pools,
    cli_report,
    cli_report_merge,
    cli_service,
    cli_staff,
    cli_sync,
    cli_sync_apply,
    locations,
)
from workbench.cli_chinese import use_chinese
from workbench.cli_db import db_app
from workbench.cli_output import say, say_json
from workbench.cli_tui import open_tui
from workbench.domain.safe_text import has_lone_surrogate

use_chinese()

app = typer.Typer(
    help="基层所市场主体服务工作台（Workbench）。不带参数运行即打开界面。",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode="rich",
)
app.add_typer(db_app, name="db")
# `workbench report …` (issue 18): monthly and issue (cli_report), merge (cli_report_merge) in one group.
cli_report_merge.register(cli_report.report_app)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="数据库：SQLite 文件路径或 postgresql://…（也可用环境变量 WORKBENCH_DB）"),
]


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context, db: DbOption = None) -> None:
    """不带子命令时打开工作台界面。"""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        raise typer.Exit(open_tui(locations.database_url(db)))


@app.command()
def demo(
    ctx: typer.Context,
    size: Annotated[int, typer.Option(help="市场主体户数")] = 5000,
    seed: Annotated[int, typer.Option(help="随机种子：同一种子生成相同的数据")] = 0,
    if_missing: Annotated[bool, typer.Option("--if-missing", help="演示库已有数据时直接使用")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="删除已有的演示库后重建")] = False,
    open_after: Annotated[bool, typer.Option("--open", help="建好后打开界面")] = False,
    sample_register: Annotated[Path | None, typer.Option(
        "--sample-register", help="另写一份像县局系统导出的杂乱登记名录（.xlsx），供试用导入"
    )] = None,
) -> None:
    """生成一个温州基层所（五马市场监管所）的演示数据库（默认写到单独的demo.db，不碰正式库）。"""
    from workbench.cli_demo import build_demo_database, write_sample_register

    url = ctx.obj["db"] or str(locations.demo_database_path())
    build_demo_database(url, size=size, seed=seed, if_missing=if_missing, replace=replace)
    if sample_register is not None:
        write_sample_register(url, sample_register, seed=seed)
    if not ctx.obj["db"] and not open_after:
        say(f"之后的命令用演示库：加 --db {url}，或先 export WORKBENCH_DB={url}")
    if open_after:
        raise typer.Exit(open_tui(url))


@app.command()
def locate(
    ctx: typer.Context,
    db_path: Annotated[bool, typer.Option("--db-path", help="只打印数据库位置")] = False,
) -> None:
    """打印数据库、配置和备份所在的位置。"""
    url = locations.database_url(ctx.obj["db"])
    if db_path:
        say(url)
        return
    say(f"数据库：{url}")
    say(f"演示库：{locations.demo_database_path()}")
    say(f"配置：{locations.config_dir()}")
    say(f"备份：{locations.backup_dir()}")
    from workbench.domain.address_grids import FILE_NAME, example_path

    table = locations.config_dir() / FILE_NAME
    state = "" if table.is_file() else f"（尚未建立；带说明的示例：{example_path()}）"
    say(f"地址→网格表：{table}{state}")


@app.command()
def code(
    codes: Annotated[list[str], typer.Argument(help="统一社会信用代码或注册号，可以给多个")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出，供脚本使用")] = False,
) -> None:
    """校验统一社会信用代码或注册号，说明原因并解析各段含义。任何一个无效则退出码为1。"""
    from workbench.services.codes import describe_codes, render_verdict_lines

    described = describe_codes(codes)
    if as_json:
        say_json(described, indent=2)
    else:
        from workbench.domain.identifiers import check_uscc

        for raw in codes:
            for line in render_verdict_lines(check_uscc(raw)):
                say(line)
            say("")
    if not all(item["valid"] for item in described):
        raise typer.Exit(1)


@app.command()
def init(
    ctx: typer.Context,
    office: Annotated[
        str, typer.Option("--office", help="所名称，如 温州市鹿城区市场监督管理局五马市场监管所")
    ],
    officer: Annotated[list[str], typer.Option("--officer", help="包联干部姓名，可重复给出")],
    grid: Annotated[list[str] | None, typer.Option("--grid", help="网格/片区名称，可重复给出")] = None,
    region: Annotated[str, typer.Option("--region", help="所在县级行政区划代码，如 330302")] = "",
) -> None:
    """在新数据库里建所：所名称、包联干部和网格（打开工作台之前的第一步）。"""
    from sqlmodel import Session

    from workbench.cli_ready import ready_engine
    from workbench.services.office import offices, set_up_office

    engine, _result = ready_engine(locations.database_url(ctx.obj["db"]), create=True)
    with Session(engine) as session:
        if any(existing.name == office.strip() for existing in offices(session=session)):
            say(f"「{office}」已经建过了。", err=True)
            raise typer.Exit(1)
        try:
            set_up_office(
                session=session,
                name=office,
                officer_names=officer,
                grid_names=grid or [],
                region_code=region,
                device=locations.device_name(),
            )
        except ValueError as problem:
            say(str(problem), err=True)
            raise typer.Exit(1) from None
        session.commit()
    say(
        f"已建所「{office}」：干部 {len(officer)} 名，网格 {len(grid or [])} 个。现在可以运行 workbench 打开工作台。"
    )


def refuse_undecodable_arguments(arguments: list[str]) -> None:
    """Stop, in Chinese, before any command sees an argument that is not UTF-8 text.

    Python keeps such bytes as lone surrogates (`export --search $'\\xff\\xfe'`); they pass every check and
    raise UnicodeEncodeError wherever they are printed, logged or sent to the database.
    """
    for position, argument in enumerate(arguments, start=1):
        if has_lone_surrogate(argument):
            raw = os.fsencode(argument).decode("ascii", "backslashreplace")
            say(
                f"第 {position} 个参数「{raw}」含有无法识别的字符（不是 UTF-8 编码的文字）："
                "请检查终端或脚本的字符编码（应为 UTF-8）后重新输入。",
                err=True,
            )
            sys.exit(2)


# Feature commands live in their own modules; each adds its commands here.
for _feature in (
    cli_import, cli_export, cli_classify, cli_service, cli_pools, cli_staff, cli_figures, cli_assign, cli_report,
    cli_inspect, cli_sync,
):  # fmt: skip
    _feature.register(app)
cli_sync_apply.register(cli_sync.sync_app)  # `sync apply` (the office's side) beside out / in / back


def main() -> None:
    """Console-script entry point."""
    from storage.connection_errors import DatabaseUnavailable

    refuse_undecodable_arguments(sys.argv[1:])
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except DatabaseUnavailable as problem:
        say(str(problem), err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
