"""The dates of status changes (issue 18, migration 0014): set with the status in the register service,
read from registration lists by their headers."""

from __future__ import annotations

from datetime import date

import pytest
from report_support import HandOffice, build_hand_office
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from imports.columns import SYNONYMS
from storage.tables import ChangeLog
from workbench.domain.business_fields import FIELD_BY_NAME, IMPORTED_FIELDS, STATUS_DATE_FIELDS
from workbench.services.errors import ValidationFailed
from workbench.services.register import get_business, update_business


@pytest.fixture
def hand(engine: Engine) -> HandOffice:
    return build_hand_office(engine)


def _change(engine: Engine, hand: HandOffice, letter: str, changes: dict[str, object]) -> tuple[object, int]:
    with Session(engine) as session:
        business = get_business(session=session, actor=hand.actor, business_uuid=hand.uuids[letter])
        update_business(session=session, actor=hand.actor, business_uuid=business.uuid,
                        base_version=business.version, changes=changes)
        session.commit()
        business = get_business(session=session, actor=hand.actor, business_uuid=hand.uuids[letter])
        return business, business.version


def test_a_status_change_without_a_date_is_dated_today_in_the_same_log(engine: Engine, hand: HandOffice) -> None:
    business, version = _change(engine, hand, "A", {"status": "moved_out"})
    assert (business.status, business.moved_out_on, version) == ("moved_out", date.today(), 2)  # type: ignore[attr-defined]
    with Session(engine) as session:
        logged = session.exec(
            select(ChangeLog.field, ChangeLog.new, ChangeLog.at).where(col(ChangeLog.entity_uuid) == hand.uuids["A"])
        ).all()
    fields = {field: new for field, new, _at in logged}
    assert fields == {"status": "moved_out", "moved_out_on": str(date.today())}
    assert len({at for _field, _new, at in logged}) == 1  # one change, one moment


def test_the_date_given_with_the_status_is_kept(engine: Engine, hand: HandOffice) -> None:
    business, _version = _change(engine, hand, "E", {"status": "吊销，已注销", "deregistered_on": "2026年10月9日"})
    assert (business.status, business.deregistered_on) == ("revoked_deregistered", date(2026, 10, 9))  # type: ignore[attr-defined]


def test_a_date_that_is_no_date_is_refused_in_chinese(engine: Engine, hand: HandOffice) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _change(engine, hand, "E", {"status": "cancelled", "cancelled_on": "上个月"})
    assert refused.value.errors["cancelled_on"] == "日期「上个月」无法识别，请写成 2024-05-03"


def test_an_unchanged_status_sets_no_date(engine: Engine, hand: HandOffice) -> None:
    business, version = _change(engine, hand, "A", {"status": "active", "name": "测试A店（新）"})
    assert (business.deregistered_on, business.moved_out_on, version) == (None, None, 2)  # type: ignore[attr-defined]


def test_each_exit_status_has_its_date_column_imported_under_its_header() -> None:
    assert set(STATUS_DATE_FIELDS.values()) == {"deregistered_on", "revoked_on", "cancelled_on", "moved_out_on"}
    for name, header in (("deregistered_on", "注销日期"), ("revoked_on", "吊销日期"), ("cancelled_on", "撤销日期"),
                         ("moved_out_on", "迁出日期"), ("moved_in_on", "迁入日期"), ("approved_on", "核准日期")):
        assert name in IMPORTED_FIELDS and FIELD_BY_NAME[name].label == header
        assert header in SYNONYMS[name]
        assert FIELD_BY_NAME[name].group == ""  # not on the form (80x24)


def test_a_conversion_by_new_establishment_dates_the_household_exit_on_the_conversion_day(
    engine: Engine, hand: HandOffice
) -> None:
    from workbench.services import conversion
    from workbench.services.register import create_business

    with Session(engine) as session:
        new = create_business(session=session, actor=hand.actor,
                              data={"name": "测试E有限公司", "kind": "enterprise", "registered_on": "2026-09-01"})
        old = get_business(session=session, actor=hand.actor, business_uuid=hand.uuids["E"])
        conversion.convert_by_new_establishment(session=session, actor=hand.actor, old_business_uuid=old.uuid,
                                                old_base_version=old.version, new_business_uuid=new.uuid,
                                                converted_on=date(2026, 9, 1))
        session.commit()
        old = get_business(session=session, actor=hand.actor, business_uuid=hand.uuids["E"])
    assert (old.status, old.deregistered_on) == ("deregistered", date(2026, 9, 1))
