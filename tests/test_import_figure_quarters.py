"""Quarterly tax lists arriving one at a time (issue 15, migration 0023), on both engines.

The tax office sends the running year's quarters in separate lists. Each quarter is kept (period_figures), a
later list adds its months to the earlier ones instead of replacing them, and the running year's quarters do
not classify until the year is whole: a quarter's takings are not a year's. The same quarter again is
unchanged, a corrected one is an update logged per field, an overlapping month is refused with the row named.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from import_helpers import office, uscc
from list_helpers import figures_of, households, rules, tier_of, write_sheet
from sqlalchemy import Engine, text
from sqlmodel import Session

from imports.figures_plan import plan_figures
from imports.list_commit import ListResult, commit_list
from imports.list_plan import ListPlan, ListRowKind
from imports.parse import parse_list_file
from storage.audit import Actor
from workbench.services.detail import business_detail

HEADER = ["纳税人识别号", "纳税人名称", "所属期", "应税销售收入（元）", "税款合计（元）", "从业人数"]
THIS_YEAR = date.today().year
NAME = "鹿城区第1号水果店"


def quarter_list(tmp_path: Path, file_name: str, *rows: tuple[str, int, int, int]) -> Path:
    """A tax office's list for household 1: (所属期, 销售收入 元, 税款 元, 从业人数) a row."""
    return write_sheet(tmp_path / file_name, HEADER, [[uscc(1), NAME, *row] for row in rows], title=None)


def dry_run(engine: Engine, actor: Actor, path: Path) -> ListPlan:
    return plan_figures(engine, parse_list_file(path), office_id=actor.office_id)


def imported(engine: Engine, actor: Actor, path: Path) -> ListResult:
    return commit_list(engine, dry_run(engine, actor, path), actor=actor, rules=rules())


def periods_of(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(found) for found in connection.execute(text(
            "SELECT year, first_month, last_month, revenue, tax_paid, employees, version, source "
            "FROM period_figures ORDER BY year, first_month"))]  # fmt: skip


def counts(plan: ListPlan) -> dict[ListRowKind, int]:
    return {kind: count for kind, count in plan.counts.items() if count}


def test_the_running_years_quarters_add_up_and_classify_only_when_the_year_is_whole(
    engine: Engine, tmp_path: Path
) -> None:
    actor = office(engine)
    made = households(engine, actor, [1])
    imported(engine, actor, quarter_list(tmp_path, "上年.xlsx", (f"{THIS_YEAR - 1}", 1_500_000, 20_000, 3)))
    tier_before = tier_of(engine, made[1])
    assert "营业收入150万元" in tier_before[1]

    third = dry_run(engine, actor, quarter_list(tmp_path, "三季度.xlsx", (f"{THIS_YEAR}-Q3", 90_000, 0, 2)))
    assert counts(third) == {ListRowKind.NEW: 1}
    summary = third.summary_text()
    assert f"「{NAME}」{THIS_YEAR}年已有 7-9月" in summary and "暂不计入年度经营数据，也不参与分型" in summary
    assert "年度数据不变。分期数据将新增 1 条，更新 0 条。" in summary
    result = commit_list(engine, third, actor=actor, rules=rules())
    assert [row[0] for row in figures_of(engine, 1)] == [THIS_YEAR - 1]  # no year made of one quarter
    assert result.reclassified == 0 and tier_of(engine, made[1]) == tier_before
    assert "新增分期数据 1 条" in result.summary_text() and "年度经营数据没有变化，分型不变" in result.summary_text()

    # the second quarter arrives after the third: added to it, nothing replaced
    second = dry_run(engine, actor, quarter_list(tmp_path, "二季度.xlsx", (f"{THIS_YEAR}年4-6月", 60_000, 600, 2)))
    assert f"{THIS_YEAR}年已有 4-9月" in second.summary_text()
    commit_list(engine, second, actor=actor, rules=rules())
    assert periods_of(engine) == [(THIS_YEAR, 4, 6, 60_000, 600, 2, 1, "二季度.xlsx"),
                                  (THIS_YEAR, 7, 9, 90_000, 0, 2, 1, "三季度.xlsx")]  # fmt: skip

    # the same third quarter again changes nothing
    again = dry_run(engine, actor, quarter_list(tmp_path, "三季度重发.xlsx", (f"{THIS_YEAR}年第三季度", 90_000, 0, 2)))
    assert counts(again) == {ListRowKind.UNCHANGED: 1}
    assert again.writes.new_periods == [] and again.writes.changed_periods == []

    # the first and fourth quarters make the year whole: the year is their sum and classifies
    rest = quarter_list(tmp_path, "一四季度.xlsx", (f"{THIS_YEAR}-Q1", 50_000, 500, 1), (f"{THIS_YEAR}-Q4", 100_000, 1_000, 4))
    plan = dry_run(engine, actor, rest)
    assert "1 户的 2 行季度（月度）数据合计为年度数据" in plan.summary_text()
    assert "将新增 1 条年度数据" in plan.summary_text() and "缺" not in plan.summary_text()
    result = commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1)[-1][:5] == (THIS_YEAR, 300_000, 2_100, 4, None)
    assert result.reclassified == 1
    assert "营业收入30万元" in tier_of(engine, made[1])[1]  # the whole year now, not last year's 150万
    assert len(periods_of(engine)) == 4


