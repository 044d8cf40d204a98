"""The import wizard with the lists other departments send (issue 15), walked with keys only: a tax
office's 经营数据 list recognised, reviewed and committed, and the household it lifts moving tier; a licence
list's name + address match confirmed in its own step; the kind overridden by the person."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from list_helpers import write_sheet
from sqlalchemy import Engine, text
from sqlmodel import Session
from test_tui_import import open_wizard, settle, table_rows, text_of
from test_tui_support import Office_, build_app, build_office, read_preview, uscc
from textual.widgets import Static

from screens.widgets.dialogs import ConfirmDialog
from storage.audit import Actor
from workbench.services.classification import load_rules
from workbench.services.classification_recompute import recompute


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    """The test office, classified once (鹿城区张记小吃店: 成长型 on its 2024 figures, 48.2 万 revenue)."""
    made = build_office(sqlite_engine)
    rules, _problem = load_rules(None)
    with Session(sqlite_engine) as session:
        recompute(session, actor=Actor("测试", "测试终端", made.office_id), rules=rules, today=date.today())
        session.commit()
    return made


@pytest.fixture
def downloads() -> Path:
    folder = Path.home() / "Downloads"
    folder.mkdir(parents=True)
    return folder


def tier(engine: Engine, name: str) -> tuple[str, str]:
    with engine.connect() as connection:
        found = connection.execute(text(
            "SELECT r.tier, r.explanation FROM classification_result r JOIN business b ON b.id = r.business_id "
            "WHERE b.name = :name"), {"name": name}).one()  # fmt: skip
    return str(found[0]), str(found[1])


async def test_a_figures_list_is_recognised_reviewed_and_moves_a_household_up(
    sqlite_engine: Engine, office: Office_, downloads: Path, tmp_path: Path
) -> None:
    assert tier(sqlite_engine, "鹿城区张记小吃店")[0] == "growth"
    header = ["序号", "统一社会信用代码", "纳税人名称", "所属期", "营业收入（万元）", "纳税额（万元）", "参保人数"]
    write_sheet(downloads / "税务经营数据.xlsx", header, [
        [1, uscc(1), "鹿城区张记小吃店", "2025年第一季度", 40, 0.5, 2],
        [2, uscc(1), "鹿城区张记小吃店", "2025年第二季度", 40, 0.5, 2],
        [3, uscc(1), "鹿城区张记小吃店", "2025年第三季度", 40, 0.5, 2],
        [4, uscc(1), "鹿城区张记小吃店", "2025年第四季度", 30, 0.5, 2],
        [5, uscc(77), "不在本所的店", "2025", 10, 0, 0],
    ], title="2025年个体工商户纳税情况")  # fmt: skip
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert wizard.step == "mapping" and "导入经营数据" in text_of(app, "#import-step-title")
        assert "按表头识别为经营数据" in text_of(app, "#import-file-info")
        rows = {row[1]: row[2] for row in table_rows(app, "#import-columns")}
        assert rows["营业收入（万元）"] == "营业收入，按万元换算" and rows["所属期"] == "年度/所属期"
        await pilot.press("f8")  # a figures list has no step 3: straight to the dry run
        await settle(pilot)
        assert wizard.step == "review"
        summary = text_of(app, "#import-summary")
        assert "1户的4行季度（月度）数据合计为年度数据" in summary and "将新增1条年度数据" in summary
        assert "登记簿中没有1行" in summary
        assert "第7行" in text_of(app, "#import-problem") and "没有代码为" in text_of(app, "#import-problem")
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "重新分型" in str(app.screen.query_one(".dialog-message", Static).render())
        await read_preview(pilot)
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert wizard.step == "result"
        result = text_of(app, "#import-result")
        assert "新增年度数据1条" in result and "1户分型变化" in result and "成长型 -> 发展型" in result
    moved, reason = tier(sqlite_engine, "鹿城区张记小吃店")
    assert moved == "development" and "营业收入150万元" in reason


async def test_a_licence_list_confirms_its_name_matches_in_a_step_of_its_own(
    sqlite_engine: Engine, office: Office_, downloads: Path, tmp_path: Path
) -> None:
    header = ["许可证编号", "经营者名称", "社会信用代码", "经营场所", "有效期限", "许可项目"]
    write_sheet(downloads / "食品许可.xlsx", header, [
        ["JY13303020099001", "鹿城区李家便利店", "", "人民路 5 号", "2024-01-01至2028-12-31", "预包装食品销售"],
    ])  # fmt: skip
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "按表头识别为许可证" in text_of(app, "#import-file-info")
        await pilot.press("f8")
        assert wizard.step == "mode"
        await pilot.press("f8")
        await settle(pilot)
        assert "按名称和地址匹配，待确认1行" in text_of(app, "#import-summary")
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "一并导入这些行吗" in str(app.screen.query_one(".dialog-message", Static).render())
        await pilot.press("shift+tab", "enter")  # 一并导入
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.query_one(".dialog-message", Static).render())
        assert "将新增 1 张许可证" in question and "含按名称和地址匹配" in question
        await read_preview(pilot)
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert "新增许可证1张" in text_of(app, "#import-result")
    with sqlite_engine.connect() as connection:
        holder = connection.execute(text(
            "SELECT b.name, l.kind FROM license l JOIN business b ON b.id = l.business_id "
            "WHERE l.number = 'JY13303020099001'")).one()  # fmt: skip
    assert tuple(holder) == ("鹿城区李家便利店", "食品经营许可证")


async def test_the_kind_of_list_can_be_chosen_by_hand(
    sqlite_engine: Engine, office: Office_, downloads: Path, tmp_path: Path
) -> None:
    write_sheet(downloads / "名单.xlsx", ["统一社会信用代码", "名称", "年度", "营业收入"], [[uscc(2), "x", 2025, 1]])
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "按表头识别为经营数据" in text_of(app, "#import-file-info")
        # From the columns, Shift+Tab thrice reaches the 名录种类 choice; its second entry is 登记名录.
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "enter", "down", "enter")
        await settle(pilot)
        assert wizard.kind is not None and "按登记名录读取" in text_of(app, "#import-file-info")
        assert "导入登记名录" in text_of(app, "#import-step-title")


async def test_a_quarter_of_the_running_year_is_kept_shown_and_does_not_move_the_household(
    sqlite_engine: Engine, office: Office_, downloads: Path, tmp_path: Path
) -> None:
    """The tax office's third-quarter list in October: kept as a quarter, said so in the review, shown under
    the household's years, and its 成长型 (on its whole 2024) stands."""
    this_year = date.today().year
    before = tier(sqlite_engine, "鹿城区张记小吃店")
    header = ["纳税人识别号", "纳税人名称", "所属期", "应税销售收入（元）", "税款合计（元）"]
    write_sheet(downloads / "三季度申报.xlsx", header, [[uscc(1), "鹿城区张记小吃店", f"{this_year}年7-9月", 36_000, 0]],
                title=None)  # fmt: skip
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert wizard.step == "review"
        summary = text_of(app, "#import-summary")
        assert f"{this_year}年已有7-9月" in summary and "保存为分期数据" in summary and "不参与分型" in summary
        await read_preview(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await read_preview(pilot)
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert wizard.step == "result"
        result = text_of(app, "#import-result")
        assert "新增分期数据1条" in result and "分型不变" in result
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape", *"张记", "enter")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        shown = text_of(app, "#figures-periods")
        assert f"{this_year}年第三季度 营业收入 3.6万元" in shown and "不参与分型" in shown
    assert tier(sqlite_engine, "鹿城区张记小吃店") == before
