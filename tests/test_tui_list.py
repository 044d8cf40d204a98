"""The main list as a person uses it: choose who you are, search, filter, sort, page, open."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import DATABASE_KEY, Office_, build_app, build_office, palette_found, settle, to_list
from textual.widgets import DataTable, Input, OptionList, Static

from screens.business_detail import BusinessDetailScreen
from screens.business_list import BusinessListScreen, status_text
from screens.help import HelpScreen
from screens.widgets.officer_picker import OfficerPicker
from screens.widgets.results_table import COLUMNS, fitted_columns
from storage.audit import Actor
from storage.tables import Office, Officer


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def names_shown(app: object) -> list[str]:
    table = app.screen.query_one("#results", DataTable)  # type: ignore[attr-defined]
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


def plain_text(content: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def status_line(app: object) -> str:
    return str(app.screen.query_one("#status-line", Static).render())  # type: ignore[attr-defined]


async def test_first_start_asks_who_is_at_the_keyboard_and_remembers(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OfficerPicker)
        people = app.screen.query_one(OptionList)
        assert [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)] == ["王芳", "李强", "陈静"]
        await pilot.press("down", "enter")
        await settle(pilot)
        await to_list(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        assert "使用人：李强" in app.sub_title
        assert app.actor.who == "李强" and app.actor.device == "测试终端"
    remembered = json.loads((tmp_path / "device.json").read_text(encoding="utf-8"))
    assert remembered[DATABASE_KEY]["officer_uuid"]


async def test_a_remembered_officer_starts_straight_on_the_list(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="陈静")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        assert isinstance(app.screen, BusinessListScreen)
        assert status_line(app).startswith("第 1-5 条，共 5 条")
        assert names_shown(app)[0] == "鹿城区李家便利店"  # newest first


async def test_f2_switches_officer(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        assert isinstance(app.screen, OfficerPicker)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.actor.who == "陈静"
        assert "使用人：陈静" in app.sub_title


async def test_typing_chinese_searches_and_counts(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"鹿城区")
        await settle(pilot)
        assert names_shown(app) == ["鹿城区李家便利店", "鹿城区张记小吃店", "鹿城区陈氏五金店"]
        assert status_line(app).startswith("第 1-3 条，共 3 条")
        await pilot.press(*"李家")
        await settle(pilot)
        assert names_shown(app) == ["鹿城区李家便利店"]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(names_shown(app)) == 5


async def test_a_search_without_matches_says_so(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"不存在的店", "enter")
        await settle(pilot)
        assert names_shown(app) == []
        assert status_line(app).startswith("没有符合条件的市场主体")
        assert isinstance(app.screen, BusinessListScreen)


async def test_status_filter_from_the_keyboard(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        # Tab to 登记状态, open it, and walk down past 存续 / 吊销，未注销 / 吊销，已注销 to 注销.
        await pilot.press("tab", "enter", "down", "down", "down", "down", "enter")
        await settle(pilot)
        assert names_shown(app) == ["鹿城区陈氏五金店"]
        assert status_line(app).startswith("第 1-1 条，共 1 条")


async def test_kind_filter(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("tab", "tab", "enter", "down", "down", "enter")
        await settle(pilot)
        assert names_shown(app) == ["温州市瓯江贸易有限公司"]


async def test_only_mine_with_f9(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert names_shown(app) == ["鹿城区李家便利店", "鹿城区张记小吃店"]
        await pilot.press("f9")
        await settle(pilot)
        assert len(names_shown(app)) == 5


async def test_f6_cycles_the_sort_and_says_so(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        assert "排序：成立日期从新到旧" in status_line(app)
        assert names_shown(app)[0] == "鹿城区李家便利店"
        await pilot.press("f6")
        await settle(pilot)
        assert "排序：名称" in status_line(app)
        assert names_shown(app)[0] == "温州市瓯江贸易有限公司"
        await pilot.press("f6")
        await settle(pilot)
        assert names_shown(app)[0] == "鹿城区陈氏五金店"


async def test_the_table_holds_one_page_and_flips_at_its_edge(sqlite_engine: Engine, tmp_path: Path) -> None:
    build_office(sqlite_engine, extra_businesses=245)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        table = app.screen.query_one("#results", DataTable)
        assert table.row_count == 100
        assert status_line(app).startswith("第 1-100 条，共 250 条")
        await pilot.press("f8")
        await settle(pilot)
        assert status_line(app).startswith("第 101-200 条，共 250 条")
        await pilot.press("f8")
        await settle(pilot)
        assert status_line(app).startswith("第 201-250 条")
        assert table.row_count == 50
        await pilot.press("f7", "f7")  # quick presses add up
        await settle(pilot)
        assert status_line(app).startswith("第 1-100 条")
        await pilot.press("f8", "f8")
        await settle(pilot)
        assert status_line(app).startswith("第 201-250 条")
        await pilot.press("f8")  # already the last page: nothing happens
        await settle(pilot)
        assert status_line(app).startswith("第 201-250 条")
        table.focus()
        await pilot.press("up")  # at the window's first row: the previous window, cursor on its last row
        await settle(pilot)
        assert status_line(app).startswith("第 101-200 条")
        assert table.cursor_row == 99
        await pilot.press("down")  # and back
        await settle(pilot)
        assert status_line(app).startswith("第 201-250 条")
        assert table.cursor_row == 0


async def test_the_count_follows_the_page_and_a_short_first_page_is_the_count(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting a million rows can take longer than the page: it starts once the page is in, and the status line
    says「N 条以上」meanwhile; a first page of fewer than 100 rows is the count, and nothing is counted."""
    build_office(sqlite_engine, extra_businesses=245)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        register = app.gateway.register  # type: ignore[attr-defined]
        counted: list[tuple[str, str]] = []
        original = register.count

        def count(flt: object) -> int:
            counted.append((flt.text, status_line(app)))  # type: ignore[attr-defined]
            return int(original(flt))

        monkeypatch.setattr(register, "count", count)
        await pilot.press(*"商店")
        await settle(pilot)
        assert counted[-1][0] == "商店"  # (a slow machine may have searched 商 on the way)
        assert all(status.startswith("第 1-100 条，共 100 条以上，正在统计") for _text, status in counted)
        assert status_line(app).startswith("第 1-100 条，共 245 条")
        await pilot.press(*["backspace"] * 2, *"第0012号")  # one shop
        await settle(pilot)
        assert status_line(app).startswith("第 1-1 条，共 1 条")
        assert "第0012号" not in [text for text, _status in counted]