def test_a_corrected_quarter_is_an_update_logged_per_field_and_shown_on_the_business(
    engine: Engine, tmp_path: Path
) -> None:
    actor = office(engine)
    made = households(engine, actor, [1])
    imported(engine, actor, quarter_list(tmp_path, "三季度.xlsx", (f"{THIS_YEAR}-Q3", 90_000, 0, 2)))
    corrected = dry_run(engine, actor, quarter_list(tmp_path, "三季度更正.xlsx", (f"{THIS_YEAR}-Q3", 95_000, 950, 2)))
    assert counts(corrected) == {ListRowKind.UPDATE: 1}
    commit_list(engine, corrected, actor=actor, rules=rules())
    assert periods_of(engine) == [(THIS_YEAR, 7, 9, 95_000, 950, 2, 2, "三季度更正.xlsx")]
    with Session(engine) as session:
        detail = business_detail(session=session, actor=actor, business_uuid=made[1])
    assert [(line.label, line.revenue, line.tax_paid) for line in detail.periods] == [
        (f"{THIS_YEAR}年第三季度", 95_000, 950)]
    assert detail.years == []
    logged = {(line.field_label, line.old, line.new) for line in detail.history if line.field == "revenue"}
    assert logged == {(f"{THIS_YEAR}年第三季度营业收入", "90000", "95000")}
    created = [line for line in detail.history if line.action == "create" and "三季度.xlsx" in (line.new or "")]
    assert len(created) == 1 and "第 2 行" in (created[0].new or "")


def test_a_month_inside_a_stored_quarter_is_refused_with_its_row_named(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1])
    imported(engine, actor, quarter_list(tmp_path, "三季度.xlsx", (f"{THIS_YEAR}-Q3", 90_000, 0, 2)))
    with engine.connect() as connection:
        logged = connection.execute(text("SELECT count(*) FROM change_log")).scalar_one()
    path = quarter_list(tmp_path, "八月.xlsx", (f"{THIS_YEAR}年8月", 30_000, 0, 2))
    plan = dry_run(engine, actor, path)
    assert counts(plan) == {ListRowKind.INVALID: 1}
    assert "分期数据" not in " ".join(plan.notes) and plan.writes.new_periods == []  # nothing of it is kept
    problem = next(plan.entries_of(ListRowKind.INVALID)).problems[0]
    assert (problem.row, problem.column_header, problem.column, problem.raw_value) == (2, "所属期", "C", f"{THIS_YEAR}年8月")
    assert f"已导入过{THIS_YEAR}年第三季度的数据" in problem.message() and "Sheet1" in problem.message()
    commit_list(engine, plan, actor=actor, rules=rules())
    assert periods_of(engine) == [(THIS_YEAR, 7, 9, 90_000, 0, 2, 1, "三季度.xlsx")]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM change_log")).scalar_one() == logged + 1  # the record


def test_an_ended_years_quarters_still_make_its_year(engine: Engine, tmp_path: Path) -> None:
    """Last year's first three quarters (a household that closed, or whose quiet quarter was left out) are
    its year, with the gap said; a later fourth quarter is added to them."""
    actor = office(engine)
    households(engine, actor, [1])
    last = THIS_YEAR - 1
    plan = dry_run(engine, actor, quarter_list(tmp_path, "上年前三季度.xlsx", (f"{last}-Q1", 10_000, 100, 1),
                                               (f"{last}-Q2", 20_000, 200, 1), (f"{last}-Q3", 30_000, 300, 2)))  # fmt: skip
    assert f"「{NAME}」{last}年缺 10-12月" in plan.summary_text()
    commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1)[0][:5] == (last, 60_000, 600, 2, None)
    imported(engine, actor, quarter_list(tmp_path, "上年四季度.xlsx", (f"{last}-Q4", 40_000, 400, 3)))
    assert figures_of(engine, 1)[0][:6] == (last, 100_000, 1_000, 3, None, 2)


