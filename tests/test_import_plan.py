"""The dry run on both engines: each row's kind, field diffs, problems that name where, modes, matching."""

from __future__ import annotations

import itertools
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import GRIDS, HEADER, OFFICERS, existing, office, row, uscc, write_list
from sqlalchemy import Engine, text
from sqlmodel import Session

from imports.commit import commit_import
from imports.errors import ImportCancelled
from imports.pending import NewBusiness
from imports.plan import FieldChange, ImportMode, RowKind, plan_import
from storage.audit import Actor
from workbench.services import office as office_service

FIRST_DATA_ROW = 3  # a title row, then the header


def test_every_kind_of_row_with_diffs_and_problems(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    existing(engine, actor, 1)
    updated_uuid = existing(engine, actor, 2)
    path = write_list(
        tmp_path / "名录.xlsx",
        [
            row(1),
            row(2, {"联系电话": "13900001111", "资金数额（万元）": 8}),
            row(3),
            row(4, {"联系电话": "12345"}),
            row(3, {"名称": "另一个名字"}),
        ],
    )
    plan = plan_import(engine, path, actor=actor)
    kinds = [(outcome.row_number, outcome.kind) for outcome in plan.outcomes]
    assert kinds == [
        (3, RowKind.UNCHANGED),
        (4, RowKind.UPDATE),
        (5, RowKind.NEW),
        (6, RowKind.INVALID),
        (7, RowKind.DUPLICATE),
    ]
    assert (
        plan.counts[RowKind.NEW] == 1
        and plan.counts[RowKind.UPDATE] == 1
        and plan.counts[RowKind.UNCHANGED] == 1
    )
    update = next(plan.outcomes_of(RowKind.UPDATE))
    assert update.business_uuid == updated_uuid
    assert update.changes == [
        FieldChange("phone", "联系电话", "13812345678", "13900001111"),
        FieldChange("capital", "资金数额（元）", "50,000 元", "80,000 元"),
    ]
    invalid = next(plan.outcomes_of(RowKind.INVALID))
    problem = invalid.problems[0]
    assert (problem.sheet, problem.row, problem.column_header, problem.raw_value) == (
        "名录",
        6,
        "联系电话",
        "12345",
    )
    assert "联系电话有误" in problem.reason and "第 6 行" in problem.message()
    duplicate = next(plan.outcomes_of(RowKind.DUPLICATE))
    assert (
        "与第 5 行" in duplicate.problems[0].reason
        and duplicate.problems[0].column_header == "统一社会信用代码"
    )
    assert "新增 1 户" in plan.summary_text() and "有错误 1 行" in plan.summary_text()


def test_grids_and_officers_are_matched_by_name_within_the_office(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    office(engine, "另一个所")  # has grids and officers of the same names: never used for this office
    path = write_list(
        tmp_path / "名录.xlsx",
        [
            row(1, {"所属网格": GRIDS[1], "包联干部": OFFICERS[1]}),
            row(2, {"所属网格": "不存在的片区"}),
        ],
    )
    plan = plan_import(engine, path, actor=actor)
    with Session(engine) as session:
        grid_ids = {
            choice.name: choice.id
            for choice in office_service.grids(session=session, office_id=actor.office_id)
        }
        officer_ids = {
            choice.name: choice.id
            for choice in office_service.officers(session=session, office_id=actor.office_id)
        }
    first, second = (NewBusiness._make(pending.values) for pending in plan.inserts)
    assert (first.grid_id, first.officer_id) == (grid_ids[GRIDS[1]], officer_ids[OFFICERS[1]])
    assert second.grid_id is None  # unknown grid: not imported, the rest of the row is
    warning = next(outcome for outcome in plan.outcomes if outcome.row_number == 4).problems[0]
    assert not warning.blocking and warning.column_header == "所属网格" and "不存在的片区" in warning.reason
    assert plan.counts[RowKind.NEW] == 2 and plan.warning_count() == 1 and "1 处提示" in plan.summary_text()


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (ImportMode.INSERT_ONLY, {RowKind.NEW: 1, RowKind.SKIPPED: 1, RowKind.UNCHANGED: 1}),
        (ImportMode.UPDATE_ONLY, {RowKind.UPDATE: 1, RowKind.SKIPPED: 1, RowKind.UNCHANGED: 1}),
        (ImportMode.INSERT_AND_UPDATE, {RowKind.NEW: 1, RowKind.UPDATE: 1, RowKind.UNCHANGED: 1}),
    ],
)
def test_modes_decide_which_rows_apply(
    engine: Engine, tmp_path: Path, mode: ImportMode, expected: dict[RowKind, int]
) -> None:
    actor = office(engine)
    existing(engine, actor, 1)
    existing(engine, actor, 2)
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2, {"经营者": "王新"}), row(3)])
    plan = plan_import(engine, path, actor=actor, mode=mode.label)
    assert {kind: count for kind, count in plan.counts.items() if count} == expected
    assert len(plan.inserts) == expected.get(RowKind.NEW, 0) and len(plan.updates) == expected.get(
        RowKind.UPDATE, 0
    )


