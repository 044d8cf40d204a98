"""名特优新: the workflow state machine, validity dates, and the service on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from distinction_support import (
    LI,
    RULES,
    TODAY,
    ZHANG,
    actor_of,
    other_office,
    set_tier,
)
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_tui_support import Office_, build_office

from storage.tables import ChangeLog
from storage.tables_distinctions import Distinction
from workbench.domain import distinctions as flow
from workbench.domain.candidates import CandidateRules
from workbench.domain.tiers import Tier
from workbench.services import business_events, distinction_lists
from workbench.services import distinctions as service
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed

# The state machine


def test_forward_path_is_the_published_order() -> None:
    path: list[str] = ["applied"]
    while (step := flow.next_step(path[-1])) is not None:
        path.append(step)
    assert [flow.STEP_LABELS[s] for s in path] == ["申报", "初审", "实地核查", "联审", "公示", "认定"]


@pytest.mark.parametrize("current", flow.OPEN_STEPS)
def test_every_open_step_may_be_returned_or_refused(current: str) -> None:
    flow.check_transition(current, "returned", "材料不全")
    flow.check_transition(current, "rejected", "不符合条件")


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (
            "applied",
            "recognised",
            "当前在「申报」，下一步只能是「初审」（或退回 / 不予认定），不能直接「认定」",
        ),
        (
            "preliminary",
            "publicity",
            "当前在「初审」，下一步只能是「实地核查」（或退回 / 不予认定），不能直接「公示」",
        ),
        (
            "site_check",
            "site_check",
            "当前在「实地核查」，下一步只能是「联审」（或退回 / 不予认定），不能直接「实地核查」",
        ),
        ("rejected", "applied", "该申报已「不予认定」，不能再「申报」；如需再次申报，请新建一条申报记录"),
        (
            "recognised",
            "rejected",
            "已「认定」的记录不能再「不予认定」；复核不通过时请选择「退出」并写明原因",
        ),
        ("returned", "preliminary", "已「退回」的申报须先补正后重新「申报」，不能直接「初审」"),
        ("exited", "recognised", "该认定已「退出」，不能再「认定」；如需再次认定，请新建一条申报记录"),
    ],
)
def test_illegal_transitions_are_refused_in_chinese(current: str, target: str, message: str) -> None:
    with pytest.raises(flow.TransitionRefused) as refused:
        flow.check_transition(current, target, "原因")
    assert refused.value.message == message


@pytest.mark.parametrize("target", sorted(flow.REASON_REQUIRED))
def test_return_refuse_and_exit_need_a_reason(target: str) -> None:
    current = "recognised" if target == "exited" else "joint_review"
    with pytest.raises(flow.TransitionRefused, match=f"「{flow.STEP_LABELS[target]}」必须写明原因"):
        flow.check_transition(current, target, "  ")


def test_returned_goes_back_to_applied() -> None:
    assert flow.allowed_steps("returned") == ("applied",)
    flow.check_transition("returned", "applied")


@pytest.mark.parametrize(
    ("recognised_on", "valid_from", "valid_until"),
    [
        (date(2025, 1, 1), date(2026, 1, 1), date(2028, 12, 31)),
        (date(2025, 12, 31), date(2026, 1, 1), date(2028, 12, 31)),
        (date(2024, 2, 29), date(2025, 1, 1), date(2027, 12, 31)),
    ],
)
def test_validity_runs_three_calendar_years_from_the_next_first_of_january(
    recognised_on: date, valid_from: date, valid_until: date
) -> None:
    assert flow.validity(recognised_on) == flow.Validity(valid_from, valid_until)


def test_reevaluation_is_due_from_the_lead_days_before_expiry() -> None:
    until = date(2028, 12, 31)
    assert not flow.reevaluation_due(until, date(2028, 9, 1), 120)
    assert flow.reevaluation_due(until, date(2028, 9, 2), 120)
    assert (
        flow.validity_text(date(2026, 1, 1), until, date(2028, 9, 2), 120)
        == "2026-01-01 至 2028-12-31（待复评）"
    )
    assert flow.validity_text(date(2026, 1, 1), until, date(2029, 1, 1), 120).endswith("（已过期）")
    assert flow.validity_text(date(2026, 1, 1), until, date(2027, 1, 1), 120) == "2026-01-01 至 2028-12-31"


# The service, on both engines


@pytest.fixture
def office(engine: Engine) -> Office_:
    return build_office(engine)


def apply(session: Session, office: Office_, name: str = ZHANG, on: date = TODAY) -> Distinction:
    distinction, _check = service.apply_distinction(
        session=session,
        actor=actor_of(office),
        business_uuid=office.business_uuids[name],
        category="distinctive",
        level="county",
        source="self_applied",
        applied_on=on,
        rules=RULES,
        rules_version="2026.1+abc",
    )
    return distinction


def walk(
    session: Session, office: Office_, distinction: Distinction, until: str, on: date = TODAY
) -> Distinction:
    while distinction.step != until:
        step = flow.next_step(distinction.step)
        assert step is not None
        distinction = service.advance(
            session=session,
            actor=actor_of(office),
            distinction_uuid=distinction.uuid,
            base_version=distinction.version,
            target=step,
            on=on,
            rules=RULES,
        )
    return distinction


def test_application_records_the_eligibility_check(session: Session, office: Office_) -> None:
    set_tier(session, office, ZHANG, Tier.GROWTH)
    distinction, check = service.apply_distinction(
        session=session,
        actor=actor_of(office),
        business_uuid=office.business_uuids[ZHANG],
        category="renowned",
        level="city",
        source="recommended",
        applied_on=TODAY,
        rules=RULES,
    )
    session.commit()
    assert check.passed
    assert distinction.step == "applied"
    assert (
        distinction.eligibility == "符合条件：分型为成长型；2019-03-05 成立，已连续经营2年以上；不在负面清单"
    )
    logged = session.exec(select(ChangeLog).where(col(ChangeLog.entity_uuid) == distinction.uuid)).all()
    assert {row.field for row in logged} >= {"category", "level", "source", "step", "applied_on"}


def test_ineligible_application_is_recorded_with_the_reasons(session: Session, office: Office_) -> None:
    set_tier(session, office, LI, Tier.SURVIVAL)
    distinction, check = service.apply_distinction(
        session=session,
        actor=actor_of(office),
        business_uuid=office.business_uuids[LI],
        category="quality",
        level="county",
        source="self_applied",
        applied_on=TODAY,
        rules=RULES,
    )
    assert not check.passed
    assert distinction.eligibility.startswith("不符合条件：分型为生存型，须为成长型或发展型")


def test_bad_choices_are_refused_naming_each(session: Session, office: Office_) -> None:
    with pytest.raises(ValidationFailed) as failed:
        service.apply_distinction(
            session=session,
            actor=actor_of(office),
            business_uuid=office.business_uuids[ZHANG],
            category="famous",
            level="town",
            source="self_applied",
            applied_on=TODAY,
            rules=RULES,
        )
    assert failed.value.errors == {
        "category": "请选择类别（名/特/优/新）",
        "level": "请选择级别（县级/市级/省级）",
    }


def test_full_workflow_sets_dates_validity_and_history(session: Session, office: Office_) -> None:
    distinction = apply(session, office)
    distinction = walk(session, office, distinction, "publicity", on=date(2025, 11, 10))
    distinction = service.advance(
        session=session,
        actor=actor_of(office),
        distinction_uuid=distinction.uuid,
        base_version=distinction.version,
        target="recognised",
        on=date(2025, 11, 20),
        rules=RULES,
    )
    session.commit()
    assert distinction.step == "recognised"
    assert (distinction.publicity_from, distinction.publicity_until) == (
        date(2025, 11, 10),
        date(2025, 11, 20),
    )
    assert (distinction.valid_from, distinction.valid_until) == (date(2026, 1, 1), date(2028, 12, 31))
    history = distinction_lists.step_history(
        session=session, actor=actor_of(office), distinction_uuid=distinction.uuid
    )
    assert [row.to_step for row in history] == list(flow.FORWARD_STEPS)
    assert history[1].from_step == "applied"


def test_validity_years_come_from_the_rules(session: Session, office: Office_) -> None:
    distinction = walk(session, office, apply(session, office), "publicity")
    distinction = service.advance(
        session=session,
        actor=actor_of(office),
        distinction_uuid=distinction.uuid,
        base_version=distinction.version,
        target="recognised",
        on=date(2025, 7, 1),
        rules=CandidateRules(validity_years=5),
    )
    assert distinction.valid_until == date(2030, 12, 31)


def test_illegal_step_is_refused_and_nothing_changes(session: Session, office: Office_) -> None:
    distinction = apply(session, office)
    session.commit()
    with pytest.raises(service.StepRefused) as refused:
        service.advance(
            session=session,
            actor=actor_of(office),
            distinction_uuid=distinction.uuid,
            base_version=distinction.version,
            target="recognised",
            on=TODAY,
            rules=RULES,
        )
    assert "不能直接「认定」" in refused.value.message
    session.rollback()
    assert (
        service.get_distinction(
            session=session, actor=actor_of(office), distinction_uuid=distinction.uuid
        ).step
        == "applied"
    )


def test_return_keeps_the_reason_and_allows_reapplying(session: Session, office: Office_) -> None:
    distinction = walk(session, office, apply(session, office), "site_check")
    distinction = service.advance(
        session=session,
        actor=actor_of(office),
        distinction_uuid=distinction.uuid,
        base_version=distinction.version,
        target="returned",
        on=TODAY,
        reason="缺少商标证明",
        rules=RULES,
    )
    assert (distinction.step, distinction.last_reason) == ("returned", "缺少商标证明")
    distinction = service.advance(
        session=session,
        actor=actor_of(office),
        distinction_uuid=distinction.uuid,
        base_version=distinction.version,
        target="applied",
        on=TODAY,
        rules=RULES,
    )
    assert distinction.step == "applied"


def test_stale_version_is_a_conflict(session: Session, office: Office_) -> None:
    distinction = apply(session, office)
    stale = distinction.version
    walk(session, office, distinction, "preliminary")
    with pytest.raises(SaveConflict):
        service.advance(
            session=session,
            actor=actor_of(office),
            distinction_uuid=distinction.uuid,
            base_version=stale,
            target="site_check",
            on=TODAY,
            rules=RULES,
        )


def test_negative_list_blocks_recognition(session: Session, office: Office_) -> None:
    distinction = walk(session, office, apply(session, office), "publicity")
    business_events.record_event(
        session=session,
        actor=actor_of(office),
        business_uuid=office.business_uuids[ZHANG],
        kind="penalty",
        occurred_on=date(2025, 3, 1),
        note="超范围经营 罚款2000元",
    )
    with pytest.raises(
        service.StepRefused, match="该户在负面清单内，不能认定：2025-03-01 受到罚款及以上行政处罚"
    ):
        service.advance(
            session=session,
            actor=actor_of(office),
            distinction_uuid=distinction.uuid,
            base_version=distinction.version,
            target="recognised",
            on=TODAY,
            rules=RULES,
        )


def test_event_on_a_recognised_household_flags_it_for_review(session: Session, office: Office_) -> None:
    distinction = walk(session, office, apply(session, office), "recognised")
    event, flagged = business_events.record_event(
        session=session,
        actor=actor_of(office),
        business_uuid=office.business_uuids[ZHANG],
        kind="accident",
        occurred_on=date(2025, 8, 1),
        note="后厨火灾",
    )
    session.commit()
    assert [row.uuid for row in flagged] == [distinction.uuid]
    row = distinction_lists.list_distinctions(session=session, actor=actor_of(office), review_only=True)[0]
    assert row.needs_review and row.review_reason == "待复核：2025-08-01 重大安全事故"
    assert session.exec(select(ChangeLog).where(col(ChangeLog.entity_uuid) == event.uuid)).first() is not None
    assert (
        session.exec(
            select(ChangeLog).where(
                col(ChangeLog.entity_uuid) == distinction.uuid, col(ChangeLog.field) == "needs_review"
            )
        ).first()
        is not None
    )
    kept = service.clear_review(
        session=session,
        actor=actor_of(office),
        distinction_uuid=distinction.uuid,
        base_version=row.version,
        reason="事故非经营者责任，经核查保留",
    )
    assert not kept.needs_review and kept.review_reason.startswith("复核保留：")


def test_event_on_an_applicant_flags_nothing(session: Session, office: Office_) -> None:
    apply(session, office)
    _event, flagged = business_events.record_event(
        session=session,
        actor=actor_of(office),
        business_uuid=office.business_uuids[ZHANG],
        kind="dishonest",
        occurred_on=TODAY,
    )
    assert flagged == []


def test_event_kind_and_dates_are_checked(session: Session, office: Office_) -> None:
    with pytest.raises(ValidationFailed):
        business_events.record_event(
            session=session,
            actor=actor_of(office),
            business_uuid=office.business_uuids[ZHANG],
            kind="warning",
            occurred_on=TODAY,
        )
    with pytest.raises(ValidationFailed, match="修复日期不能早于事件日期"):
        business_events.record_event(
            session=session,
            actor=actor_of(office),
            business_uuid=office.business_uuids[ZHANG],
            kind="penalty",
            occurred_on=TODAY,
            repaired_on=date(2025, 1, 1),
        )


def test_cap_warns_when_recognised_exceed_the_share(session: Session, office: Office_) -> None:
    set_tier(session, office, ZHANG, Tier.GROWTH)
    walk(session, office, apply(session, office), "recognised")
    status = distinction_lists.cap_status(session=session, actor=actor_of(office), rules=RULES, today=TODAY)
    assert (status.recognised, status.base, status.cap, status.exceeded) == (1, 1, 0, True)
    assert status.text == "已认定 1 户，超过上限 0 户（成长型+发展型 1 户的5%），请复核名单"
    roomy = distinction_lists.cap_status(
        session=session, actor=actor_of(office), rules=CandidateRules(cap_percent=100), today=TODAY
    )
    assert not roomy.exceeded and roomy.text == "已认定 1 户，上限 1 户（成长型+发展型 1 户的100%）"


def test_another_office_sees_and_changes_nothing(engine: Engine, session: Session, office: Office_) -> None:
    distinction = apply(session, office)
    session.commit()
    stranger = actor_of(other_office(engine), who="外所干部")
    assert distinction_lists.list_distinctions(session=session, actor=stranger) == []
    with pytest.raises(NotFound):
        service.advance(
            session=session,
            actor=stranger,
            distinction_uuid=distinction.uuid,
            base_version=distinction.version,
            target="preliminary",
            on=TODAY,
            rules=RULES,
        )
    with pytest.raises(NotFound):
        business_events.record_event(
            session=session,
            actor=stranger,
            business_uuid=office.business_uuids[ZHANG],
            kind="penalty",
            occurred_on=TODAY,
        )


def test_credit_repair_lifts_the_block_and_is_logged(session: Session, office: Office_) -> None:
    actor = actor_of(office)
    distinction = walk(session, office, apply(session, office), "publicity")
    event, _flagged = business_events.record_event(
        session=session,
        actor=actor,
        business_uuid=office.business_uuids[ZHANG],
        kind="penalty",
        occurred_on=date(2025, 3, 1),
    )
    with pytest.raises(ValidationFailed, match="修复日期不能早于事件日期"):
        business_events.mark_repaired(
            session=session,
            actor=actor,
            event_uuid=event.uuid,
            base_version=event.version,
            repaired_on=date(2025, 2, 1),
        )
    repaired = business_events.mark_repaired(
        session=session,
        actor=actor,
        event_uuid=event.uuid,
        base_version=event.version,
        repaired_on=date(2025, 5, 20),
    )
    assert repaired.repaired_on == date(2025, 5, 20)
    recognised = service.advance(
        session=session,
        actor=actor,
        distinction_uuid=distinction.uuid,
        base_version=distinction.version,
        target="recognised",
        on=TODAY,
        rules=RULES,
    )
    assert recognised.step == "recognised"
    logged = session.exec(
        select(ChangeLog).where(col(ChangeLog.entity_uuid) == event.uuid, col(ChangeLog.action) == "update")
    ).one()
    assert (logged.field, logged.old, logged.new) == ("repaired_on", None, "2025-05-20")
    listed = business_events.events_of(
        session=session, actor=actor, business_uuid=office.business_uuids[ZHANG]
    )
    assert [(row.kind, row.repaired_on) for row in listed] == [("penalty", date(2025, 5, 20))]
    with pytest.raises(SaveConflict):
        business_events.mark_repaired(
            session=session,
            actor=actor,
            event_uuid=event.uuid,
            base_version=event.version - 1,
            repaired_on=date(2025, 5, 21),
        )
