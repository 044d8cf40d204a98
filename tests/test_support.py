"""Support records on both engines: validation in Chinese, change log, first loan marks 首贷户, filters, office scope."""

from __future__ import annotations

from datetime import date

import pytest
from service_world import make_world
from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.tables import ChangeLog
from storage.tables_service import SupportRecord
from workbench.domain.service_lists import FIRST_LOAN
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.register import get_business
from workbench.services.support import SupportFilters, delete_support, list_support, record_support


def test_a_support_record_is_stored_and_logged(session: Session) -> None:
    world = make_world(session)
    record = record_support(
        session,
        actor=world.actor,
        business_uuid=world.noodle_uuid,
        data={
            "kind": "培训/入市第一课",
            "given_on": "2026年3月5日",
            "officer_id": world.officer_id,
            "content": "入市第一课：食品安全与年报",
            "basis": "国市监注发〔2024〕10号",
        },
    )
    session.commit()
    assert record.given_on == date(2026, 3, 5) and record.version == 1 and len(record.uuid) == 36
    logged = session.exec(select(ChangeLog).where(col(ChangeLog.entity_uuid) == record.uuid)).all()
    assert {row.field for row in logged} >= {"kind", "given_on", "content", "basis"}
    assert all(row.who == "张伟" and row.device == "一号机" and row.action == "create" for row in logged)


def test_a_first_loan_marks_the_business_with_date_and_bank(session: Session) -> None:
    world = make_world(session)
    before = get_business(session=session, actor=world.actor, business_uuid=world.tea_uuid).version
    record_support(
        session,
        actor=world.actor,
        business_uuid=world.tea_uuid,
        data={
            "kind": FIRST_LOAN,
            "given_on": "2026-04-01",
            "amount_yuan": "30万元",
            "partner": "温州银行五马支行",
        },
    )
    session.commit()
    business = get_business(session=session, actor=world.actor, business_uuid=world.tea_uuid)
    assert (business.first_loan_on, business.first_loan_bank) == (date(2026, 4, 1), "温州银行五马支行")
    assert business.version == before + 1
    edits = session.exec(
        select(ChangeLog.field).where(
            col(ChangeLog.entity_uuid) == world.tea_uuid, col(ChangeLog.action) == "update"
        )
    ).all()
    assert set(edits) == {"first_loan_on", "first_loan_bank"}
    bank_change = session.exec(
        select(ChangeLog.old, ChangeLog.new).where(
            col(ChangeLog.entity_uuid) == world.tea_uuid, col(ChangeLog.field) == "first_loan_bank"
        )
    ).one()
    assert tuple(bank_change) == (None, "温州银行五马支行")  # not the new bank on both sides
    line = list_support(session, actor=world.actor)[0]
    assert line.amount_yuan == 300_000 and line.kind == FIRST_LOAN


def test_a_second_loan_does_not_move_the_first_loan_date(session: Session) -> None:
    world = make_world(session)
    for day, bank in (("2026-04-01", "温州银行"), ("2026-09-01", "农商银行")):
        record_support(
            session,
            actor=world.actor,
            business_uuid=world.tea_uuid,
            data={"kind": FIRST_LOAN, "given_on": day, "partner": bank},
        )
    session.commit()
    business = get_business(session=session, actor=world.actor, business_uuid=world.tea_uuid)
    assert (business.first_loan_on, business.first_loan_bank) == (date(2026, 4, 1), "温州银行")


def test_bad_input_names_every_field_in_chinese(session: Session) -> None:
    world = make_world(session)
    with pytest.raises(ValidationFailed) as refused:
        record_support(
            session,
            actor=world.actor,
            business_uuid=world.noodle_uuid,
            data={"kind": "送温暖", "given_on": "2026-02-30", "amount_yuan": "很多"},
        )
    errors = refused.value.errors
    assert "「送温暖」不在可选范围内" in errors["kind"]
    assert "2026 年 2 月没有 30 日" in errors["given_on"]
    assert "金额「很多」无法识别" in errors["amount_yuan"]


