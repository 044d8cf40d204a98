"""Importing a 经营数据 list (issue 15) on both engines: a tax office's file with a title row declaring 万元,
quarterly rows summed into the year, unmatched and faulty rows listed, a year already stored updated, the
businesses touched reclassified in the same transaction, a repeat import changing nothing, all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from import_helpers import office, uscc
from list_helpers import figures_of, households, rules, table_state, tier_of, write_gbk_csv, write_sheet
from sqlalchemy import Engine, text
from sqlmodel import Session

import imports.list_commit
from imports.error_workbook import REASON_HEADER, write_error_workbook
from imports.errors import ImportConflict
from imports.figures_plan import plan_figures
from imports.list_commit import commit_list
from imports.list_plan import ListRowKind
from imports.parse import parse_list_file
from storage.tables_imports import ImportRecord
from workbench.domain.labels import ImportKind
from workbench.domain.tiers import Tier

HEADER = ["序号", "纳税人识别号", "纳税人名称", "所属期", "销售额", "实缴税额", "从业人数", "参保人数"]
TITLE = "鹿城区个体工商户2025年度纳税情况表（金额单位：万元）"


def tax_office_rows() -> list[list[Any]]:
    """Households 1-4 registered; 99 is not. Worked out by hand:
    1: one annual row, 150 万 revenue, 2 万 tax, 1 insured -> 1,500,000 / 20,000: 发展型 (≥ 100 万, 2019 start);
    2: four quarters of 10 万 / 0.1 万 -> 400,000 / 4,000, employees of Q4 (3), insured 1: 成长型;
    3: three quarters (Q1-Q3, three spellings) of 5 万, no tax, no insured -> 150,000: stays 生存型;
    2 again for Q1: a repeat; 99: unmatched; 4 with 所属期「去年」: an error."""
    return [
        [1, uscc(1), "鹿城区第1号水果店", "2025", 150, 2, 3, 1],
        [2, uscc(2), "鹿城区第2号水果店", "2025-Q1", 10, 0.1, 2, 1],
        [3, uscc(2), "鹿城区第2号水果店", "2025-Q2", 10, 0.1, 2, 1],
        [4, uscc(2), "鹿城区第2号水果店", "2025年第三季度", 10, 0.1, 3, 1],
        [5, uscc(2), "鹿城区第2号水果店", "2025-10至2025-12", 10, 0.1, 3, 1],
        [6, uscc(3), "鹿城区第3号水果店", "2025年第一季度", 5, "", 1, ""],
        [7, uscc(3), "鹿城区第3号水果店", "2025年4-6月", 5, "", 1, ""],
        [8, uscc(3), "鹿城区第3号水果店", "2025-07至2025-09", 5, "", 1, ""],
        [9, uscc(2), "鹿城区第2号水果店", "2025年一季度", 10, 0.1, 2, 1],
        [10, uscc(99), "外所的店", "2025", 80, 1, 2, 1],
        [11, uscc(4), "鹿城区第4号水果店", "去年", 30, 1, 1, 1],
    ]


def test_a_tax_office_list_is_recognised_summed_matched_and_reclassifies(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    made = households(engine, actor, [1, 2, 3, 4])
    assert tier_of(engine, made[1])[0] == Tier.SURVIVAL and "没有年度经营数据" in tier_of(engine, made[1])[1]
    path = write_sheet(tmp_path / "纳税情况.xlsx", HEADER, tax_office_rows(), title=TITLE)
    parsed = parse_list_file(path)
    assert parsed.kind is ImportKind.FIGURES and parsed.kind_detected and parsed.title_unit == 10_000
    plan = plan_figures(engine, parsed, office_id=actor.office_id)
    counts = {kind: count for kind, count in plan.counts.items() if count}
    assert counts == {ListRowKind.NEW: 8, ListRowKind.UNMATCHED: 1, ListRowKind.DUPLICATE: 1, ListRowKind.INVALID: 1}
    summary = plan.summary_text()
    assert "是经营数据表（按表头识别）" in summary and "2 户的 7 行季度（月度）数据合计为年度数据" in summary
    assert "「鹿城区第3号水果店」2025年缺 10-12月" in summary and "金额单位为万元" in summary
    assert "将新增 3 条年度数据，更新 0 条（涉及 3 户）" in summary
    unmatched = next(plan.entries_of(ListRowKind.UNMATCHED))
    assert unmatched.row_number == 12 and f"没有代码为「{uscc(99)}」" in unmatched.problems[0].message()
    repeat = next(plan.entries_of(ListRowKind.DUPLICATE)).problems[0]
    assert (repeat.row, repeat.column_header, repeat.column) == (11, "所属期", "D") and "第 4 行" in repeat.reason

    result = commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1) == [(2025, 1_500_000, 20_000, 3, 1, 1, "纳税情况.xlsx")]
    assert figures_of(engine, 2) == [(2025, 400_000, 4_000, 3, 1, 1, "纳税情况.xlsx")]
    assert figures_of(engine, 3) == [(2025, 150_000, None, 1, None, 1, "纳税情况.xlsx")]
    assert figures_of(engine, 4) == []
    assert (result.reclassified, result.tier_changes) == (3, 2)
    assert "已重新分型 3 户，2 户分型变化" in result.summary_text()
    tier, reason = tier_of(engine, made[1])
    assert tier == Tier.DEVELOPMENT and "营业收入150万元 ≥ 发展型门槛100万元" in reason
    assert tier_of(engine, made[2])[0] == Tier.GROWTH and tier_of(engine, made[3])[0] == Tier.SURVIVAL
    with Session(engine) as session:
        record = session.get(ImportRecord, 1)
    assert record is not None and record.kind == ImportKind.FIGURES and record.inserted == 3  # years, not rows
    with engine.connect() as connection:
        logged = connection.execute(text(
            "SELECT new FROM change_log WHERE entity = 'year_figures' AND action = 'create' ORDER BY id")).scalars().all()
    assert logged == ["导入自「纳税情况.xlsx」第 3 行：2025年", "导入自「纳税情况.xlsx」第 4 行：2025年",
                      "导入自「纳税情况.xlsx」第 8 行：2025年"]


def test_the_error_workbook_lists_unmatched_and_faulty_rows(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2, 3, 4])
    path = write_sheet(tmp_path / "纳税情况.xlsx", HEADER, tax_office_rows(), title=TITLE)
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    out = write_error_workbook(plan, tmp_path / "错误.xlsx")
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*HEADER, REASON_HEADER)
    assert [found[0] for found in rows[1:]] == [9, 10, 11]  # the 序号 of the repeat, the unmatched, the error
    assert "重叠" in str(rows[1][-1]) and "本所登记簿中没有" in str(rows[2][-1]) and "所属期「去年」无法识别" in str(rows[3][-1])


def test_a_year_already_stored_is_updated_and_logged_and_a_repeat_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2])
    first = write_sheet(tmp_path / "2025年报.xlsx", ["统一社会信用代码", "名称", "年度", "营业收入（元）", "纳税额（元）"],
                        [[uscc(1), "鹿城区第1号水果店", 2025, 300_000, 1_000]], title=None)
    commit_list(engine, plan_figures(engine, parse_list_file(first), office_id=actor.office_id), actor=actor, rules=rules())
    assert figures_of(engine, 1) == [(2025, 300_000, 1_000, None, None, 1, "2025年报.xlsx")]
    path = write_sheet(tmp_path / "纳税情况.xlsx", HEADER, tax_office_rows()[:2], title=TITLE)
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    assert (plan.counts[ListRowKind.UPDATE], plan.counts[ListRowKind.NEW]) == (1, 1)
    commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1) == [(2025, 1_500_000, 20_000, 3, 1, 2, "纳税情况.xlsx")]
    with engine.connect() as connection:
        changes = connection.execute(text(
            "SELECT field, old, new FROM change_log WHERE entity = 'year_figures' AND action = 'update' "
            "ORDER BY field")).all()
    assert [tuple(change) for change in changes] == [
        ("employees", None, "3"), ("insured_staff", None, "1"), ("revenue", "300000", "1500000"),
        ("tax_paid", "1000", "20000"),
    ]
    before = table_state(engine)
    again = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    assert again.counts[ListRowKind.UNCHANGED] == 2 and again.previous_import is not None
    assert "导入过（新增 1 条年度数据，更新 1 条年度数据）" in again.summary_text()  # years, not 户
    result = commit_list(engine, again, actor=actor, rules=rules())
    after = table_state(engine)
    assert after["year_figures"] == before["year_figures"] and after["classification"] == before["classification"]
    assert result.reclassified == 0 and "分型不变" in result.summary_text()


def test_a_gbk_csv_in_yuan_with_taxpayer_ids(engine: Engine, tmp_path: Path) -> None:
    """A tax office's CSV in GBK: 纳税人识别号 equal to the credit code matches; an old 15-digit 税号 matches
    only a business storing that very code (here the 注册号 of household 5); another 15-digit one is unmatched."""
    actor = office(engine)
    households(engine, actor, [1, 2])
    from import_helpers import existing

    existing(engine, actor, 5, uscc=None, reg_no="330302600123456")
    path = write_gbk_csv(tmp_path / "税务.csv", ["纳税人识别号", "纳税人名称", "所属年度", "应税销售收入", "已缴税额", "社保缴纳人数"], [
        [uscc(1), "鹿城区第1号水果店", "2024年度", 200000, 500, 1],
        [uscc(2), "鹿城区第2号水果店", "2024", "12.5万", 0, 0],
        ["330302600123456", "鹿城区第5号水果店", "2024", 1000, 0, 0],
        ["330302600999999", "不在本所", "2024", 1000, 0, 0],
    ])  # fmt: skip
    parsed = parse_list_file(path)
    assert parsed.kind is ImportKind.FIGURES and parsed.sniffed.encoding == "gb18030"
    plan = plan_figures(engine, parsed, office_id=actor.office_id)
    assert (plan.counts[ListRowKind.NEW], plan.counts[ListRowKind.UNMATCHED]) == (3, 1)
    commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1) == [(2024, 200_000, 500, None, 1, 1, "税务.csv")]
    assert figures_of(engine, 2) == [(2024, 125_000, 0, None, 0, 1, "税务.csv")]


def test_a_merged_two_row_header(engine: Engine, tmp_path: Path) -> None:
    """A statistics office's sheet: 经营情况 merged over 营业收入（万元） and 纳税额（万元）, 人员 over two counts."""
    actor = office(engine)
    households(engine, actor, [1])
    header = ["统一社会信用代码", "单位名称", "统计年度", "营业收入（万元）", "纳税额（万元）", "从业人员", "参保人数"]
    upper = [("经营情况", 4, 5), ("人员", 6, 7)]
    path = write_sheet(tmp_path / "统计.xlsx", header, [[uscc(1), "鹿城区第1号水果店", 2024, 12.35, 0.5, 4, 2]],
                       title="2024年度个体工商户经营情况", upper=upper)
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    assert plan.counts[ListRowKind.NEW] == 1 and plan.header_rows[-1] == 3
    commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1) == [(2024, 123_500, 5_000, 4, 2, 1, "统计.xlsx")]


