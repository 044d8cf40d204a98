"""A small world for service-work tests: two offices, each with grids, officers and businesses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from storage.audit import Actor
from storage.tables import Grid, License, Office, Officer
from workbench.services.register import create_business


@dataclass(frozen=True)
class World:
    actor: Actor
    other_actor: Actor
    officer_id: int
    second_officer_id: int
    other_officer_id: int
    grid_id: int
    second_grid_id: int
    noodle_uuid: str
    tea_uuid: str
    shop_uuid: str
    other_uuid: str


def _office(session: Session, code: str, name: str) -> int:
    office = Office(code=code, name=name)
    session.add(office)
    session.flush()
    assert office.id is not None
    return office.id


def _row(session: Session, row: Grid | Officer) -> int:
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def make_world(session: Session) -> World:
    office_id = _office(session, "W1", "五马市场监管所")
    other_office_id = _office(session, "W2", "南汇市场监管所")
    grid_id = _row(session, Grid(office_id=office_id, name="五马东片区"))
    second_grid_id = _row(session, Grid(office_id=office_id, name="五马西片区"))
    officer_id = _row(session, Officer(office_id=office_id, name="张伟", grid_id=grid_id))
    second_officer_id = _row(session, Officer(office_id=office_id, name="单丽", grid_id=second_grid_id))
    other_officer_id = _row(session, Officer(office_id=other_office_id, name="王芳"))
    actor = Actor(who="张伟", device="一号机", office_id=office_id)
    other_actor = Actor(who="王芳", device="二号机", office_id=other_office_id)

    def business(name: str, address: str, grid: int, officer: int, kind: str = "个体工商户") -> str:
        data = {
            "name": name,
            "kind": kind,
            "address": address,
            "phone": "13800000001",
            "grid_id": grid,
            "officer_id": officer,
            "registered_on": date(2020, 5, 3),
            "operator": "陈明",
        }
        return create_business(session=session, actor=actor, data=data).uuid

    noodle = business("老街兰州拉面馆", "温州市鹿城区五马街3号", grid_id, officer_id)
    tea = business("阿香奶茶店", "温州市鹿城区五马街1号", grid_id, officer_id)
    shop = business("西片便利店", "温州市鹿城区解放路8号", second_grid_id, second_officer_id)
    other = create_business(
        session=session, actor=other_actor, data={"name": "南汇水果店", "officer_id": other_officer_id}
    ).uuid
    session.commit()
    return World(
        actor,
        other_actor,
        officer_id,
        second_officer_id,
        other_officer_id,
        grid_id,
        second_grid_id,
        noodle,
        tea,
        shop,
        other,
    )


def add_license(session: Session, actor: Actor, business_id: int, kind: str, expires_on: date) -> None:
    session.add(
        License(
            office_id=actor.office_id,
            business_id=business_id,
            kind=kind,
            number="JY1330302",
            expires_on=expires_on,
        )
    )
    session.commit()
