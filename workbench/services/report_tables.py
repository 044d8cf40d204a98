"""The monthly report's tables and charts (issue 18), assembled from counted figures: no queries here."""

from __future__ import annotations

from collections.abc import Mapping

from workbench.domain.candidates import CONVERSION_METHOD_LABELS, POOL_LABELS
from workbench.domain.distinctions import CATEGORY_NAMES
from workbench.domain.report_model import Cell, Chart, Column, Table
from workbench.domain.report_periods import Month
from workbench.domain.size_class import SizeClass
from workbench.domain.tiers import TIER_LABELS
from workbench.services.report_flows import FlowFigures
from workbench.services.report_indicators import Cohort, Rate
from workbench.services.report_programmes import ProgrammeFigures
from workbench.services.report_service_work import ServiceFigures

_FLOW_COLUMNS = (
    Column("实有户数", "count"), Column("新设", "count"), Column("注销", "count"), Column("吊销", "count"),
    Column("撤销", "count"), Column("迁入", "count"), Column("迁出", "count"), Column("净增", "count"),
)
_UNASSIGNED = "（未分派）"
NOT_CLASSIFIED = "尚未分型"


def _flow_cells(counts: Mapping[str, int]) -> tuple[int, ...]:
    get = counts.get
    flows = ("new", "deregistered", "revoked", "cancelled", "moved_in", "moved_out")
    values = tuple(get(f"{flow}.month", 0) for flow in flows)
    return (get("stock.end", 0), *values, values[0] - values[1])


def grid_table(month: Month, flows: FlowFigures, names: Mapping[int, str], active: Mapping[int | None, Rate]) -> Table:
    rows = [
        (names.get(grid_id, _UNASSIGNED) if grid_id is not None else _UNASSIGNED, *_flow_cells(counts),
         active[grid_id].value if grid_id in active else None)
        for grid_id, counts in _ordered(flows.by_grid, names)
    ]
    total_active = sum(rate.numerator for rate in active.values())
    total_present = sum(rate.denominator for rate in active.values())
    any_missing = any(rate.missing_reason for rate in active.values())
    total_rate = None if any_missing or not total_present else total_active / total_present
    return Table(
        "分网格", f"分网格实有户数与新设注销（{month.label}）",
        (Column("网格"), *_FLOW_COLUMNS, Column("活跃度", "percent")),
        tuple(rows), ("合计", *_flow_cells(flows.total), total_rate),
        note="活跃度为空表示暂无数据（见口径说明）。",
    )


def officer_table(month: Month, flows: FlowFigures, names: Mapping[int, str], service: ServiceFigures) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for officer_id, counts in _ordered(flows.by_officer, names):
        cells = _flow_cells(counts)
        name = names.get(officer_id, _UNASSIGNED) if officer_id is not None else _UNASSIGNED
        rows.append((name, cells[0], cells[1], cells[2], cells[7], service.visits_by_officer.get(officer_id, 0)))
    total = _flow_cells(flows.total)
    return Table(
        "分干部", f"分包联干部实有户数与走访（{month.label}）",
        (Column("包联干部"), Column("实有户数", "count"), Column("新设", "count"), Column("注销", "count"),
         Column("净增", "count"), Column("走访次数", "count")),
        tuple(rows), ("合计", total[0], total[1], total[2], total[7], sum(service.visits_by_officer.values())),
    )


def section_table(month: Month, flows: FlowFigures, section_names: Mapping[str, str]) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (letter or "", section_names.get(letter, "行业不详") if letter else "行业不详", *_flow_cells(counts))
        for letter, counts in sorted(flows.by_section.items(), key=lambda item: item[0] or "~")
    ]
    return Table(
        "分行业", f"分国民经济行业门类（GB/T 4754-2017）实有户数与新设注销（{month.label}）",
        (Column("门类", "code"), Column("行业门类名称"), *_FLOW_COLUMNS), tuple(rows),
        ("", "合计", *_flow_cells(flows.total)),
    )


