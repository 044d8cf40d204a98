"""A ticked box and an unticked one differ in their characters, not only in colour (screens/widgets/ticks.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from screens.widgets.ticks import TickBox, TickList, TickRadio


class Ticks(App[None]):
    def compose(self) -> ComposeResult:
        yield TickBox("只看我的", id="mine")
        yield TickBox("含已出库", value=True)
        with RadioSet():
            yield TickRadio("新增并更新", value=True)
            yield TickRadio("只新增")
        yield TickList(("企业年度报告公示信息的检查", 1, True), ("价格行为的检查", 2), id="items")


def screen_lines(app: App[None]) -> list[str]:
    return ["".join(segment.text for segment in strip).rstrip() for strip in app.screen._compositor.render_strips()]


def line_with(lines: list[str], words: str) -> str:
    return next(line for line in lines if words in line)


async def test_unticked_boxes_are_drawn_empty_and_ticking_fills_them() -> None:
    app = Ticks()
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert "▐ ▌ 只看我的" in line_with(lines, "只看我的")
        assert "▐X▌ 含已出库" in line_with(lines, "含已出库")
        assert "▐●▌ 新增并更新" in line_with(lines, "新增并更新")
        assert "▐ ▌ 只新增" in line_with(lines, "只新增")
        assert "▐X▌ 企业年度报告" in line_with(lines, "企业年度报告")
        assert "▐ ▌ 价格行为" in line_with(lines, "价格行为")
        await pilot.press("space")  # the focused box: 只看我的
        app.query_one("#items", TickList).focus()
        await pilot.press("down", "space")  # 价格行为 ticked
        await pilot.pause()
        lines = screen_lines(app)
        assert "▐X▌ 只看我的" in line_with(lines, "只看我的")
        assert "▐X▌ 价格行为" in line_with(lines, "价格行为")