def test_mode_words_in_both_languages() -> None:
    assert (
        ImportMode.parse("insert") is ImportMode.INSERT_ONLY
        and ImportMode.parse("仅更新") is ImportMode.UPDATE_ONLY
    )
    assert (
        ImportMode.parse("both") is ImportMode.INSERT_AND_UPDATE and ImportMode.INSERT_ONLY.label == "仅新增"
    )
    with pytest.raises(ValueError, match="导入方式"):
        ImportMode.parse("全部")


def test_rows_without_codes_match_by_name_and_operator_only_when_confirmed(
    engine: Engine, tmp_path: Path
) -> None:
    actor = office(engine)
    known = existing(engine, actor, 1, uscc=None)
    path = write_list(
        tmp_path / "名录.xlsx",
        [
            row(1, {"统一社会信用代码": "", "联系电话": "13900001111"}),
            row(2, {"统一社会信用代码": ""}),
        ],
    )
    waiting = plan_import(engine, path, actor=actor)
    assert waiting.counts[RowKind.NAME_MATCH] == 1 and not waiting.updates
    assert waiting.name_matches[0].business_uuid == known
    assert waiting.name_matches[0].changes[0].after == "13900001111"
    assert "确认" in waiting.summary_text()
    confirmed = plan_import(engine, path, actor=actor, confirm_name_matches=True)
    assert confirmed.counts[RowKind.UPDATE] == 1 and confirmed.updates[0].business_uuid == known
    assert confirmed.counts[RowKind.NEW] == 1 and not confirmed.name_matches


def test_possible_duplicates_in_the_register_are_listed(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    known = existing(engine, actor, 1)
    path = write_list(
        tmp_path / "名录.xlsx", [row(9, {"名称": "鹿城区第1号水果店", "经营场所": "五马街1号"})]
    )
    plan = plan_import(engine, path, actor=actor)
    assert plan.counts[RowKind.NEW] == 1
    [duplicate] = plan.possible_duplicates
    assert (
        duplicate.existing_uuid == known and duplicate.code == uscc(9) and duplicate.existing_code == uscc(1)
    )
    assert "可能重复" in plan.summary_text()


def test_another_offices_rows_are_never_matched(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    other = office(engine, "另一个所")
    existing(engine, other, 1)
    existing(engine, other, 2, uscc=None)
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2, {"统一社会信用代码": ""})])
    plan = plan_import(engine, path, actor=actor, confirm_name_matches=True)
    first, second = list(plan.outcomes)
    assert first.kind is RowKind.INVALID and "其他所" in first.problems[0].reason
    assert first.problems[0].column_header == "统一社会信用代码"
    assert second.kind is RowKind.NEW and second.business_uuid is None
    commit_import(engine, plan, actor=actor)
    with engine.connect() as connection:
        theirs = connection.execute(
            text("SELECT version, phone FROM business WHERE office_id = :office"), {"office": other.office_id}
        ).all()
    assert [tuple(business) for business in theirs] == [(1, "13812345678")] * 2


def test_an_update_may_fill_a_code_found_by_registration_number(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    known = existing(engine, actor, 1, uscc=None, reg_no="330302600012345")
    path = write_list(tmp_path / "名录.xlsx", [row(1, {"注册号": "330302600012345"})])
    plan = plan_import(engine, path, actor=actor)
    [update] = list(plan.outcomes_of(RowKind.UPDATE))
    assert update.business_uuid == known and update.changes[0].field == "uscc"


def test_cancelling_the_dry_run(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    path = write_list(tmp_path / "名录.xlsx", [row(1)])
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ImportCancelled):
        plan_import(engine, path, actor=actor, cancel=cancel)


_serials = itertools.count(1000)
_MESSY = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.text("鹿城区店", min_size=190, max_size=320),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1900, 1, 1), date(2100, 1, 1)),
    st.sampled_from(["", "　", "=1+1", "9.2E+17", "2019年2月30日", "万元", "歇业", "吊销，未注销"]),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messy=st.lists(st.lists(_MESSY, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=6))
