"""培育库: entering and leaving with dates and reasons, in history, office-scoped, on both engines."""

from __future__ import annotations

from datetime import date

import pytest
from distinction_support import LI, OUJIANG, TODAY, ZHANG, actor_of, other_office
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import Office_, build_office

from storage.tables import ChangeLog
from workbench.services import pools
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed


@pytest.fixture
def office(engine: Engine) -> Office_:
    return build_office(engine)


def enter(session: Session, office: Office_, name: str = ZHANG, pool: str = "conversion", on: date = TODAY):  # type: ignore[no-untyped-def]
    return pools.enter_pool(
        session=session,
        actor=actor_of(office),
        business_uuid=office.business_uuids[name],
        pool=pool,
        entered_on=on,
        reason="从业人员6人，达到个转企培育条件",
    )


def test_entering_is_listed_with_date_and_reason_and_logged(session: Session, office: Office_) -> None:
    membership = enter(session, office)
    session.commit()
    rows = pools.pool_members(session=session, actor=actor_of(office), pool="conversion")
    assert [(row.business_name, row.entered_on, row.entry_reason) for row in rows] == [
        (ZHANG, TODAY, "从业人员6人，达到个转企培育条件")
    ]
    log = session.exec(select(ChangeLog).where(col(ChangeLog.entity_uuid) == membership.uuid)).all()
    assert {(row.action, row.field, row.new) for row in log} >= {
        ("create", "pool", "conversion"),
        ("create", "entered_on", "2025-06-01"),
        ("create", "entry_reason", "从业人员6人，达到个转企培育条件"),
    }
    assert {row.who for row in log} == {"王芳"}


def test_leaving_keeps_the_stay_in_history(session: Session, office: Office_) -> None:
    membership = enter(session, office)
    left = pools.leave_pool(
        session=session,
        actor=actor_of(office),
        membership_uuid=membership.uuid,
        base_version=membership.version,
        left_on=date(2025, 9, 1),
        reason="经营者放弃转型",
    )
    session.commit()
    assert left.left_on == date(2025, 9, 1)
    assert pools.pool_members(session=session, actor=actor_of(office), pool="conversion") == []
    past = pools.pool_members(session=session, actor=actor_of(office), pool="conversion", include_left=True)
    assert [(row.left_on, row.exit_reason) for row in past] == [(date(2025, 9, 1), "经营者放弃转型")]
    log = session.exec(
        select(ChangeLog).where(
            col(ChangeLog.entity_uuid) == membership.uuid, col(ChangeLog.action) == "update"
        )
    ).all()
    assert {(row.field, row.new) for row in log} == {
        ("left_on", "2025-09-01"),
        ("exit_reason", "经营者放弃转型"),
    }
    again = enter(session, office, on=date(2025, 12, 1))
    history = pools.memberships_of(
        session=session, actor=actor_of(office), business_uuid=office.business_uuids[ZHANG]
    )
    assert [row.uuid for row in history] == [membership.uuid, again.uuid]


def test_reasons_are_required(session: Session, office: Office_) -> None:
    with pytest.raises(ValidationFailed) as failed:
        pools.enter_pool(
            session=session,
            actor=actor_of(office),
            business_uuid=office.business_uuids[ZHANG],
            pool="conversion",
            entered_on=TODAY,
            reason=" ",
        )
    assert failed.value.errors == {"reason": "请写明入库理由"}
    membership = enter(session, office)
    with pytest.raises(ValidationFailed, match="请写明出库理由"):
        pools.leave_pool(
            session=session,
            actor=actor_of(office),
            membership_uuid=membership.uuid,
            base_version=membership.version,
            left_on=TODAY,
            reason="",
        )


def test_a_business_is_in_a_pool_once_at_a_time(session: Session, office: Office_) -> None:
    enter(session, office)
    with pytest.raises(ValidationFailed, match="「鹿城区张记小吃店」已在个转企培育库中（2025-06-01 入库）"):
        enter(session, office)
    enter(session, office, pool="distinction")


def test_leaving_before_entering_or_twice_is_refused(session: Session, office: Office_) -> None:
    membership = enter(session, office)
    with pytest.raises(ValidationFailed, match="出库日期不能早于入库日期 2025-06-01"):
        pools.leave_pool(
            session=session,
            actor=actor_of(office),
            membership_uuid=membership.uuid,
            base_version=membership.version,
            left_on=date(2025, 5, 1),
            reason="x",
        )
    left = pools.leave_pool(
        session=session,
        actor=actor_of(office),
        membership_uuid=membership.uuid,
        base_version=membership.version,
        left_on=TODAY,
        reason="x",
    )
    with pytest.raises(ValidationFailed, match="已于 2025-06-01 出库"):
        pools.leave_pool(
            session=session,
            actor=actor_of(office),
            membership_uuid=membership.uuid,
            base_version=left.version,
            left_on=TODAY,
            reason="x",
        )


def test_stale_version_is_a_conflict(session: Session, office: Office_) -> None:
    membership = enter(session, office)
    with pytest.raises(SaveConflict):
        pools.leave_pool(
            session=session,
            actor=actor_of(office),
            membership_uuid=membership.uuid,
            base_version=membership.version + 5,
            left_on=TODAY,
            reason="x",
        )


def test_filters_by_grid_and_officer(session: Session, office: Office_) -> None:
    enter(session, office, ZHANG, pool="scale_up")
    enter(session, office, OUJIANG, pool="scale_up")
    enter(session, office, LI, pool="scale_up")
    actor = actor_of(office)
    east = pools.pool_members(
        session=session, actor=actor, pool="scale_up", grid_id=office.grid_ids["城东片区"]
    )
    assert sorted(row.business_name for row in east) == sorted([ZHANG, LI])
    li_qiang = pools.pool_members(
        session=session, actor=actor, pool="scale_up", officer_id=office.officer_ids["李强"]
    )
    assert [row.business_name for row in li_qiang] == [OUJIANG]


def test_another_office_cannot_see_or_touch(engine: Engine, session: Session, office: Office_) -> None:
    membership = enter(session, office)
    session.commit()
    stranger = actor_of(other_office(engine), who="外所干部")
    assert pools.pool_members(session=session, actor=stranger, pool="conversion") == []
    with pytest.raises(NotFound):
        pools.leave_pool(
            session=session,
            actor=stranger,
            membership_uuid=membership.uuid,
            base_version=membership.version,
            left_on=TODAY,
            reason="x",
        )
    with pytest.raises(NotFound):
        pools.enter_pool(
            session=session,
            actor=stranger,
            business_uuid=office.business_uuids[ZHANG],
            pool="conversion",
            entered_on=TODAY,
            reason="x",
        )
