"""今日待办: the opening screen, grouped by urgency; Enter opens what an item is about."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_tui_helpers import press, shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session
from test_tui_support import Office_, build_app, build_office, read_preview, settle, type_ahead
from textual.widgets import DataTable, Input, TabbedContent

from screens.appeal_screen import AppealScreen
from screens.business_detail import BusinessDetailScreen
from screens.business_list import BusinessListScreen
from screens.todo_screen import TodoScreen
from screens.widgets.dialogs import ConfirmDialog
from storage.audit import Actor
from workbench.services.appeals import open_appeal


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    built = build_office(sqlite_engine)
    with Session(sqlite_engine) as session:
        actor = Actor("王芳", "测试终端", built.office_id)
        # Received 2025-05-06, 政策咨询 = 5 working days: due 2025-05-13, overdue on 2025-06-01.
        open_appeal(
            session,
            actor=actor,
            data={
                "business_uuid": built.business_uuids["鹿城区李家便利店"],
                "channel": "电话",
                "category": "政策咨询",
                "description": "咨询歇业到期后怎么办",
                "received_on": "2025-05-06",
                "officer_id": built.officer_ids["王芳"],
            },
        )
        session.commit()
    return built


def groups(app: object) -> dict[str, list[list[str]]]:
    """Group label -> its item rows, as the table shows them."""
    shown_groups: dict[str, list[list[str]]] = {}
    current = ""
    for row in table_rows(app, "todo-table"):
        if row[2] == "":
            current = row[0]
            shown_groups[current] = []
        else:
            shown_groups[current].append(row)
    return shown_groups


async def test_overdue_appeal_and_expiring_license_in_their_groups(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
        title = shown(app, "todo-title")
        assert "今日待办  王芳  2025-06-01（周日）" in title and "已逾期 1" in title
        found = groups(app)
        assert list(found) == ["已逾期", "即将到期"]
        assert [row[1] for row in found["已逾期"]] == ["诉求"]
        assert found["已逾期"][0][0] == "2025-05-13"
        assert "鹿城区李家便利店" in found["已逾期"][0][2]
        assert [row[1] for row in found["即将到期"]] == ["许可证", "年报"]
        assert "食品经营许可证" in found["即将到期"][0][2]
        # The cursor starts on the first item (the overdue appeal): Enter opens the appeal.
        assert app.screen.query_one("#todo-table", DataTable).cursor_row == 1
        await press(pilot, "enter")
        assert isinstance(app.screen, AppealScreen)
        assert "已逾期" in shown(app, "appeal-facts")
        await press(pilot, "escape", "down", "down", "enter")
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.query_one(TabbedContent).active == "licenses"
        # The 年报 season is a summary with no record of its own: Enter leads to the register list.
        await press(pilot, "escape", "down", "enter")
        assert isinstance(app.screen, BusinessListScreen)


async def test_typing_on_the_todo_searches_the_business_list(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, *"瓯江")
        assert isinstance(app.screen, BusinessListScreen)
        assert app.screen.query_one("#search", Input).value == "瓯江"
        await press(pilot, "ctrl+t")
        assert isinstance(app.screen, TodoScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, BusinessListScreen)


async def test_f9_shows_the_whole_office(sqlite_engine: Engine, office: Office_, tmp_path: Path) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="李强")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "已逾期 0" in shown(app, "todo-title")
        await press(pilot, "f9")
        assert "今日待办  全所" in shown(app, "todo-title") and "已逾期 1" in shown(app, "todo-title")


async def test_f9_during_a_slow_read_is_not_overwritten_by_it(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    """The officer's own read, still running when F9 asks for the whole office, finishes last: it is not shown."""
    import threading

    app = build_app(sqlite_engine, tmp_path, remember="李强")
    service = app.gateway.service
    read_todo = service.todo
    own_read_started, own_read_may_finish = threading.Event(), threading.Event()

    def slow_own_read(*args: object, **kwargs: object) -> object:
        if kwargs.get("officer_id") is not None:
            own_read_started.set()
            own_read_may_finish.wait(5)
        return read_todo(*args, **kwargs)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        service.todo = slow_own_read  # type: ignore[method-assign]
        await type_ahead(pilot, "f5")  # 刷新: the officer's own to-do, held back once under way
        for _ in range(100):
            if own_read_started.is_set():
                break
            await pilot.pause(0.02)
        await type_ahead(pilot, "f9")  # the whole office's, read at once
        for _ in range(50):
            await pilot.pause(0.02)
            if "全所" in shown(app, "todo-title"):
                break
        own_read_may_finish.set()
        await settle(pilot)
        title = shown(app, "todo-title")
        assert "今日待办  全所" in title and "已逾期 1" in title, title


