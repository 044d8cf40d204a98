"""Every dialog at 80x24, over the screen it opens from (update new ones with --snapshot-update).

Each is reached with the keys a person presses, in one office (snapshot_world) with the clock stopped;
a dialog that needs something recorded first (an application, an override, an event) gets it by keys too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from snapshot_world import build_world, fixed_home, frozen_clock, keys, still  # noqa: F401  (fixtures)
from sqlalchemy import Engine
from sqlmodel import Session
from test_tui_import import settle as settle_wizard
from test_tui_import import write_county_list
from test_tui_support import Office_, build_app, settle
from textual.pilot import Pilot

from screens.app import WorkbenchApp
from screens.preview_gate import SETTLE_SECONDS
from storage.audit import Actor
from workbench.services.register import get_business, update_business

SIZE = (80, 24)
ZHANG = ("escape", "张", "记", "enter")  # from the to-do to the list, search, Enter opens the top match
APPLY = ("ctrl+b", "n", "enter", "down", "enter", "ctrl+s")  # 申报名特优新 as 特
SEEN = f"wait:{round((SETTLE_SECONDS + 0.1) * 1000)}"
"""A pause as long as a person takes to read a dialog before Ctrl+S may confirm it (screens/preview_gate.py)."""
TO_RECOGNISED = ("f8", SEEN, "ctrl+s") * 5  # 初审, 实地核查, 联审, 公示, 认定
EVENT = ("j", "tab", "tab", *"温鹿市监罚2025年12号", "ctrl+s")


@pytest.fixture
def world(sqlite_engine: Engine, frozen_clock: None) -> Office_:  # noqa: F811
    return build_world(sqlite_engine)


@pytest.fixture
def app(sqlite_engine: Engine, tmp_path: Path, world: Office_) -> WorkbenchApp:
    return build_app(sqlite_engine, tmp_path, remember="王芳")


@pytest.mark.parametrize(
    "pressed",
    [
        pytest.param((*ZHANG, "b"), id="support"),
        pytest.param((*ZHANG, "z"), id="visit"),
        pytest.param((*ZHANG, "s"), id="appeal_intake"),
        pytest.param((*ZHANG, "g"), id="conversion"),
        pytest.param((*ZHANG, "5", "r"), id="override"),
        pytest.param((*ZHANG, "5", "r", "tab", *"省级老字号", "ctrl+s", "u"), id="clear_override"),
        pytest.param(("f8", "enter", "j"), id="appeal_step"),
        pytest.param((*ZHANG, "2", "n"), id="license_add"),
        pytest.param((*ZHANG, "2", "down", "r"), id="license_renew"),
        pytest.param((*ZHANG, "2", "x"), id="license_cancel"),
        pytest.param(("down", "down", "ctrl+d"), id="license_renew_from_todo"),
        pytest.param(("ctrl+k", "a"), id="officer"),
        pytest.param(("ctrl+k", "g"), id="grid"),
        pytest.param(("ctrl+k", "d"), id="hand_over"),  # 王芳 holds businesses: who takes them over
        pytest.param(("escape", "down", "space", "shift+down", "ctrl+w", "enter", "down", "down", "down", "enter"),
                     id="reassign"),  # two marked rows, 批量改派 to 李强: the dry run's sentence on screen
        pytest.param(("ctrl+b", "n"), id="apply"),
        pytest.param((*ZHANG, *APPLY, "f7"), id="step"),
        pytest.param((*ZHANG, *APPLY, "x"), id="error"),
        pytest.param((*ZHANG, *APPLY, "j"), id="event"),
        pytest.param((*ZHANG, *APPLY, *TO_RECOGNISED, *EVENT, "r"), id="repair"),
        pytest.param((*ZHANG, *APPLY, *TO_RECOGNISED, *EVENT, "c"), id="clear_review"),
        pytest.param(("ctrl+y", "a"), id="enter_pool"),
        pytest.param(("ctrl+g", "o"), id="leave_pool"),
        pytest.param(("ctrl+l",), id="size"),
        pytest.param(("f2",), id="officer_picker"),
    ],
)
def test_dialog_80x24(app: WorkbenchApp, snap_compare: Any, pressed: tuple[str, ...]) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys(*pressed))


@pytest.mark.usefixtures("fixed_home")
@pytest.mark.parametrize(
    "pressed",
    [
        pytest.param(("escape", "ctrl+e"), id="business_list"),
        pytest.param(("f7", "ctrl+e"), id="support_list"),
        pytest.param(("ctrl+y", "ctrl+e"), id="candidates"),
        pytest.param(("ctrl+g", "ctrl+e"), id="pool"),
        pytest.param(("f6", "ctrl+e"), id="route"),
    ],
)
def test_export_dialog_80x24(app: WorkbenchApp, snap_compare: Any, pressed: tuple[str, ...]) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys(*pressed))


def test_duplicate_appeal_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    """李家便利店 already has an open 政策咨询 appeal: taking in another one asks first."""
    steps = keys("escape", "李", "家", "enter", "s", "tab", "tab", *"又来问歇业的事", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


def test_conflict_80x24(app: WorkbenchApp, world: Office_, sqlite_engine: Engine, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await keys(*ZHANG, "f4", *["tab"] * 11, "ctrl+u", *"13900001111")(pilot)
        with Session(sqlite_engine) as session:  # 李强 saves the same business first, on another terminal
            actor = Actor("李强", "二号机", world.office_id)
            business = get_business(session=session, actor=actor, business_uuid=world.business_uuids["鹿城区张记小吃店"])
            update_business(session=session, actor=actor, business_uuid=business.uuid, base_version=business.version,
                            changes={"phone": "13700002222", "address": "五马街 14 号"})
            session.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        still(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("pressed", [pytest.param(("enter",), id="field_picker"),
                                     pytest.param(("ctrl+s",), id="profile_name")])
def test_import_dialog_80x24(
    sqlite_engine: Engine, tmp_path: Path, snap_compare: Any, frozen_clock: None, pressed: tuple[str, ...]  # noqa: F811
) -> None:
    build_world(sqlite_engine)
    downloads = Path.home() / "Downloads"
    downloads.mkdir(parents=True)
    write_county_list(downloads / "五月名录.xlsx")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")
    steps = keys("escape", "ctrl+o", "down", "enter", *pressed, settle_with=settle_wizard)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)
