"""The import wizard as a person walks it with keys: file, sheet and columns, mode, dry run, confirm, commit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, read_preview, uscc
from textual.widgets import DataTable, Static, Tree

from imports.profiles import list_profiles
from imports.sample_register import write_messy_xlsx
from screens.business_list import BusinessListScreen
from screens.import_steps import jobs
from screens.import_steps.steps import profile_folder
from screens.import_wizard import ImportWizardScreen
from screens.widgets.dialogs import ConfirmDialog
from storage.tables import Business, ChangeLog


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


@pytest.fixture
def downloads() -> Path:
    """~/Downloads of the test's empty home (conftest points HOME at the test's own folder)."""
    folder = Path.home() / "Downloads"
    folder.mkdir(parents=True)
    return folder


async def settle(pilot: Any, timeout: float = 10.0) -> None:
    """Wait until every worker is done, except the folder tree's loader, which waits for work forever."""
    app = pilot.app
    for _ in range(int(timeout / 0.02)):
        busy = [worker for worker in app.workers if worker.group != "_loader" and worker.is_running]
        if busy:  # an empty list would mean "all workers", the tree's loader included
            await app.workers.wait_for_complete(busy)
        await pilot.pause()
        pending = any(getattr(screen, "debounce", None) is not None for screen in app.screen_stack)
        pending = pending or getattr(app, "keys_waiting", 0) > 0
        if not pending and not any(worker.group != "_loader" and worker.is_running for worker in app.workers):
            return
        await pilot.pause(0.02)
    raise TimeoutError("the app did not settle")


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def table_rows(app: Any, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def open_wizard(pilot: Any) -> ImportWizardScreen:
    """From the list (the day starts on the to-do; Esc there goes to the list), Ctrl+O."""
    await settle(pilot)
    if not isinstance(pilot.app.screen, BusinessListScreen):
        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(pilot.app.screen, BusinessListScreen)
    await pilot.press("ctrl+o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ImportWizardScreen)
    return pilot.app.screen


async def test_the_file_browser_starts_in_downloads_and_reads_the_header(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    write_messy_xlsx(downloads / "登记名录.xlsx", 12, seed=3)
    (downloads / "说明.pdf").write_bytes(b"%PDF-1.4")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        assert "第 1 步" in text_of(app, "#import-step-title")
        tree = wizard.query_one("#import-tree")
        assert [child.data.path.name for child in tree.root.children] == ["登记名录.xlsx"]  # type: ignore[attr-defined]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert wizard.step == "mapping"
        assert "表头在第 3 行" in text_of(app, "#import-file-info")
        rows = {row[1]: row[2] for row in table_rows(app, "#import-columns")}
        assert rows["个体工商户名称"] == "名称"
        assert rows["经营者"] == "经营者"
        assert rows["资金数额（万元）"] == "资金数额（元），按万元换算"
        assert rows["序号"] == "不导入"
        assert rows["备注"] == "未识别（不导入）"
        assert "S 列「备注」" in text_of(app, "#import-mapping-notes")


async def test_a_column_is_remapped_with_keys_and_saved_as_a_profile(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    write_messy_xlsx(downloads / "登记名录.xlsx", 5)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        # 备注 is the last column: go to the end of the table, open the picker, and choose 不导入 (its last entry).
        await pilot.press("ctrl+end", "enter")
        await settle(pilot)
        await pilot.press("end", "enter")
        await settle(pilot)
        rows = {row[1]: row[2] for row in table_rows(app, "#import-columns")}
        assert rows["备注"] == "不导入"
        assert "备注" not in text_of(app, "#import-mapping-notes")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+u", *"县局名录", "enter")
        await settle(pilot)
        assert list_profiles(profile_folder()) == ["县局名录"]
        # Next time: the same file comes up with the synonym table; choosing the profile brings 不导入 back.
        await pilot.press("escape", "escape")
        await settle(pilot)
        await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert {row[1]: row[2] for row in table_rows(app, "#import-columns")}["备注"] == "未识别（不导入）"
        await pilot.press(
            "shift+tab", "enter", "down", "enter"
        )  # the 列对应方案 select: 自动识别列, then 县局名录
        await settle(pilot)
        assert {row[1]: row[2] for row in table_rows(app, "#import-columns")}["备注"] == "不导入"


async def test_missing_name_column_stops_at_the_mapping_step(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    (downloads / "名单.csv").write_text(
        "统一社会信用代码,电话\n92330302MA0000001X,13800000000\n", encoding="gbk"
    )
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "缺少必需的列：名称" in text_of(app, "#import-mapping-notes")
        await pilot.press("f8")
        await settle(pilot)
        assert wizard.step == "mapping"
        await pilot.press("escape")
        assert wizard.step == "file"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)


async def test_an_unreadable_file_says_why_and_stays_on_the_first_step(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    (downloads / "名录.xlsx").write_bytes(bytes(range(256)) * 8)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert wizard.step == "file"
        message = text_of(app, "#import-file-error")
        assert message.startswith("无法读取这个文件：")
        assert "xlsx" in message or "另存为" in message


async def test_a_typed_path_picks_the_file(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    write_messy_xlsx(other / "外来名录.xlsx", 3)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("shift+tab", "ctrl+u", *str(other / "外来名录.xlsx"), "enter")
        await settle(pilot)
        assert wizard.step == "mapping"
        assert "外来名录.xlsx" in text_of(app, "#import-file-info")


async def test_the_folder_lists_readable_files_but_not_excels_owner_files(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    """名录.xlsx open in Excel leaves ~$名录.xlsx beside it: picking that would only say it is unreadable."""
    write_messy_xlsx(downloads / "名录.xlsx", 3)
    (downloads / "~$名录.xlsx").write_bytes(b"\x06\xe7\x8e\x8b\xe8\x8a\xb3" + bytes(158))
    (downloads / ".隐藏.csv").write_text("名称\n", encoding="utf-8")
    (downloads / "说明.docx").write_bytes(b"PK")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_wizard(pilot)
        tree = app.screen.query_one("#import-tree", Tree)
        assert [str(node.label).strip() for node in tree.root.children] == ["名录.xlsx"]


async def test_enter_on_an_empty_path_asks_for_one(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        tree = app.screen.query_one("#import-tree")
        folder = tree.path  # type: ignore[attr-defined]
        await pilot.press("shift+tab", "ctrl+u", "enter")
        await settle(pilot)
        assert wizard.step == "file"
        assert text_of(app, "#import-file-error") == "请输入文件路径，或在下面的文件夹中选择文件。"
        assert tree.path == folder  # type: ignore[attr-defined]  # not the folder the app was started in


HEADER = ["统一社会信用代码", "名称", "经营者", "联系电话", "成立日期"]


def write_county_list(path: Path) -> Path:
    """An openpyxl workbook as the county sends it: a merged title row, then three new businesses, one
    update (张记's phone), one unchanged row (瓯江贸易) and two rows with errors (a bad date, a bad code)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名录"
    sheet.append(["2025年5月新登记个体工商户名录"])
    sheet.merge_cells("A1:E1")
    sheet.append(HEADER)
    sheet.append([uscc(101), "鹿城区新开水果店", "吴一", "13800000101", "2025-05-03"])
    sheet.append([uscc(102), "鹿城区新开面馆", "吴二", "13800000102", "2025年5月4日"])
    sheet.append([uscc(1), "鹿城区张记小吃店", "张伟", "13899998888", "2019-03-05"])
    sheet.append([uscc(103), "鹿城区新开理发店", "吴三", "13800000103", "20250505"])
    sheet.append([uscc(2), "温州市瓯江贸易有限公司", "林志远", "0577-88881234", "2015-07-20"])
    sheet.append([uscc(104), "鹿城区日期错店", "吴四", "13800000104", "2019年2月30日"])
    sheet.append(["91330302MA2XXXXX0", "鹿城区代码错店", "吴五", "13800000105", "2025-05-06"])
    workbook.save(path)
    return path


def business_names(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(Business.name)).all())


def change_log_rows(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(ChangeLog.id)).all())


async def walk_to_the_review(pilot: Any) -> ImportWizardScreen:
    """Pick the only file in Downloads, accept the mapping, choose 新增并更新 and run the dry run."""
    wizard = await open_wizard(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)
    assert wizard.step == "mapping"
    await pilot.press("f8")
    assert wizard.step == "mode"
    await pilot.press("down", "up", "enter")  # 仅新增 is below; back up to 新增并更新 and choose it
    await pilot.press("f8")
    await settle(pilot)
    assert wizard.step == "review"
    return wizard


async def test_the_whole_import_with_keys_only(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    write_county_list(downloads / "五月名录.xlsx")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await walk_to_the_review(pilot)
        summary = text_of(app, "#import-summary")
        assert "新增3户" in summary and "更新1户" in summary and "无变化1户" in summary
        assert "有错误2行" in summary
        # The problem list has the focus: the first problem is the bad date in row 8, then the bad code in row 9.
        problem = text_of(app, "#import-problem")
        assert "第8行" in problem and "「成立日期」" in problem and "2019年2月30日" in problem
        await pilot.press("down")
        problem = text_of(app, "#import-problem")
        assert "第9行" in problem and "「统一社会信用代码」" in problem
        await pilot.press("2")
        updates = table_rows(app, "#import-updates")
        assert updates == [["5", "鹿城区张记小吃店", "联系电话", "13812345678", "13899998888"]]
        await pilot.press("ctrl+e")
        await settle(pilot)
        saved = downloads / "五月名录_错误行.xlsx"
        assert saved.is_file()
        report = openpyxl.load_workbook(saved, read_only=True)
        report_rows = list(report.worksheets[0].iter_rows(values_only=True))
        assert report_rows[0][-1] == "错误原因"
        assert [row[1] for row in report_rows[1:]] == ["鹿城区日期错店", "鹿城区代码错店"]
        assert business_names(sqlite_engine).isdisjoint(
            {"鹿城区新开水果店", "鹿城区新开面馆"}
        )  # nothing written yet
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "将新增 3 户、更新 1 户" in str(app.screen.query_one(".dialog-message", Static).render())
        await read_preview(pilot)
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert wizard.step == "result"
        result = text_of(app, "#import-result")
        assert "新增3户，更新1户，无变化1户" in result
        names = business_names(sqlite_engine)
        assert {"鹿城区新开水果店", "鹿城区新开面馆", "鹿城区新开理发店"} <= names
        assert "鹿城区日期错店" not in names and "鹿城区代码错店" not in names
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        table = app.screen.query_one("#results", DataTable)
        shown = {str(table.get_row_at(index)[0]) for index in range(table.row_count)}
        assert {"鹿城区新开水果店", "鹿城区新开面馆", "鹿城区新开理发店"} <= shown
        assert "共 8 条" in text_of(app, "#status-line")
        # The same file again: the dry run says it was imported before and that nothing would change.
        await walk_to_the_review(pilot)
        summary = text_of(app, "#import-summary")
        assert "这个文件已于" in summary and "导入过" in summary
        assert "新增0户，更新0户，无变化5户" in summary


async def test_answering_no_at_the_confirm_step_writes_nothing(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    write_county_list(downloads / "五月名录.xlsx")
    before = (business_names(sqlite_engine), change_log_rows(sqlite_engine))
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await walk_to_the_review(pilot)
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is wizard and wizard.step == "review"
        for step in ("mode", "mapping", "file"):
            await pilot.press("escape")
            assert wizard.step == step
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)
    assert (business_names(sqlite_engine), change_log_rows(sqlite_engine)) == before


def held_until_cancelled(real: Callable[..., Any]) -> Callable[..., Any]:
    """The real dry run or commit, held at its first progress report until the person presses Esc, so that
    the key lands while the work is under way however fast this machine is; then the real cancel path runs."""

    def run(*args: Any, progress: Any, cancel: threading.Event, **kwargs: Any) -> Any:
        def report(done: int, total: int | None, stage: str) -> None:
            progress(done, total, stage)
            cancel.wait(timeout=60)

        return real(*args, progress=report, cancel=cancel, **kwargs)

    return run


async def test_esc_cancels_the_dry_run_and_the_commit_and_nothing_is_written(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_county_list(downloads / "五月名录.xlsx")
    before = (business_names(sqlite_engine), change_log_rows(sqlite_engine))
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        with monkeypatch.context() as patched:
            patched.setattr(jobs, "plan_import", held_until_cancelled(jobs.plan_import))
            await pilot.press("f8", "f8")
            assert wizard.step == "review" and wizard.job == "plan"
            await pilot.press("escape")
            await settle(pilot)
        assert wizard.step == "mode" and wizard.plan is None
        await pilot.press("f8")
        await settle(pilot)
        assert wizard.step == "review" and "新增3户" in text_of(app, "#import-summary")
        monkeypatch.setattr(jobs, "commit_import", held_until_cancelled(jobs.commit_import))
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await read_preview(pilot)
        await pilot.press("shift+tab", "enter")
        assert wizard.step == "result" and wizard.job == "commit"
        await pilot.press("escape")
        await settle(pilot)
        assert "导入已取消，数据库没有任何改动" in text_of(app, "#import-result")
        await pilot.press("escape")
        assert wizard.step == "review"
    assert (business_names(sqlite_engine), change_log_rows(sqlite_engine)) == before


async def test_another_sheet_is_chosen_with_keys(
    sqlite_engine: Engine, office: Office_, downloads: Path, tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["本表由县局导出，请勿修改表头。"])
    for title, header in (
        ("2024年", ["名称", "统一社会信用代码"]),
        ("2025年", ["企业名称", "信用代码", "手机"]),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        sheet.append(["鹿城区某某店", uscc(300)] + (["13800000300"] if len(header) == 3 else []))
    workbook.save(downloads / "两年名录.xlsx")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert wizard.parsed is not None and wizard.parsed.sheet == "2024年"  # the notes sheet has no header
        await pilot.press("shift+tab", "shift+tab", "enter", "down", "enter")  # 工作表: 2024年 -> 2025年
        await settle(pilot)
        assert wizard.parsed.sheet == "2025年"
        assert [row[1:3] for row in table_rows(app, "#import-columns")] == [
            ["企业名称", "名称"],
            ["信用代码", "统一社会信用代码"],
            ["手机", "联系电话"],
        ]


async def test_a_file_chosen_while_another_is_read_is_not_overwritten_by_the_slower_first(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first file's read, still under way when the person types the second file's path, answers last: the
    second file, chosen last, is the one shown (thread workers cannot be stopped; screens/latest_read.py)."""
    first, second = write_messy_xlsx(downloads / "第一份.xlsx", 3), write_messy_xlsx(downloads / "第二份.xlsx", 3)
    first_started, first_may_finish = threading.Event(), threading.Event()
    read_job = jobs.read_job

    def first_held(post: Any, file: Any, *args: Any, **kwargs: Any) -> None:
        if file == first:
            first_started.set()
            first_may_finish.wait(10)
        read_job(post, file, *args, **kwargs)

    monkeypatch.setattr(jobs, "read_job", first_held)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("shift+tab", "ctrl+u", *str(first), "enter")
        for _ in range(500):
            if first_started.is_set():
                break
            await pilot.pause(0.02)
        await pilot.press("ctrl+u", *str(second), "enter")
        for _ in range(500):
            await pilot.pause(0.02)
            if wizard.step == "mapping" and "第二份.xlsx" in text_of(app, "#import-file-info"):
                break
        first_may_finish.set()
        await settle(pilot)
        assert wizard.step == "mapping"
        assert "第二份.xlsx" in text_of(app, "#import-file-info")


async def test_a_county_wide_list_imports_only_this_offices_rows(
    sqlite_engine: Engine,
    office: Office_,
    downloads: Path,
    tmp_path: Path,
) -> None:
    """The county's whole-district list with a 管辖单位 column, walked with keys: the review counts the other
    offices' rows and names them, and the commit adds only 五马所's (written 鹿城区五马所 in the list)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([*HEADER, "管辖单位"])
    sheet.append([uscc(111), "鹿城区五马新店", "吴一", "13800000111", "2025-05-03", "鹿城区五马所"])
    sheet.append([uscc(112), "鹿城区南郊新店", "吴二", "13800000112", "2025-05-04", "南郊市场监管所"])
    sheet.append([uscc(113), "鹿城区滨江新店", "吴三", "13800000113", "2025-05-05", "滨江市场监管所"])
    workbook.save(downloads / "全区新设.xlsx")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await walk_to_the_review(pilot)
        summary = text_of(app, "#import-summary")
        assert "新增1户" in summary and "属于其他所2行" in summary
        assert "南郊市场监管所1行" in summary and "滨江市场监管所1行" in summary
        assert "第3行" in text_of(app, "#import-problem") and "不是本所" in text_of(app, "#import-problem")
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await read_preview(pilot)
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert wizard.step == "result"
    names = business_names(sqlite_engine)
    assert "鹿城区五马新店" in names and names.isdisjoint({"鹿城区南郊新店", "鹿城区滨江新店"})
