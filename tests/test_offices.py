"""Many offices in one database (a county server): an office's staff never see or touch another's rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session

from storage.audit import Actor
from storage.tables import Business, ChangeLog, Grid, License, Office
from workbench.services.detail import business_detail
from workbench.services.errors import NotFound, ValidationFailed
from workbench.services.listing import BusinessFilter, count, list_page
from workbench.services.register import create_business, delete_business, get_business, update_business


@dataclass(frozen=True)
class County:
    """Office A (五马所) and office B (南汇所) in one database, each with one business."""

    a: Actor
    b: Actor
    a_uuid: str
    b_uuid: str
    b_grid_id: int


def _office(session: Session, code: str, name: str, who: str) -> tuple[Actor, int]:
    office = Office(code=code, name=name, region_code="330302")
    session.add(office)
    session.flush()
    assert office.id is not None
    grid = Grid(office_id=office.id, name=f"{name}一片")
    session.add(grid)
    session.flush()
    assert grid.id is not None
    return Actor(who=who, device=f"{name}终端", office_id=office.id), grid.id


def _business(session: Session, actor: Actor, name: str, grid_id: int) -> str:
    business = create_business(session=session, actor=actor, data={"name": name, "grid_id": grid_id})
    assert business.id is not None
    session.add(License(office_id=actor.office_id, business_id=business.id, kind="食品经营许可证",
                        expires_on=date(2026, 6, 30)))
    return business.uuid


@pytest.fixture
def county(session: Session) -> County:
    a, a_grid = _office(session, "330302001", "五马所", "张三")
    b, b_grid = _office(session, "330302002", "南汇所", "李四")
    a_uuid = _business(session, a, "五马面馆", a_grid)
    b_uuid = _business(session, b, "南汇面馆", b_grid)
    session.commit()
    return County(a, b, a_uuid, b_uuid, b_grid)


def test_each_office_reads_its_own_business(session: Session, county: County) -> None:
    assert get_business(session=session, actor=county.a, business_uuid=county.a_uuid).name == "五马面馆"
    assert business_detail(session=session, actor=county.b, business_uuid=county.b_uuid).licenses


CROSSINGS: dict[str, Callable[[Session, Actor, str], Any]] = {
    "get": lambda session, actor, uuid: get_business(session=session, actor=actor, business_uuid=uuid),
    "detail": lambda session, actor, uuid: business_detail(session=session, actor=actor, business_uuid=uuid),
    "update": lambda session, actor, uuid: update_business(
        session=session, actor=actor, business_uuid=uuid, base_version=1, changes={"name": "被别的所改了"}),
    "delete": lambda session, actor, uuid: delete_business(
        session=session, actor=actor, business_uuid=uuid, base_version=1),
}


@pytest.mark.parametrize("operation", list(CROSSINGS))
def test_another_offices_business_is_not_found_and_unchanged(
    session: Session, county: County, operation: str,
) -> None:
    with pytest.raises(NotFound):
        CROSSINGS[operation](session, county.a, county.b_uuid)
    session.commit()
    session.expire_all()
    theirs = session.exec(select(Business).where(Business.uuid == county.b_uuid)).scalar_one()  # type: ignore[call-overload, arg-type]
    assert (theirs.name, theirs.version, theirs.deleted_at, theirs.updated_by) == ("南汇面馆", 1, None, "李四")
    assert _log_entries_by(session, county.a, county.b_uuid) == []


def test_the_office_comes_from_the_actor_not_from_the_uuid(
    session: Session, county: County,
) -> None:
    """The office comes from the actor, not from the uuid: B's clerk signed in as A sees A's rows only."""
    signed_in_as_a = Actor(who=county.b.who, device=county.b.device, office_id=county.a.office_id)
    with pytest.raises(NotFound):
        get_business(session=session, actor=signed_in_as_a, business_uuid=county.b_uuid)


def test_an_update_touches_only_its_own_offices_row(
    session: Session, county: County,
) -> None:
    update_business(session=session, actor=county.a, business_uuid=county.a_uuid, base_version=1,
                    changes={"name": "五马面馆新址"})
    session.commit()
    names: dict[str, str] = dict(session.exec(select(Business.uuid, Business.name)).all())  # type: ignore[call-overload]
    assert names == {county.a_uuid: "五马面馆新址", county.b_uuid: "南汇面馆"}


# filter given to office A's list -> whether A's own business is in it (B's never is)
LIST_FILTERS: dict[str, tuple[dict[str, Any], bool]] = {
    "all": ({}, True),
    "word-both-share": ({"text": "面馆"}, True),
    "their-name": ({"text": "南汇"}, False),
    "their-pinyin": ({"text": "nhmg"}, False),
    "their-grid": ({"grid_id": "B"}, False),
    "newest-first": ({"sort": "-registered_on"}, True),
}


@pytest.mark.parametrize("name", list(LIST_FILTERS))
def test_the_list_shows_only_the_offices_own_businesses(session: Session, county: County, name: str) -> None:
    given, shows_own = LIST_FILTERS[name]
    if given.get("grid_id") == "B":
        given = {"grid_id": county.b_grid_id}
    shown = BusinessFilter(office_id=county.a.office_id, **given)
    rows = list_page(session=session, flt=shown, offset=0, limit=50)
    assert [row.uuid for row in rows] == ([county.a_uuid] if shows_own else [])
    assert count(session=session, flt=shown) == len(rows)


def test_a_business_cannot_be_put_in_another_offices_grid(session: Session, county: County) -> None:
    with pytest.raises(ValidationFailed) as refused:
        update_business(session=session, actor=county.a, business_uuid=county.a_uuid, base_version=1,
                        changes={"grid_id": county.b_grid_id})
    assert refused.value.errors == {"grid_id": "所选网格不属于本所，请重新选择"}


def _log_entries_by(session: Session, actor: Actor, uuid: str) -> list[ChangeLog]:
    return list(session.exec(select(ChangeLog).where(  # type: ignore[call-overload]
        ChangeLog.entity_uuid == uuid, ChangeLog.who == actor.who)).scalars())  # type: ignore[arg-type]
