"""`workbench sync apply 回传包.xlsx [--dry-run]` (issue 19): a laptop's return package applied at the office.

The workbook is read by imports.sync_back.read_return_package (the package reader, written beside the
field package writer); a package kept as JSON (workbench.domain.sync_json) is read here directly. The dry run
lists what each row will do; the commit writes all of it or nothing.

Exit codes: 0 applied (or, with --dry-run, nothing wrong found), also when conflicts now wait for a person;
1 nothing written (unreadable or refused package, a row with a bad value, a save made meanwhile).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from workbench import locations
from workbench.cli_output import say
from workbench.domain.sync_model import HAND_EDIT_DEVICE

if TYPE_CHECKING:
    from workbench.domain.sync_model import ReturnPackage
    from workbench.services.sync_plan import SyncPlan

_MEND_HAND = "有单元格读不出或数据有误，整包未导入；请按上面列出的表、行、列改正外业包后重新导入"
SHOWN_ROWS = 40  # the dry run's lines on a terminal; the counts cover all of them
UNNAMED_CLI_ACTOR = "命令行（未指定干部）"


def register(sync_app: typer.Typer) -> None:
    """Add `apply` to the `workbench sync` group."""
    sync_app.command("apply", help=_HELP)(apply_command)


_HELP = (
    "在所里导入笔记本带回的回传包：先预览每一行（新增/无变化/直接更新/逐项合并/冲突/疑似同一户），"
    "再一次性写入；同一回传包再次导入不会有任何更改。冲突在工作台「回传冲突处理」（今日待办中按 Ctrl+R）逐项处理。"
    "\n\n退出码：0 已完成；1 未写入任何内容。"
)


def apply_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="回传包（.xlsx，或 .json）", exists=True, dir_okay=False, readable=True)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只预览，不写入")] = False,
    officer: Annotated[str | None, typer.Option("--officer", help="以哪名干部的名义导入（记入变更记录）")] = None,
    password: Annotated[str | None, typer.Option("--password", help="加密外业包的密码（导入手工修改过的加密外业包时）")] = None,
) -> None:
    from sqlalchemy import select
    from sqlmodel import Session

    from storage.audit import Actor
    from storage.tables import Office
    from workbench.cli_ready import ready_engine
    from workbench.services.errors import WorkbenchError
    from workbench.services.gateway import Gateway
    from workbench.services.settings import OfficeSettings

    package = read_package(path, password)
    engine, _upgrade = ready_engine(locations.database_url(ctx.obj["db"]))
    try:
        office_table: Any = Office.__table__  # type: ignore[attr-defined]
        with Session(engine) as session:
            office_id = session.execute(
                select(office_table.c.id).where(office_table.c.code == package.manifest.office_code)
            ).scalar()
        if office_id is None:
            _fail(f"本数据库中没有所代码为 {package.manifest.office_code} 的所，回传包未导入")
        actor = Actor(who=officer or UNNAMED_CLI_ACTOR, device=locations.device_name(), office_id=office_id)
        desk = Gateway(engine).sync
        lists = OfficeSettings(locations.config_dir()).service.lists
        try:
            plan = desk.dry_run(actor, package, lists)
            _show(plan, package)
            if dry_run or plan.applied_before is not None:
                raise typer.Exit(1 if plan.errors else 0)
            if plan.errors:
                _fail(_MEND_HAND if package.manifest.device == HAND_EDIT_DEVICE else "数据有误，整包未导入；请在笔记本上改正后重新导出回传包")
            result = desk.apply(actor, package, lists=lists)
        except WorkbenchError as error:
            _fail(error.message)
        say(result.message)
        waiting = sum(len(row.conflicts) for row in plan.rows) + plan.counts()["offer"]
        if waiting:
            say(f"有 {waiting} 项等待人工处理：打开工作台，在今日待办中按 Ctrl+R（回传冲突处理）逐项决定")
    finally:
        engine.dispose()


def read_package(path: Path, password: str | None = None) -> ReturnPackage:
    """The package in the file: JSON here, a workbook through the package reader (imports.sync_back), a
    field package edited by hand in Excel or WPS through imports.sync_hand."""
    if path.suffix.lower() == ".json":
        from workbench.domain.sync_json import package_from_json

        try:
            return package_from_json(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as problem:
            _fail(str(problem))
    from imports.sync_read import package_kind

    try:
        if package_kind(path, password) == "field":
            from imports.sync_hand import read_edited_field_package

            return read_edited_field_package(path, password)
        from imports.sync_back import read_return_package
    except ValueError as problem:
        _fail(str(problem))
    except ImportError:
        _fail("本机的工作台还不能读取回传包工作簿，请升级工作台后再导入")
    try:
        package: ReturnPackage = read_return_package(path) if password is None else read_return_package(path, password)
    except ValueError as problem:
        _fail(str(problem))
    return package


def _show(plan: SyncPlan, package: ReturnPackage) -> None:
    from workbench.services.sync_plan import OUTCOME_LABELS, row_detail
    from workbench.services.sync_tables import TABLE_LABELS

    if package.manifest.device == HAND_EDIT_DEVICE:
        say("这是在 Excel/WPS 里手工修改过的外业包：按改过的单元格、新加的行和「删除」列标记的行读入。")
    say(plan.summary())
    shown = [row for row in plan.rows if row.outcome != "same"]
    for row in shown[:SHOWN_ROWS]:
        detail = row_detail(row)
        say(f"  {row.where}  {TABLE_LABELS[row.change.table]}：{OUTCOME_LABELS[row.outcome]}"
            + (f"（{detail}）" if detail else ""))
    if len(shown) > SHOWN_ROWS:
        say(f"  ……另有 {len(shown) - SHOWN_ROWS} 行")
    for error in plan.errors:
        say(f"  错误：{error}")
    for notice in package.notices:
        say(f"  提示：{notice}")


def _fail(message: str) -> NoReturn:
    say(message)
    raise typer.Exit(1)
