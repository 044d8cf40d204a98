"""Helpers for the TUI tests: a small Chinese office, the app built through make_app, and waiting for workers."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from storage.audit import Actor
from storage.tables import Grid, License, Office, Officer, YearFigures
from workbench.domain.uscc import uscc_check_char
from workbench.services.office import DeviceMemory

TODAY = date(2025, 6, 1)
DEVICE = "测试终端"
DATABASE_KEY = "test-db"


def _install_listing_stand_in() -> None:
    """Until workbench.services.listing lands, a tiny LIKE-based stand-in with the agreed API."""
    try:
        import workbench.services.listing  # noqa: F401
        return
    except ImportError:
        pass
    from sqlalchemy import func, or_, select

    from storage.tables import Business

    @dataclass(frozen=True)
    class BusinessFilter:
        office_id: int
        text: str = ""
        status: str | None = None
        kind: str | None = None
        grid_id: int | None = None
        officer_id: int | None = None
        sort: str = "name"

    @dataclass(frozen=True)
    class BusinessRow:
        id: int
        uuid: str
        version: int
        name: str
        uscc: str | None
        reg_no: str | None
        kind: str
        operator: str
        phone: str
        address: str
        status: str
        registered_on: date | None
        grid_name: str
        officer_name: str
        suspended: bool
        abnormal: bool

    def _where(flt: BusinessFilter) -> list[Any]:
        b: Any = Business
        clauses = [b.office_id == flt.office_id, b.deleted_at.is_(None)]
        if flt.text:
            like = f"%{flt.text}%"
            clauses.append(or_(b.name.like(like), b.uscc.like(like), b.operator.like(like),
                               b.phone.like(like), b.address.like(like)))
        for column, value in (("status", flt.status), ("kind", flt.kind), ("grid_id", flt.grid_id),
                              ("officer_id", flt.officer_id)):
            if value is not None:
                clauses.append(getattr(b, column) == value)
        return clauses

    def list_page(*, session: Session, flt: BusinessFilter, offset: int, limit: int) -> list[BusinessRow]:
        b: Any = Business
        order = {"name": b.name, "registered_on": b.registered_on, "-registered_on": b.registered_on.desc()}
        statement = (
            select(b, Grid.name, Officer.name)  # type: ignore[call-overload]
            .outerjoin(Grid, Grid.id == b.grid_id).outerjoin(Officer, Officer.id == b.officer_id)
            .where(*_where(flt)).order_by(order[flt.sort], b.id).offset(offset).limit(limit)
        )
        return [
            BusinessRow(row.id, row.uuid, row.version, row.name, row.uscc, row.reg_no, row.kind, row.operator,
                        row.phone, row.address, row.status, row.registered_on, grid or "", officer or "",
                        row.suspended, row.abnormal)
            for row, grid, officer in session.exec(statement).all()  # type: ignore[call-overload]
        ]

    def count(*, session: Session, flt: BusinessFilter) -> int:
        b: Any = Business
        return int(session.exec(select(func.count()).select_from(b).where(*_where(flt))).one()[0])  # type: ignore[call-overload]

    queries = types.ModuleType("storage.queries")
    queries.BusinessFilter = BusinessFilter  # type: ignore[attr-defined]
    queries.BusinessRow = BusinessRow  # type: ignore[attr-defined]
    listing = types.ModuleType("workbench.services.listing")
    listing.list_page = list_page  # type: ignore[attr-defined]
    listing.count = count  # type: ignore[attr-defined]
    sys.modules.setdefault("storage.queries", queries)
    sys.modules["workbench.services.listing"] = listing


_install_listing_stand_in()

from screens.app import WorkbenchApp, make_app  # noqa: E402
from workbench.services.register import create_business  # noqa: E402


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
        _add_licences_and_figures(session, office.id, uuids["鹿城区张记小吃店"])
        session.commit()
        return Office_(office.id, {n: g.id for n, g in grids.items()},  # type: ignore[misc]
                       {n: o.id for n, o in officers.items()}, uuids)  # type: ignore[misc]


def _add_licences_and_figures(session: Session, office_id: int, business_uuid: str) -> None:
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
            officer = session.exec(  # type: ignore[call-overload]
                Officer.__table__.select().where(Officer.__table__.c.name == remember)  # type: ignore[attr-defined]
            ).first()
        memory.remember_officer(DATABASE_KEY, officer.uuid)
    app = make_app(engine, device_memory=memory, database_key=DATABASE_KEY, device_name=DEVICE)
    app.today = lambda: TODAY
    return app


async def settle(pilot: Any, delay: float = 0.3) -> None:
    """Let the search debounce fire and every worker finish, then let the handlers run."""
    await pilot.pause(delay)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
