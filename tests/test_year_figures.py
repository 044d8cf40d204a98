"""经营数据 by hand, on both engines: add, edit by year, delete and bring back, checks, the change log, and the
tier recomputed at once.

The office is test_tui_support's. 鹿城区张记小吃店 is a household registered 2019-03-05 with no industry code,
so at TODAY (2025-06-01) it is 6 years old and its 发展型 revenue line is the fallback of
classification.toml, 100万元 (docs/rules.md §1: 发展型 = 成长型 and ≥ 2 years and revenue ≥ the line, or
≥ 5 insured, or tax ≥ 5万元). Its figures: 2024 revenue 48.2万元, tax 3,200元, 2 insured (成长型: tax paid
and revenue > 0, below every 发展型 line); 2023 revenue 123.65万元, tax 9,650元, 3 insured.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from test_tui_support import TODAY, Office_, build_office

from storage.audit import Actor
from storage.tables import ChangeLog, YearFigures
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.classification import classification_of, load_rules, override_tier
from workbench.services.classification_recompute import recompute
from workbench.services.detail import business_detail
from workbench.services.errors import SaveConflict, ValidationFailed
from workbench.services.register import create_business
from workbench.services.year_figures import FiguresEntry, delete_year_figures, record_year_figures

ZHANG = "鹿城区张记小吃店"
OUJIANG = "温州市瓯江贸易有限公司"


@pytest.fixture
def office(engine: Engine) -> Office_:
    return build_office(engine)


@pytest.fixture
def actor(office: Office_) -> Actor:
    return Actor(who="王芳", device="测试终端", office_id=office.office_id)


@pytest.fixture
def rules() -> LoadedRules[TierRules]:
    loaded, error = load_rules(None)
    assert error is None
    return loaded


def _year_row(session: Session, business_year: int) -> YearFigures:
    session.expire_all()
    return session.exec(select(YearFigures).where(col(YearFigures.year) == business_year)).one()


def _log(session: Session, entity_uuid: str) -> list[tuple[str, str, str | None, str | None]]:
    rows = session.exec(
        select(ChangeLog.action, ChangeLog.field, ChangeLog.old, ChangeLog.new)
        .where(col(ChangeLog.entity_uuid) == entity_uuid, col(ChangeLog.entity) == "year_figures")
        .order_by(col(ChangeLog.id))
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_new_year_over_the_line_moves_the_household_to_development(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    recompute(session, actor=actor, rules=rules, today=TODAY)
    session.commit()
    # 300万元 is three times the 100万元 line; tax 2,000元 and 2 insured stay far below the other two lines,
    # so revenue alone moves it.
    entry = FiguresEntry(year="2025", revenue="300万", tax_paid="2,000", employees="6", insured_staff="2")
    outcome = record_year_figures(session, actor=actor, business_uuid=office.business_uuids[ZHANG], entry=entry,
                                  rules=rules, today=TODAY)  # fmt: skip
    session.commit()
    assert (outcome.year, outcome.action, outcome.message) == (2025, "added", "已新增2025年度经营数据")
    row = _year_row(session, 2025)
    assert (row.revenue, row.tax_paid, row.employees, row.insured_staff) == (3_000_000, 2_000, 6, 2)
    assert (row.version, row.source, row.updated_by, row.uuid) == (1, "手工录入", "王芳", outcome.figures_uuid)
    assert _log(session, row.uuid) == [
        ("create", "year", None, "2025"), ("create", "revenue", None, "3000000"),
        ("create", "tax_paid", None, "2000"), ("create", "employees", None, "6"),
        ("create", "insured_staff", None, "2"),
    ]  # fmt: skip
    change = outcome.classification
    assert (change.before.tier, change.after.tier) == ("growth", "development")
    assert change.notice == ("分型：成长型 → 发展型\n"
                             "依据：近12个月有纳税记录（2,000元）；参保2人；雇员6人；存续6年；营业收入300万元 ≥ 发展型门槛100万元")
    stored = classification_of(session, actor=actor, business_uuid=office.business_uuids[ZHANG])
    assert stored.tier is not None and stored.tier.value == "development"
    assert stored.inputs["figures_year"] == 2025


def test_recording_a_year_already_there_edits_that_row(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    entry = FiguresEntry(year="2024年", revenue="50", revenue_unit="万元", tax_paid="3200", employees="4",
                         insured_staff="2")  # fmt: skip
    outcome = record_year_figures(session, actor=actor, business_uuid=office.business_uuids[ZHANG], entry=entry,
                                  rules=rules, today=TODAY)  # fmt: skip
    session.commit()
    assert outcome.action == "updated"
    assert session.exec(select(func.count()).select_from(YearFigures).where(col(YearFigures.year) == 2024)).one() == 1
    row = _year_row(session, 2024)
    assert (row.revenue, row.version, row.source) == (500_000, 2, "手工录入")
    assert _log(session, row.uuid) == [("update", "revenue", "482000", "500000"), ("update", "source", "", "手工录入")]
    # a never-classified household: before is what it would have been, 成长型 both times (50万 < 100万)
    assert outcome.classification.notice.startswith("分型仍为成长型\n依据：")
    again = record_year_figures(session, actor=actor, business_uuid=office.business_uuids[ZHANG], entry=entry,
                                rules=rules, today=TODAY)  # fmt: skip
    assert again.action == "unchanged" and _year_row(session, 2024).version == 2


def test_a_deleted_year_is_a_tombstone_and_comes_back_when_recorded_again(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    zhang = office.business_uuids[ZHANG]
    recompute(session, actor=actor, rules=rules, today=TODAY)
    row = _year_row(session, 2024)
    outcome = delete_year_figures(session, actor=actor, business_uuid=zhang, row_uuid=row.uuid,
                                  base_version=row.version, rules=rules, today=TODAY)  # fmt: skip
    session.commit()
    gone = _year_row(session, 2024)
    assert gone.deleted_at is not None and gone.version == 2
    assert [line.year for line in business_detail(session=session, actor=actor, business_uuid=zhang).years] == [2023]
    assert _log(session, row.uuid) == [("delete", "", None, None)]
    # the latest year is now 2023: 123.65万元 ≥ 100万元, so the household moves up
    assert (outcome.classification.before.tier, outcome.classification.after.tier) == ("growth", "development")
    back = record_year_figures(
        session, actor=actor, business_uuid=zhang, rules=rules, today=TODAY,
        entry=FiguresEntry(year=2024, revenue="60万", tax_paid="4000"),
    )  # fmt: skip
    session.commit()
    assert (back.action, back.figures_uuid) == ("revived", row.uuid)
    revived = _year_row(session, 2024)
    assert (revived.deleted_at, revived.version, revived.revenue, revived.tax_paid) == (None, 3, 600_000, 4_000)
    assert (revived.employees, revived.insured_staff) == (None, None)  # what was left blank is not kept
    assert session.exec(select(func.count()).select_from(YearFigures).where(col(YearFigures.year) == 2024)).one() == 1
    logged = _log(session, row.uuid)[1:]
    assert logged[0][:2] == ("update", "deleted_at") and logged[0][3] is None
    assert ("update", "revenue", "482000", "600000") in logged
    assert ("update", "insured_staff", "2", None) in logged
    # 2024 is the latest again: 60万元 with tax paid is 成长型
    assert (back.classification.before.tier, back.classification.after.tier) == ("development", "growth")


def test_every_wrong_field_is_named_and_nothing_is_written(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    zhang = office.business_uuids[ZHANG]
    entry = FiguresEntry(year="1979", revenue="-5", tax_paid="abc", employees="2.5", insured_staff="-1")
    with pytest.raises(ValidationFailed) as raised:
        record_year_figures(session, actor=actor, business_uuid=zhang, entry=entry, rules=rules, today=TODAY)
    assert raised.value.errors == {
        "year": "年度「1979」应在 1980 年至 2025 年之间，请核对",
        "revenue": "营业收入不能为负数（现在是「-5」）",
        "tax_paid": "纳税额「abc」不是金额，请填数字，如 120万 或 1,200,000",
        "employees": "从业人员「2.5」应为整数（人），如 5",
        "insured_staff": "参保人数不能为负数（现在是「-1」）",
    }
    with pytest.raises(ValidationFailed) as raised:
        record_year_figures(session, actor=actor, business_uuid=zhang, entry=FiguresEntry(year="2025"),
                            rules=rules, today=TODAY)  # fmt: skip
    assert raised.value.errors == {"revenue": "请至少填写一项：营业收入、纳税额、从业人员或参保人数"}
    with pytest.raises(ValidationFailed) as raised:
        record_year_figures(session, actor=actor, business_uuid=zhang, entry=FiguresEntry(year="2026", revenue="1"),
                            rules=rules, today=TODAY)  # fmt: skip
    assert raised.value.errors == {"year": "年度「2026」应在 1980 年至 2025 年之间，请核对"}
    session.rollback()
    assert session.exec(select(func.count()).select_from(YearFigures)).one() == 2


def test_an_edit_of_a_row_someone_changed_since_is_refused(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    zhang = office.business_uuids[ZHANG]
    row = _year_row(session, 2024)
    uuid, version = row.uuid, row.version
    entry = FiguresEntry(year=2024, revenue="49万")
    record_year_figures(session, actor=Actor("李强", "另一台", office.office_id), business_uuid=zhang, entry=entry,
                        rules=rules, today=TODAY, row_uuid=uuid, base_version=version)  # fmt: skip
    session.commit()
    with pytest.raises(SaveConflict) as raised:
        record_year_figures(session, actor=actor, business_uuid=zhang, entry=FiguresEntry(year=2024, revenue="50万"),
                            rules=rules, today=TODAY, row_uuid=uuid, base_version=version)  # fmt: skip
    assert "2024年度经营数据已被李强在您打开之后修改" in raised.value.message
    with pytest.raises(ValidationFailed) as refused:
        record_year_figures(session, actor=actor, business_uuid=zhang, entry=FiguresEntry(year=2022, revenue="50万"),
                            rules=rules, today=TODAY, row_uuid=uuid, base_version=version + 1)  # fmt: skip
    assert refused.value.errors == {"year": "修改时不能改年度；年度填错了，请删除这一行后按正确的年度新增"}


def test_an_override_stays_while_the_computed_tier_moves_underneath(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    zhang = office.business_uuids[ZHANG]
    override_tier(session, actor=actor, business_uuid=zhang, tier="survival", reason="复核后认定", rules=rules,
                  today=TODAY)  # fmt: skip
    outcome = record_year_figures(session, actor=actor, business_uuid=zhang, rules=rules, today=TODAY,
                                  entry=FiguresEntry(year=2025, revenue="300万", tax_paid="2000"))  # fmt: skip
    session.commit()
    assert outcome.classification.notice.splitlines() == [
        "计算分型：成长型 → 发展型",
        "依据：近12个月有纳税记录（2,000元）；存续6年；营业收入300万元 ≥ 发展型门槛100万元",
        "人工认定「生存型」保持不变，取消认定后才按计算结果",
    ]
    view = classification_of(session, actor=actor, business_uuid=zhang)
    assert view.tier is not None and (view.tier.value, view.override_reason) == ("survival", "复核后认定")


def test_a_household_made_by_hand_goes_from_no_figures_to_growth(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    # registered 2024-03-01: one whole year at TODAY, under the 2 years 发展型 asks, whatever the revenue
    business = create_business(session=session, actor=actor, data={
        "name": "鹿城区阿芳早餐店", "kind": "individual", "operator": "吴芳", "address": "府前街 3 号",
        "registered_on": date(2024, 3, 1)})  # fmt: skip
    session.commit()
    outcome = record_year_figures(session, actor=actor, business_uuid=business.uuid, rules=rules, today=TODAY,
                                  entry=FiguresEntry(year=2024, revenue="300万", tax_paid="1200", insured_staff="1"))
    assert outcome.classification.notice == (
        "分型：生存型 → 成长型\n依据：近12个月有纳税记录（1,200元）；参保1人；营业收入300万元；存续1年 < 发展型要求2年"
    )
    assert (outcome.classification.before.explanation) == "生存型：没有年度经营数据，按生存型"


def test_an_enterprise_has_its_size_class_said(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    outcome = record_year_figures(session, actor=actor, business_uuid=office.business_uuids[OUJIANG], rules=rules,
                                  today=TODAY, entry=FiguresEntry(year=2024, revenue="800万", employees="30"))
    # no industry code: no size table row applies, so no size class either way
    assert outcome.classification.notice == "规模仍为无法划型"


def test_the_detail_history_names_the_year(
    session: Session, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    zhang = office.business_uuids[ZHANG]
    record_year_figures(session, actor=actor, business_uuid=zhang, rules=rules, today=TODAY,
                        entry=FiguresEntry(year=2024, revenue="50万", tax_paid="3200", employees="4",
                                           insured_staff="2"))  # fmt: skip
    session.commit()
    history = business_detail(session=session, actor=actor, business_uuid=zhang).history
    assert [(line.field_label, line.old, line.new) for line in history[:2]] == [
        ("2024年度来源", "", "手工录入"), ("2024年度营业收入", "482000", "500000")]


def test_the_desk_commits_a_save_and_a_refusal_writes_nothing(
    engine: Engine, office: Office_, actor: Actor, rules: LoadedRules[TierRules]
) -> None:
    from storage.tables_classification import ClassificationResult
    from workbench.services.gateway import Gateway

    desk = Gateway(engine).figures
    zhang = office.business_uuids[ZHANG]
    with pytest.raises(ValidationFailed):
        desk.record(actor, zhang, FiguresEntry(year=2025, revenue="300万", employees="-1"), rules=rules, today=TODAY)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(YearFigures)).one() == 2
        assert session.exec(select(func.count()).select_from(ClassificationResult)).one() == 0
    saved = desk.record(actor, zhang, FiguresEntry(year=2025, revenue="300万", tax_paid="2000"), rules=rules,
                        today=TODAY)  # fmt: skip
    with Session(engine) as session:  # another session sees the row and the new tier: both were committed
        row = session.exec(select(YearFigures).where(col(YearFigures.uuid) == saved.figures_uuid)).one()
        tier = session.exec(select(ClassificationResult.tier)).one()
        assert (row.revenue, tier) == (3_000_000, "development")
    with pytest.raises(SaveConflict):  # a stale version: neither the tombstone nor a reclassification is kept
        desk.delete(actor, zhang, saved.figures_uuid, 7, rules=rules, today=TODAY)
    with Session(engine) as session:
        row = session.exec(select(YearFigures).where(col(YearFigures.uuid) == saved.figures_uuid)).one()
        assert (row.deleted_at, row.version) == (None, 1)
    deleted = desk.delete(actor, zhang, saved.figures_uuid, 1, rules=rules, today=TODAY)
    assert (deleted.action, deleted.classification.after.tier) == ("deleted", "growth")
