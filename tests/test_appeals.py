"""Appeals on both engines: intake with a working-day deadline, the whole loop, refusals, duplicates, conflicts."""

from __future__ import annotations

from datetime import date

import pytest
from service_world import World, make_world
from sqlmodel import Session, col, select

from storage.tables import ChangeLog
from storage.tables_service import Appeal
from workbench.domain import appeal_states as states
from workbench.services.appeals import (
    AppealFilters,
    AppealRefused,
    DuplicateAppeal,
    add_note,
    appeal_detail,
    assign_appeal,
    close_appeal,
    list_appeals,
    open_appeal,
    record_follow_up,
    reopen_appeal,
    reply_appeal,
)
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed

TODAY = date(2026, 11, 23)


def _open(session: Session, world: World, twin: bool = False, **extra: object) -> Appeal:
    data = {
        "business_uuid": world.noodle_uuid,
        "channel": "电话",
        "category": "政策咨询",
        "description": "想了解个体户社保补贴",
        "received_on": "2026-11-23",
        **extra,
    }
    appeal = open_appeal(session, actor=world.actor, data=data, today=TODAY, allow_duplicate=twin)
    assert isinstance(appeal, Appeal)
    session.commit()
    return appeal


def test_intake_computes_the_deadline_in_working_days(session: Session) -> None:
    world = make_world(session)
    appeal = _open(session, world)
    assert appeal.state == states.RECEIVED
    assert appeal.deadline == date(2026, 11, 30) and not appeal.deadline_estimated  # 5 working days
    line = list_appeals(session, actor=world.actor, today=TODAY)[0]
    assert (line.working_days_left, line.overdue, line.due_soon) == (5, False, False)


def test_a_deadline_reaching_into_2027_is_marked_estimated(session: Session) -> None:
    world = make_world(session)
    appeal = _open(session, world, received_on="2026-12-28", category="举报线索")
    assert appeal.deadline_estimated and appeal.deadline.year == 2027
    detail = appeal_detail(session, actor=world.actor, appeal_uuid=appeal.uuid, today=TODAY)
    assert "2027年节假日安排未收录，按周末计算" in detail.appeal.deadline_note
    assert "2027年节假日安排未收录" in detail.steps[0].note


def test_the_whole_loop_from_intake_to_follow_up_and_reopen(session: Session) -> None:
    world = make_world(session)
    appeal = _open(session, world)
    uuid = appeal.uuid
    version = appeal.version
    for step in (
        lambda v: assign_appeal(
            session, actor=world.actor, appeal_uuid=uuid, base_version=v, officer_id=world.second_officer_id
        ),
        lambda v: add_note(
            session, actor=world.actor, appeal_uuid=uuid, base_version=v, note="已电话联系经营者"
        ),
        lambda v: reply_appeal(
            session,
            actor=world.actor,
            appeal_uuid=uuid,
            base_version=v,
            reply="符合条件，已告知申领渠道",
            replied_on=date(2026, 11, 25),
        ),
        lambda v: close_appeal(
            session, actor=world.actor, appeal_uuid=uuid, base_version=v, closed_on=date(2026, 11, 26)
        ),
        lambda v: record_follow_up(
            session,
            actor=world.actor,
            appeal_uuid=uuid,
            base_version=v,
            satisfaction="满意",
            followed_up_on=date(2026, 11, 30),
        ),
        lambda v: reopen_appeal(
            session,
            actor=world.actor,
            appeal_uuid=uuid,
            base_version=v,
            reason="经营者反映补贴未到账",
            today=date(2026, 12, 1),
        ),
    ):
        version = step(version).version
        session.commit()
    detail = appeal_detail(session, actor=world.actor, appeal_uuid=uuid, today=TODAY)
    assert [step.action for step in detail.steps] == [
        "intake",
        "assign",
        "note",
        "reply",
        "close",
        "follow_up",
        "reopen",
    ]
    assert [step.to_state for step in detail.steps][-3:] == ["closed", "followed_up", "handling"]
    assert all(step.who == "张伟" for step in detail.steps)
    assert detail.appeal.state == states.HANDLING and detail.appeal.officer_name == "单丽"
    assert detail.appeal.reply == "" and detail.appeal.satisfaction is None
    assert detail.appeal.deadline == date(2026, 12, 8)
    assert detail.allowed_actions == (states.ASSIGN, states.NOTE, states.REPLY)
    logged = session.exec(
        select(ChangeLog.field).where(col(ChangeLog.entity_uuid) == uuid, col(ChangeLog.action) == "update")
    ).all()
    assert {"state", "officer_id", "reply", "closed_on", "satisfaction", "deadline"} <= set(logged)