async def test_enter_opens_the_highlighted_business(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_uuid == office.business_uuids["鹿城区张记小吃店"]  # second newest
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)


async def test_typing_in_the_results_goes_on_with_the_search(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"鹿城", "down", "down", *"李家")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "鹿城李家"
        assert names_shown(app) == []
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"区李")
        await settle(pilot)
        assert names_shown(app) == ["鹿城区李家便利店"]


async def test_fast_typing_then_enter_opens_the_top_match(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"陈氏", "enter")  # no pause: the query for 陈氏 has not even started
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_uuid == office.business_uuids["鹿城区陈氏五金店"]


async def test_enter_on_a_row_while_the_list_refreshes_does_not_crash(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("down", "down")
        await pilot.press("f5", "enter", "escape", "f6", "enter", "escape", "backspace", *"鹿城", "down", "enter")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, BusinessDetailScreen | BusinessListScreen)


async def test_f1_shows_every_key(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(plain_text(static.content) for static in app.screen.query(Static))
        for words in ("切换使用人", "新增市场主体", "下一页", "只看我的", "保存", "Ctrl+S", "F9"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, BusinessListScreen)


async def test_command_palette_finds_chinese_and_latin(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        await palette_found(pilot, "help")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await palette_found(pilot, "排序")
        await pilot.press("enter")
        await settle(pilot)
        assert "排序：名称" in status_line(app)  # one step on from the default, newest first


async def test_search_box_has_the_agreed_placeholder(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_list(pilot)
        assert "拼音首字母" in app.screen.query_one("#search", Input).placeholder
        assert app.screen.query_one("#search", Input).has_focus


def test_columns_fit_80_and_widen_at_120() -> None:
    narrow = fitted_columns(79)
    assert [column.label for column in narrow] == ["名称", "信用代码/注册号", "经营者", "电话", "状态"]
    assert sum(column.width + 2 for column in narrow) <= 79
    wide = fitted_columns(119)
    assert [column.key for column in wide] == [column.key for column in COLUMNS]
    assert sum(column.width + 2 for column in wide) <= 119


def test_status_text() -> None:
    assert status_text(loading=False, offset=100, shown=100, total=12345, sort_label="名称") == \
        "第 101-200 条，共 12,345 条  排序：名称"
    assert status_text(loading=False, offset=0, shown=100, total=None, sort_label="名称").startswith(
        "第 1-100 条，共 100 条以上，正在统计")
    assert status_text(loading=True, offset=0, shown=0, total=None, sort_label="名称").startswith("正在查询")


async def test_with_several_offices_the_picker_asks_for_the_office_too(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    with Session(sqlite_engine) as session:
        other = Office(code="330302002", name="温州市鹿城区市场监督管理局南汇市场监管所")
        session.add(other)
        session.flush()
        assert other.id is not None
        session.add(Officer(office_id=other.id, name="郑敏"))
        session.commit()
        other_id = other.id
    app = build_app(sqlite_engine, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OfficerPicker)
        await pilot.press("shift+tab", "enter", "down", "enter")  # the office select: the second office
        await pilot.press("tab", "enter")
        await settle(pilot)
        await to_list(pilot)
        with Session(sqlite_engine) as session:
            officer_id = session.exec(select(Officer.id).where(Officer.name == "郑敏")).one()
        assert app.actor == Actor(who="郑敏", device="测试终端", office_id=other_id, officer_id=officer_id)
        assert "使用人：郑敏（南汇市场监管所）" in app.sub_title
        assert status_line(app).startswith("没有符合条件的市场主体")


async def test_an_empty_database_explains_instead_of_crashing(sqlite_engine: Engine, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "还没有市场监管所" in str(app.screen.query_one(".dialog-title", Static).render())
        await pilot.press("enter")
        await settle(pilot)
    assert not app.is_running