def classes_table(month: Month, figures: ProgrammeFigures) -> Table:
    rows: list[tuple[Cell, ...]] = []
    households = sum(figures.tiers.values())
    for tier, label in (*TIER_LABELS.items(), (None, NOT_CLASSIFIED)):
        count = figures.tiers.get(tier, 0)
        rows.append(("三型（存续个体工商户）", label, count, count / households if households else None))
    for (before, after), count in sorted(figures.moves.items(), key=lambda item: -item[1]):
        text = f"{TIER_LABELS.get(before or '', '未分过')} → {TIER_LABELS.get(after or '', '不分型')}"
        rows.append(("本月三型变动", text, count, None))
    sized = sum(figures.sizes.values())
    for size in (*SizeClass, None):
        count = figures.sizes.get(size.value if size else None, 0)
        rows.append(("规模（存续主体）", size.label if size else "无法划型", count, count / sized if sized else None))
    for (category, year), count in sorted(figures.distinctions.items(), key=lambda item: (item[0][1], item[0][0])):
        rows.append(("名特优新认定", f"{year}年·{CATEGORY_NAMES.get(category, category)}", count, None))
    for pool, label in POOL_LABELS.items():
        members, entered, left = figures.pools.get(pool, (0, 0, 0))
        rows.append(("培育库", f"{label}：在库（本月入库 {entered}，出库 {left}）", members, None))
    for method, label in CONVERSION_METHOD_LABELS.items():
        rows.append(("个转企", f"{label}：本月（本年累计 {figures.conversions_ytd.get(method, 0)}）",
                     figures.conversions_month.get(method, 0), None))
    return Table(
        "三型四类", f"三型分布、规模、名特优新、培育库与个转企（{month.label}）",
        (Column("类别"), Column("项目"), Column("户数", "count"), Column("占比", "percent")), tuple(rows),
        note="三型和规模为出表时的分型结果；变动取本月分型历史。",
    )


def support_table(month: Month, figures: ServiceFigures) -> Table:
    rows = tuple((kind, count, amount) for kind, (count, amount) in sorted(figures.support.items()))
    amounts = [amount for _kind, _count, amount in rows if amount is not None]
    return Table(
        "帮扶", f"帮扶与首贷户（{month.label}）",
        (Column("帮扶类型"), Column("次数", "count"), Column("金额（元）", "money")), rows,
        ("合计", sum(count for _kind, count, _amount in rows), sum(amounts) if amounts else None),
        note=f"首贷户：本月新增 {figures.first_loans_month} 户，本年累计 {figures.first_loans_ytd} 户，"
        f"累计 {figures.first_loans_total} 户。",
    )


def appeal_table(month: Month, figures: ServiceFigures) -> Table:
    rows = []
    for category, row in sorted(figures.appeals_by_category.items()):
        rows.append((category, row.received, row.closed, row.closed_on_time,
                     row.closed_on_time / row.closed if row.closed else None, row.overdue))
    total = figures.appeals
    satisfaction = "、".join(f"{word} {count} 件" for word, count in total.satisfaction.items()) or "本月无回访"
    return Table(
        "诉求", f"诉求受理与办结（{month.label}）",
        (Column("诉求类别"), Column("受理", "count"), Column("办结", "count"), Column("按时办结", "count"),
         Column("按时办结率", "percent"), Column("超期未办结", "count")),
        tuple(rows),
        ("合计", total.received, total.closed, total.closed_on_time,
         total.closed_on_time / total.closed if total.closed else None, total.overdue),
        note=f"回访满意度：{satisfaction}。",
    )


def survival_table(month: Month, cohorts: list[Cohort], years: int) -> Table:
    rows = tuple(
        (cohort.year, cohort.registered, cohort.moved_out, cohort.unknown, cohort.rate.denominator,
         cohort.rate.numerator, cohort.rate.value)
        for cohort in cohorts
    )
    return Table(
        "存活率", f"按成立年度的{years}年存活率（截至{month.last:%Y-%m-%d}）",
        (Column("成立年度", "code"), Column("成立户数", "count"), Column("满期前迁出", "count"),
         Column("离开日期不详", "count"), Column("计入户数", "count"), Column("满期仍存续", "count"),
         Column("存活率", "percent")),
        rows, note="迁出和离开日期不详的户不计入分母；个转企计为存活。",
    )


def charts(monthly: list[tuple[str, int, int]], figures: ProgrammeFigures, service: ServiceFigures) -> tuple[Chart, ...]:
    tiers = [(label, figures.tiers.get(tier, 0)) for tier, label in TIER_LABELS.items()]
    if figures.tiers.get(None, 0):
        # The households never classified, as 三型四类 lists them: an office that never ran 重新分型 would
        # otherwise get an empty pie (all three tiers 0) beside a table that counts them all.
        tiers.append((NOT_CLASSIFIED, figures.tiers[None]))
    appeals = service.appeals
    return (
        Chart("新设与注销（近24个月）", "line", tuple(code for code, _n, _d in monthly),
              (("新设", tuple(n for _c, n, _d in monthly)), ("注销", tuple(d for _c, _n, d in monthly)))),
        Chart("三型分布", "pie", tuple(label for label, _count in tiers), (("户数", tuple(count for _l, count in tiers)),)),
        Chart("诉求办结", "bar", ("受理", "办结", "按时办结", "超期未办结"),
              (("件数", (appeals.received, appeals.closed, appeals.closed_on_time, appeals.overdue)),)),
    )


def _ordered(split: Mapping[int | None, Mapping[str, int]], names: Mapping[int, str]) -> list[tuple[int | None, Mapping[str, int]]]:
    """By name, the unassigned last."""
    return sorted(split.items(), key=lambda item: (item[0] is None, names.get(item[0] or 0, "")))
