"""Visits on both engines: observed changes go through the normal edit path, follow-ups, today's route, scope."""

from __future__ import annotations

from datetime import date

import pytest
from service_world import make_world
from sqlmodel import Session, col, select

from storage.tables import ChangeLog
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.register import get_business, update_business
from workbench.services.visits import complete_follow_up, day_route, list_visits, record_visit


def test_a_visit_that_sees_a_new_phone_changes_the_business_through_its_edit_path(session: Session) -> None:
    world = make_world(session)
    version = get_business(session=session, actor=world.actor, business_uuid=world.noodle_uuid).version
    visit = record_visit(
        session,
        actor=world.actor,
        business_uuid=world.noodle_uuid,
        data={
            "visited_on": "2026-11-20",
            "officers_present": ["张伟", "单丽"],
            "purpose": "日常走访",
            "finding": "正常经营",
            "notes": "店面已重新装修",
        },
        observed_changes={"phone": "13957712345", "employees": "4人"},
        base_version=version,
    )
    session.commit()
    business = get_business(session=session, actor=world.actor, business_uuid=world.noodle_uuid)
    assert (business.phone, business.employees, business.version) == ("13957712345", 4, version + 1)
    assert visit.officers_present == "张伟、单丽" and visit.officer_id == world.officer_id
    assert visit.observed == "联系电话：13800000001 改为 13957712345；从业人员：（空） 改为 4"
    edits = session.exec(
        select(ChangeLog).where(
            col(ChangeLog.entity_uuid) == world.noodle_uuid, col(ChangeLog.action) == "update"
        )
    ).all()
    assert {(row.field, row.old, row.new) for row in edits} == {
        ("phone", "13800000001", "13957712345"),
        ("employees", None, "4"),
    }


def test_an_invalid_observed_phone_refuses_the_whole_visit(session: Session) -> None:
    world = make_world(session)
    with pytest.raises(ValidationFailed):
        record_visit(
            session,
            actor=world.actor,
            business_uuid=world.noodle_uuid,
            data={"finding": "正常经营"},
            observed_changes={"phone": "12"},
        )
    session.rollback()
    assert list_visits(session, actor=world.actor) == []


def test_only_phone_address_and_employees_may_be_observed(session: Session) -> None:
    world = make_world(session)
    with pytest.raises(ValidationFailed, match="走访时不能修改「name」"):
        record_visit(
            session,
            actor=world.actor,
            business_uuid=world.noodle_uuid,
            data={"finding": "正常经营"},
            observed_changes={"name": "新名字"},
        )


def test_a_business_edited_since_the_form_opened_is_a_conflict(session: Session) -> None:
    world = make_world(session)
    update_business(
        session=session,
        actor=world.actor,
        business_uuid=world.noodle_uuid,
        base_version=1,
        changes={"address": "温州市鹿城区五马街5号"},
    )
    session.commit()
    with pytest.raises(SaveConflict):
        record_visit(
            session,
            actor=world.actor,
            business_uuid=world.noodle_uuid,
            data={"finding": "正常经营"},
            observed_changes={"phone": "13957712345"},
            base_version=1,
        )


def test_findings_and_follow_ups_are_checked_in_chinese(session: Session) -> None:
    world = make_world(session)
    with pytest.raises(ValidationFailed) as refused:
        record_visit(
            session,
            actor=world.actor,
            business_uuid=world.noodle_uuid,
            data={"finding": "关门了", "follow_ups": [{"action": "复查", "due_on": "下周"}, {"action": ""}]},
        )
    errors = refused.value.errors
    assert "「关门了」不在可选范围内" in errors["finding"]
    assert errors["follow_ups.1"].startswith("第 1 项跟进的完成期限")
    assert errors["follow_ups.2"] == "第 2 项跟进须写明事项和完成期限"


def test_follow_ups_are_listed_and_completed(session: Session) -> None:
    world = make_world(session)
    record_visit(
        session,
        actor=world.actor,
        business_uuid=world.tea_uuid,
        data={
            "visited_on": "2026-11-20",
            "finding": "未开业",
            "follow_ups": [{"action": "复查是否开业", "due_on": "2026-12-01"}],
        },
    )
    session.commit()
    line = list_visits(session, actor=world.actor, business_uuid=world.tea_uuid)[0]
    follow_up = line.follow_ups[0]
    assert (line.finding, follow_up.action, follow_up.due_on, follow_up.done_on) == (
        "未开业",
        "复查是否开业",
        date(2026, 12, 1),
        None,
    )
    complete_follow_up(
        session, actor=world.actor, follow_up_uuid=follow_up.uuid, base_version=1, done_on=date(2026, 11, 30)
    )
    session.commit()
    assert list_visits(session, actor=world.actor)[0].follow_ups[0].done_on == date(2026, 11, 30)
    with pytest.raises(SaveConflict):
        complete_follow_up(session, actor=world.actor, follow_up_uuid=follow_up.uuid, base_version=1)