def test_closing_without_a_reply_is_refused(session: Session) -> None:
    world = make_world(session)
    appeal = _open(session, world, officer_id=world.officer_id)
    assert appeal.state == states.HANDLING
    with pytest.raises(AppealRefused) as refused:
        close_appeal(session, actor=world.actor, appeal_uuid=appeal.uuid, base_version=appeal.version)
    assert str(refused.value) == "诉求当前为「办理中」，不能办结：尚未答复，办结前必须先答复"


def test_follow_up_before_closing_is_refused(session: Session) -> None:
    world = make_world(session)
    appeal = _open(session, world, officer_id=world.officer_id)
    appeal = reply_appeal(
        session, actor=world.actor, appeal_uuid=appeal.uuid, base_version=appeal.version, reply="已答复"
    )
    with pytest.raises(AppealRefused, match="「已答复」，不能回访：办结之后才能回访"):
        record_follow_up(
            session,
            actor=world.actor,
            appeal_uuid=appeal.uuid,
            base_version=appeal.version,
            satisfaction="满意",
        )


def _advance(session: Session, world: World, target: str) -> Appeal:
    appeal = _open(session, world, twin=True)
    path = {
        states.RECEIVED: [],
        states.HANDLING: ["assign"],
        states.REPLIED: ["assign", "reply"],
        states.CLOSED: ["assign", "reply", "close"],
        states.FOLLOWED_UP: ["assign", "reply", "close", "follow_up"],
    }[target]
    for action in path:
        appeal = _ACTIONS[action](session, world, appeal)
    session.commit()
    return appeal


_ACTIONS = {
    "assign": lambda s, w, a: assign_appeal(
        s, actor=w.actor, appeal_uuid=a.uuid, base_version=a.version, officer_id=w.officer_id
    ),
    "note": lambda s, w, a: add_note(
        s, actor=w.actor, appeal_uuid=a.uuid, base_version=a.version, note="记录"
    ),
    "reply": lambda s, w, a: reply_appeal(
        s, actor=w.actor, appeal_uuid=a.uuid, base_version=a.version, reply="答复"
    ),
    "close": lambda s, w, a: close_appeal(s, actor=w.actor, appeal_uuid=a.uuid, base_version=a.version),
    "follow_up": lambda s, w, a: record_follow_up(
        s, actor=w.actor, appeal_uuid=a.uuid, base_version=a.version, satisfaction="基本满意"
    ),
    "reopen": lambda s, w, a: reopen_appeal(
        s, actor=w.actor, appeal_uuid=a.uuid, base_version=a.version, reason="再次反映"
    ),
}


@pytest.mark.parametrize("state", list(states.STATE_LABELS))
def test_every_action_in_every_state_is_done_or_refused_and_nothing_changes_on_refusal(
    session: Session, state: str
) -> None:
    world = make_world(session)
    for action in states.ACTIONS:
        appeal = _advance(session, world, state)
        if (state, action) in states.TRANSITIONS:
            assert _ACTIONS[action](session, world, appeal).state == states.TRANSITIONS[(state, action)]
            session.rollback()
            continue
        steps_before = len(appeal_detail(session, actor=world.actor, appeal_uuid=appeal.uuid).steps)
        with pytest.raises(AppealRefused) as refused:
            _ACTIONS[action](session, world, appeal)
        assert f"「{states.STATE_LABELS[state]}」，不能{states.ACTION_LABELS[action]}" in str(refused.value)
        session.rollback()
        after = appeal_detail(session, actor=world.actor, appeal_uuid=appeal.uuid)
        assert after.appeal.state == state and len(after.steps) == steps_before


def test_a_duplicate_open_appeal_is_offered_as_a_link(session: Session) -> None:
    world = make_world(session)
    first = _open(session, world)
    again = open_appeal(
        session,
        actor=world.actor,
        today=TODAY,
        data={
            "business_uuid": world.noodle_uuid,
            "channel": "窗口",
            "category": "政策咨询",
            "description": "同一件事",
        },
    )
    assert isinstance(again, DuplicateAppeal)
    assert again.existing.uuid == first.uuid and "已有一件未办结的「政策咨询」诉求" in again.message
    other_category = open_appeal(
        session,
        actor=world.actor,
        today=TODAY,
        data={
            "business_uuid": world.noodle_uuid,
            "channel": "窗口",
            "category": "投诉纠纷",
            "description": "另一件",
        },
    )
    assert isinstance(other_category, Appeal)
    forced = open_appeal(
        session,
        actor=world.actor,
        today=TODAY,
        allow_duplicate=True,
        data={
            "business_uuid": world.noodle_uuid,
            "channel": "窗口",
            "category": "政策咨询",
            "description": "确需另立",
        },
    )
    assert isinstance(forced, Appeal)


