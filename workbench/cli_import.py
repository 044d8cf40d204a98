"""`workbench import`: read a registration list, dry run, commit (issue 3).

Exit codes: 0 done, every row imported or unchanged (with --dry-run: no row has an error);
1 nothing written (unreadable file, no office, conflict with an edit made meanwhile, bad option);
3 done, but some rows were left out (errors, repeats in the file, name matches awaiting --confirm-name-matches);
130 interrupted with Ctrl+C: nothing written.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from workbench import locations
from workbench.cli_import_output import json_summary, left_out, print_plan, write_errors
from workbench.cli_output import say, say_json

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from imports.commit import ImportResult
    from imports.import_mode import ImportMode
    from imports.parse import ParsedFile
    from imports.plan import ImportPlan
    from storage.audit import Actor
    from workbench.domain.labels import ImportKind

EXIT_LEFT_OUT = 3
INTERRUPTED = 130  # Ctrl+C, as a shell reports it
NOTHING_WRITTEN = "已中断：这次导入没有写入任何内容。"
KIND_HINT = "如不是，请用 --kind 指定：登记名录、经营数据或许可证"


# A file this large takes longer to read (~1 s per 8 MB of xlsx) than the pinyin tables take to build.
PINYIN_AHEAD_FROM_BYTES = 4 << 20
# Who an import is recorded under when neither --officer nor this computer names an officer.
UNNAMED_CLI_ACTOR = "命令行（未指定干部）"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("import", help=_HELP)(import_command)


def _pause_cycle_collector(ctx: typer.Context) -> None:
    """No cyclic garbage collection while the command runs (reference counting frees as always).

    An import keeps a record of every row with a problem until it ends, so Python's collector, which runs
    on the number of objects made, walks an ever larger heap: 5 full passes took ~15 % of the CPU of a
    30,000-row import (docs/benchmarks.md, session 11). The import makes few reference cycles (~10,000
    objects at 30,000 rows, the same peak memory), and the collector takes them as usual once the command ends."""
    gc.disable()
    ctx.call_on_close(gc.enable)


_HELP = (
    "导入登记名录、经营数据或许可证名录（xlsx、xls、ods、csv等，按表头识别，也可用 --kind 指定）："
    "先预览（新增/更新/无变化/有错误），再一次性写入。\n\n"
    "退出码：0 全部完成；1 未写入任何内容（文件无法读取、找不到所、数据被他人修改等）；"
    "3 已完成但有行未导入（有错误、文件内重复或待确认）；130 已中断，未写入。"
)


def import_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="要导入的文件", exists=True, dir_okay=False, readable=True)],
    sheet: Annotated[str | None, typer.Option("--sheet", help="工作表名称（默认自动选择）")] = None,
    mode: Annotated[
        str, typer.Option("--mode", help="仅新增 / 仅更新 / 新增并更新（也可写 insert / update / both）")
    ] = "新增并更新",
    profile: Annotated[str | None, typer.Option("--profile", help="使用已保存的列对应方案")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只预览，不写入")] = False,
    errors: Annotated[
        Path | None, typer.Option("--errors", help="把有问题的行连同「错误原因」写到这个 xlsx 文件")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出各类行数，供脚本使用")] = False,
    confirm_name_matches: Annotated[
        bool, typer.Option("--confirm-name-matches", help="没有代码的行按名称和经营者匹配到的，确认更新")
    ] = False,
    office: Annotated[
        str | None, typer.Option("--office", help="导入到哪个所（库里只有一个所时可省略）")
    ] = None,
    officer: Annotated[
        str | None,
        typer.Option("--officer", help="新增主体包联给这名干部（及其网格）"),
    ] = None,
    grid: Annotated[
        str | None, typer.Option("--grid", help="新增主体分到这个网格（及其在岗干部）")
    ] = None,
    no_assign: Annotated[
        bool, typer.Option("--no-assign", help="不按地址→网格表分派：新增主体未分派")
    ] = False,
    reassign: Annotated[
        bool, typer.Option("--reassign", help="已有主体也按同样方式改派（默认不动）")
    ] = False,
    who: Annotated[
        str | None, typer.Option("--who", help="记在谁名下（默认 --officer 或本机使用人）")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="名录种类：登记名录 / 经营数据 / 许可证（默认按表头识别）")
    ] = None,
    license_kind: Annotated[
        str | None, typer.Option("--license-kind", help="许可证名录没有「许可证类型」列、编号也看不出时，按这种许可证导入")
    ] = None,
    accept_name_matches: Annotated[
        bool, typer.Option("--accept-name-matches", help="许可证名录中按名称和地址匹配到的行，确认导入")
    ] = False,
) -> None:
    from imports.import_mode import ImportMode
    from imports.list_kind import parse_kind

    _pause_cycle_collector(ctx)
    try:  # the options are checked before the file's read starts: a mistake is said at once
        chosen_mode = ImportMode.parse(mode)
        chosen_kind = parse_kind(kind) if kind is not None else None
    except ValueError as problem:
        _fail(str(problem))
    # The file is read on a thread while this one loads the database layer and opens the engine (issue 17):
    # python-calamine parses without holding the GIL, and the read needs none of those modules.
    try:
        reading = ReadAhead(path, chosen_kind, sheet, profile)
        with _joined(reading):
            _import(ctx, reading, chosen_mode, dry_run, errors, as_json, confirm_name_matches, office,
                    officer, grid, no_assign, reassign, who, license_kind, accept_name_matches)  # fmt: skip
    except KeyboardInterrupt:  # before the database was opened: nothing can have been written
        _fail(NOTHING_WRITTEN, code=INTERRUPTED)


class ReadAhead:
    """`_read` of the file on its own thread, started at once; `result()` waits for it and gives the
    ParsedFile, or raises what the read raised (in the calling thread, where it is handled as before)."""

    def __init__(self, path: Path, kind: ImportKind | None, sheet: str | None, profile: str | None) -> None:
        import threading

        import imports.parse  # noqa: F401  (loaded here, so the thread imports nothing the caller does)
        import imports.profiles  # noqa: F401
        from workbench.services.free_memory import one_heap_for_all_threads

        one_heap_for_all_threads()  # the sheet's freed pages then serve the commit (no thread heap kept)

        try:
            self._size = path.stat().st_size
        except OSError:  # the read says what is wrong with the path, in Chinese
            self._size = 0
        self._parsed: ParsedFile | None = None
        self._problem: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(path, kind, sheet, profile), name="import-read", daemon=True
        )
        self._thread.start()

    def _run(self, path: Path, kind: ImportKind | None, sheet: str | None, profile: str | None) -> None:
        try:
            self._parsed = _read(path, kind, sheet, profile)
        except BaseException as problem:  # handed to the caller by result()
            self._problem = problem

    def pinyin_while_reading(self) -> bool:
        """While a large file is still being read, this otherwise idle thread builds the pinyin tables that
        a registration list's new rows need for their search columns (storage.search_pinyin.load_tables,
        ~0.3 s of CPU, which would otherwise fall in the commit, when both CPUs are busy; docs/benchmarks.md
        session 15). True when it did; the caller lets them go if the file is another kind of list."""
        if not self._thread.is_alive() or self._size < PINYIN_AHEAD_FROM_BYTES:
            return False
        from storage.search_pinyin import load_tables

        load_tables()
        return True

    def result(self) -> ParsedFile:
        self._thread.join()
        if self._problem is not None:
            raise self._problem
        assert self._parsed is not None
        return self._parsed

    def join(self) -> None:
        self._thread.join()

    def finished(self) -> ParsedFile | None:
        """The ParsedFile if the read has ended well, without waiting."""
        return None if self._thread.is_alive() else self._parsed


@contextmanager
def _joined(reading: ReadAhead | None) -> Iterator[None]:
    """The read is never left running when the command ends with an error (a Ctrl+C does not wait for it)."""
    try:
        yield
    except BaseException as ending:
        interrupted = isinstance(ending, KeyboardInterrupt) or (
            isinstance(ending, typer.Exit) and ending.exit_code == INTERRUPTED
        )
        if reading is not None and not interrupted:
            reading.join()
        raise


def _import(
    ctx: typer.Context, reading: ReadAhead, chosen_mode: ImportMode, dry_run: bool,
    errors: Path | None, as_json: bool, confirm_name_matches: bool, office: str | None, officer: str | None,
    grid: str | None, no_assign: bool, reassign: bool, who: str | None, license_kind: str | None,
    accept_name_matches: bool,
) -> None:  # fmt: skip
    from imports.errors import ImportCancelled
    from imports.plan_text import repeats_without_changes
    from storage.audit import utc_now
    from workbench.cli_ready import ready_engine
    from workbench.domain.labels import ImportKind
    from workbench.services.errors import WorkbenchError

    engine, _upgrade = ready_engine(locations.database_url(ctx.obj["db"]))
    started = utc_now()
    try:
        actor = _actor(engine, office, who or officer)
        built_ahead = not dry_run and reading.pinyin_while_reading()
        parsed = reading.result()
        if built_ahead and parsed.kind is not ImportKind.REGISTER:
            from storage.search_pinyin import unload_tables

            unload_tables()
        if parsed.kind is not ImportKind.REGISTER:
            from workbench.cli_import_lists import import_list

            code = import_list(engine, parsed, actor, dry_run=dry_run, errors=errors, as_json=as_json,
                               license_kind=license_kind, accept_name_matches=accept_name_matches)
            if code:
                raise typer.Exit(code)
            return
        try:  # a registration list's new businesses: to whom (the address table is read only now)
            request = _assignment_request(grid, officer, not no_assign, reassign)
        except ValueError as problem:
            _fail(str(problem))
        plan = _plan(engine, parsed, actor, chosen_mode, confirm_name_matches, request, quiet=as_json,
                     keep_cells=errors is not None)  # fmt: skip
        errors_path = write_errors(plan, errors)
        result = None if dry_run else _commit(engine, plan, actor, quiet=as_json)
    except KeyboardInterrupt:
        _fail(_interrupted(engine, reading, started), code=INTERRUPTED)
    except ImportCancelled as cancelled:
        _fail(cancelled.message, code=INTERRUPTED)
    except WorkbenchError as problem:
        _fail(problem.message)
    finally:
        engine.dispose()
    if as_json:
        say_json({"kind": ImportKind.REGISTER.value, "kind_detected": parsed.kind_detected}
                 | json_summary(plan, result, errors_path, dry_run), indent=2)
    else:
        if parsed.kind_detected and not repeats_without_changes(plan):  # a repeat: its one sentence only
            say(f"按表头识别为登记名录（{KIND_HINT}）。")
        print_plan(plan, errors_path)
        if not repeats_without_changes(plan):  # else the summary has said it all, in one sentence
            say(result.summary_text() if result else "（预览，未写入。去掉 --dry-run 即可导入。）")
    if left_out(plan):
        raise typer.Exit(EXIT_LEFT_OUT)


def _interrupted(engine: Engine, reading: ReadAhead, started: Any) -> str:
    """What Ctrl+C left: an import is one transaction, so all of it or nothing; the interrupt can land just
    after the COMMIT, before the command goes on, so the import records are asked."""
    from sqlalchemy import func, select

    from storage.tables_imports import ImportRecord

    parsed = reading.finished()
    if parsed is not None:
        record: Any = ImportRecord
        with engine.connect() as connection:
            written = connection.execute(
                select(func.count()).select_from(record).where(
                    record.sha256 == parsed.source.sha256, record.imported_at >= started
                )
            ).scalar_one()
        if written:
            return "已中断，但这次导入在中断前已经全部写入（可再用 --dry-run 预览核对）。"
    return NOTHING_WRITTEN


def _assignment_request(grid: str | None, officer: str | None, by_address: bool, reassign: bool) -> Any:
    """The options as an AssignmentRequest; the office's address table read only when it is to be used."""
    from workbench.domain.address_grids import NO_TABLE, load_table
    from workbench.domain.rule_files import RulesError
    from workbench.services.assignment import AssignmentRequest

    table = NO_TABLE
    if by_address and not (grid or officer):
        try:
            table = load_table(locations.config_dir())
        except RulesError as error:
            raise ValueError(f"{error.message_zh}。改正后再导入，或用 --no-assign 先不分派") from error
    return AssignmentRequest(grid=grid, officer=officer, table=table, use_table=by_address, reassign=reassign)


