"""诉求 in the TUI: intake from the business detail, then 分派 → 答复 → 办结 → 回访 by keys; refusals in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_tui_helpers import open_business, press, shown, table_rows
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, settle

from screens.appeal_intake import AppealIntakeDialog, DuplicateDialog
from screens.appeal_list import AppealListScreen
from screens.appeal_screen import AppealScreen
from screens.business_detail import BusinessDetailScreen
from storage.tables_service import Appeal


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def the_appeal(engine: Engine) -> Appeal:
    with Session(engine) as session:
        return session.exec(select(Appeal)).one()


async def take_in(pilot: object, description: str) -> None:
    """On the detail: S, Tab past 来源渠道 and 诉求类别 (窗口, 政策咨询), describe, Ctrl+S."""
    await press(pilot, "s")
    assert isinstance(pilot.app.screen, AppealIntakeDialog)  # type: ignore[attr-defined]
    await pilot.press("tab", "tab", *description)  # type: ignore[attr-defined]
    await press(pilot, "ctrl+s")


async def test_an_appeal_from_intake_to_follow_up(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await take_in(pilot, "咨询个转企扶持政策")
        assert isinstance(app.screen, AppealScreen)
        facts = shown(app, "appeal-facts")
        assert (
            "待分派" in facts and "2025-06-09 还剩 5 个工作日" in facts
        )  # 政策咨询: 5 working days from 6-1 (Sunday)
        # F7 办结 is not offered before a reply; pressing it says why.
        await press(pilot, "f7")
        assert "诉求当前为「待分派」，不能办结：尚未答复，办结前必须先答复" in shown(app, "appeal-message")
        await press(pilot, "f3", "ctrl+s")  # 分派: 承办干部 starts on the officer at the keyboard
        assert "办理中" in shown(app, "appeal-facts") and "王芳" in shown(app, "appeal-facts")
        await press(pilot, "f6")
        await pilot.press(*"已电话告知申请条件和材料")
        await press(pilot, "ctrl+s")
        await press(pilot, "f7", "ctrl+s")
        assert "已办结" in shown(app, "appeal-facts")
        await press(pilot, "f8", "ctrl+s")  # 回访: 满意度 starts on 满意
        assert "已回访" in shown(app, "appeal-facts")
        steps = table_rows(app, "step-table")
        assert [row[2] for row in steps] == ["登记", "分派", "答复", "办结", "回访"]
        assert [row[3] for row in steps] == ["待分派", "办理中", "已答复", "已办结", "已回访"]
        assert {row[1] for row in steps} == {"王芳"}
        await press(pilot, "f8")
        assert "已经回访过" in shown(app, "appeal-message")
        await press(pilot, "escape")
        assert isinstance(app.screen, BusinessDetailScreen)
    appeal = the_appeal(sqlite_engine)
    assert (appeal.state, appeal.satisfaction, appeal.reply) == (
        "followed_up",
        "满意",
        "已电话告知申请条件和材料",
    )


async def test_the_footer_offers_only_the_allowed_steps(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await take_in(pilot, "反映经营场所问题")
        offered = {binding.binding.key for binding in app.screen.active_bindings.values()}
        assert "f3" in offered and not {"j", "f6", "f7", "f8", "f9"} & offered


async def test_a_duplicate_is_offered_as_the_existing_appeal(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await take_in(pilot, "第一次反映")
        first = app.screen
        assert isinstance(first, AppealScreen)
        await press(pilot, "escape")
        await take_in(pilot, "同一件事又来问")
        assert isinstance(app.screen, DuplicateDialog)
        assert "已有一件未办结的「政策咨询」诉求" in str(app.screen.message)
        await press(pilot, "enter")  # 打开已有诉求
        assert isinstance(app.screen, AppealScreen)
        assert app.screen.appeal_uuid == first.appeal_uuid
    with Session(sqlite_engine) as session:
        assert len(session.exec(select(Appeal)).all()) == 1


async def test_an_unregistered_person_from_the_appeal_list(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f8")
        assert isinstance(app.screen, AppealListScreen)
        await press(pilot, "s", "ctrl+s")
        assert "请选择市场主体，或填写尚未登记的诉求人姓名" in shown(app, "error-person_name")
        await pilot.press(*"赵先生", "tab", *"13900001111", "tab", "tab", "tab", *"想开一家奶茶店，咨询登记")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AppealScreen)
        assert "赵先生" in shown(app, "appeal-title")
        await press(pilot, "escape")
        rows = table_rows(app, "appeal-table")
        assert rows[0][2] == "待分派" and rows[0][4] == "赵先生"


async def test_a_deadline_in_a_year_without_a_holiday_schedule_says_so(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await press(pilot, "s")
        # 受理日期 is the fourth line: received just before New Year 2027, whose schedule is not published.
        await pilot.press("tab", "tab", *"年底咨询", "tab", "ctrl+u", *"2026-12-28")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AppealScreen)
        facts = shown(app, "appeal-facts")
        assert "2027-01-05" in facts and "2027年节假日安排未收录" in facts


async def test_a_note_and_reopening_a_closed_appeal(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await take_in(pilot, "反映门前占道")
        await press(pilot, "f3", "ctrl+s", "j")
        await pilot.press(*"已约经营者面谈")
        await press(pilot, "ctrl+s", "f6")
        await pilot.press(*"已协调城管处理")
        await press(pilot, "ctrl+s", "f7", "ctrl+s", "f9", "ctrl+s")
        assert "请写明重新办理的原因" in shown(app, "error-reason")
        await pilot.press(*"经营者反映问题仍在")
        await press(pilot, "ctrl+s")
        facts = shown(app, "appeal-facts")
        assert "办理中" in facts and "已协调城管处理" not in facts  # the old reply stays in the steps only
        steps = table_rows(app, "step-table")
        assert [row[2] for row in steps] == ["登记", "分派", "添加办理记录", "答复", "办结", "重新办理"]
        assert steps[2][4] == "已约经营者面谈" and steps[5][4] == "经营者反映问题仍在"