def test_a_closed_appeal_is_no_duplicate(session: Session) -> None:
    world = make_world(session)
    _advance(session, world, states.CLOSED)
    again = open_appeal(
        session,
        actor=world.actor,
        today=TODAY,
        data={
            "business_uuid": world.noodle_uuid,
            "channel": "窗口",
            "category": "政策咨询",
            "description": "新问题",
        },
    )
    assert isinstance(again, Appeal)


def test_a_person_not_yet_registered_can_appeal(session: Session) -> None:
    world = make_world(session)
    appeal = open_appeal(
        session,
        actor=world.actor,
        today=TODAY,
        data={
            "person_name": "李先生",
            "person_phone": "13912345678",
            "channel": "12345转办",
            "category": "登记注册",
            "description": "想开一家早餐店，问需要什么材料",
        },
    )
    assert isinstance(appeal, Appeal) and appeal.business_id is None
    line = list_appeals(session, actor=world.actor, today=TODAY)[0]
    assert line.who == "李先生" and line.business_uuid is None


def test_intake_errors_are_chinese_and_name_the_field(session: Session) -> None:
    world = make_world(session)
    with pytest.raises(ValidationFailed) as refused:
        open_appeal(session, actor=world.actor, today=TODAY, data={"channel": "微信", "category": "政策咨询"})
    errors = refused.value.errors
    assert errors["person_name"] == "请选择市场主体，或填写尚未登记的诉求人姓名"
    assert "「微信」不在可选范围内" in errors["channel"] and errors["description"] == "诉求内容不能为空"


def test_a_stale_version_is_a_conflict(session: Session) -> None:
    world = make_world(session)
    appeal = _open(session, world)
    assign_appeal(
        session, actor=world.actor, appeal_uuid=appeal.uuid, base_version=1, officer_id=world.officer_id
    )
    session.commit()
    with pytest.raises(SaveConflict, match="当前状态「办理中」"):
        assign_appeal(
            session,
            actor=world.actor,
            appeal_uuid=appeal.uuid,
            base_version=1,
            officer_id=world.second_officer_id,
        )


def test_overdue_and_due_soon_are_flagged_and_sorted_first(session: Session) -> None:
    world = make_world(session)
    late = _open(session, world, received_on="2026-11-02")  # deadline 2026-11-09
    soon = _open(session, world, received_on="2026-11-16", category="投诉纠纷", business_uuid=world.tea_uuid)
    calm = _open(session, world, received_on="2026-11-23", category="经营场所", business_uuid=world.shop_uuid)
    lines = list_appeals(session, actor=world.actor, today=TODAY)
    assert [line.uuid for line in lines] == [late.uuid, soon.uuid, calm.uuid]
    assert lines[0].overdue and lines[0].urgency_text == "已逾期 10 个工作日"
    assert lines[1].due_soon and not lines[1].overdue and lines[1].urgency_text == "还剩 2 个工作日"
    assert not lines[2].due_soon and not lines[2].overdue
    urgent = list_appeals(session, actor=world.actor, today=TODAY, filters=AppealFilters(urgent_only=True))
    assert [line.uuid for line in urgent] == [late.uuid, soon.uuid]


def test_appeals_stay_inside_their_office(session: Session) -> None:
    world = make_world(session)
    appeal = _open(session, world)
    assert list_appeals(session, actor=world.other_actor, today=TODAY) == []
    with pytest.raises(NotFound):
        appeal_detail(session, actor=world.other_actor, appeal_uuid=appeal.uuid)
    with pytest.raises(NotFound):
        add_note(session, actor=world.other_actor, appeal_uuid=appeal.uuid, base_version=1, note="越权")
    with pytest.raises(ValidationFailed, match="不属于本所"):
        assign_appeal(
            session,
            actor=world.actor,
            appeal_uuid=appeal.uuid,
            base_version=1,
            officer_id=world.other_officer_id,
        )
    with pytest.raises(NotFound):
        open_appeal(
            session,
            actor=world.other_actor,
            today=TODAY,
            data={
                "business_uuid": world.noodle_uuid,
                "channel": "窗口",
                "category": "政策咨询",
                "description": "越权",
            },
        )