def _fail(message: str, code: int = 1) -> NoReturn:
    say(message, err=True)
    raise typer.Exit(code)


def _actor(engine: Engine, office_name: str | None, officer_name: str | None) -> Actor:
    from sqlmodel import Session

    from storage.audit import Actor
    from workbench.services.errors import NotFound
    from workbench.services.office import DeviceMemory, officers, offices

    with Session(engine) as session:
        known = offices(session=session)
        if office_name is not None:
            known = [choice for choice in known if choice.name == office_name.strip()]
        if len(known) != 1:
            names = "、".join(choice.name for choice in offices(session=session))
            hint = f"请用 --office 指定：{names}" if names else "请先运行 workbench init 建所"
            raise NotFound(f"找不到要导入的所。{hint}")
        office_id = known[0].id
        who = officer_name
        if who is None:
            remembered = DeviceMemory(locations.device_memory_path()).officer_uuid(
                engine.url.render_as_string(hide_password=True)
            )
            who = next(
                (
                    choice.name
                    for choice in officers(session=session, office_id=office_id)
                    if choice.uuid == remembered
                ),
                UNNAMED_CLI_ACTOR,
            )
    return Actor(who=who, device=locations.device_name(), office_id=office_id)


def _read(path: Path, kind: ImportKind | None, sheet: str | None, profile_name: str | None) -> ParsedFile:
    """The file read once, its kind told from its headers unless --kind names it (a saved profile is a
    registration list's)."""
    from imports.parse import parse_list_file
    from imports.profiles import load_profile
    from workbench.domain.labels import ImportKind

    profile = load_profile(locations.config_dir() / "import_profiles", profile_name) if profile_name else None
    if profile is not None and kind is None:
        kind = ImportKind.REGISTER
    return parse_list_file(path, kind=kind, sheet=sheet, profile=profile)


def _plan(
    engine: Engine, parsed: ParsedFile, actor: Actor, mode: Any, confirm: bool, request: Any, *, quiet: bool,
    keep_cells: bool,
) -> ImportPlan:
    from imports.plan import plan_import

    with progress_bar(quiet, "预览") as progress:
        return plan_import(
            engine, parsed, actor=actor, mode=mode, confirm_name_matches=confirm, progress=progress,
            assignment=request, keep_cells=keep_cells,
        )  # fmt: skip


def _commit(engine: Engine, plan: ImportPlan, actor: Actor, *, quiet: bool) -> ImportResult:
    from imports.commit import commit_import

    with progress_bar(quiet, "导入") as progress:
        return commit_import(engine, plan, actor=actor, progress=progress, owns_file=True)


@contextmanager
def progress_bar(quiet: bool, title: str) -> Iterator[Callable[[int, int | None, str], None]]:
    """A rich progress bar on stderr (nothing when quiet or when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    with bar:
        task = bar.add_task(title, total=None)

        def advance(done: int, total: int | None, stage: str) -> None:
            bar.update(task, completed=done, total=total, description=f"{title}：{stage}")

        yield advance
