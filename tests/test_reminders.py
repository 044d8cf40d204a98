"""The to-do list on both engines: computed from licenses, appeals, follow-ups, 年报 season, distinctions, 歇业."""

from __future__ import annotations

from datetime import date

from service_world import World, add_license, make_world
from sqlalchemy import insert
from sqlmodel import Session, SQLModel

from storage.audit import utc_now
from storage.tables import new_uuid
from workbench.domain.service_lists import parse_service_lists
from workbench.services.appeals import open_appeal
from workbench.services.register import get_business, update_business
from workbench.services.reminders import todo_list, urgency_of
from workbench.services.service_common import ServiceSettings
from workbench.services.visits import record_visit

TODAY = date(2026, 11, 23)  # a Monday


def _id(session: Session, world: World, uuid: str) -> int:
    business_id = get_business(session=session, actor=world.actor, business_uuid=uuid).id
    assert business_id is not None
    return business_id


def test_urgency_groups() -> None:
    assert [
        urgency_of(day, TODAY) for day in (date(2026, 11, 20), TODAY, date(2026, 11, 29), date(2026, 11, 30))
    ] == ["overdue", "today", "week", "soon"]


def test_licenses_show_from_their_lead_time_and_name_the_point_passed(session: Session) -> None:
    world = make_world(session)
    noodle = _id(session, world, world.noodle_uuid)
    add_license(
        session, world.actor, noodle, "食品经营许可证", date(2026, 12, 10)
    )  # 13 working days: 15-day point
    add_license(
        session, world.actor, noodle, "食品经营许可证", date(2027, 9, 1)
    )  # far beyond 90 working days
    add_license(
        session, world.actor, _id(session, world, world.tea_uuid), "食品经营许可证", date(2026, 11, 20)
    )
    items = [item for item in todo_list(session, actor=world.actor, today=TODAY) if item.kind == "licence"]
    assert [(item.urgency, item.business_name) for item in items] == [
        ("overdue", "阿香奶茶店"),
        ("soon", "老街兰州拉面馆"),
    ]
    assert "已于 2026-11-20 过期" in items[0].text
    assert "还有 13 个工作日，已进入到期前 15 个工作日提醒" in items[1].text
    assert (items[1].entity, items[1].entity_uuid) == ("business", world.noodle_uuid)
    add_license(session, world.actor, _id(session, world, world.shop_uuid), "食品经营许可证", TODAY)
    due_today = [
        item for item in todo_list(session, actor=world.actor, today=TODAY) if item.urgency == "today"
    ]
    assert [item.business_name for item in due_today] == ["西片便利店"] and "（今天到期，" in due_today[
        0
    ].text


def test_lead_times_per_license_type_come_from_the_office_settings(session: Session) -> None:
    world = make_world(session)
    add_license(
        session, world.actor, _id(session, world, world.noodle_uuid), "药品经营许可证", date(2027, 1, 20)
    )
    shipped = [item for item in todo_list(session, actor=world.actor, today=TODAY) if item.kind == "licence"]
    assert len(shipped) == 1 and "到期前 90 个工作日提醒" in shipped[0].text
    assert "2027年节假日安排未收录，按周末计算" in shipped[0].note  # its working days are counted into 2027
    lists = parse_service_lists('[licence_lead_times]\n"药品经营许可证" = [20, 10]\n"*" = [90, 30, 15]')
    narrow = todo_list(session, actor=world.actor, today=TODAY, settings=ServiceSettings(lists=lists))
    assert [item for item in narrow if item.kind == "licence"] == []


def test_appeals_due_soon_or_overdue_are_listed_for_their_officer(session: Session) -> None:
    world = make_world(session)
    for uuid, received, officer in (
        (world.noodle_uuid, "2026-11-02", world.officer_id),
        (world.tea_uuid, "2026-11-18", world.officer_id),
        (world.shop_uuid, "2026-11-02", world.second_officer_id),
    ):
        open_appeal(
            session,
            actor=world.actor,
            today=TODAY,
            data={
                "business_uuid": uuid,
                "channel": "电话",
                "category": "政策咨询",
                "description": "咨询",
                "received_on": received,
                "officer_id": officer,
            },
        )
    session.commit()
    mine = [
        item
        for item in todo_list(session, actor=world.actor, officer_id=world.officer_id, today=TODAY)
        if item.kind == "appeal"
    ]
    assert [(item.urgency, item.business_name) for item in mine] == [
        ("overdue", "老街兰州拉面馆"),
        ("week", "阿香奶茶店"),
    ]
    assert "已逾期 10 个工作日" in mine[0].text and mine[0].entity == "appeal"
    office = [item for item in todo_list(session, actor=world.actor, today=TODAY) if item.kind == "appeal"]
    assert len(office) == 3


def test_visit_follow_ups_due_are_listed_until_done(session: Session) -> None:
    world = make_world(session)
    visit = record_visit(
        session,
        actor=world.actor,
        business_uuid=world.tea_uuid,
        data={
            "visited_on": "2026-11-10",
            "finding": "未开业",
            "follow_ups": [
                {"action": "复查是否开业", "due_on": "2026-11-23"},
                {"action": "年底回访", "due_on": "2026-12-28"},
            ],
        },
    )
    session.commit()
    items = [
        item
        for item in todo_list(session, actor=world.actor, officer_id=world.officer_id, today=TODAY)
        if item.kind == "follow_up"
    ]
    assert [(item.urgency, item.entity, item.entity_uuid) for item in items] == [
        ("today", "visit", visit.uuid)
    ]
    assert "复查是否开业" in items[0].text


