"""抽查范围 beyond the list's filters (issue 20), on both engines: 行业 (codes and prefixes, 2011 codes too), 持有许可证
(in force on the task's first day), 信用风险分类 (and with per-class ratios), 年报全零 — each population worked out
by hand from tests/inspection_scope_world.py; the recorded draw verifies over the same scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from inspection_scope_world import add_scope_office
from inspection_world import RULES, make_inspection_world, make_task
from sqlmodel import Session, col, select

from storage.tables import License
from workbench.services.errors import ValidationFailed
from workbench.services.inspection_draws import draw_task
from workbench.services.inspection_population import select_population
from workbench.services.inspection_verify import verify_task


def _office(session: Session) -> tuple[Any, dict[str, str]]:
    world = make_inspection_world(session, 0)  # the service world's three untagged shops and nothing else
    names = add_scope_office(session, world.world.actor.office_id)
    session.commit()
    return world.world, names


def _population(session: Session, world: Any, names: dict[str, str], name: str = "2026 年度抽查",
                **changes: object) -> set[str]:  # fmt: skip
    task = make_task(session, world, name, **changes)
    found = select_population(session, world.actor, task, RULES)
    assert found.uuids == sorted(found.uuids)
    by_uuid = {uuid: name for name, uuid in names.items()}
    return {by_uuid.get(uuid, "服务世界的店") for uuid in found.uuids}


@pytest.mark.parametrize(("codes", "expected"), [
    (["H"], {"面馆", "酒楼"}),  # the section: 6291 (2017) and the 2011 register's 6210
    (["62"], {"面馆", "酒楼"}),
    (["H62"], {"面馆", "酒楼"}),  # the section letter in front of digits is dropped
    (["629"], {"面馆"}),
    (["F"], {"粮油店", "超市"}),
    (["5212"], {"超市"}),
    (["h", "5221"], {"面馆", "酒楼", "粮油店"}),
    (["C"], {"汽车厂"}),  # 3610 is a 2011 code (2017 has 3611…)
    (["3610"], {"汽车厂"}),  # a 2011-only code is a valid scope
    (["I65"], {"软件公司"}),
])  # fmt: skip
def test_industry_matches_the_code_and_everything_under_it(session: Session, codes: list[str], expected: set[str]) -> None:
    world, names = _office(session)
    assert _population(session, world, names, scope={"industry": codes}) == expected


def test_a_licence_counts_when_in_force_on_the_first_day(session: Session) -> None:
    world, names = _office(session)
    # 面馆 valid to 2027; 超市's renewal runs to the first day itself; 酒楼's ended the day before; 粮油店's is
    # cancelled; 关门面馆 is 注销 (outside 存续); 超市's renewed (old) licence alone would not count.
    assert _population(session, world, names, scope={"license_kind": "食品经营许可证"}) == {"面馆", "超市"}
    later = _population(session, world, names, "第二个任务", scope={"license_kind": "食品经营许可证"},
                        starts_on=date(2026, 12, 2))  # fmt: skip
    assert later == {"面馆"}
    assert _population(session, world, names, "第三个任务", scope={"license_kind": "特种设备使用登记证"}) == {"汽车厂"}


def test_risk_classes_and_all_zero_figures(session: Session) -> None:
    world, names = _office(session)
    assert _population(session, world, names, scope={"risk_class": ["D"]}) == {"面馆", "粮油店"}
    assert _population(session, world, names, "二", scope={"risk_class": ["c", "D"]}) == {"面馆", "粮油店", "酒楼"}
    # latest year all four recorded and 0: 面馆, 软件公司, 超市 (its later year deleted); not 酒楼 (revenue 1,000
    # in its latest year), 粮油店 (insured missing), 汽车厂 (no figures)
    assert _population(session, world, names, "三", scope={"zero_figures": True}) == {"面馆", "软件公司", "超市"}


def test_filters_combine_and_the_task_says_its_scope_in_words(session: Session) -> None:
    world, names = _office(session)
    scope = {"industry": ["H62"], "license_kind": "食品经营许可证"}
    assert _population(session, world, names, scope=scope) == {"面馆"}
    task = make_task(session, world, "文字", scope=scope)
    assert task.scope == {"industry": ["62"], "license_kind": "食品经营许可证", "status": "active"}
    assert task.scope_text() == "存续 · 行业 H62 餐饮业 · 持有食品经营许可证"
    everything = make_task(session, world, "全部条件", scope={
        "industry": "H 3610", "risk_class": ["D"], "zero_figures": True, "license_kind": "食品经营许可证"})  # fmt: skip
    assert everything.scope_text(risk_label=RULES.risk_label) == (
        "存续 · 行业 H 住宿和餐饮业、C3610 汽车整车制造（2011 版） · 持有食品经营许可证 · 信用风险 高风险 · 年报全零")


def test_per_class_ratios_apply_inside_the_classes_of_the_scope(session: Session) -> None:
    world, names = _office(session)
    task = make_task(session, world, scope={"risk_class": ["C", "D"]}, ratio="50", class_ratios={"D": "100"})
    report = draw_task(session, actor=world.actor, task=task, rules=RULES, seed="7", dry_run=True)
    assert report.quotas == {"C": (1, 1), "D": (2, 2)}  # D at its own 100 %; C at the base 50 %, rounded up
    assert {line.business.name for line in report.lines} == {"面馆", "粮油店", "酒楼"}


def test_bad_scope_values_are_named_in_one_sentence_each(session: Session) -> None:
    world, _names = _office(session)
    with pytest.raises(ValidationFailed) as refused:
        make_task(session, world, scope={"industry": ["62", "9999"], "license_kind": "游艇驾驶证", "risk_class": ["E"]})
    errors = refused.value.errors
    assert set(errors) == {"industry", "license_kind", "risk_class"}
    assert "「9999」" in errors["industry"] and "「游艇驾驶证」" in errors["license_kind"] and "「E」" in errors["risk_class"]
    with pytest.raises(ValidationFailed) as refused:
        make_task(session, world, scope={"risk_class": ["D"]}, ratio="5", class_ratios={"A": "10"})
    assert "A" in refused.value.errors["risk_class"] and "只抽 D 类" in refused.value.errors["risk_class"]
    # a kind no longer listed but still held by the office's licences can scope a task
    assert make_task(session, world, "旧种类", scope={"license_kind": "特种设备使用登记证"}).scope["license_kind"]


def test_a_recorded_draw_verifies_over_the_same_scope_and_sees_a_licence_cancelled(session: Session) -> None:
    world, names = _office(session)
    task = make_task(session, world, scope={"license_kind": "食品经营许可证", "zero_figures": True}, ratio="100")
    report = draw_task(session, actor=world.actor, task=task, rules=RULES, seed="42")
    session.commit()
    assert {line.business.name for line in report.lines} == {"面馆", "超市"}
    assert verify_task(session, actor=world.actor, task=task, rules=RULES).ok
    licence = session.exec(select(License).where(col(License.expires_on) == date(2026, 12, 1))).one()
    licence.status = "cancelled"
    session.add(licence)
    session.commit()
    again = verify_task(session, actor=world.actor, task=task, rules=RULES)
    assert not again.population_same and (again.recorded_count, again.current_count) == (2, 1)
