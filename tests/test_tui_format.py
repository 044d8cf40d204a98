"""Millisecond tests of what the screens show: money, times, cropping, status markers, and the key registry."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from rich.cells import cell_len

from screens.actions import KEY_ACTIONS, bindings, palette_actions
from screens.app import WorkbenchApp
from screens.business_detail import BusinessDetailScreen
from screens.business_form import BusinessFormScreen
from screens.business_list import BusinessListScreen
from screens.format import (
    change_text,
    fit_cells,
    license_state,
    local_time_text,
    money_text,
    short_office_name,
    status_cell,
    value_text,
)
from screens.help import HelpScreen

PORTABLE_KEY = re.compile(  # shift+arrows: extras beside space, which marks rows on every terminal
    r"^(ctrl\+[a-z]|f([1-9]|10)|[a-z0-9]|space|escape|enter|tab|shift\+tab|up|down|shift\+up|shift\+down|pageup|pagedown)$"
)


def test_money_in_wan_and_yi_yuan() -> None:
    assert money_text(482_000) == "48.2万元"
    assert money_text(500_000) == "50万元"
    assert money_text(4_820) == "4,820元"
    assert money_text(123_456_789) == "1.2亿元"
    assert money_text(None) == "-"


def test_times_are_shown_in_local_time() -> None:
    naive_utc = datetime(2025, 6, 1, 1, 30)
    aware = naive_utc.replace(tzinfo=UTC)
    assert local_time_text(naive_utc) == aware.astimezone().strftime("%Y-%m-%d %H:%M")


def test_cropping_counts_terminal_cells() -> None:
    name = "温州市鹿城区五马街道张记小吃店"
    cropped = fit_cells(name, 16)
    assert cell_len(cropped) <= 16 and cropped.endswith("..")
    assert fit_cells("张记", 16) == "张记"


def test_status_markers() -> None:
    assert status_cell("active", False, False).plain == "存续"
    assert status_cell("active", True, False).plain == "存续 歇业"
    assert status_cell("active", True, True).plain == "存续 歇 异"
    assert status_cell("deregistered", False, True).plain == "注销 异常"


def test_license_states() -> None:
    today = date(2025, 6, 1)
    assert license_state(date(2025, 5, 31), today) == ("已过期 1 天", "bold red")
    assert license_state(date(2025, 6, 20), today)[0] == "即将到期（剩 19 天）"
    assert license_state(date(2026, 1, 1), today) == ("有效", "")
    assert license_state(None, today) == ("长期有效", "")


def test_values_as_staff_read_them() -> None:
    names = {"grid_id": {3: "城东片区"}}
    assert value_text("status", "moved_out") == "迁出"
    assert value_text("kind", "cooperative") == "农民专业合作社"
    assert value_text("grid_id", "3", names) == "城东片区"
    assert value_text("capital", "50000") == "5万元"
    assert value_text("suspended", True) == "是"
    assert value_text("phone", None) == "-"


def test_change_text() -> None:
    assert change_text("update", "13812345678", "13900001111") == "13812345678 改为 13900001111"
    assert change_text("create", "-", "城东片区") == "新增：城东片区"
    assert change_text("delete", "-", "-") == "删除整条记录"


def test_short_office_name() -> None:
    assert short_office_name("温州市鹿城区市场监督管理局丰门市场监管所") == "丰门市场监管所"
    assert short_office_name("五马市场监管所") == "五马市场监管所"


def test_every_binding_has_a_unique_id_and_a_portable_key() -> None:
    scopes = {item.scope for item in KEY_ACTIONS}
    ids = [binding.id for scope in scopes for binding in bindings(scope)]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids)) and all(ids)
    for item in KEY_ACTIONS:
        for key in item.keys.split(",") if item.keys or not item.palette else ():  # palette commands: no key
            assert PORTABLE_KEY.match(key), key


def test_screens_take_their_keys_from_the_registry() -> None:
    for screen, scope in (
        (WorkbenchApp, "app"),
        (BusinessListScreen, "list"),
        (BusinessDetailScreen, "detail"),
        (BusinessFormScreen, "form"),
        (HelpScreen, "help"),
    ):
        assert bindings(scope) == screen.BINDINGS


def test_palette_titles_carry_a_latin_keyword() -> None:
    for item in palette_actions(("app", "list", "detail", "form")):
        assert re.search(r"\([a-z -]+\)$", item.palette_title), item.palette_title


def test_paragraphs_lose_the_spaces_around_numbers_so_they_wrap_evenly() -> None:
    from screens.format import paragraph_text

    assert (
        paragraph_text("共 1,234 行数据：新增 280 户，有错误 20 行。另有 5 处提示")
        == "共1,234行数据：新增280户，有错误20行。另有5处提示"
    )
    assert paragraph_text("另存为 Excel 文件（E 列）") == "另存为Excel文件（E列）"
    assert paragraph_text("Sheet 1 of 2") == "Sheet 1 of 2"  # Latin text keeps its spaces
    assert paragraph_text("占比 5% 以上") == "占比5%以上"
