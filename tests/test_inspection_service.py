"""双随机 on both engines: inspectors, tasks, the recorded draw (locked, 重抽 keeps the first), verify."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from inspection_world import RULES, add_businesses, make_inspection_world, make_task
from sqlmodel import Session, col, select

from storage.tables import Business, ChangeLog
from storage.tables_inspection import InspectionDraw, InspectionPair
from workbench.services.errors import ValidationFailed
from workbench.services.inspection_draws import DrawRefused, draw_task
from workbench.services.inspection_tasks import TaskSpec, create_task
from workbench.services.inspection_verify import verify_task
from workbench.services.inspectors import add_inspector, add_recusal, list_inspectors


def _documented_order(seed: str, uuids: list[str], wanted: int) -> list[str]:
    return sorted(uuids, key=lambda u: hashlib.sha256(f"{seed}:{u}".encode()).hexdigest())[:wanted]


def test_an_inspector_without_a_valid_certificate_is_not_drawable(session: Session) -> None:
    world = make_inspection_world(session)
    lines = {line.name: line for line in list_inspectors(session, actor=world.world.actor)}
    assert lines["张伟"].drawable_problem(date(2026, 12, 31)) is None
    assert "到期" in (lines["钱过期"].drawable_problem(date(2026, 12, 31)) or "")
    assert lines["钱过期"].drawable_problem(date(2026, 12, 30)) is None
    assert lines["孙无证"].drawable_problem(date(2026, 12, 31)) == "没有执法证号"
    assert lines["张伟"].unit == "五马市场监管所" and lines["张伟"].officer_id == world.world.officer_id
    logged = session.exec(select(ChangeLog.field).where(col(ChangeLog.entity_uuid) == lines["赵敏"].uuid))
    assert {"name", "unit", "cert_no", "cert_expires_on"} <= set(logged)


def test_bad_inspector_input_is_named_in_chinese(session: Session) -> None:
    world = make_inspection_world(session, 3)
    with pytest.raises(ValidationFailed) as refused:
        add_inspector(session, actor=world.world.actor, data={
            "name": "", "own_office": False, "cert_expires_on": "明年", "officer": "无此人"})  # fmt: skip
    assert set(refused.value.errors) == {"name", "unit", "cert_expires_on", "officer"}
    assert "2027-06-30" in refused.value.errors["cert_expires_on"]


def test_a_task_refuses_every_mistake_at_once(session: Session) -> None:
    world = make_inspection_world(session, 3)
    spec = TaskSpec("", "临时", (), date(2026, 12, 31), date(2026, 12, 1), ratio="0")
    with pytest.raises(ValidationFailed) as refused:
        create_task(session, actor=world.world.actor, spec=spec)
    assert set(refused.value.errors) == {"name", "source", "items", "ends_on", "ratio"}


def test_the_same_seed_and_population_give_the_documented_draw(session: Session) -> None:
    world = make_inspection_world(session, 80)
    task = make_task(session, world.world)
    report = draw_task(session, actor=world.world.actor, task=task, rules=RULES, seed="20261207", dry_run=True)
    everyone = sorted([*world.business_uuids, world.world.noodle_uuid, world.world.tea_uuid, world.world.shop_uuid])
    assert report.population_count == 83
    assert [line.business.uuid for line in report.lines] == _documented_order("20261207", everyone, 9)  # ceil(8.3)
    assert report.population_hash == hashlib.sha256("".join(f"{u}\t\n" for u in everyone).encode()).hexdigest()
    drawn = {name for line in report.lines for name in line.inspectors}
    assert drawn <= {"张伟", "单丽", "李强"}  # 钱过期 expires before the end, 孙无证 has none, 赵敏 not in the task
    assert dict(report.excluded).keys() == {"钱过期", "孙无证", "赵敏"}
    assert session.exec(select(InspectionDraw)).first() is None  # a dry run records nothing


def test_recusal_skips_the_officer_of_the_business_and_relations(session: Session) -> None:
    world = make_inspection_world(session, 30)
    actor = world.world.actor
    task = make_task(session, world.world, ratio="100")
    unassigned = world.business_uuids[1]  # no 包联干部 (every third plain business has 张伟)
    add_recusal(session, actor=actor, inspector_uuid=world.inspector_uuids["李强"], business_uuid=unassigned,
                kind="亲属")  # fmt: skip
    session.commit()
    report = draw_task(session, actor=actor, task=task, rules=RULES, seed="1")
    session.commit()
    assert report.problems == [] and len(report.lines) == 33
    by_business = {line.business.uuid: line for line in report.lines}
    officer_businesses = set(session.exec(select(Business.uuid).where(col(Business.officer_id) == world.world.officer_id)))
    for uuid in officer_businesses:
        assert "张伟" not in by_business[uuid].inspectors
    assert by_business[unassigned].inspectors in (("张伟", "单丽"), ("单丽", "张伟"))
    assert "单丽" not in by_business[world.world.shop_uuid].inspectors  # 西片便利店 is 单丽's
    skipped = [reason for line in report.lines for _name, reason in line.skipped]
    assert "包联该户" in skipped
    stored = session.exec(select(InspectionPair.skipped).where(col(InspectionPair.skipped) != "")).all()
    assert any("包联该户" in text for text in stored)


def test_an_impossible_draw_names_the_business_and_records_nothing(session: Session) -> None:
    world = make_inspection_world(session, 3)
    actor = world.world.actor
    task = make_task(session, world.world, ratio="100")
    for name in ("李强", "单丽"):
        add_recusal(session, actor=actor, inspector_uuid=world.inspector_uuids[name],
                    business_uuid=world.world.noodle_uuid, kind="自报利害关系")  # fmt: skip
    session.commit()
    report = draw_task(session, actor=actor, task=task, rules=RULES, seed="1")
    assert report.draw_uuid is None
    assert len(report.problems) == 1
    assert report.problems[0].startswith("老街兰州拉面馆：可抽的 3 名检查人员中须回避的有")
    assert session.exec(select(InspectionDraw)).first() is None


def test_a_confirmed_draw_is_locked_and_a_redraw_keeps_the_first(session: Session) -> None:
    world = make_inspection_world(session, 40)
    actor = world.world.actor
    task = make_task(session, world.world)
    first = draw_task(session, actor=actor, task=task, rules=RULES, seed="11")
    session.commit()
    with pytest.raises(DrawRefused, match="已锁定"):
        draw_task(session, actor=actor, task=task, rules=RULES, seed="12")
    second = draw_task(session, actor=actor, task=task, rules=RULES, seed="12", redraw_reason="抽中户已注销，经所务会同意重抽")
    session.commit()
    draws = session.exec(select(InspectionDraw).order_by(col(InspectionDraw.id))).all()
    assert [(d.uuid, d.status, d.seed) for d in draws] == [(first.draw_uuid, "superseded", "11"), (second.draw_uuid, "confirmed", "12")]
    assert draws[1].replaces_uuid == first.draw_uuid and draws[1].redraw_reason.startswith("抽中户已注销")
    rules = json.loads(draws[0].rules)
    assert rules["generator"] == "sha256-rank-v1" and rules["per_business"] == 2 and len(rules["inspectors"]) == 3
    assert len(session.exec(select(InspectionPair).where(col(InspectionPair.draw_id) == draws[0].id)).all()) == 5
    logged = session.exec(select(ChangeLog.action, ChangeLog.new).where(col(ChangeLog.entity_uuid) == first.draw_uuid))
    assert ("update", "superseded") in set(logged)
    pair_logs = session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "inspection_pair")).all()
    assert len(pair_logs) == 10


def test_verify_passes_then_detects_a_changed_population(session: Session) -> None:
    world = make_inspection_world(session, 50)
    actor = world.world.actor
    task = make_task(session, world.world)
    draw_task(session, actor=actor, task=task, rules=RULES, seed="77")
    session.commit()
    report = verify_task(session, actor=actor, task=task, rules=RULES)
    assert report.ok and report.recorded_count == report.current_count == 53
    add_businesses(session, world.world, 1, prefix="新店")
    session.commit()
    changed = verify_task(session, actor=actor, task=task, rules=RULES)
    assert not changed.population_same and (changed.recorded_count, changed.current_count) == (53, 54)


def test_verify_finds_a_tampered_pairing(session: Session) -> None:
    world = make_inspection_world(session, 20)
    actor = world.world.actor
    task = make_task(session, world.world)
    draw_task(session, actor=actor, task=task, rules=RULES, seed="5")
    session.commit()
    pair = session.exec(select(InspectionPair).order_by(col(InspectionPair.position))).first()
    assert pair is not None
    pair.inspector_uuids = ",".join(reversed(pair.inspector_uuids.split(",")))
    session.add(pair)
    session.commit()
    report = verify_task(session, actor=actor, task=task, rules=RULES)
    assert report.population_same and report.differences == ["第 1 户的检查人员与按种子重抽的不一致"]


def test_a_preview_cannot_be_rerolled_only_a_redraw_moves_to_a_new_seed(session: Session) -> None:
    """Esc on a preview and D again used to draw with a new random seed: a person could preview until the draw
    suited them. Without a given seed the draw is fixed by the task and the draws recorded before it."""
    world = make_inspection_world(session, 80)
    actor = world.world.actor
    task = make_task(session, world.world)
    first = draw_task(session, actor=actor, task=task, rules=RULES, dry_run=True)
    again = draw_task(session, actor=actor, task=task, rules=RULES, dry_run=True)
    expected_seed = str(int(hashlib.sha256(f"{task.uuid}:0".encode()).hexdigest(), 16) % 10**12)
    assert first.seed == again.seed == expected_seed
    assert [line.business.uuid for line in first.lines] == [line.business.uuid for line in again.lines]
    confirmed = draw_task(session, actor=actor, task=task, rules=RULES)
    session.commit()
    assert confirmed.seed == expected_seed
    assert [line.business.uuid for line in confirmed.lines] == [line.business.uuid for line in first.lines]
    redraw = draw_task(session, actor=actor, task=task, rules=RULES, dry_run=True)
    assert redraw.seed == str(int(hashlib.sha256(f"{task.uuid}:1".encode()).hexdigest(), 16) % 10**12)
    assert redraw.seed != first.seed
