"""An import opens and reads its file once: the sniff, the sheets, the header, the dry run, the sha256 and
the commit all work from that one read, in the CLI and in the wizard (tests/read_spy.py takes the file
off the disk after its first open, so any second read fails)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from import_helpers import office, row, write_list
from read_spy import watch_opens
from sqlalchemy import Engine
from test_imports_producers import SHEET_ROWS, csv_text, html_table, spreadsheetml, write_xlwt
from test_tui_import import business_names, open_wizard, settle, table_rows, text_of, write_county_list
from test_tui_support import build_app, build_office, read_preview
from typer.testing import CliRunner

import imports.source
from imports.commit import commit_import
from imports.errors import UnreadableFile
from imports.plan import RowKind, plan_import
from screens.widgets.dialogs import ConfirmDialog
from workbench import cli

runner = CliRunner()
FORMATS: dict[str, Callable[[Path], Any]] = {
    "名录.xlsx": lambda path: write_list(path, [row(1), row(2)]),
    "名录.xls": lambda path: write_xlwt(path, SHEET_ROWS),
    "excel2003.xls": lambda path: path.write_text(spreadsheetml(SHEET_ROWS), "utf-8"),
    "web.xls": lambda path: path.write_text(html_table(SHEET_ROWS, charset="gbk"), encoding="gbk"),
    "名录.csv": lambda path: path.write_text(csv_text(SHEET_ROWS), encoding="gbk"),
}


@pytest.mark.parametrize("name", list(FORMATS))
def test_a_dry_run_and_its_commit_read_the_file_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    actor = office(engine)
    path = tmp_path / name
    FORMATS[name](path)
    content = path.read_bytes()
    spy = watch_opens(monkeypatch, path)
    plan = plan_import(engine, path, actor=actor)
    result = commit_import(engine, plan, actor=actor)
    assert spy.opens == 1 and not path.exists()
    assert plan.sha256 == hashlib.sha256(content).hexdigest()
    assert result.inserted == plan.counts[RowKind.NEW] >= 2


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = str(tmp_path / "office.db")
    made = runner.invoke(cli.app, ["--db", url, "init", "--office", "五马市场监管所", "--officer", "林丽丽"])
    assert made.exit_code == 0, made.output
    return url


def test_the_cli_reads_the_file_once_and_still_knows_a_repeat(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2)])
    content = path.read_bytes()
    with monkeypatch.context() as patched:
        spy = watch_opens(patched, path)
        first = runner.invoke(cli.app, ["--db", database, "import", str(path), "--json", "--officer", "林丽丽"])
    assert first.exit_code == 0, first.output
    assert spy.opens == 1
    summary = json.loads(first.stdout)
    assert summary["sha256"] == hashlib.sha256(content).hexdigest()
    assert summary["committed"]["inserted"] == 2 and summary["previous_import"] is None
    path.write_bytes(content)  # the same file once more: recognised by the sha256 of its one read
    spy = watch_opens(monkeypatch, path)
    again = runner.invoke(cli.app, ["--db", database, "import", str(path), "--json"])
    assert again.exit_code == 0, again.output
    assert spy.opens == 1
    repeat = json.loads(again.stdout)
    assert repeat["previous_import"]["who"] == "林丽丽" and repeat["counts"]["unchanged"] == 2


async def test_the_wizard_reads_the_file_once_however_often_the_person_goes_back(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_office(sqlite_engine)
    downloads = Path.home() / "Downloads"
    downloads.mkdir(parents=True)
    path = write_county_list(downloads / "五月名录.xlsx")
    content = path.read_bytes()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        spy = watch_opens(monkeypatch, path)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert wizard.step == "mapping"
        # 成立日期 (the last column) is not imported: the file is read again with that mapping, from memory.
        await pilot.press("ctrl+end", "enter")
        await settle(pilot)
        await pilot.press("end", "enter")
        await settle(pilot)
        assert table_rows(app, "#import-columns")[-1][2] == "不导入"
        await pilot.press("f8", "f8")  # to 导入方式, then the dry run
        await settle(pilot)
        assert wizard.step == "review" and "新增4户" in text_of(app, "#import-summary")
        await pilot.press("escape", "f8")  # back to 导入方式, and a second dry run of the same rows
        await settle(pilot)
        assert wizard.step == "review" and "新增4户" in text_of(app, "#import-summary")
        assert wizard.plan is not None and wizard.plan.sha256 == hashlib.sha256(content).hexdigest()
        await read_preview(pilot)  # a confirm pressed before the dry run could be seen is refused
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await read_preview(pilot)  # the question too must be seen before it is answered
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert "新增4户" in text_of(app, "#import-result")
    assert spy.opens == 1 and not path.exists()
    assert {"鹿城区新开水果店", "鹿城区日期错店"} <= business_names(sqlite_engine)


def test_a_file_too_large_to_be_a_list_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(1)])
    monkeypatch.setattr(imports.source, "MAX_BYTES", path.stat().st_size - 1)
    with pytest.raises(UnreadableFile) as refused:
        imports.source.read_source(path)
    assert "超过导入上限 1 GB" in refused.value.message and "拆分" in refused.value.message
