"""候选名单 and 培育库 in the TUI: a candidate added to a pool with a reason, seen in the pool, exported, taken out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from distinction_support import ZHANG, set_figures
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import Office_, build_app, build_office, read_preview, settle
from textual.widgets import DataTable, Input, Static

from screens.candidates_screen import CandidatesScreen
from screens.distinction_dialogs import EnterPoolDialog, LeavePoolDialog
from screens.pools_screen import PoolExportDialog, PoolsScreen
from storage.tables_distinctions import PoolMembership


@pytest.fixture
def office(sqlite_engine: Engine) -> Office_:
    office = build_office(sqlite_engine)
    with Session(sqlite_engine) as session:
        set_figures(session, office, ZHANG, year=2025, revenue=560_000, employees=6, industry="6210")
        session.commit()
    return office


def rows(app: object, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)  # type: ignore[attr-defined]
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_candidate_goes_into_the_pool_only_when_confirmed(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, CandidatesScreen)
        assert [row[0] for row in rows(app, "candidate-table")] == [ZHANG]
        reason = str(app.screen.query_one("#candidate-reason", Static).render())
        assert reason == (
            "鹿城区张记小吃店（2025年度数据）：营业收入56万元 ≥ 本行业微型企业上限100万元的50%（50万元）；"
            "从业人员6人 ≥ 5人"
        )
        with Session(sqlite_engine) as session:
            assert session.exec(select(PoolMembership)).all() == []
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, EnterPoolDialog)
        field = app.screen.query_one("#field-reason", Input)
        assert field.value.startswith("个转企候选：营业收入56万元")
        await read_preview(pilot)
        await pilot.press("tab", "ctrl+u", *"经营者有意转为有限公司", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CandidatesScreen)
        assert rows(app, "candidate-table")[0][2] == "已入库"
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, PoolsScreen)
        shown = rows(app, "pool-table")
        assert [(row[0], row[2], row[4]) for row in shown] == [
            (ZHANG, "2025-06-01", "经营者有意转为有限公司")
        ]


async def test_pool_exports_and_members_leave_with_a_reason(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from distinction_support import actor_of

    from workbench.services.pools import enter_pool

    with Session(sqlite_engine) as session:
        enter_pool(
            session=session,
            actor=actor_of(office),
            business_uuid=office.business_uuids[ZHANG],
            pool="conversion",
            entered_on=date(2025, 3, 1),
            reason="=从业人员6人",
        )
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    target = tmp_path / "个转企培育库.xlsx"
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, PoolExportDialog)
        app.screen.query_one("#field-path", Input).value = ""
        await pilot.press(*str(target), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PoolsScreen)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LeavePoolDialog)
        await read_preview(pilot)
        await pilot.press("tab", *"经营者放弃转型", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PoolsScreen)
        assert rows(app, "pool-table")[0][0] == "（库中没有符合条件的主体）"
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][:5] == ["名称", "统一社会信用代码", "网格", "包联干部", "入库日期"]
    assert cells[1][0] == ZHANG and cells[1][2:4] == ["城东片区", "王芳"]
    code = sheet.cell(row=2, column=2)
    assert code.data_type == "s" and code.value == office_code(sqlite_engine, office)
    reason = sheet.cell(row=2, column=6)
    assert reason.data_type == "s" and reason.value == "=从业人员6人"
    with Session(sqlite_engine) as session:
        membership = session.exec(select(PoolMembership)).one()
        assert membership.exit_reason == "经营者放弃转型"


def office_code(engine: Engine, office: Office_) -> str:
    from storage.tables import Business

    with Session(engine) as session:
        business = session.exec(select(Business).where(Business.uuid == office.business_uuids[ZHANG])).one()
        assert business.uscc is not None
        return business.uscc


async def test_conversion_from_the_business_detail(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from screens.business_detail import BusinessDetailScreen
    from screens.distinction_dialogs import ConversionDialog
    from storage.tables_distinctions import Conversion

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"张记", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ConversionDialog)
        await pilot.press("tab", "tab", *"温州张记餐饮有限公司", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen._field_text("kind") == "企业"
        assert app.screen._field_text("name") == "温州张记餐饮有限公司"
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)  # an enterprise now: refused with a notice
    with Session(sqlite_engine) as session:
        event = session.exec(select(Conversion)).one()
        assert (event.method, event.old_kind, event.new_kind, event.updated_by) == (
            "direct_change",
            "individual",
            "enterprise",
            "王芳",
        )


async def test_enter_on_a_candidate_opens_its_business_and_esc_comes_back(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from screens.business_detail import BusinessDetailScreen

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, CandidatesScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_in_view() == (office.business_uuids[ZHANG], ZHANG)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CandidatesScreen)
        assert app.screen.business_in_view() == (office.business_uuids[ZHANG], ZHANG)
        assert [row[0] for row in rows(app, "candidate-table")] == [ZHANG]


async def test_keys_typed_before_the_candidates_are_computed_act_on_them(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from stale_reads import HeldRead
    from test_tui_support import type_ahead

    from screens.business_detail import BusinessDetailScreen

    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        computing = HeldRead(app.gateway.programmes, "candidates", lambda *_a, **_kw: True)
        await type_ahead(pilot, "ctrl+y")
        await computing.wait_until_started(pilot)
        assert isinstance(app.screen, CandidatesScreen)
        await type_ahead(pilot, "end", "enter")  # typed on an empty table: they wait for its rows
        await pilot.pause(0.2)
        assert isinstance(app.screen, CandidatesScreen)
        computing.may_finish.set()
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_in_view() == (office.business_uuids[ZHANG], ZHANG)


async def test_each_list_is_read_once_when_its_screen_opens_and_again_only_for_a_new_filter(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    asked: list[tuple[str, str]] = []
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        programmes = app.gateway.programmes
        candidates, members = programmes.candidates, programmes.pool_members

        def counted_candidates(*args: object, **kwargs: object) -> object:
            asked.append(("候选", str(kwargs["pool"])))
            return candidates(*args, **kwargs)  # type: ignore[arg-type]

        def counted_members(*args: object, **kwargs: object) -> object:
            asked.append(("培育库", str(kwargs["pool"])))
            return members(*args, **kwargs)  # type: ignore[arg-type]

        programmes.candidates = counted_candidates  # type: ignore[method-assign,assignment]
        programmes.pool_members = counted_members  # type: ignore[method-assign,assignment]
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert asked == [("候选", "conversion")]  # the list's Select saying its first value asks nothing more
        await pilot.press("f6")
        await settle(pilot)
        assert asked[1:] == [("候选", "scale_up")]
        await pilot.press("escape", "ctrl+g")
        await settle(pilot)
        assert asked[2:] == [("培育库", "conversion")]


async def test_keys_typed_after_f6_act_on_the_next_list_not_the_one_before(
    sqlite_engine: Engine, office: Office_, tmp_path: Path
) -> None:
    from test_tui_support import type_ahead

    from screens.business_detail import BusinessDetailScreen

    trading = "温州市瓯江贸易有限公司"
    with Session(sqlite_engine) as session:  # 批发业 revenue past the 限额以上 line: a 上规上限 candidate
        set_figures(session, office, trading, year=2025, revenue=25_000_000, employees=30, industry="5131")
        session.commit()
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+y", "f6", "enter")  # 个转企候选 (张记) → 上规上限候选 (瓯江), open it
        await settle(pilot)
        assert isinstance(app.screen, BusinessDetailScreen)
        assert app.screen.business_in_view() == (office.business_uuids[trading], trading)