def test_a_statistics_sheet_in_thousands_of_yuan(engine: Engine, tmp_path: Path) -> None:
    """规上 figures come from the statistics office in 千元: 1,234.5 千元 is 1,234,500 元, in the header or in a
    title's 单位, never read as yuan; 单位详细名称 is the name."""
    actor = office(engine)
    households(engine, actor, [1, 2])
    in_header = write_sheet(tmp_path / "规上.xlsx", ["统一社会信用代码", "单位详细名称", "年份", "营业收入（千元）", "从业人员期末人数"],
                            [[uscc(1), "鹿城区第1号水果店", 2024, 1234.5, 8]], title=None)  # fmt: skip
    plan = plan_figures(engine, parse_list_file(in_header), office_id=actor.office_id)
    assert "金额单位为千元，已换算为元保存" in plan.summary_text() and "不会导入" not in plan.summary_text()
    commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1)[0][:4] == (2024, 1_234_500, None, 8)
    in_title = write_sheet(tmp_path / "规上2.xlsx", ["统一社会信用代码", "单位详细名称", "年份", "营业收入", "纳税额"],
                           [[uscc(2), "鹿城区第2号水果店", 2024, 800, 2.5]], title="主要经济指标（单位：千元）")  # fmt: skip
    commit_list(engine, plan_figures(engine, parse_list_file(in_title), office_id=actor.office_id), actor=actor,
                rules=rules())  # fmt: skip
    assert figures_of(engine, 2)[0][:3] == (2024, 800_000, 2_500)


