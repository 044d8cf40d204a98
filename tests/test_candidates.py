"""Candidate lists (个转企, 上规上限): computed with reasons, never added to a pool by themselves."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from distinction_support import (
    LI,
    OUJIANG,
    RULES,
    TODAY,
    ZHANG,
    actor_of,
    other_office,
    set_figures,
    set_tier,
)
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from test_tui_support import Office_, build_office

from storage.tables_distinctions import PoolMembership
from workbench.domain.candidates import (
    CandidateRules,
    conversion_reasons,
    load_candidate_rules,
    scale_up_reason,
    wan_text,
)
from workbench.domain.rule_files import RulesError
from workbench.domain.scale_thresholds import scale_threshold_for
from workbench.domain.tiers import Tier
from workbench.services import pools
from workbench.services.business_events import record_event
from workbench.services.candidates import candidates, scale_up_count
from workbench.services.distinctions import apply_distinction

# Rules


def test_shipped_rules_are_the_documented_defaults() -> None:
    loaded = load_candidate_rules()
    assert loaded.rules == CandidateRules()
    assert loaded.version.startswith("2026.1+")


def test_override_changes_only_what_it_names(tmp_path: Path) -> None:
    (tmp_path / "candidates.toml").write_text("[conversion]\nmin_employees = 8\n", encoding="utf-8")
    loaded = load_candidate_rules(tmp_path)
    assert loaded.rules.min_employees == 8 and loaded.rules.micro_upper_percent == 50
    assert loaded.version != load_candidate_rules().version


def test_typo_in_the_override_names_the_key_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "candidates.toml").write_text("[conversion]\nmin_employes = 8\n", encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_candidate_rules(tmp_path)
    assert "没有「conversion.min_employes」这一项" in error.value.message_zh
    assert "min_employees" in error.value.message_zh


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[distinction]\ncap_percent = 150\n",
            "「distinction.cap_percent」是百分比，不能大于 100，现在是 150",
        ),
        (
            "[distinction]\nmin_trading_years = 1.5\n",
            "「distinction.min_trading_years」应是整数，现在是「1.5」",
        ),
        ("[scale_up]\nthreshold_percent = -1\n", "「scale_up.threshold_percent」不能小于 0，现在是 -1"),
    ],
)
def test_bad_values_are_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "candidates.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=re.escape(message)):
        load_candidate_rules(tmp_path)


# Pure rules


def test_conversion_reasons_at_each_bound() -> None:
    ceiling = 1_000_000  # 餐饮 微型 < 100万元
    assert (
        conversion_reasons(
            rules=RULES, revenue=499_999, employees=4, micro_revenue_ceiling=ceiling, reaches_small=None
        )
        == []
    )
    assert conversion_reasons(
        rules=RULES, revenue=500_000, employees=None, micro_revenue_ceiling=ceiling, reaches_small=None
    ) == ["营业收入50万元 ≥ 本行业微型企业上限100万元的50%（50万元）"]
    assert conversion_reasons(
        rules=RULES, revenue=None, employees=5, micro_revenue_ceiling=ceiling, reaches_small=None
    ) == ["从业人员5人 ≥ 5人"]
    assert conversion_reasons(
        rules=RULES, revenue=None, employees=None, micro_revenue_ceiling=None, reaches_small="小型"
    ) == ["按企业划型标准已达小型企业下限"]
    off = CandidateRules(use_small_enterprise_lower_bound=False)
    assert (
        conversion_reasons(
            rules=off, revenue=None, employees=None, micro_revenue_ceiling=None, reaches_small="小型"
        )
        == []
    )


def test_scale_up_at_eighty_percent_of_the_industry_threshold() -> None:
    retail = scale_threshold_for("5211")
    assert retail is not None and retail.revenue == 5_000_000
    assert scale_up_reason(rules=RULES, revenue=3_999_999, threshold=retail) is None
    assert scale_up_reason(rules=RULES, revenue=4_000_000, threshold=retail) == (
        "营业收入400万元 ≥ 限额以上零售业门槛500万元的80%（400万元）"
    )
    assert scale_up_reason(rules=RULES, revenue=5_000_000, threshold=retail) == (
        "营业收入500万元 已达限额以上零售业门槛500万元"
    )


@pytest.mark.parametrize(
    ("code", "category", "revenue"),
    [
        ("1311", "规模以上工业", 20_000_000),
        ("5111", "限额以上批发业", 20_000_000),
        ("6110", "限额以上住宿业", 2_000_000),
        ("6210", "限额以上餐饮业", 2_000_000),
        ("5411", "规模以上服务业（营业收入2000万元）", 20_000_000),
        ("8411", "规模以上服务业（营业收入2000万元）", 20_000_000),
        ("7020", "规模以上服务业（营业收入1000万元）", 10_000_000),
        ("7211", "规模以上服务业（营业收入1000万元）", 10_000_000),
        ("8010", "规模以上服务业（营业收入500万元）", 5_000_000),
        ("8521", "规模以上服务业（营业收入500万元）", 5_000_000),
        ("7010", "房地产开发经营业", None),
        ("4710", "有资质的建筑业", None),
    ],
)
def test_thresholds_follow_the_parent_chain(code: str, category: str, revenue: int | None) -> None:
    found = scale_threshold_for(code)
    assert found is not None, code
    assert (found.category, found.revenue) == (category, revenue)


def test_industries_without_a_four_up_test_have_none() -> None:
    assert scale_threshold_for("6611") is None  # 金融
    assert scale_threshold_for("9999") is None
    assert scale_threshold_for(None) is None


def test_wan_text() -> None:
    assert wan_text(482_000) == "48.2万元"
    assert wan_text(12_365_000) == "1236.5万元"


# The service, on both engines


@pytest.fixture
def office(engine: Engine) -> Office_:
    return build_office(engine)


def test_conversion_candidates_come_with_reasons(session: Session, office: Office_) -> None:
    set_figures(session, office, ZHANG, year=2025, revenue=1_200_000, employees=12, industry="6210")
    set_figures(session, office, LI, year=2025, revenue=900_000, employees=9, industry="5211")
    found = candidates(session=session, actor=actor_of(office), pool="conversion", rules=RULES)
    assert [row.business_name for row in found] == [ZHANG]  # 李家便利店 is 歇业: not trading
    assert found[0].reasons == (
        "按企业划型标准已达小型企业下限",
        "营业收入120万元 ≥ 本行业微型企业上限100万元的50%（50万元）",
        "从业人员12人 ≥ 5人",
    )
    assert found[0].year == 2025 and not found[0].in_pool


def test_latest_figures_below_the_bars_give_no_candidate(session: Session, office: Office_) -> None:
    set_figures(session, office, ZHANG, year=2025, revenue=400_000, employees=3, industry="6210")
    assert candidates(session=session, actor=actor_of(office), pool="conversion", rules=RULES) == []
    assert candidates(
        session=session, actor=actor_of(office), pool="conversion", rules=CandidateRules(min_employees=3)
    )[0].reasons == ("从业人员3人 ≥ 3人",)


def test_scale_up_candidates_are_enterprises_near_the_threshold(session: Session, office: Office_) -> None:
    set_figures(session, office, OUJIANG, year=2025, revenue=17_000_000, industry="5111")
    found = candidates(session=session, actor=actor_of(office), pool="scale_up", rules=RULES)
    assert [(row.business_name, row.reason_text) for row in found] == [
        (OUJIANG, "营业收入1700万元 ≥ 限额以上批发业门槛2000万元的80%（1600万元）")
    ]


def test_the_report_counts_the_scale_up_list_without_building_it(engine: Engine, session: Session, office: Office_) -> None:
    actor = actor_of(office)
    set_figures(session, office, OUJIANG, year=2025, revenue=17_000_000, industry="5111")
    set_figures(session, office, ZHANG, year=2025, revenue=90_000_000, industry="5111")  # a household: not this list
    session.flush()
    assert scale_up_count(session=session, actor=actor, rules=RULES) == 1
    assert len(candidates(session=session, actor=actor, pool="scale_up", rules=RULES)) == 1
    set_figures(session, office, OUJIANG, year=2026, revenue=1_000_000)  # the latest year decides
    session.flush()
    assert scale_up_count(session=session, actor=actor, rules=RULES) == 0
    assert candidates(session=session, actor=actor, pool="scale_up", rules=RULES) == []
    session.commit()
    stranger = actor_of(other_office(engine), who="外所干部")
    assert scale_up_count(session=session, actor=stranger, rules=RULES) == 0


def test_listing_adds_nobody_and_marks_members(session: Session, office: Office_) -> None:
    set_figures(session, office, OUJIANG, year=2025, revenue=17_000_000, industry="5111")
    actor = actor_of(office)
    candidates(session=session, actor=actor, pool="scale_up", rules=RULES)
    assert session.exec(select(func.count()).select_from(PoolMembership)).one() == 0
    pools.enter_pool(
        session=session,
        actor=actor,
        business_uuid=office.business_uuids[OUJIANG],
        pool="scale_up",
        entered_on=TODAY,
        reason="候选：近一年营业收入1700万元",
    )
    assert candidates(session=session, actor=actor, pool="scale_up", rules=RULES)[0].in_pool
    assert (
        session.exec(
            select(func.count()).select_from(PoolMembership).where(col(PoolMembership.pool) == "scale_up")
        ).one()
        == 1
    )


def test_filters_and_office_scope(engine: Engine, session: Session, office: Office_) -> None:
    set_figures(session, office, OUJIANG, year=2025, revenue=17_000_000, industry="5111")
    session.commit()
    actor = actor_of(office)
    assert (
        candidates(
            session=session, actor=actor, pool="scale_up", rules=RULES, grid_id=office.grid_ids["城东片区"]
        )
        == []
    )
    assert (
        len(
            candidates(
                session=session,
                actor=actor,
                pool="scale_up",
                rules=RULES,
                officer_id=office.officer_ids["李强"],
            )
        )
        == 1
    )
    stranger = actor_of(other_office(engine), who="外所干部")
    assert candidates(session=session, actor=stranger, pool="scale_up", rules=RULES) == []


def test_distinction_candidates_pass_the_check_and_have_no_application(
    session: Session, office: Office_
) -> None:
    actor = actor_of(office)
    for name in (ZHANG, LI):
        set_tier(session, office, name, Tier.GROWTH)
    found = candidates(session=session, actor=actor, pool="distinction", rules=RULES, today=TODAY)
    assert [(row.business_name, row.reasons) for row in found] == [
        (ZHANG, ("分型为成长型", "2019-03-05 成立，已连续经营2年以上", "不在负面清单"))
    ]
    record_event(
        session=session,
        actor=actor,
        business_uuid=office.business_uuids[ZHANG],
        kind="penalty",
        occurred_on=date(2025, 1, 1),
    )
    assert candidates(session=session, actor=actor, pool="distinction", rules=RULES, today=TODAY) == []
    assert (
        len(candidates(session=session, actor=actor, pool="distinction", rules=RULES, today=date(2026, 1, 2)))
        == 1
    )
    apply_distinction(
        session=session,
        actor=actor,
        business_uuid=office.business_uuids[ZHANG],
        category="quality",
        level="county",
        source="self_applied",
        applied_on=TODAY,
        rules=RULES,
    )
    assert (
        candidates(session=session, actor=actor, pool="distinction", rules=RULES, today=date(2026, 1, 2))
        == []
    )


# The CLI, against a real database file


def test_cli_lists_candidates_and_pools(sqlite_url: str, sqlite_engine: Engine) -> None:
    import json

    from typer.testing import CliRunner

    from workbench import cli

    office = build_office(sqlite_engine)
    with Session(sqlite_engine) as session:
        set_figures(session, office, ZHANG, year=2025, revenue=560_000, employees=6, industry="6210")
        pools.enter_pool(
            session=session,
            actor=actor_of(office),
            business_uuid=office.business_uuids[ZHANG],
            pool="conversion",
            entered_on=TODAY,
            reason="从业人员6人",
        )
        session.commit()
    runner = CliRunner()
    listed = runner.invoke(cli.app, ["--db", sqlite_url, "candidates", "个转企", "--json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    assert [(row["business_name"], row["in_pool"]) for row in data["candidates"]] == [(ZHANG, True)]
    assert data["candidates"][0]["reasons"][-1] == "从业人员6人 ≥ 5人"
    pool = runner.invoke(cli.app, ["--db", sqlite_url, "pool", "个转企"])
    assert (
        pool.exit_code == 0
        and "2025-06-01 入库：从业人员6人" in pool.output
        and "个转企培育库共 1 条" in pool.output
    )
    wrong = runner.invoke(cli.app, ["--db", sqlite_url, "candidates", "专精特新"])
    assert wrong.exit_code == 2 and "不认识「专精特新」" in wrong.output