def test_a_first_loan_needs_its_bank(session: Session) -> None:
    world = make_world(session)
    with pytest.raises(ValidationFailed) as refused:
        record_support(
            session,
            actor=world.actor,
            business_uuid=world.noodle_uuid,
            data={"kind": FIRST_LOAN, "given_on": "2026-04-01"},
        )
    assert refused.value.errors == {"partner": "首贷须填写放贷银行（合作单位）"}


def test_list_filters_by_type_period_officer_and_grid(session: Session) -> None:
    world = make_world(session)
    rows = [
        (world.noodle_uuid, "法律服务", "2026-01-10", world.officer_id),
        (world.tea_uuid, "政策兑现", "2026-03-10", world.officer_id),
        (world.shop_uuid, "法律服务", "2026-06-10", world.second_officer_id),
    ]
    for uuid, kind, day, officer in rows:
        record_support(
            session,
            actor=world.actor,
            business_uuid=uuid,
            data={"kind": kind, "given_on": day, "officer_id": officer},
        )
    session.commit()
    everything = list_support(session, actor=world.actor)
    assert [line.given_on.month for line in everything] == [6, 3, 1]  # newest first
    assert len(list_support(session, actor=world.actor, filters=SupportFilters(kind="法律服务"))) == 2
    spring = SupportFilters(given_from=date(2026, 2, 1), given_until=date(2026, 6, 30))
    assert [line.business_name for line in list_support(session, actor=world.actor, filters=spring)] == [
        "西片便利店",
        "阿香奶茶店",
    ]
    mine = list_support(session, actor=world.actor, filters=SupportFilters(officer_id=world.officer_id))
    assert {line.officer_name for line in mine} == {"张伟"}
    west = list_support(session, actor=world.actor, filters=SupportFilters(grid_id=world.second_grid_id))
    assert [(line.business_name, line.grid_name) for line in west] == [("西片便利店", "五马西片区")]


def test_another_office_neither_sees_nor_writes(session: Session) -> None:
    world = make_world(session)
    record_support(
        session,
        actor=world.actor,
        business_uuid=world.noodle_uuid,
        data={"kind": "法律服务", "given_on": "2026-01-10"},
    )
    session.commit()
    assert list_support(session, actor=world.other_actor) == []
    with pytest.raises(NotFound):
        record_support(
            session,
            actor=world.other_actor,
            business_uuid=world.noodle_uuid,
            data={"kind": "法律服务", "given_on": "2026-01-10"},
        )
    with pytest.raises(ValidationFailed, match="不属于本所"):
        record_support(
            session,
            actor=world.actor,
            business_uuid=world.noodle_uuid,
            data={"kind": "法律服务", "given_on": "2026-01-10", "officer_id": world.other_officer_id},
        )


def test_a_mistaken_record_is_tombstoned_not_deleted(session: Session) -> None:
    world = make_world(session)
    record = record_support(
        session,
        actor=world.actor,
        business_uuid=world.noodle_uuid,
        data={"kind": "其他", "given_on": "2026-01-10"},
    )
    session.commit()
    delete_support(session, actor=world.actor, support_uuid=record.uuid, base_version=1)
    session.commit()
    assert list_support(session, actor=world.actor) == []
    session.refresh(record)
    assert record.deleted_at is not None and record.version == 2


def test_deleting_a_record_someone_changed_is_a_conflict(session: Session) -> None:
    world = make_world(session)
    record = record_support(
        session,
        actor=world.actor,
        business_uuid=world.noodle_uuid,
        data={"kind": "其他", "given_on": "2026-01-10"},
    )
    session.commit()
    session.execute(update(SupportRecord).values(version=2, updated_by="单丽"))  # another terminal's save
    session.commit()
    with pytest.raises(SaveConflict, match="已被单丽修改"):
        delete_support(session, actor=world.actor, support_uuid=record.uuid, base_version=1)
    session.rollback()
    assert len(list_support(session, actor=world.actor)) == 1