def test_a_failing_reclassification_leaves_the_database_as_it_was(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2, 3, 4])
    path = write_sheet(tmp_path / "纳税情况.xlsx", HEADER, tax_office_rows(), title=TITLE)
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    before = table_state(engine)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(imports.list_commit, "recompute", broken)
    with pytest.raises(RuntimeError):
        commit_list(engine, plan, actor=actor, rules=rules())
    assert table_state(engine) == before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM import_record")).scalar_one() == 0


def test_a_year_entered_meanwhile_is_a_conflict_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2, 3, 4])
    path = write_sheet(tmp_path / "纳税情况.xlsx", HEADER, tax_office_rows(), title=TITLE)
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO year_figures (uuid, version, updated_by, device, office_id, business_id, year, source) "
            "SELECT 'meanwhile', 1, '林丽丽', '', office_id, id, 2025, '手工录入' FROM business WHERE uscc = :code"),
            {"code": uscc(3)})  # fmt: skip
    before = table_state(engine)
    with pytest.raises(ImportConflict) as raised:
        commit_list(engine, plan, actor=actor, rules=rules())
    assert "2025年" in raised.value.message
    assert table_state(engine) == before


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["统一社会信用代码", "名称", "经营者", "经营场所", "成立日期", "从业人员"], ImportKind.REGISTER),
        (["统一社会信用代码", "名称", "年度", "营业收入", "从业人数"], ImportKind.FIGURES),
        (["许可证编号", "经营者名称", "社会信用代码", "经营场所", "有效期至"], ImportKind.LICENSES),
    ],
)
def test_the_kind_of_list_is_told_from_its_headers(tmp_path: Path, header: list[str], kind: ImportKind) -> None:
    path = write_sheet(tmp_path / "名单.xlsx", header, [[uscc(1), *["x"] * (len(header) - 1)]], title="名单")
    assert parse_list_file(path).kind is kind
    forced = parse_list_file(path, kind=ImportKind.REGISTER)
    assert forced.kind is ImportKind.REGISTER and not forced.kind_detected