def test_follow_ups_show_fifteen_working_days_ahead_unless_the_office_says_otherwise(session: Session) -> None:
    """From Monday 2026-11-23 the 15th working day is Monday 2026-12-14 (no holiday in between): a follow-up
    due in two weeks (12-07) and one due that day show, one due the day after does not."""
    world = make_world(session)
    record_visit(
        session,
        actor=world.actor,
        business_uuid=world.tea_uuid,
        data={
            "visited_on": "2026-11-20",
            "finding": "正常经营",
            "follow_ups": [
                {"action": "两周后复查", "due_on": "2026-12-07"},
                {"action": "第十五个工作日", "due_on": "2026-12-14"},
                {"action": "第十六个工作日", "due_on": "2026-12-15"},
            ],
        },
    )
    session.commit()

    def shown(settings: ServiceSettings) -> list[tuple[str, str]]:
        items = todo_list(session, actor=world.actor, today=TODAY, settings=settings)
        return [(item.urgency, item.text.split("「")[1].split("」")[0]) for item in items if item.kind == "follow_up"]

    assert shown(ServiceSettings()) == [("soon", "两周后复查"), ("soon", "第十五个工作日")]
    narrow = ServiceSettings(lists=parse_service_lists("todo_horizon_working_days = 5\n"))
    assert shown(narrow) == []
    assert parse_service_lists("").todo_horizon_working_days == 15


def test_a_horizon_that_is_not_a_whole_number_of_days_is_named() -> None:
    import pytest

    with pytest.raises(ValueError, match="todo_horizon_working_days 应为正整数（工作日天数），现为「0」"):
        parse_service_lists("todo_horizon_working_days = 0\n")


def test_annual_report_season_is_one_summary_line(session: Session) -> None:
    world = make_world(session)
    items = todo_list(session, actor=world.actor, today=date(2026, 3, 2))
    reports = [item for item in items if item.kind == "annual_report"]
    assert len(reports) == 1 and reports[0].text.startswith("年报季：本所个体户应于 2026-06-30 前报送")
    assert reports[0].due_on == date(2026, 6, 30) and (reports[0].entity, reports[0].entity_uuid) == ("", "")
    assert "2025 年度年报" in reports[0].text
    assert [
        item for item in todo_list(session, actor=world.actor, today=TODAY) if item.kind == "annual_report"
    ] == []
    mine = todo_list(session, actor=world.actor, officer_id=world.officer_id, today=date(2026, 6, 30))
    assert [item.urgency for item in mine if item.kind == "annual_report"] == ["today"]


def test_suspensions_reaching_their_end_date(session: Session) -> None:
    world = make_world(session)
    update_business(
        session=session,
        actor=world.actor,
        business_uuid=world.noodle_uuid,
        base_version=1,
        changes={
            "suspended": True,
            "suspended_from": date(2025, 11, 25),
            "suspended_until": date(2026, 11, 25),
        },
    )
    session.commit()
    items = [item for item in todo_list(session, actor=world.actor, today=TODAY) if item.kind == "suspension"]
    assert [(item.urgency, item.entity_uuid) for item in items] == [("week", world.noodle_uuid)]
    assert "歇业期将于 2026-11-25 届满" in items[0].text


def test_distinctions_due_for_re_evaluation(session: Session) -> None:
    world = make_world(session)
    table = SQLModel.metadata.tables["distinction"]
    uuid = new_uuid()
    session.execute(
        insert(table).values(
            uuid=uuid,
            version=1,
            updated_at=utc_now(),
            updated_by="张伟",
            device="一号机",
            office_id=world.actor.office_id,
            business_id=_id(session, world, world.noodle_uuid),
            category="distinctive",
            level="county",
            source="self_applied",
            step="recognised",
            applied_on=date(2023, 3, 1),
            recognised_on=date(2023, 6, 1),
            valid_from=date(2024, 1, 1),
            valid_until=date(2026, 12, 31),
            needs_review=False,
            review_reason="",
            last_reason="",
            eligibility="",
            rules_version="",
        )
    )
    session.commit()
    items = [
        item for item in todo_list(session, actor=world.actor, today=TODAY) if item.kind == "distinction"
    ]
    assert [(item.entity, item.entity_uuid, item.due_on) for item in items] == [
        ("distinction", uuid, date(2026, 12, 31))
    ]


def test_the_list_is_sorted_by_urgency_and_scoped_to_the_office(session: Session) -> None:
    world = make_world(session)
    add_license(
        session, world.actor, _id(session, world, world.noodle_uuid), "食品经营许可证", date(2026, 12, 10)
    )
    add_license(
        session, world.actor, _id(session, world, world.tea_uuid), "食品经营许可证", date(2026, 11, 20)
    )
    items = todo_list(session, actor=world.actor, today=TODAY)
    order = ["overdue", "today", "week", "soon"]
    assert [order.index(item.urgency) for item in items] == sorted(
        order.index(item.urgency) for item in items
    )
    assert todo_list(session, actor=world.other_actor, today=TODAY) == []
