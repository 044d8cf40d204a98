"""The 时间线 tab: a support, an appeal taken to 回访 and a visit that changed the phone, all in one list."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_tui_helpers import open_business, press, shown, table_rows
from sqlalchemy import Engine
from test_tui_support import Office_, build_app, build_office, settle
from textual.widgets import TabbedContent

from screens.appeal_screen import AppealScreen
from screens.business_detail import BusinessDetailScreen


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


async def test_support_appeal_and_visit_all_show_in_the_timeline(
    sqlite_engine: Engine,
    office: Office_,
    tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        # 帮扶: 法律服务 (fourth type), content, save.
        await press(pilot, "b")
        await pilot.press("enter", "down", "down", "down", "enter", *["tab"] * 6, *"合同纠纷法律咨询")
        await press(pilot, "ctrl+s")
        # 诉求: intake, a refused 回访, then 分派 / 答复 / 办结 / 回访 (满意).
        await press(pilot, "s")
        await pilot.press("tab", "tab", *"咨询年报填报")
        await press(pilot, "ctrl+s", "f8")
        assert "不能回访：办结之后才能回访" in shown(app, "appeal-message")
        await press(pilot, "f3", "ctrl+s", "f6")
        await pilot.press(*"已上门指导填报")
        await press(pilot, "ctrl+s", "f7", "ctrl+s", "f8", "ctrl+s", "escape")
        # 走访 that finds a new phone number.
        await press(pilot, "z")
        await pilot.press("tab", *"正常营业", *["tab"] * 4, "ctrl+u", *"13900002222")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BusinessDetailScreen)
        await press(pilot, "6")
        assert app.screen.query_one(TabbedContent).active == "timeline"
        rows = table_rows(app, "timeline-table")
        titles = [row[2] for row in rows]
        assert "帮扶：法律服务" in titles
        assert "走访：正常经营" in titles
        assert [title for title in titles if title.startswith("诉求")] == [
            "诉求回访：政策咨询（已回访）",
            "诉求办结：政策咨询（已办结）",
            "诉求答复：政策咨询（已答复）",
            "诉求分派：政策咨询（办理中）",
            "诉求登记：政策咨询（待分派）",
        ]
        phone_change = next(index for index, row in enumerate(rows) if row[3].startswith("联系电话：138"))
        assert rows[phone_change][1] == "修改"
        await press(pilot, *["down"] * phone_change)  # the highlighted line is shown in full underneath
        assert "联系电话：13812345678 改为 13900002222" in shown(app, "timeline-detail")
        assert rows[-2][2] == "成立登记" and rows[-2][0] == "2019-03-05"
        assert (rows[-1][0], rows[-1][1], rows[-1][2]) == ("2019-03-01", "证照", "发证：卫生许可证")
        # F6 steps the filter: 全部 -> 登记 -> 修改 -> 帮扶 -> 诉求.
        await press(pilot, "f6", "f6", "f6")
        assert [row[1] for row in table_rows(app, "timeline-table")] == ["帮扶"]
        assert "显示：帮扶（1 条）" in shown(app, "timeline-filter")
        await press(pilot, "f6")
        assert len(table_rows(app, "timeline-table")) == 5
        await press(pilot, "enter")
        assert isinstance(app.screen, AppealScreen)