def test_a_future_year_and_a_negative_amount_are_errors(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1])
    future = date.today().year + 1
    path = write_sheet(tmp_path / "数据.xlsx", ["统一社会信用代码", "名称", "年度", "营业收入", "纳税额"], [
        [uscc(1), "甲", future, 100, 1], [uscc(1), "甲", 2023, -5, 1],
    ])  # fmt: skip
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    assert plan.counts[ListRowKind.INVALID] == 2
    reasons = [entry.problems[0].reason for entry in plan.entries]
    assert "还没有到" in reasons[0] and "不能为负数" in reasons[1]


def test_a_year_changed_meanwhile_is_a_conflict_and_an_update_is_stamped(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1])
    header = ["统一社会信用代码", "名称", "年度", "营业收入（元）"]
    first = write_sheet(tmp_path / "一.xlsx", header, [[uscc(1), "鹿城区第1号水果店", 2025, 100]], title=None)
    commit_list(engine, plan_figures(engine, parse_list_file(first), office_id=actor.office_id), actor=actor, rules=rules())
    second = write_sheet(tmp_path / "二.xlsx", header, [[uscc(1), "鹿城区第1号水果店", 2025, 200]], title=None)
    plan = plan_figures(engine, parse_list_file(second), office_id=actor.office_id)
    with engine.begin() as connection:
        connection.execute(text("UPDATE year_figures SET version = version + 1, revenue = 150"))
    before = table_state(engine)
    with pytest.raises(ImportConflict):
        commit_list(engine, plan, actor=actor, rules=rules())
    assert table_state(engine) == before
    plan = plan_figures(engine, parse_list_file(second), office_id=actor.office_id)
    commit_list(engine, plan, actor=actor, rules=rules())
    with engine.connect() as connection:
        stamped = connection.execute(text("SELECT revenue, version, updated_by, device, updated_at FROM year_figures")).one()
    assert tuple(stamped[:4]) == (200, 3, actor.who, actor.device) and stamped[4] is not None