def test_every_service_screen_takes_its_keys_from_the_registry() -> None:
    from screens.actions import SCOPE_TITLES, bindings
    from screens.appeal_list import AppealListScreen
    from screens.support_list import SupportListScreen
    from screens.timeline_tab import TimelineTab
    from screens.visit_route import RouteScreen

    for widget, scope in (
        (TodoScreen, "todo"),
        (AppealScreen, "appeal"),
        (AppealListScreen, "appeals"),
        (SupportListScreen, "support"),
        (RouteScreen, "visit"),
        (TimelineTab, "timeline"),
    ):
        assert bindings(scope) == widget.BINDINGS
        assert scope in SCOPE_TITLES


async def test_the_appeal_list_marks_the_overdue_one_in_red(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f8")
        table = app.screen.query_one("#appeal-table", DataTable)
        deadline, days_left = table.get_row_at(0)[:2]
        assert (str(deadline), str(days_left)) == ("2025-05-13", "逾期 13")
        assert deadline.style == days_left.style == "bold red"
        assert "已逾期 1" in shown(app, "appeals-title")


async def test_a_name_and_enter_typed_in_one_burst_open_the_business(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"瓯江贸易", "enter")  # no pause: most keys reach the to-do while it closes
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_uuid == office.business_uuids["温州市瓯江贸易有限公司"]


def record_follow_up_due_today(engine: Engine, office: Office_) -> None:
    from workbench.services.visits import record_visit

    with Session(engine) as session:
        record_visit(
            session,
            actor=Actor("王芳", "测试终端", office.office_id),
            business_uuid=office.business_uuids["鹿城区张记小吃店"],
            data={
                "visited_on": "2025-05-20",
                "finding": "正常经营",
                "follow_ups": [{"action": "复查灭蝇设施", "due_on": "2025-06-01"}],
            },
        )
        session.commit()


async def test_ctrl_d_marks_a_follow_up_done_with_a_note_and_the_timeline_undoes_it(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from sqlmodel import select

    from screens.follow_up_dialog import FollowUpDoneDialog
    from storage.tables_service import VisitFollowUp

    record_follow_up_due_today(sqlite_engine, office)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert [row[1] for row in groups(app)["今天"]] == ["走访跟进"]
        # Rows: 已逾期, the appeal, 今天, the follow-up.
        await press(pilot, "down", "down")
        assert "Ctrl+D 办完" in shown(app, "todo-hint")
        # Enter on an empty note is refused in words; typed and Enter, it is done and leaves the to-do.
        await press(pilot, "ctrl+d", "enter")
        assert isinstance(app.screen, FollowUpDoneDialog)
        assert "请写明办理情况" in shown(app, "error-note")
        await pilot.press(*"已复查灭蝇灯正常", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TodoScreen)
        assert "今天" not in groups(app)
        with Session(sqlite_engine) as session:
            assert str(session.exec(select(VisitFollowUp.done_on)).one()) == "2025-06-01"
        # The business's timeline shows it with the note; U (confirmed) opens it again.
        await press(pilot, *"张记")
        await press(pilot, "enter", "6")
        assert isinstance(app.screen, BusinessDetailScreen)
        await press(pilot, "f6", "f6", "f6", "f6", "f6")  # 全部 → 登记 → 修改 → 帮扶 → 诉求 → 走访
        assert "显示：走访" in shown(app, "timeline-filter")
        timeline = table_rows(app, "timeline-table")
        assert [row[:3] for row in timeline] == [
            ["2025-06-01", "走访", "跟进办完：复查灭蝇设施"],
            ["2025-05-20", "走访", "走访：正常经营"],
        ]
        assert timeline[0][3] == "办理情况：已复查灭蝇灯正常"
        assert "U 撤销办完" in shown(app, "timeline-detail")
        await press(pilot, "u", "left", "enter")  # typed ahead of the question: refused, nothing undone
        assert isinstance(app.screen, ConfirmDialog)
        await read_preview(pilot)
        await press(pilot, "enter")
        assert [row[2] for row in table_rows(app, "timeline-table")] == [
            "撤销办完：复查灭蝇设施",
            "跟进办完：复查灭蝇设施",
            "走访：正常经营",
        ]
        assert "U 撤销办完" not in shown(app, "timeline-detail")
        await press(pilot, "ctrl+t")
        assert [row[1] for row in groups(app)["今天"]] == ["走访跟进"]
    with Session(sqlite_engine) as session:
        assert session.exec(select(VisitFollowUp.done_on)).one() is None


async def test_f4_on_the_todo_edits_the_business_the_item_concerns(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from screens.business_form import BusinessFormScreen

    record_follow_up_due_today(sqlite_engine, office)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "down", "f4")
        assert isinstance(app.screen, BusinessFormScreen)
        assert app.screen.business_uuid == office.business_uuids["鹿城区张记小吃店"]
        await press(pilot, "escape")
        assert isinstance(app.screen, TodoScreen)
        # F4 never marks anything done: the follow-up is still there.
        assert [row[1] for row in groups(app)["今天"]] == ["走访跟进"]