def test_a_year_to_date_list_replaces_the_shorter_run_it_covers(engine: Engine, tmp_path: Path) -> None:
    """本年累计: the statistics office's 1-6月, then 1-9月. The longer run replaces the shorter one (retired,
    logged), so the months are not counted twice; the old 1-6月 list sent again is refused, not added."""
    actor = office(engine)
    made = households(engine, actor, [1])
    imported(engine, actor, quarter_list(tmp_path, "上半年.xlsx", (f"{THIS_YEAR}年1-6月", 100_000, 1_000, 2)))
    plan = dry_run(engine, actor, quarter_list(tmp_path, "前三季度.xlsx", (f"{THIS_YEAR}年1-9月", 160_000, 1_600, 3)))
    assert counts(plan) == {ListRowKind.NEW: 1}
    assert f"「{NAME}」{THIS_YEAR}年 1-6月" in plan.summary_text() and "旧的分期数据标为已删除" in plan.summary_text()
    assert f"{THIS_YEAR}年已有 1-9月" in plan.summary_text()
    commit_list(engine, plan, actor=actor, rules=rules())
    assert periods_of(engine) == [(THIS_YEAR, 1, 6, 100_000, 1_000, 2, 2, "前三季度.xlsx"),
                                  (THIS_YEAR, 1, 9, 160_000, 1_600, 3, 1, "前三季度.xlsx")]  # fmt: skip
    with engine.connect() as connection:
        retired = connection.execute(text(
            "SELECT first_month, last_month FROM period_figures WHERE deleted_at IS NOT NULL")).all()  # fmt: skip
    assert [tuple(row) for row in retired] == [(1, 6)]
    with Session(engine) as session:
        detail = business_detail(session=session, actor=actor, business_uuid=made[1])
    assert [line.label for line in detail.periods] == [f"{THIS_YEAR}年1-9月"]
    assert any(line.field == "deleted_at" and (line.new or "").startswith("已删除") and
               line.field_label == f"{THIS_YEAR}年1-6月删除标记" for line in detail.history)  # fmt: skip
    old_again = dry_run(engine, actor, quarter_list(tmp_path, "上半年重发.xlsx", (f"{THIS_YEAR}年1-6月", 100_000, 1_000, 2)))
    assert counts(old_again) == {ListRowKind.INVALID: 1}
    assert f"已导入过{THIS_YEAR}年1-9月的数据" in next(old_again.entries_of(ListRowKind.INVALID)).problems[0].reason
    # the year's last quarter: 1-9月 and 10-12月 make the whole year, summed once
    commit_list(engine, dry_run(engine, actor, quarter_list(tmp_path, "四季度.xlsx", (f"{THIS_YEAR}-Q4", 40_000, 400, 3))),
                actor=actor, rules=rules())  # fmt: skip
    assert figures_of(engine, 1)[-1][:4] == (THIS_YEAR, 200_000, 2_000, 3)


def test_a_retired_run_of_months_given_again_is_brought_back(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1])
    imported(engine, actor, quarter_list(tmp_path, "三季度.xlsx", (f"{THIS_YEAR}-Q3", 90_000, 0, 2)))
    with engine.begin() as connection:
        connection.execute(text("UPDATE period_figures SET deleted_at = updated_at, version = version + 1"))
    plan = dry_run(engine, actor, quarter_list(tmp_path, "三季度重发.xlsx", (f"{THIS_YEAR}-Q3", 92_000, 0, 2)))
    assert counts(plan) == {ListRowKind.UPDATE: 1} and plan.writes.new_periods == []  # as a deleted year comes back
    commit_list(engine, plan, actor=actor, rules=rules())
    assert periods_of(engine) == [(THIS_YEAR, 7, 9, 92_000, 0, 2, 3, "三季度重发.xlsx")]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM period_figures WHERE deleted_at IS NULL")).scalar_one() == 1
