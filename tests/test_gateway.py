"""The screens' facade on both engines: each write commits as one unit, a refusal writes nothing at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from service_world import World, make_world
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from imports.file_gateway import FileGateway
from storage.tables import Business, ChangeLog, Grid, Officer
from storage.tables_service import Visit, VisitFollowUp
from workbench.domain import appeal_states as states
from workbench.services.appeals import AppealFilters
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.gateway import Gateway
from workbench.services.gateway.service_desk import AppealStep
from workbench.services.service_common import DEFAULT_SETTINGS
from workbench.services.settings import OfficeSettings

TODAY = date(2026, 11, 23)


@pytest.fixture
def world(engine: Engine) -> World:
    with Session(engine) as session:
        return make_world(session)


def rows(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_a_saved_business_is_committed_and_a_refused_one_writes_nothing(engine: Engine, world: World) -> None:
    register = Gateway(engine).register
    logged = rows(engine, ChangeLog)
    uuid = register.save(world.actor, None, 0, {"name": "五马街修鞋铺", "kind": "个体工商户", "operator": "李明",
                                               "address": "五马街9号", "registered_on": "2024-05-03"})
    assert register.detail(world.actor, uuid).values["name"] == "五马街修鞋铺"
    assert rows(engine, ChangeLog) > logged
    before = (rows(engine, Business), rows(engine, ChangeLog))
    with pytest.raises(ValidationFailed):
        register.save(world.actor, None, 0, {"name": "", "kind": "个体工商户"})
    assert (rows(engine, Business), rows(engine, ChangeLog)) == before


def test_a_stale_save_is_a_conflict_and_the_saved_values_are_read_for_the_dialog(
    engine: Engine, world: World
) -> None:
    register = Gateway(engine).register
    version = register.detail(world.actor, world.noodle_uuid).version
    register.save(world.actor, world.noodle_uuid, version, {"phone": "13957712345"})
    with pytest.raises(SaveConflict):
        register.save(world.actor, world.noodle_uuid, version, {"address": "五马街5号"})
    current = register.saved_values(world.actor, world.noodle_uuid)
    assert current is not None and current["phone"] == "13957712345"
    assert current["address"] == "温州市鹿城区五马街3号"
    assert register.saved_values(world.actor, "no-such-business") is None


def test_finishing_a_follow_up_finishes_the_visits_follow_ups_of_that_day_in_one_transaction(
    engine: Engine, world: World
) -> None:
    service = Gateway(engine).service
    data = {"finding": "正常经营", "visited_on": "2026-11-20", "follow_ups": [
        {"action": "复查灭火器", "due_on": "2026-11-24"}, {"action": "回访证照", "due_on": "2026-11-24"},
    ]}  # fmt: skip
    service.record_visit(world.actor, world.noodle_uuid, data=data, observed={}, base_version=None,
                         settings=DEFAULT_SETTINGS)  # fmt: skip
    todo = service.todo(world.actor, officer_id=None, today=TODAY, settings=DEFAULT_SETTINGS)
    lines = [item for item in todo if item.kind == "follow_up"]
    assert len(lines) == 2
    with pytest.raises(ValidationFailed) as refused:
        service.finish_follow_up(world.actor, lines[0], TODAY, "  ")
    assert refused.value.errors == {"note": "请写明办理情况（做了什么、结果如何），再保存"}
    assert service.finish_follow_up(world.actor, lines[0], TODAY, "已复查，灭火器在有效期内") == 2
    with Session(engine) as session:
        done = session.exec(select(VisitFollowUp.done_on)).all()
    assert done == [TODAY, TODAY]
    todo = service.todo(world.actor, officer_id=None, today=TODAY, settings=DEFAULT_SETTINGS)
    assert not [item for item in todo if item.kind == "follow_up"]


def test_a_follow_up_marked_done_shows_its_note_in_the_timeline_and_can_be_opened_again(
    engine: Engine, world: World
) -> None:
    service = Gateway(engine).service
    data = {"finding": "正常经营", "visited_on": "2026-11-20", "follow_ups": [
        {"action": "复查灭火器", "due_on": "2026-11-24"},
    ]}  # fmt: skip
    service.record_visit(world.actor, world.noodle_uuid, data=data, observed={}, base_version=None,
                         settings=DEFAULT_SETTINGS)  # fmt: skip
    [line] = [item for item in service.todo(world.actor, officer_id=None, today=TODAY, settings=DEFAULT_SETTINGS)
              if item.kind == "follow_up"]  # fmt: skip
    service.finish_follow_up(world.actor, line, TODAY, "已复查，合格")
    [done] = [entry for entry in service.timeline(world.actor, world.noodle_uuid) if entry.entity == "visit_follow_up"]
    assert (done.title, done.detail, done.undoable) == ("跟进办完：复查灭火器", "办理情况：已复查，合格", True)
    assert service.reopen_follow_up(world.actor, done.entity_uuid) == "复查灭火器"
    todo = service.todo(world.actor, officer_id=None, today=TODAY, settings=DEFAULT_SETTINGS)
    assert [item.text for item in todo if item.kind == "follow_up"] == [line.text]
    events = [entry for entry in service.timeline(world.actor, world.noodle_uuid) if entry.entity == "visit_follow_up"]
    # Newest first; neither can be undone now (the follow-up is open), and undoing twice is refused in words.
    assert [(entry.title, entry.undoable) for entry in events] == [
        ("撤销办完：复查灭火器", False), ("跟进办完：复查灭火器", False),
    ]  # fmt: skip
    with pytest.raises(NotFound, match="现在没有标记办完，无需撤销"):
        service.reopen_follow_up(world.actor, done.entity_uuid)


def test_a_visit_with_a_bad_observed_phone_writes_neither_the_visit_nor_the_edit(
    engine: Engine, world: World
) -> None:
    service = Gateway(engine).service
    with pytest.raises(ValidationFailed):
        service.record_visit(world.actor, world.noodle_uuid, data={"finding": "正常经营"},
                             observed={"phone": "12"}, base_version=None, settings=DEFAULT_SETTINGS)  # fmt: skip
    assert rows(engine, Visit) == 0


def test_an_appeal_goes_through_its_steps_each_committed(engine: Engine, world: World) -> None:
    service = Gateway(engine).service
    data = {"business_uuid": world.noodle_uuid, "channel": "电话", "category": "政策咨询",
            "description": "想了解个体户社保补贴", "received_on": "2026-11-23"}  # fmt: skip
    intake = service.open_appeal(world.actor, data, settings=DEFAULT_SETTINGS, today=TODAY)
    assert intake.duplicate_message == ""
    again = service.open_appeal(world.actor, data, settings=DEFAULT_SETTINGS, today=TODAY)
    assert again.appeal_uuid == intake.appeal_uuid and "政策咨询" in again.duplicate_message
    for action, extra in ((states.ASSIGN, {"officer_id": world.officer_id}), (states.REPLY, {"reply": "已告知"}),
                          (states.CLOSE, {"note": "已办结"})):  # fmt: skip
        detail = service.appeal(world.actor, intake.appeal_uuid, settings=DEFAULT_SETTINGS, today=TODAY)
        step = AppealStep(action, intake.appeal_uuid, detail.appeal.version, TODAY, **extra)  # type: ignore[arg-type]
        service.appeal_step(world.actor, step, DEFAULT_SETTINGS)
    lines = service.appeals(world.actor, AppealFilters(open_only=False), settings=DEFAULT_SETTINGS, today=TODAY,
                            limit=10)  # fmt: skip
    assert [line.state for line in lines] == [states.CLOSED]


def test_a_conversion_naming_an_unknown_new_enterprise_is_refused_on_that_field_and_writes_nothing(
    engine: Engine, world: World
) -> None:
    gateway = Gateway(engine)
    version = gateway.register.detail(world.actor, world.noodle_uuid).version
    before = rows(engine, ChangeLog)
    with pytest.raises(ValidationFailed) as refused:
        gateway.programmes.convert(world.actor, world.noodle_uuid, version, method="deregister_and_establish",
                                   converted_on=TODAY, new_name="", new_business_text="没有这家公司", note="")  # fmt: skip
    assert set(refused.value.errors) == {"new_business"}
    gateway.programmes.convert(world.actor, world.noodle_uuid, version, method="direct_change",
                               converted_on=TODAY, new_name="温州拉面餐饮有限公司", new_business_text="", note="")  # fmt: skip
    values = gateway.register.detail(world.actor, world.noodle_uuid).values
    assert values["name"] == "温州拉面餐饮有限公司" and rows(engine, ChangeLog) > before


def test_pools_events_and_repairs_through_the_facade(engine: Engine, world: World, tmp_path: Path) -> None:
    programmes = Gateway(engine).programmes
    programmes.enter_pool(world.actor, world.tea_uuid, pool="conversion", entered_on=TODAY, reason="营业额达标")
    members = programmes.pool_members(world.actor, pool="conversion", grid_id=None, officer_id=None,
                                      include_left=False)  # fmt: skip
    assert [member.business_name for member in members] == ["阿香奶茶店"]
    programmes.leave_pool(world.actor, members[0], left_on=TODAY, reason="已转企")
    assert programmes.pool_members(world.actor, pool="conversion", grid_id=None, officer_id=None,
                                   include_left=False) == []  # fmt: skip
    assert programmes.record_event(world.actor, world.tea_uuid, kind="penalty", occurred_on=TODAY, note="罚款",
                                   repaired_on=None) == 0  # fmt: skip
    [event] = programmes.open_events(world.actor, world.tea_uuid)
    assert "罚款及以上行政处罚" in event.label
    programmes.mark_repaired(world.actor, event, TODAY)
    assert programmes.open_events(world.actor, world.tea_uuid) == []
    rules = OfficeSettings(tmp_path).candidates
    text = programmes.apply_distinction(world.actor, business_uuid=None, business_text="阿香奶茶店",
                                        category="renowned", level="county", source="self_applied",
                                        applied_on=TODAY, rules=rules)  # fmt: skip
    found, cap = programmes.distinctions(world.actor, review_only=False, business_uuid=None, rules=rules.rules,
                                         today=TODAY)  # fmt: skip
    assert text and [row.business_name for row in found] == ["阿香奶茶店"] and cap.text


def test_a_manual_tier_is_set_and_cleared(engine: Engine, world: World, tmp_path: Path) -> None:
    classification = Gateway(engine).classification
    rules = OfficeSettings(tmp_path).classification
    assert classification.override(world.actor, world.noodle_uuid, tier="development", reason="省级老字号",
                                   rules=rules, today=TODAY) == "发展型（人工认定：省级老字号）"  # fmt: skip
    view = classification.of_business(world.actor, world.noodle_uuid, rules=rules, today=TODAY)
    assert view.override_tier is not None and view.override_by == "张伟"
    assert "人工认定" not in classification.clear_override(world.actor, world.noodle_uuid, "复核后按计算结果")
    report = classification.recompute(world.actor, rules=rules, today=TODAY, dry_run=True, progress=lambda _n: None)
    assert report.dry_run


def test_staff_changes_are_committed_and_the_pickers_see_them(engine: Engine, world: World) -> None:
    staff = Gateway(engine).staff
    assert staff.save_grid(world.actor, None, {"name": "五马北片区"}) == "五马北片区"
    assert staff.save_officer(world.actor, None, {"name": "李娜", "phone": "", "grid_id": None}) == "李娜"
    officers, grids = staff.overview(world.actor)
    line = next(officer for officer in officers if officer.name == "李娜")
    staff.set_active(world.actor, line, False)
    offices, active, grid_choices = staff.office_lists()
    office_id = world.actor.office_id
    assert "李娜" not in [choice.name for choice in active[office_id]]
    assert "五马北片区" in [choice.name for choice in grid_choices[office_id]]
    assert [office.id for office in offices][0] == office_id
    with Session(engine) as session:
        assert session.exec(select(Officer).where(col(Officer.name) == "李娜")).one().active is False
        assert session.exec(select(Grid).where(col(Grid.name) == "五马北片区")).one()


def test_a_pool_export_writes_its_file_and_logs_it(engine: Engine, world: World, tmp_path: Path) -> None:
    programmes = Gateway(engine).programmes
    programmes.enter_pool(world.actor, world.tea_uuid, pool="conversion", entered_on=TODAY, reason="营业额达标")
    members = programmes.pool_members(world.actor, pool="conversion", grid_id=None, officer_id=None,
                                      include_left=False)  # fmt: skip
    target = FileGateway(engine).export_pool(world.actor, pool="conversion", rows=members, names={},
                                             description="个转企培育库", path=str(tmp_path / "培育库"))  # fmt: skip
    assert target.exists() and target.suffix == ".xlsx"
    with Session(engine) as session:
        logged = session.exec(select(ChangeLog).where(col(ChangeLog.action) == "export")).all()
    assert len({row.entity_uuid for row in logged}) == 1 and "培育库.xlsx" in {row.new for row in logged}