@pytest.mark.parametrize(("header", "unit"), [
    ("营业收入（元）", 1), ("营业收入（千元）", 1_000), ("营业收入(万元)", 10_000), ("营业收入（百万元）", 1_000_000),
    ("营业收入（亿元）", 100_000_000), ("营业收入", None), ("本年累计营业收入千元", 1_000),
])  # fmt: skip
def test_the_unit_a_money_header_names(header: str, unit: int | None) -> None:
    from imports.list_columns import declared_unit

    assert declared_unit(header) == unit


def test_the_tax_systems_two_period_columns(engine: Engine, tmp_path: Path) -> None:
    """The tax system's export names the period in two date columns, 税款所属期起 and 税款所属期止: the months
    between them are the row's period (last year's four quarters make its year); a pair crossing the year end,
    a pair with one end empty and a pair the wrong way round are told, each naming its row and column."""
    from datetime import datetime

    actor = office(engine)
    households(engine, actor, [1, 2])
    last = date.today().year - 1
    header = ["纳税人识别号", "纳税人名称", "税款所属期起", "税款所属期止", "应税销售收入", "应纳税额"]
    rows = [[uscc(1), "鹿城区第1号水果店", datetime(last, first, 1), datetime(last, first + 2, 28), 100_000, 1_000]
            for first in (1, 4, 7, 10)]  # fmt: skip
    rows += [[uscc(2), "鹿城区第2号水果店", datetime(last, 12, 1), datetime(last + 1, 2, 28), 5_000, 0],
             [uscc(2), "鹿城区第2号水果店", datetime(last, 7, 1), None, 5_000, 0],
             [uscc(2), "鹿城区第2号水果店", datetime(last, 9, 30), datetime(last, 7, 1), 5_000, 0]]  # fmt: skip
    path = write_sheet(tmp_path / "申报明细.xlsx", header, rows, title=None)
    parsed = parse_list_file(path)
    assert parsed.kind is ImportKind.FIGURES and parsed.kind_detected
    plan = plan_figures(engine, parsed, office_id=actor.office_id)
    assert (plan.counts[ListRowKind.NEW], plan.counts[ListRowKind.INVALID]) == (4, 3)
    problems = {problem.row: problem for entry in plan.entries_of(ListRowKind.INVALID) for problem in entry.problems}
    assert problems[6].column_header == "税款所属期起" and "跨" in problems[6].reason
    assert problems[7].column_header == "税款所属期止" and "只填了一头" in problems[7].reason
    assert problems[8].column_header == "税款所属期止" and "早于所属期起" in problems[8].reason
    commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1)[0][:3] == (last, 400_000, 4_000)


def test_the_tax_systems_detail_export_one_row_per_tax(engine: Engine, tmp_path: Path) -> None:
    """申报明细 by 征收项目: one row per tax of a household and period. The taxes are added up, the sales
    (增值税's base, repeated or left out on the other taxes' rows) taken once; the same tax twice is a repeat."""
    actor = office(engine)
    households(engine, actor, [1, 2])
    last = date.today().year - 1
    header = ["纳税人识别号", "纳税人名称", "所属期", "征收项目", "计税依据", "实缴税额"]
    rows = [[uscc(1), "鹿城区第1号水果店", f"{last}", "增值税", 1_200_000, 12_000],
            [uscc(1), "鹿城区第1号水果店", f"{last}", "城市维护建设税", 12_000, 840],
            [uscc(1), "鹿城区第1号水果店", f"{last}", "个人所得税", None, 3_000],
            [uscc(2), "鹿城区第2号水果店", f"{last}", "增值税", 300_000, 3_000],
            [uscc(2), "鹿城区第2号水果店", f"{last}", "增值税", 300_000, 3_000]]  # fmt: skip
    path = write_sheet(tmp_path / "申报明细.xlsx", header, rows, title=None)
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    counts = {kind: count for kind, count in plan.counts.items() if count}
    assert counts == {ListRowKind.NEW: 4, ListRowKind.DUPLICATE: 1} and plan.rows_read == 5
    assert "按征收项目分行的 3 行合并为 1 行" in plan.summary_text()
    repeat = next(plan.entries_of(ListRowKind.DUPLICATE)).problems[0]
    assert repeat.row == 6 and "与第 5 行是同一户" in repeat.reason
    commit_list(engine, plan, actor=actor, rules=rules())
    assert figures_of(engine, 1)[0][:3] == (last, 1_200_000, 15_840)
    assert figures_of(engine, 2)[0][:3] == (last, 300_000, 3_000)
