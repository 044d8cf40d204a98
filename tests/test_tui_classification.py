"""The 分型分类 tab, the override dialog, the size calculator and the recompute screen, driven by keys."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, read_preview, settle
from textual.widgets import DataTable, Static, TabbedContent

from screens.classification_tab import ClearOverrideDialog, OverrideDialog
from screens.classify_screen import ClassifyScreen
from screens.size_dialog import SizeDialog
from screens.widgets.dialogs import ErrorDialog
from storage.tables_classification import ClassificationResult
from workbench import locations


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def rendered(app: object, selector: str) -> str:
    """What a Static shows, as plain text (tables included), lines stripped of padding."""
    screen = app.screen  # type: ignore[attr-defined]
    assert not isinstance(screen, ErrorDialog), f"{screen.title_text}：{screen.message}"
    content = screen.query_one(selector, Static).content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def table_rows(app: object, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)  # type: ignore[attr-defined]
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def open_tab(pilot: object, name: str) -> None:
    await pilot.press(*name, "enter")  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("5")  # type: ignore[attr-defined]
    await settle(pilot)


def stored_results(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(ClassificationResult)).one()


async def test_the_tab_shows_tier_size_and_reasons(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_tab(pilot, "张记")
        assert app.screen.query_one(TabbedContent).active == "classification"
        summary = rendered(app, "#classification-summary").splitlines()
        assert summary[:7] == [
            "三型 成长型",
            "     · 近12个月有纳税记录（3,200元）",
            "     · 参保2人",
            "     · 雇员4人",
            "     · 营业收入48.2万元 < 发展型门槛100万元",
            "规模 无法划型",
            "     · 没有行业代码",
        ]
        assert summary[7].startswith("规则 版本 2024.1+") and summary[7].endswith(
            "尚未保存，重新分型（Ctrl+F）后写入"
        )
        assert table_rows(app, "classification-history") == [["", "", "（没有记录）", "", "", ""]]
    assert stored_results(sqlite_engine) == 0  # looking does not write


async def test_override_with_a_reason_is_marked_manual_and_clear_restores(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_tab(pilot, "张记")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, OverrideDialog)
        await pilot.press("ctrl+s")  # no reason yet
        await settle(pilot)
        assert rendered(app, "#error-reason") == "请填写人工认定的理由"
        app.screen.query_one("#field-tier").focus()
        await pilot.press("enter", "down", "enter", "tab", *"省级老字号", "ctrl+s")
        await settle(pilot)
        summary = rendered(app, "#classification-summary")
        assert summary.startswith("三型 发展型（人工认定：省级老字号）")
        assert "人工认定：王芳" in summary and "计算结果：成长型：近12个月有纳税记录" in summary
        rows = table_rows(app, "classification-history")
        assert [row[2] for row in rows] == ["人工认定", "重新计算"]
        assert rows[0][3] == "发展型" and rows[0][5] == "省级老字号"
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ClearOverrideDialog)
        await pilot.press(*"复核", "ctrl+s")
        await settle(pilot)
        assert rendered(app, "#classification-summary").startswith("三型 成长型\n")
        assert [row[2] for row in table_rows(app, "classification-history")][0] == "取消人工认定"


async def test_the_size_calculator_answers_with_reasons(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, SizeDialog)
        await pilot.press(*"5211", "tab", *"12", "tab", *"480", "tab", *"3")
        await settle(pilot)
        verdict = rendered(app, "#size-verdict")
        assert verdict.startswith("结果：小型")
        assert "按「零售业」划型" in verdict
        assert "从业人员12人 ≥ 小型下限10人、< 中型下限50人，属小型" in verdict
        assert "零售业不看资产总额，已忽略" in verdict
        await pilot.press("shift+tab", "backspace", *"x")
        await settle(pilot)
        assert rendered(app, "#size-verdict") == "营业收入「48x」不是数字"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SizeDialog)


async def test_recompute_shows_the_moves_then_writes_on_f8(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, ClassifyScreen)
        assert "以上为试算，尚未写入" in rendered(app, "#classify-status")
        assert ["1 户 未分过 -> 成长型"] in table_rows(app, "classify-moves")
        assert stored_results(sqlite_engine) == 0
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert "已写入" in rendered(app, "#classify-status")
        assert stored_results(sqlite_engine) == 5
        grid_rows = table_rows(app, "classify-distribution")
        assert ["城东片区", "0", "1", "0", "1", "2"] in grid_rows
        await pilot.press("f6")
        await settle(pilot)
        assert ["王芳", "0", "1", "0", "1", "2"] in table_rows(app, "classify-distribution")
        await pilot.press("f5")
        await settle(pilot)
        assert table_rows(app, "classify-moves") == [["（没有变动）"]]


async def test_a_broken_rules_file_is_reported_and_the_shipped_rules_used(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    folder = locations.config_dir()
    folder.mkdir(parents=True)
    (folder / "classification.toml").write_text("[tier.growth]\nmin_tax_yaun = 1\n", encoding="utf-8")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        messages = [str(notice.message) for notice in app._notifications]
        assert any(
            "「tier.growth.min_tax_yaun」" in message and "仍按上次有效的规则" in message
            for message in messages
        )
        assert ["1 户 未分过 -> 成长型"] in table_rows(app, "classify-moves")


async def test_a_typo_after_good_rules_keeps_the_last_good_rules(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    folder = locations.config_dir()
    folder.mkdir(parents=True)
    rules_file = folder / "classification.toml"
    rules_file.write_text(
        'version = "2025-本所"\n[tier.growth]\nmin_insured_staff = 3\nmin_tax_yuan = 5000\n', encoding="utf-8"
    )
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert "规则版本 2025-本所+" in rendered(app, "#classify-status")
        assert ["1 户 未分过 -> 生存型"] in table_rows(app, "classify-moves")
        rules_file.write_text("[tier.growth\n", encoding="utf-8")
        await pilot.press("f5")
        await settle(pilot)
        messages = [str(notice.message) for notice in app._notifications]
        assert any(str(rules_file) in message and "格式有误" in message for message in messages)
        assert "规则版本 2025-本所+" in rendered(app, "#classify-status")
        assert ["1 户 未分过 -> 生存型"] in table_rows(app, "classify-moves")
