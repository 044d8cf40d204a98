"""个转企 events: 直接变更 keeps code and 成立日期 and logs the kind change; 注销+设立 links old and new."""

from __future__ import annotations

from datetime import date

import pytest
from distinction_support import OUJIANG, TODAY, ZHANG, actor_of, other_office
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import Office_, build_office

from storage.tables import ChangeLog
from workbench.services import conversion, pools
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.register import create_business, get_business


@pytest.fixture
def office(engine: Engine) -> Office_:
    return build_office(engine)


def test_direct_change_keeps_code_and_date_and_logs_the_kind(session: Session, office: Office_) -> None:
    actor = actor_of(office)
    before = get_business(session=session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    uscc, registered_on = before.uscc, before.registered_on
    event = conversion.convert_directly(
        session=session,
        actor=actor,
        business_uuid=before.uuid,
        base_version=before.version,
        converted_on=TODAY,
        new_name="温州张记餐饮有限公司",
    )
    session.commit()
    after = get_business(session=session, actor=actor, business_uuid=before.uuid)
    assert (after.kind, after.uscc, after.registered_on, after.name) == (
        "enterprise",
        uscc,
        registered_on,
        "温州张记餐饮有限公司",
    )
    assert (event.method, event.old_uscc, event.new_uscc, event.old_business_id) == (
        "direct_change",
        uscc,
        uscc,
        None,
    )
    kind_log = session.exec(
        select(ChangeLog).where(
            col(ChangeLog.entity_uuid) == before.uuid,
            col(ChangeLog.field) == "kind",
            col(ChangeLog.action) == "update",
        )
    ).one()
    assert (kind_log.old, kind_log.new, kind_log.who) == ("individual", "enterprise", "王芳")
    assert session.exec(select(ChangeLog).where(col(ChangeLog.entity_uuid) == event.uuid)).first() is not None


def test_deregister_and_establish_links_the_two(session: Session, office: Office_) -> None:
    actor = actor_of(office)
    old = get_business(session=session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    new = create_business(
        session=session,
        actor=actor,
        data={"name": "温州张记餐饮有限公司", "kind": "enterprise", "registered_on": "2025-06-01"},
    )
    event = conversion.convert_by_new_establishment(
        session=session,
        actor=actor,
        old_business_uuid=old.uuid,
        old_base_version=old.version,
        new_business_uuid=new.uuid,
        converted_on=TODAY,
        note="原字号保留",
    )
    session.commit()
    assert get_business(session=session, actor=actor, business_uuid=old.uuid).status == "deregistered"
    assert (event.business_id, event.old_business_id, event.old_uscc, event.new_uscc) == (
        new.id,
        old.id,
        old.uscc,
        None,
    )
    rows = conversion.conversions(session=session, actor=actor)
    assert [(row.method, row.business_name, row.old_business_name) for row in rows] == [
        ("deregister_and_establish", "温州张记餐饮有限公司", ZHANG)
    ]
    status_log = session.exec(
        select(ChangeLog).where(col(ChangeLog.entity_uuid) == old.uuid, col(ChangeLog.field) == "status")
    ).one()
    assert (status_log.old, status_log.new) == ("active", "deregistered")


def test_both_methods_are_counted_for_reports(session: Session, office: Office_) -> None:
    actor = actor_of(office)
    zhang = get_business(session=session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    conversion.convert_directly(
        session=session,
        actor=actor,
        business_uuid=zhang.uuid,
        base_version=zhang.version,
        converted_on=date(2025, 3, 1),
    )
    counts = conversion.conversion_counts(
        session=session, actor=actor, since=date(2025, 1, 1), until=date(2025, 12, 31)
    )
    assert counts == {"direct_change": 1, "deregister_and_establish": 0}
    assert (
        conversion.conversion_counts(
            session=session, actor=actor, since=date(2025, 4, 1), until=date(2025, 12, 31)
        )["direct_change"]
        == 0
    )


def test_conversion_ends_the_stay_in_the_conversion_pool(session: Session, office: Office_) -> None:
    actor = actor_of(office)
    pools.enter_pool(
        session=session,
        actor=actor,
        business_uuid=office.business_uuids[ZHANG],
        pool="conversion",
        entered_on=date(2025, 1, 10),
        reason="从业人员6人",
    )
    zhang = get_business(session=session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    conversion.convert_directly(
        session=session, actor=actor, business_uuid=zhang.uuid, base_version=zhang.version, converted_on=TODAY
    )
    history = pools.memberships_of(session=session, actor=actor, business_uuid=zhang.uuid)
    assert [(row.left_on, row.exit_reason) for row in history] == [(TODAY, "已完成个转企（直接变更）")]


def test_only_households_convert(session: Session, office: Office_) -> None:
    actor = actor_of(office)
    company = get_business(session=session, actor=actor, business_uuid=office.business_uuids[OUJIANG])
    with pytest.raises(ValidationFailed, match="不是个体工商户，不能办理个转企"):
        conversion.convert_directly(
            session=session,
            actor=actor,
            business_uuid=company.uuid,
            base_version=company.version,
            converted_on=TODAY,
        )


def test_new_business_must_be_an_enterprise(session: Session, office: Office_) -> None:
    actor = actor_of(office)
    old = get_business(session=session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    shop = create_business(session=session, actor=actor, data={"name": "鹿城区新张记小吃店"})
    with pytest.raises(ValidationFailed, match="登记为个体工商户，请先把主体类型改为企业"):
        conversion.convert_by_new_establishment(
            session=session,
            actor=actor,
            old_business_uuid=old.uuid,
            old_base_version=old.version,
            new_business_uuid=shop.uuid,
            converted_on=TODAY,
        )


def test_stale_version_is_a_conflict(session: Session, office: Office_) -> None:
    actor = actor_of(office)
    zhang = get_business(session=session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    with pytest.raises(SaveConflict):
        conversion.convert_directly(
            session=session,
            actor=actor,
            business_uuid=zhang.uuid,
            base_version=zhang.version + 3,
            converted_on=TODAY,
        )


def test_another_office_cannot_convert(engine: Engine, session: Session, office: Office_) -> None:
    stranger = actor_of(other_office(engine), who="外所干部")
    with pytest.raises(NotFound):
        conversion.convert_directly(
            session=session,
            actor=stranger,
            business_uuid=office.business_uuids[ZHANG],
            base_version=1,
            converted_on=TODAY,
        )
    assert conversion.conversions(session=session, actor=stranger) == []
