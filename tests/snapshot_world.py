"""The office every 80x24 snapshot of a screen or dialog is taken in, with a clock that does not move.

Screens show when things were recorded (appeal steps, the timeline, a conflict's other save): every
`utc_now` the services use answers one fixed moment, and the app's `today` is the tests' fixed day, so a
picture depends on nothing but the code. Paths shown in export dialogs are under a fixed home.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from distinction_support import ZHANG, actor_of, set_figures
from sqlalchemy import Engine
from sqlmodel import Session
from test_tui_support import Office_, build_office, settle
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

import screens.app  # noqa: F401  (loads every module whose utc_now is then fixed)
import storage.audit
from storage.audit import Actor
from workbench.services.appeals import open_appeal
from workbench.services.pools import enter_pool
from workbench.services.support import record_support

FROZEN = datetime(2025, 6, 1, 1, 30, tzinfo=UTC)  # 09:30 in Wenzhou on the tests' TODAY
FIXED_HOME = Path("/home/wangfang")
Steps = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every utc_now answers FROZEN, and times are shown in Wenzhou's zone whatever the machine's is."""
    real = storage.audit.utc_now
    for module in list(sys.modules.values()):
        if getattr(module, "utc_now", None) is real:
            monkeypatch.setattr(module, "utc_now", lambda: FROZEN)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def fixed_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """Export dialogs suggest a file in the home folder: one that is the same on every machine."""
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: FIXED_HOME))
    monkeypatch.setattr(
        "screens.export_dialog.default_export_path", lambda now, home=None: FIXED_HOME / "市场主体-20250601-0930.xlsx"
    )


def build_world(engine: Engine) -> Office_:
    """The test office, with two open appeals, a support record, a 个转企 candidate and a pool member."""
    office = build_office(engine)
    with Session(engine) as session:
        actor = Actor("王芳", "测试终端", office.office_id)
        for name, channel, category, description, received in (
            ("鹿城区李家便利店", "电话", "政策咨询", "咨询歇业到期后怎么办", "2025-05-06"),
            ("鹿城区张记小吃店", "12345转办", "投诉纠纷", "顾客投诉食品变质", "2025-05-27"),
        ):
            open_appeal(session, actor=actor, data={
                "business_uuid": office.business_uuids[name], "channel": channel, "category": category,
                "description": description, "received_on": received, "officer_id": office.officer_ids["王芳"],
            })
        record_support(session, actor=actor, business_uuid=office.business_uuids[ZHANG], data={
            "kind": "培训/入市第一课", "given_on": "2025-05-20", "content": "入市第一课：食品安全与年报",
            "officer_id": office.officer_ids["王芳"],
        })
        set_figures(session, office, ZHANG, year=2025, revenue=560_000, employees=6, industry="6210")
        enter_pool(session=session, actor=actor_of(office), business_uuid=office.business_uuids["鹿城区李家便利店"],
                   pool="conversion", entered_on=date(2025, 3, 1), reason="经营者有意转为有限公司")
        session.commit()
    return office


def keys(*pressed: str, settle_with: Callable[[Any], Awaitable[None]] = settle) -> Steps:
    """Press the keys, waiting for the app to settle after each, and stop every cursor blinking."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle_with(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle_with(pilot)
        still(pilot)
        await pilot.pause()

    return run


def still(pilot: Pilot[Any]) -> None:
    """No blinking cursor, and no toast: a notice disappears after seconds, so whether a picture caught
    it would depend on the machine's speed (the notices are checked by the Pilot tests)."""
    pilot.app.clear_notifications()
    for screen in pilot.app.screen_stack:  # a screen under a dialog keeps the toasts it showed
        for toast in screen.query("Toast"):
            toast.remove()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
