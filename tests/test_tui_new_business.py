"""A new business typed in the form (issue 15): 行业代码 chosen by name, what a household must have, the
warning for a second business with the same name and address. Whole key sequences, typed ahead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, read_preview, settle, to_list, type_ahead, uscc
from textual.widgets import Input, Label, Static

from screens.business_detail import BusinessDetailScreen
from screens.business_form import BusinessFormScreen
from screens.widgets.dialogs import ConfirmDialog
from storage.tables import Business

# Tabs from 名称 (the editors' order, workbench/domain/business_fields.py): 成立日期 5, 行业代码 7, 经营者 9, 经营场所 12.
TO_DATE, DATE_TO_INDUSTRY, INDUSTRY_TO_OPERATOR, OPERATOR_TO_ADDRESS = 5, 2, 2, 3


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    return build_office(sqlite_engine)


def new_household(name: str, day: str, industry: list[str], operator: str, address: str) -> list[str]:
    return [
        "ctrl+n", *name, *["tab"] * TO_DATE, *day, *["tab"] * DATE_TO_INDUSTRY, *industry,
        *["tab"] * INDUSTRY_TO_OPERATOR, *operator, *["tab"] * OPERATOR_TO_ADDRESS, *address,
    ]


def stored(engine: Engine, name: str) -> list[Business]:
    with Session(engine) as session:
        return list(session.exec(select(Business).where(Business.name == name)).all())


def error_under(app: Any, field: str) -> str:
    return str(app.screen.query_one(f"#error-{field}", Static).render())


async def test_the_industry_is_chosen_by_typing_part_of_its_name(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await type_ahead(pilot, *new_household("五马街阿明小吃店", "2024-05-03", [*"小吃", "enter"], "王阿明", "五马街8号"))
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        assert app.screen.query_one("#field-industry_code", Input).value == "6291"
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
    [saved] = stored(sqlite_engine, "五马街阿明小吃店")
    assert (saved.industry_code, saved.operator, saved.address) == ("6291", "王阿明", "五马街8号")


async def test_pinyin_initials_and_arrow_keys_choose_from_the_matches(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        # 「629」 lists 629 其他餐饮业, then 6291 小吃服务, then 6299: ↓↓ Enter takes 6299.
        await type_ahead(pilot, "ctrl+n", *["tab"] * (TO_DATE + DATE_TO_INDUSTRY), *"629", "down", "down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#field-industry_code", Input).value == "6299"
        await type_ahead(pilot, "ctrl+u", *"bld", "enter")
        await settle(pilot)
        assert app.screen.query_one("#field-industry_code", Input).value == "5213"


async def test_a_new_household_without_operator_address_and_date_is_refused_under_each_field(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await type_ahead(pilot, "ctrl+n", *"五马街新店", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        assert error_under(app, "operator") == "请填写经营者（新增个体工商户必填）"
        assert error_under(app, "address") == "请填写经营场所（新增个体工商户必填）"
        assert error_under(app, "registered_on") == "请填写成立日期（新增个体工商户必填）"
        assert app.screen.query_one("#field-registered_on", Input).has_focus  # the first wrong field
    assert stored(sqlite_engine, "五马街新店") == []


async def test_an_enterprise_asks_for_its_legal_representative(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        # 主体类型 (3 Tabs on): Enter opens it, ↓ Enter chooses 企业.
        await type_ahead(pilot, "ctrl+n", *"温州阿明餐饮有限公司", "tab", "tab", "tab", "enter", "down", "enter", "ctrl+s")
        await settle(pilot)
        assert str(app.screen.query_one("#label-operator", Label).render()) == "法定代表人"
        assert error_under(app, "operator") == "请填写法定代表人（新增企业必填）"
        assert error_under(app, "address") == ""


async def test_the_same_name_and_address_asks_before_saving_a_second_business(
    sqlite_engine: Engine, office: Office_, tmp_path: Path,
) -> None:
    # build_office has 鹿城区张记小吃店 at 「五马街 12 号」, credit code uscc(1).
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_list(pilot)
        await type_ahead(pilot, *new_household("鹿城区张记小吃店", "2024-05-03", [], "张三", "五马街12号"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.query_one(".dialog-message", Static).render())
        assert f"名称和地址与「鹿城区张记小吃店」（统一社会信用代码 {uscc(1)}）相同，请确认不是重复登记" in question
        await type_ahead(pilot, "enter")  # 返回修改 has the focus: nothing is saved
        await settle(pilot)
        assert isinstance(app.screen, BusinessFormScreen)
        assert len(stored(sqlite_engine, "鹿城区张记小吃店")) == 1
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await read_preview(pilot)  # the warning read: 仍然保存 counts now (typed ahead of it, it would not)
        await type_ahead(pilot, "left", "enter")  # 仍然保存
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
    assert len(stored(sqlite_engine, "鹿城区张记小吃店")) == 2
