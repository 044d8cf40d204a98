"""许可证 in the TUI, keys only and typed without pauses: add one on the detail's tab, renew one from the to-do's
F4 (已换证) and see its item go, cancel one after the question."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from service_tui_helpers import open_business, press, shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import Office_, build_app, build_office, read_preview, settle
from textual.widgets import TabbedContent

from screens.business_detail import BusinessDetailScreen
from screens.license_dialogs import LicenseDialog, RenewalDialog
from screens.todo_screen import TodoScreen
from screens.widgets.dialogs import ConfirmDialog
from storage.tables import License


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def licences(engine: Engine) -> dict[str, License]:
    with Session(engine) as session:
        return {row.number: row for row in session.exec(select(License).order_by(col(License.id)))}


def todo_texts(app: object) -> list[str]:
    return [row[2] for row in table_rows(app, "todo-table") if row[1] == "许可证"]


async def test_a_licence_is_added_on_the_tab_with_keys(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "瓯江")
        await press(pilot, "2")
        assert table_rows(app, "license-table")[0][0] == "（没有许可证记录，按 N 登记）"
        await press(pilot, "n")
        assert isinstance(app.screen, LicenseDialog)
        # 种类: open the list and take the fifth, 药品经营许可证; 经营场所 is already the registered address.
        await pilot.press("enter", "down", "down", "down", "down", "enter", "tab", *"浙CB5770012", "tab",
                          *"2024-01-15", "tab", *"2029-01-14", "tab", *"药品零售含中药饮片", "ctrl+s")  # fmt: skip
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.query_one(TabbedContent).active == "licenses"
        assert table_rows(app, "license-table") == [
            ["药品经营许可证", "浙CB5770012", "2024-01-15", "2029-01-14", "有效", "药品零售含中药.."]
        ]
        assert "许可项目：药品零售含中药饮片    经营场所：江滨路 88 号" in shown(app, "license-line")
    added = licences(sqlite_engine)["浙CB5770012"]
    assert (added.kind, added.issued_on, added.expires_on, added.place, added.status, added.updated_by) == (
        "药品经营许可证", date(2024, 1, 15), date(2029, 1, 14), "江滨路 88 号", "valid", "王芳"
    )


async def test_a_mistake_shows_under_its_field_and_nothing_is_saved(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "瓯江")
        await pilot.press("2", "n", "tab", "tab", *"2025-06-02", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LicenseDialog)
        assert "请填写许可证编号（证上印的编号）" in shown(app, "error-number")
        assert "发证日期「2025-06-02」晚于今天（2025-06-01），请核对后填写" in shown(app, "error-issued_on")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmDialog)  # something was typed: asked before it is thrown away
        await press(pilot, "left", "enter")
        assert isinstance(app.screen, BusinessDetailScreen)
    assert len(licences(sqlite_engine)) == 2  # the two the office started with


async def test_renewed_from_the_todo_the_item_goes(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
        assert len(todo_texts(app)) == 1
        hint = shown(app, "todo-hint")  # the cursor starts on the item: the line under the table has it whole
        assert "食品经营许可证 JY13303020012345 2025-06-20 到期" in hint and "Ctrl+D 已换证（录入新证）" in hint
        await pilot.press("ctrl+d")  # F4 is 编辑 everywhere; the item's own 已办 key is Ctrl+D
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RenewalDialog)
        # The old licence names no 经营场所: the registered address stands in, to be corrected if the new differs.
        assert dialog.read() == {"kind": "食品经营许可证", "number": "JY13303020012345", "issued_on": "",
                                 "expires_on": "", "scope": "", "place": "五马街 12 号"}  # fmt: skip
        # The new certificate has a new number: clear the old one, then the dates, and save.
        await pilot.press("tab", "ctrl+u", *"JY13303020054321", "tab", *"2025-05-28", "tab", *"2030-05-27",
                          "ctrl+s")  # fmt: skip
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
        assert todo_texts(app) == []
        assert "已换证" in "".join(str(note.message) for note in app._notifications)
    rows = licences(sqlite_engine)
    old, new = rows["JY13303020012345"], rows["JY13303020054321"]
    assert (old.status, old.closed_on, old.version) == ("renewed", date(2025, 5, 28), 2)
    assert (new.status, new.renews_uuid, new.issued_on, new.expires_on) == (
        "valid", old.uuid, date(2025, 5, 28), date(2030, 5, 27)
    )


async def test_renewed_on_the_tab_the_old_one_stays_greyed(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        # 卫生许可证 (expired) is first, 食品经营许可证 second: renew the second, keeping its number.
        await pilot.press("2", "down", "r", "tab", "tab", *"2025-05-30", "tab", *"2030-05-29", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        rows = table_rows(app, "license-table")
        assert [(row[0], row[1], row[3], row[4]) for row in rows] == [
            ("卫生许可证", "WS2019-0088", "2024-03-01", "已过期"),
            ("食品经营许可证", "JY13303020012345", "2030-05-29", "有效"),
            ("食品经营许可证", "JY13303020012345", "2025-06-20", "已换证"),
        ]
        await press(pilot, "down", "down")
        assert "2025-05-30 换证，新证 JY13303020012345" in shown(app, "license-line")
        await press(pilot, "r")
        assert isinstance(app.screen, BusinessDetailScreen)  # a renewed licence is not renewed again
        assert "这张食品经营许可证已换证，不能再换证" in "".join(str(note.message) for note in app._notifications)


async def test_a_licence_is_cancelled_only_after_the_question(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await pilot.press("2", "x", "escape")  # asked, and answered no
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert licences(sqlite_engine)["WS2019-0088"].status == "valid"
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "注销卫生许可证 WS2019-0088？" in str(app.screen.question)
        await read_preview(pilot)  # a confirmation typed before the question could be read is refused
        await pilot.press("left", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert [row[4] for row in table_rows(app, "license-table")] == ["即将到期", "已注销"]
        await press(pilot, "ctrl+t")
        assert isinstance(app.screen, TodoScreen)
        assert len(todo_texts(app)) == 1  # the food licence still expires; the cancelled one was never due
    cancelled = licences(sqlite_engine)["WS2019-0088"]
    assert (cancelled.status, cancelled.closed_on, cancelled.version) == ("cancelled", date(2025, 6, 1), 2)


async def test_the_kinds_offered_are_the_offices_list(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    from workbench import locations

    folder = locations.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service.toml").write_text('license_kinds = ["食品小作坊登记证", "食品经营许可证"]\n', encoding="utf-8")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "瓯江")
        await press(pilot, "2", "n")
        dialog = app.screen
        assert isinstance(dialog, LicenseDialog)
        assert dialog.read()["kind"] == "食品小作坊登记证"  # the first of the office's list
        await pilot.press("enter", "down", "enter", "tab", *"JY1", "tab", *"2024-01-15", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
    assert licences(sqlite_engine)["JY1"].kind == "食品经营许可证"


async def test_a_licence_another_terminal_cancelled_first_is_named_not_cancelled_twice(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from screens.widgets.dialogs import ErrorDialog
    from storage.audit import Actor
    from workbench.services.licenses import cancel_license

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await press(pilot, "2")
        with Session(sqlite_engine) as session:  # 李强, at another terminal, cancels it meanwhile
            cancel_license(session, actor=Actor("李强", "二号机", office.office_id),
                           license_uuid=licences(sqlite_engine)["WS2019-0088"].uuid, base_version=1,
                           today=date(2025, 5, 30))  # fmt: skip
            session.commit()
        await pilot.press("x")
        await settle(pilot)
        await read_preview(pilot)
        await pilot.press("left", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.message == "这张卫生许可证已于 2025-05-30 注销，不能再注销"
        await press(pilot, "enter")
        assert [row[4] for row in table_rows(app, "license-table")] == ["即将到期", "已注销"]
    cancelled = licences(sqlite_engine)["WS2019-0088"]
    assert (cancelled.closed_on, cancelled.updated_by, cancelled.version) == (date(2025, 5, 30), "李强", 2)


async def test_a_licence_from_elsewhere_is_shown_as_written(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """An imported licence may carry markup or control characters: shown as they are, never read."""
    with Session(sqlite_engine) as session:
        zhang = session.exec(select(License)).first()
        assert zhang is not None
        session.add(License(office_id=office.office_id, business_id=zhang.business_id, kind="[b]许可[/b]",
                            number="JY9\x1b[31m", issued_on=date(2024, 1, 1), expires_on=date(2030, 1, 1)))  # fmt: skip
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await press(pilot, "2")
        assert table_rows(app, "license-table")[2][:2] == ["[b]许可[/b]", "JY9\\x1b[31m"]
        await press(pilot, "down", "down", "r")
        assert isinstance(app.screen, RenewalDialog)
        context = str(app.screen.query_one(".dialog-context").render())
        assert "[b]许可[/b] JY9\\x1b[31m（有效期至 2030-01-01）" in context
