"""Helpers for the TUI tests: a small Chinese office, the app built through make_app, and waiting for workers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

from screens.app import WorkbenchApp, make_app
from screens.preview_gate import SETTLE_SECONDS
from storage.audit import Actor
from storage.tables import Grid, License, Office, Officer, YearFigures
from workbench.domain.uscc import uscc_check_char
from workbench.services.office import DeviceMemory
from workbench.services.register import create_business

TODAY = date(2025, 6, 1)
DEVICE = "测试终端"
DATABASE_KEY = "test-db"


def uscc(serial: int) -> str:
    """A valid 统一社会信用代码 for a household in 温州鹿城 (330302), different per serial."""
    body = f"92330302MA{serial:07d}"
    return body + uscc_check_char(body)


@dataclass(frozen=True)
class Office_:
    """Ids of the test office: grids 城东片区 / 城西片区, officers 王芳 / 李强 / 陈静."""

    office_id: int
    grid_ids: dict[str, int]
    officer_ids: dict[str, int]
    business_uuids: dict[str, str]


BUSINESSES: tuple[dict[str, Any], ...] = (
    {"name": "鹿城区张记小吃店", "operator": "张伟", "phone": "13812345678", "address": "五马街 12 号",
     "registered_on": "2019-03-05", "grid": "城东片区", "officer": "王芳", "kind": "individual"},
    {"name": "温州市瓯江贸易有限公司", "operator": "林志远", "phone": "0577-88881234", "address": "江滨路 88 号",
     "registered_on": "2015-07-20", "grid": "城西片区", "officer": "李强", "kind": "enterprise", "capital": 5_000_000},
    {"name": "鹿城区李家便利店", "operator": "李娜", "phone": "13912345678", "address": "人民路 5 号",
     "registered_on": "2021-11-11", "grid": "城东片区", "officer": "王芳", "kind": "individual", "suspended": True},
    {"name": "鹿城区陈氏五金店", "operator": "陈刚", "phone": "13712345678", "address": "解放街 30 号",
     "registered_on": "2012-01-09", "grid": "城西片区", "officer": "陈静", "kind": "individual",
     "status": "deregistered"},
    {"name": "温州绿野果蔬专业合作社", "operator": "周敏", "phone": "13612345678", "address": "藤桥镇 1 号",
     "registered_on": "2018-05-30", "grid": "城西片区", "officer": "李强", "kind": "cooperative", "abnormal": True},
)


def build_office(engine: Engine, extra_businesses: int = 0) -> Office_:
    """One office with two grids, three officers and five named businesses (plus `extra` numbered shops)."""
    with Session(engine) as session:
        office = Office(code="330302001", name="五马市场监管所", region_code="330302")
        session.add(office)
        session.flush()
        assert office.id is not None
        grids = {name: Grid(office_id=office.id, name=name) for name in ("城东片区", "城西片区")}
        officers = {name: Officer(office_id=office.id, name=name) for name in ("王芳", "李强", "陈静")}
        session.add_all([*grids.values(), *officers.values()])
        session.flush()
        actor = Actor(who="导入", device="初始化", office_id=office.id)
        uuids: dict[str, str] = {}
        rows = list(BUSINESSES) + [
            {"name": f"鹿城区第{n:04d}号商店", "operator": "赵六", "phone": "13500000000",
             "registered_on": f"20{n % 20 + 5:02d}-01-01", "grid": "城东片区", "officer": "陈静"}
            for n in range(extra_businesses)
        ]
        for serial, row in enumerate(rows, start=1):
            data = {key: value for key, value in row.items() if key not in ("grid", "officer")}
            data.update(uscc=uscc(serial), grid_id=grids[row["grid"]].id, officer_id=officers[row["officer"]].id)
            business = create_business(session=session, actor=actor, data=data)
            uuids[business.name] = business.uuid
        _add_licenses_and_figures(session, office.id, uuids["鹿城区张记小吃店"])
        session.commit()
        return Office_(office.id, {n: g.id for n, g in grids.items()},  # type: ignore[misc]
                       {n: o.id for n, o in officers.items()}, uuids)  # type: ignore[misc]


def _add_licenses_and_figures(session: Session, office_id: int, business_uuid: str) -> None:
    from workbench.services.register import get_business

    business = get_business(session=session, actor=Actor("x", "x", office_id), business_uuid=business_uuid)
    assert business.id is not None
    session.add_all([
        License(office_id=office_id, business_id=business.id, kind="食品经营许可证", number="JY13303020012345",
                issued_on=date(2020, 6, 1), expires_on=date(2025, 6, 20)),
        License(office_id=office_id, business_id=business.id, kind="卫生许可证", number="WS2019-0088",
                issued_on=date(2019, 3, 1), expires_on=date(2024, 3, 1)),
        YearFigures(office_id=office_id, business_id=business.id, year=2024, revenue=482_000, tax_paid=3_200,
                    employees=4, insured_staff=2),
        YearFigures(office_id=office_id, business_id=business.id, year=2023, revenue=1_236_500, tax_paid=9_650,
                    employees=5, insured_staff=3),
    ])


def build_app(engine: Engine, tmp_path: Path, *, remember: str | None = None) -> WorkbenchApp:
    """The app as the CLI builds it; `remember` names an officer this device already knows."""
    memory = DeviceMemory(tmp_path / "device.json")
    if remember is not None:
        with Session(engine) as session:
            officer = session.exec(select(Officer).where(Officer.name == remember)).one()
        memory.remember_officer(DATABASE_KEY, officer.uuid)
    app = make_app(engine, device_memory=memory, database_key=DATABASE_KEY, device_name=DEVICE)
    app.today = lambda: TODAY
    app.animation_level = "none"  # focus scrolls happen at once: no waiting on animations per Tab
    return app


async def settle(pilot: Any, timeout: float = 5.0) -> None:
    """Wait until no search is waiting for its debounce, every worker is done and its messages handled."""
    app = pilot.app
    for _ in range(int(timeout / 0.02)):
        await app.workers.wait_for_complete()
        await pilot.pause()
        pending = any(getattr(screen, "debounce", None) is not None for screen in app.screen_stack)
        pending = pending or getattr(app, "keys_waiting", 0) > 0
        if not pending and not any(worker.is_running for worker in app.workers):
            return
        await pilot.pause(0.02)
    raise TimeoutError("the app did not settle")


async def type_ahead(pilot: Any, *keys: str) -> None:
    """Every key into the app's input at once, as a fast typist's keys (or one tmux send-keys) arrive.

    pilot.press waits for the app to go idle after each key, so a key that acted too early (on the old
    focus, on a list before its search came back) could never be caught with it. The keys' names and
    characters are made as pilot.press makes them. Returns once the keys are queued; settle() waits for
    them to be handled.
    """
    app = pilot.app
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def read_preview(pilot: Any) -> None:
    """Wait as long as a person takes to see a preview before confirming it (screens/preview_gate.py)."""
    await pilot.pause(SETTLE_SECONDS + 0.05)


async def to_list(pilot: Any) -> None:
    """The app opens on 今日待办 (the to-do list); Esc goes on to the business list.

    Settles first: on a loaded machine the to-do may not be on screen yet when the test starts, and an
    Esc pressed before it arrives would leave the to-do on top.
    """
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def palette_found(pilot: Any, typed: str) -> None:
    """Ctrl+P and the words; returns once the palette's list has stopped changing (its providers search as a
    task and their hits arrive one by one: Enter before they settle picks whatever came first, on a slow
    machine a different line), or after 5 s. At least Textual's half second, after which 「no matches」 shows."""
    from textual.command import CommandList

    await pilot.press("ctrl+p", *typed)
    await pilot.pause(0.6)
    seen: tuple[str, ...] | None = None
    steady = 0
    for _ in range(50):
        await settle(pilot)
        lists = pilot.app.screen.query(CommandList)
        found = lists.first() if lists else None
        now = tuple(str(found.get_option_at_index(i).prompt) for i in range(found.option_count)) if found else ()
        steady = steady + 1 if now == seen and now else 0
        if steady >= 2:
            return
        seen = now
        await pilot.pause(0.1)