def test_messy_rows_never_crash_the_planner_nor_lose_a_valid_row(
    engine: Engine, tmp_path_factory: Any, messy: list[list[Any]]
) -> None:
    actor = _the_office(engine)
    valid = [row(next(_serials)) for _index in range(2)]
    rows = [valid[0], *messy, valid[1]]
    path = write_list(tmp_path_factory.mktemp("messy") / "名录.xlsx", rows)
    plan = plan_import(engine, path, actor=actor)
    assert plan.rows_read <= len(rows)
    new_rows = {outcome.row_number for outcome in plan.outcomes_of(RowKind.NEW)}
    assert {FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows) - 1} <= new_rows
    for outcome in plan.outcomes_of(RowKind.INVALID):
        assert outcome.problems and all(problem.row == outcome.row_number for problem in outcome.problems)
    result = commit_import(engine, plan, actor=actor)  # whatever the plan accepts, the database holds
    assert result.inserted == len(new_rows)


def _the_office(engine: Engine) -> Actor:
    with Session(engine) as session:
        existing = office_service.offices(session=session)
    if existing:
        return Actor(who="陈晓东", device="测试终端", office_id=existing[0].id)
    return office(engine)


def test_a_2011_code_that_reads_the_same_in_2017_is_no_change(engine: Engine, tmp_path: Path) -> None:
    """An export of the register re-imported changes nothing: 5223 is 果品、蔬菜零售 in both versions."""
    actor = office(engine)
    existing(engine, actor, 1, industry_code="5223", industry_code_version="2011")
    header = [*HEADER, "行业代码", "所属行业"]
    path = write_list(tmp_path / "名录.xlsx", [[*row(1), "5223", "果品、蔬菜零售"]], header=header)
    plan = plan_import(engine, path, actor=actor)
    assert plan.counts[RowKind.UNCHANGED] == 1, list(plan.outcomes)


def test_values_a_column_cannot_hold_are_row_problems(engine: Engine, tmp_path: Path) -> None:
    """Found by the hypothesis test: 1e24 万元 crashed the parser, a 300-character name failed the commit."""
    actor = office(engine)
    path = write_list(
        tmp_path / "名录.xlsx",
        [row(1, {"资金数额（万元）": 1e24}), row(2, {"名称": "店" * 201}), row(3, {"从业人员": 10**11})],
    )
    plan = plan_import(engine, path, actor=actor)
    reasons = [outcome.problems[0].reason for outcome in plan.outcomes]
    assert plan.counts[RowKind.INVALID] == 3
    assert "过大" in reasons[0] and "超过 200 个字" in reasons[1] and "从业人员超过" in reasons[2]


def test_an_empty_register_plans_the_same_rows_as_one_with_no_match(engine: Engine, tmp_path: Path) -> None:
    """The first import skips every register lookup (imports.matching.register_is_empty): same outcomes."""
    actor = office(engine)
    rows = [
        row(1),
        row(2, {"统一社会信用代码": "", "注册号": "330302600012345"}),
        row(3, {"统一社会信用代码": ""}),
        row(3, {"统一社会信用代码": ""}),  # the same name and operator again, without a code
        row(4, {"联系电话": "1"}),
        row(1),
    ]
    path = write_list(tmp_path / "名录.xlsx", rows)

    def outcomes() -> list[tuple[Any, ...]]:
        plan = plan_import(engine, path, actor=actor)
        return [(item.row_number, item.kind, item.name, item.code, item.problems) for item in plan.outcomes]

    empty = outcomes()
    elsewhere = office(engine, name="另一个所")
    existing(engine, elsewhere, 99, name="另一户", operator="李四", address="别处")
    assert outcomes() == empty
    assert [kind for _number, kind, *_rest in empty] == [
        RowKind.NEW,
        RowKind.NEW,
        RowKind.NEW,
        RowKind.DUPLICATE,
        RowKind.INVALID,
        RowKind.DUPLICATE,
    ]
