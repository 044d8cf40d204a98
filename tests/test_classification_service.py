"""The classification service on both engines: recompute, dry run, moves, override, history, scoping."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from test_tui_support import TODAY, Office_, build_office

from storage.audit import Actor
from storage.tables import Business, ChangeLog, Grid, Office, YearFigures
from storage.tables_classification import ClassificationHistory, ClassificationResult
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import Tier, TierRules
from workbench.services.classification import (
    classification_of,
    clear_override,
    current_tiers,
    load_rules,
    override_tier,
)
from workbench.services.classification_recompute import recompute
from workbench.services.classification_stats import distribution
from workbench.services.errors import NotFound, ValidationFailed
from workbench.services.register import create_business

ZHANG = "鹿城区张记小吃店"
LI = "鹿城区李家便利店"
OUJIANG = "温州市瓯江贸易有限公司"
ZHANG_EXPLANATION = (
    "成长型：近12个月有纳税记录（3,200元）；参保2人；雇员4人；营业收入48.2万元 < 发展型门槛100万元"
)


@pytest.fixture
def office(engine: Engine) -> Office_:
    return build_office(engine)


@pytest.fixture
def actor(office: Office_) -> Actor:
    return Actor(who="王芳", device="测试终端", office_id=office.office_id)


def rules_with(folder: Path, text: str = "") -> LoadedRules[TierRules]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "classification.toml").write_text(text, encoding="utf-8")
    loaded, error = load_rules(folder)
    assert error is None
    return loaded


LOWER = "[tier.development]\nrevenue_at_micro_ceiling = false\nfallback_revenue_yuan = 400000\n"


def _id(session: Session, uuid: str) -> int:
    found = session.exec(select(Business.id).where(col(Business.uuid) == uuid)).one()
    assert found is not None
    return found


def test_recompute_classifies_every_business_and_keeps_inputs_and_version(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    rules = rules_with(tmp_path)
    report = recompute(session, actor=actor, rules=rules, today=TODAY)
    session.commit()
    assert (report.businesses, report.created, report.updated) == (5, 5, 0)
    zhang = classification_of(session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    assert zhang.tier is Tier.GROWTH and zhang.explanation == ZHANG_EXPLANATION
    assert zhang.rule_version == rules.version
    assert zhang.inputs["revenue_yuan"] == 482_000 and zhang.inputs["figures_year"] == 2024
    assert zhang.inputs["years_registered"] == 6
    li = classification_of(session, actor=actor, business_uuid=office.business_uuids[LI])
    assert (li.tier, li.explanation) == (Tier.UNCLASSIFIED, "未分型：歇业中")
    ojiang = classification_of(session, actor=actor, business_uuid=office.business_uuids[OUJIANG])
    assert ojiang.tier is None and ojiang.tier_text == "不分型（非个体工商户）"
    assert report.tier_table() == [("生存型", 0), ("成长型", 1), ("发展型", 0), ("未分型", 2)]
    assert "1 户 未分过 -> 成长型" in [move.text for move in report.moves]
    assert len(zhang.history) == 1 and zhang.history[0].event_label == "重新计算"


def test_a_dry_run_reports_the_moves_and_writes_nothing(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    report = recompute(session, actor=actor, rules=rules_with(tmp_path), today=TODAY, dry_run=True)
    session.commit()
    assert report.created == 5 and report.dry_run
    assert session.exec(select(func.count()).select_from(ClassificationResult)).one() == 0
    assert session.exec(select(func.count()).select_from(ClassificationHistory)).one() == 0


def test_a_rules_change_moves_households_and_records_history(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    recompute(session, actor=actor, rules=rules_with(tmp_path / "a"), today=TODAY)
    session.commit()
    again = recompute(session, actor=actor, rules=rules_with(tmp_path / "a"), today=TODAY)
    assert (again.unchanged, again.updated, again.moves) == (5, 0, [])
    lower = rules_with(tmp_path / "b", LOWER)
    preview = recompute(session, actor=actor, rules=lower, today=TODAY, dry_run=True)
    assert [move.text for move in preview.moves] == ["1 户 成长型 -> 发展型"]
    report = recompute(session, actor=actor, rules=lower, today=TODAY)
    session.commit()
    assert report.updated == 5 and [move.text for move in report.moves] == ["1 户 成长型 -> 发展型"]
    zhang = classification_of(session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    assert zhang.tier is Tier.DEVELOPMENT and zhang.rule_version == lower.version
    assert zhang.explanation.endswith("营业收入48.2万元 ≥ 发展型门槛40万元")
    assert [entry.tier for entry in zhang.history] == ["development", "growth"]
    logged = session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "classification_run")).all()
    assert logged and "成长型 -> 发展型" in (logged[-1].new or "")
    moved = session.exec(
        select(ChangeLog.old, ChangeLog.new).where(
            col(ChangeLog.entity) == "classification", col(ChangeLog.action) == "update"
        )
    ).all()
    assert moved == [("成长型 / 无法划型", "发展型 / 无法划型")]


def test_new_year_figures_are_picked_up(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    rules = rules_with(tmp_path)
    recompute(session, actor=actor, rules=rules, today=TODAY)
    zhang_id = _id(session, office.business_uuids[ZHANG])
    session.add(YearFigures(office_id=office.office_id, business_id=zhang_id, year=2025, revenue=1_500_000,
                            tax_paid=20_000, employees=6, insured_staff=3))  # fmt: skip
    session.commit()
    report = recompute(session, actor=actor, rules=rules, today=TODAY)
    session.commit()
    assert (report.updated, report.unchanged) == (1, 4)
    zhang = classification_of(session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    assert zhang.tier is Tier.DEVELOPMENT and zhang.inputs["figures_year"] == 2025


def test_an_override_is_shown_as_such_and_survives_recompute_until_cleared(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    rules = rules_with(tmp_path)
    recompute(session, actor=actor, rules=rules, today=TODAY)
    uuid = office.business_uuids[ZHANG]
    view = override_tier(session, actor=actor, business_uuid=uuid, tier="发展型", reason="省级老字号，经营规模大",
                         rules=rules, today=TODAY)  # fmt: skip
    session.commit()
    assert view.tier is Tier.DEVELOPMENT and view.computed_tier is Tier.GROWTH
    assert view.tier_text == "发展型（人工认定：省级老字号，经营规模大）"
    assert view.override_by == "王芳"
    report = recompute(session, actor=actor, rules=rules_with(tmp_path / "b", '[tier.growth]\nmin_tax_yuan = 5000\nmin_insured_staff = 3\n'),
                       today=TODAY)  # fmt: skip
    session.commit()
    assert report.overrides_kept == 1 and not [m for m in report.moves if m.what == "tier"]
    after = classification_of(session, actor=actor, business_uuid=uuid)
    assert after.tier is Tier.DEVELOPMENT and after.computed_tier is Tier.SURVIVAL
    assert current_tiers(session, actor=actor, business_ids=[after.business_id]) == {
        after.business_id: Tier.DEVELOPMENT
    }
    cleared = clear_override(session, actor=actor, business_uuid=uuid, reason="复核后取消")
    session.commit()
    assert cleared.tier is Tier.SURVIVAL and cleared.override_tier is None
    assert [entry.event for entry in cleared.history] == ["cleared", "computed", "override", "computed"]
    assert cleared.history[0].reason == "复核后取消" and cleared.history[2].reason == "省级老字号，经营规模大"
    logged = session.exec(
        select(ChangeLog.field, ChangeLog.new).where(
            col(ChangeLog.entity) == "classification", col(ChangeLog.field) == "override_tier"
        )
    ).all()
    assert logged == [("override_tier", "发展型"), ("override_tier", None)]


def test_an_override_needs_a_reason_and_a_household(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    rules = rules_with(tmp_path)
    with pytest.raises(ValidationFailed, match="请填写人工认定的理由"):
        override_tier(session, actor=actor, business_uuid=office.business_uuids[ZHANG], tier=Tier.GROWTH,
                      reason="  ", rules=rules)  # fmt: skip
    with pytest.raises(ValidationFailed, match="只有个体工商户分型"):
        override_tier(session, actor=actor, business_uuid=office.business_uuids[OUJIANG], tier=Tier.GROWTH,
                      reason="试试", rules=rules)  # fmt: skip
    with pytest.raises(ValidationFailed, match="「大型」不是分型"):
        override_tier(session, actor=actor, business_uuid=office.business_uuids[ZHANG], tier="大型",
                      reason="试试", rules=rules)  # fmt: skip
    with pytest.raises(ValidationFailed, match="没有人工认定"):
        clear_override(session, actor=actor, business_uuid=office.business_uuids[ZHANG])


def test_another_office_is_never_read_or_changed(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    other = Office(code="330302002", name="南汇所", region_code="330302")
    session.add(other)
    session.flush()
    assert other.id is not None
    them = Actor(who="李四", device="南汇终端", office_id=other.id)
    theirs = create_business(session=session, actor=them, data={"name": "南汇面馆", "kind": "individual"})
    session.commit()
    rules = rules_with(tmp_path)
    report = recompute(session, actor=actor, rules=rules, today=TODAY)
    session.commit()
    assert report.businesses == 5
    assert theirs.id not in current_tiers(session, actor=actor)
    assert recompute(session, actor=them, rules=rules, today=TODAY).businesses == 1
    session.commit()
    with pytest.raises(NotFound):
        classification_of(session, actor=actor, business_uuid=theirs.uuid)
    with pytest.raises(NotFound):
        override_tier(
            session, actor=actor, business_uuid=theirs.uuid, tier=Tier.GROWTH, reason="x", rules=rules
        )
    assert set(current_tiers(session, actor=them)) == {theirs.id}
    assert sum(row.total for row in distribution(session, actor=actor).rows) == 3


def test_current_tiers_of_given_ids_only(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    recompute(session, actor=actor, rules=rules_with(tmp_path), today=TODAY)
    session.commit()
    zhang_id, li_id = _id(session, office.business_uuids[ZHANG]), _id(session, office.business_uuids[LI])
    assert current_tiers(session, actor=actor, business_ids=[zhang_id]) == {zhang_id: Tier.GROWTH}
    assert current_tiers(session, actor=actor, business_ids=[zhang_id, li_id, 999_999]) == {
        zhang_id: Tier.GROWTH,
        li_id: Tier.UNCLASSIFIED,
    }


def test_a_business_never_classified_is_worked_out_for_showing_without_writing(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    uuid = office.business_uuids[ZHANG]
    assert classification_of(session, actor=actor, business_uuid=uuid).tier is None
    rules = rules_with(tmp_path)
    view = classification_of(session, actor=actor, business_uuid=uuid, rules=rules, today=TODAY)
    session.commit()
    assert not view.computed and view.tier is Tier.GROWTH and view.explanation == ZHANG_EXPLANATION
    assert view.rule_version == rules.version and view.inputs["revenue_yuan"] == 482_000
    assert session.exec(select(func.count()).select_from(ClassificationResult)).one() == 0


def test_distribution_by_grid_and_officer(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    recompute(session, actor=actor, rules=rules_with(tmp_path), today=TODAY)
    session.commit()
    by_grid = distribution(session, actor=actor, by="grid")
    assert by_grid.columns == ("生存型", "成长型", "发展型", "未分型")
    east = next(row for row in by_grid.rows if row.name == "城东片区")
    assert east.counts == (0, 1, 0, 1)  # 张记 成长型, 李家 歇业
    by_officer = distribution(session, actor=actor, by="officer")
    assert {row.name: row.total for row in by_officer.rows} == {"王芳": 2, "陈静": 1}
    grid = session.exec(select(Grid).where(col(Grid.name) == "城东片区")).one()
    assert grid.id == office.grid_ids["城东片区"]


def test_size_classes_are_kept_for_enterprises(
    session: Session, office: Office_, actor: Actor, tmp_path: Path
) -> None:
    ojiang = session.exec(select(Business).where(col(Business.uuid) == office.business_uuids[OUJIANG])).one()
    ojiang.industry_code, ojiang.employees = "5111", 30
    session.add(ojiang)
    session.commit()
    recompute(session, actor=actor, rules=rules_with(tmp_path), today=date(2025, 6, 1))
    session.commit()
    view = classification_of(session, actor=actor, business_uuid=ojiang.uuid)
    assert view.size_text == "中型"
    assert view.size_explanation.startswith("中型：从业人员30人 ≥ 中型下限20人")
    assert distribution(session, actor=actor, measure="size_class").columns == (
        "大型",
        "中型",
        "小型",
        "微型",
    )
