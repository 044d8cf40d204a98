"""Keys typed ahead, all at once as a fast typist's (or tmux send-keys) arrive, go where the person meant.

Every test here sends its whole key sequence with type_ahead (one burst into the app's input, no waiting
between keys); pilot.press would wait for the app to go idle after each key and so hide the faults these
tests are for (issue 16): ↓ and Enter acting on the list before its search came back, Tab's focus move
overtaken by the keys after it, keys typed before a form was read, F8 confirming a dry run not yet seen.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, read_preview, settle, to_list, type_ahead
from textual.widgets import Input, Select

from screens import business_form
from screens.business_detail import BusinessDetailScreen
from screens.business_form import BusinessFormScreen
from screens.business_list import BusinessListScreen
from screens.classify_screen import ClassifyScreen
from screens.preview_gate import TOO_EARLY
from screens.service_dialog import ServiceDialog
from screens.size_dialog import SizeDialog
from storage.tables import Business
from storage.tables_classification import ClassificationResult
from workbench.services.detail import business_detail


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def value_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Input).value)


def notices(app: Any) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


# the list: the search, then ↓ and Enter, typed without a pause


async def test_search_then_down_down_down_enter_opens_the_third_match_of_the_new_search(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    # Newest first. The whole list: 李家便利店 2021, 张记小吃店 2019, 绿野合作社 2018, 瓯江贸易 2015, 陈氏五金店 2012;
    # 「鹿城区」 matches 李家, 张记, 陈氏. ↓ from the search box enters the list on its first row, ↓↓ go to the
    # third: 陈氏五金店 (the old list's third row is 绿野合作社).
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await type_ahead(pilot, *"鹿城区", "down", "down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_uuid == office.business_uuids["鹿城区陈氏五金店"]


async def test_enter_typed_after_a_search_that_narrows_to_one_row_opens_that_row(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await type_ahead(pilot, "down", "down")  # into the whole list, on 张记小吃店
        await settle(pilot)
        await type_ahead(pilot, *"果蔬", "down", "down", "enter")  # typing goes back to the search box
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_uuid == office.business_uuids["温州绿野果蔬专业合作社"]


# forms: Tab between fields, and keys typed before the form is on screen


async def test_tab_between_fields_keeps_each_text_in_its_own_field_of_a_new_business(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        # Ctrl+N and the text in one burst: the form is not even mounted when AB arrive.
        await type_ahead(pilot, "ctrl+n", *"AB", "tab", *"CD", "tab", *"EF")
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        assert (value_of(app, "#field-name"), value_of(app, "#field-uscc"), value_of(app, "#field-reg_no")) == (
            "AB", "CD", "EF",
        )


async def test_keys_typed_while_the_form_reads_the_record_are_applied_once_it_is_read(
    sqlite_engine: Engine, office: Office_, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    read_may_finish = threading.Event()

    def slow_detail(**kwargs: Any) -> Any:
        read_may_finish.wait(10)
        return business_detail(**kwargs)

    monkeypatch.setattr(business_form, "business_detail", slow_detail)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        # F4 on the newest (李家便利店); 联系电话 is the 12th editor: 11 Tabs from 名称.
        await type_ahead(pilot, "f4", *["tab"] * 11, "ctrl+u", *"13955556666", "ctrl+s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, BusinessFormScreen) and not app.screen.opened  # still reading
        read_may_finish.set()
        await settle(pilot)
        assert isinstance(app.screen, BusinessListScreen)  # saved: the form closes back to the list
    with Session(sqlite_engine) as session:
        saved = session.exec(select(Business).where(Business.name == "鹿城区李家便利店")).one()
    assert saved.phone == "13955556666" and saved.operator == "李娜"


async def test_the_support_dialog_keeps_each_text_in_its_field(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await type_ahead(pilot, *"张记", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        # b opens 记录帮扶 on 帮扶类型; three Tabs reach 金额, then 合作机构 and 政策依据.
        await type_ahead(pilot, "b", "tab", "tab", "tab", *"500", "tab", *"农商银行", "tab", *"AB")
        await settle(pilot)
        assert isinstance(app.screen, ServiceDialog)
        assert [value_of(app, f"#field-{name}") for name in ("amount_yuan", "partner", "basis")] == [
            "500", "农商银行", "AB",
        ]


async def test_the_size_calculator_takes_480_tab_300_as_two_figures(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+l", *"5211", "tab", *"480", "tab", *"300")
        await settle(pilot)
        assert isinstance(app.screen, SizeDialog)
        figures = [value_of(app, f"#size-{name}") for name in ("industry", "employees", "revenue", "assets")]
        assert figures == ["5211", "480", "300", ""]


async def test_a_select_opened_with_enter_gets_the_keys_after_it(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    # 主体类型 is the 4th editor (a Select): Enter opens its list, ↓ moves to the next kind, Enter chooses it;
    # two Tabs on (组成形式 is a Select too) is 成立日期.
    # Before, the ↓ and Enter went to the closed Select while its list was opening.
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await type_ahead(pilot, "ctrl+n", "tab", "tab", "tab", "enter", "down", "enter", "tab", "tab", *"2024-05-03")
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        assert app.screen.query_one("#field-kind", Select).value == "enterprise"
        assert value_of(app, "#field-registered_on") == "2024-05-03"


# confirm after preview: a key pressed before the preview was seen confirms nothing


def stored_results(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(ClassificationResult)).one()


async def test_ctrl_f_then_f8_at_once_writes_nothing_and_says_why(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+f", "f8")
        await settle(pilot)
        assert isinstance(app.screen, ClassifyScreen)
        assert stored_results(sqlite_engine) == 0
        assert any(notice.startswith(TOO_EARLY) for notice in notices(app))
        await type_ahead(pilot, "f8")  # the preview has only just been painted: still too early
        await settle(pilot)
        assert stored_results(sqlite_engine) == 0
        await read_preview(pilot)
        await type_ahead(pilot, "f8")
        await settle(pilot)
        assert stored_results(sqlite_engine) == 5


async def test_f5_then_f8_at_once_waits_for_the_new_dry_run(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+f")
        await settle(pilot)
        await read_preview(pilot)
        await type_ahead(pilot, "f5", "f8")  # the dry run is redone: F8 may not confirm the old one
        await settle(pilot)
        assert stored_results(sqlite_engine) == 0
        assert any(notice.startswith(TOO_EARLY) for notice in notices(app))


async def test_the_import_writes_only_a_dry_run_and_a_question_that_were_seen(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    from test_tui_import import business_names, open_wizard, write_county_list
    from test_tui_import import settle as settle_import

    from screens.widgets.dialogs import ConfirmDialog

    downloads = Path.home() / "Downloads"
    downloads.mkdir(parents=True)
    write_county_list(downloads / "五月名录.xlsx")
    new_names = {"鹿城区新开水果店", "鹿城区新开面馆", "鹿城区新开理发店"}
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await open_wizard(pilot)
        await type_ahead(pilot, "down", "enter")
        await settle_import(pilot)
        # F8 to 导入方式, Enter on 新增并更新, F8 to the dry run, then at once F8 again and ← Enter.
        await type_ahead(pilot, "f8", "enter", "f8", "f8", "left", "enter")
        await settle_import(pilot)
        assert wizard.step == "review" and wizard.plan is not None
        assert any(notice.startswith(TOO_EARLY) for notice in notices(app))
        assert business_names(sqlite_engine).isdisjoint(new_names)
        await read_preview(pilot)
        await type_ahead(pilot, "f8", "left", "enter")  # the question is answered before it is on screen
        await settle_import(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert business_names(sqlite_engine).isdisjoint(new_names)
        await read_preview(pilot)
        await type_ahead(pilot, "enter")  # 确认导入 has the focus since the ← above
        await settle_import(pilot)
        assert wizard.step == "result"
    assert new_names <= business_names(sqlite_engine)


async def test_marks_typed_after_a_search_mark_rows_of_the_new_results(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    # 「鹿城区」 matches 李家便利店, 张记小吃店, 陈氏五金店 (newest first). ↓ enters the list on 李家, space marks it,
    # ↓↓ go to 陈氏, space marks it: never 张记 or a row of the whole list (绿野合作社 is its third row).
    from screens.list_marks import MarkableResultsTable

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await type_ahead(pilot, *"鹿城区", "down", "space", "down", "down", "space")
        await settle(pilot)
        marked = set(app.screen.query_one(MarkableResultsTable).marked_uuids)
        assert marked == {office.business_uuids["鹿城区李家便利店"], office.business_uuids["鹿城区陈氏五金店"]}