def test_the_days_route_is_what_is_due_grouped_by_street_in_natural_order(session: Session) -> None:
    """Only businesses with something due by the day (a follow-up, overdue included; an ended 歇业): not the
    officer's whole list. 五马街 10号 comes before 102号, and 解放路 is its own group."""
    world = make_world(session)
    day = date(2026, 11, 23)
    for uuid, address in ((world.noodle_uuid, "温州市鹿城区五马街102号"), (world.tea_uuid, "温州市鹿城区五马街10号")):
        business = get_business(session=session, actor=world.actor, business_uuid=uuid)
        update_business(session=session, actor=world.actor, business_uuid=uuid, base_version=business.version,
                        changes={"address": address})  # fmt: skip
    for uuid, due_on in ((world.noodle_uuid, "2026-11-20"), (world.tea_uuid, "2026-11-23")):
        record_visit(session, actor=world.actor, business_uuid=uuid, data={
            "visited_on": "2026-11-02", "finding": "正常经营", "follow_ups": [{"action": "复查", "due_on": due_on}],
        })  # fmt: skip
    session.commit()
    route = day_route(session, actor=world.actor, day=day)
    assert [(stop.area, stop.name) for stop in route] == [("五马街", "阿香奶茶店"), ("五马街", "老街兰州拉面馆")]
    assert route[0].reasons == ("跟进：复查（期限 2026-11-23）",)
    assert route[1].reasons == ("跟进：复查（期限 2026-11-20）",)  # overdue: still on today's walk
    assert route[1].last_visited_on == date(2026, 11, 2) and route[0].street_address == "五马街10号"
    assert day_route(session, actor=world.actor, day=date(2026, 11, 19)) == []  # nothing due yet
    assert day_route(session, actor=world.actor, day=day, grid_id=world.second_grid_id) == []
    # 单丽's 西片便利店: a 歇业 period that ended is a stop too.
    shop = get_business(session=session, actor=world.actor, business_uuid=world.shop_uuid)
    update_business(session=session, actor=world.actor, business_uuid=shop.uuid, base_version=shop.version, changes={
        "suspended": True, "suspended_from": "2026-05-01", "suspended_until": "2026-11-01",
    })  # fmt: skip
    session.commit()
    [stop] = day_route(session, actor=world.actor, day=day, officer_id=world.second_officer_id)
    assert (stop.area, stop.reasons) == ("解放路", ("歇业期已于 2026-11-01 届满，核实是否恢复营业",))


def test_visits_stay_inside_their_office(session: Session) -> None:
    world = make_world(session)
    record_visit(session, actor=world.actor, business_uuid=world.noodle_uuid, data={"finding": "正常经营"})
    session.commit()
    assert list_visits(session, actor=world.other_actor) == []
    with pytest.raises(NotFound):
        record_visit(
            session, actor=world.other_actor, business_uuid=world.noodle_uuid, data={"finding": "正常经营"}
        )
    assert day_route(session, actor=world.other_actor, day=date(2026, 11, 23)) == []


def test_the_visit_goes_to_the_officer_at_the_keyboard_even_when_two_share_a_name(session: Session) -> None:
    """Actor.officer_id (set by the TUI) decides; a namesake in the office does not take the visit."""
    from dataclasses import replace

    from storage.tables import Officer
    from storage.tables_service import Visit

    world = make_world(session)
    namesake = Officer(office_id=world.actor.office_id, name="张伟")
    session.add(namesake)
    session.flush()
    me = replace(world.actor, officer_id=namesake.id)
    record_visit(
        session,
        actor=me,
        business_uuid=world.noodle_uuid,
        data={"visited_on": "2026-11-02", "finding": "正常经营"},
    )
    foreign = replace(world.actor, officer_id=world.other_officer_id)  # another office's officer: never used
    record_visit(
        session,
        actor=foreign,
        business_uuid=world.tea_uuid,
        data={"visited_on": "2026-11-03", "finding": "正常经营"},
    )
    session.commit()
    officers = dict(session.exec(select(Visit.visited_on, Visit.officer_id)).all())
    assert officers[date(2026, 11, 2)] == namesake.id
    assert officers[date(2026, 11, 3)] == world.officer_id  # found by name in the actor's own office
