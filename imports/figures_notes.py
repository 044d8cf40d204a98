"""What a 经营数据 list's dry run says beyond its counts: the quarters summed and their gaps, the running years'
quarters kept apart, the shorter periods a 本年累计 replaced, the money unit, and the writes in one sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imports.columns import MONEY_UNITS
from imports.list_columns import declared_unit
from imports.list_plan import ListPlan
from imports.period_merge import SUMMED, StoredPeriod

if TYPE_CHECKING:
    from imports.figures_plan import FigureWrites


def dry_run_notes(plan: ListPlan, writes: FigureWrites, title_unit: int | None, *, summed: tuple[int, int],
                  incomplete: list[str], running: tuple[list[str], int], replaced: list[str],
                  combined: tuple[int, int] = (0, 0)) -> None:  # fmt: skip
    """What the dry run says beyond its counts: the 征收项目 combined, the summing, the gaps, the kept quarters,
    the unit, the writes."""
    if combined[1]:
        plan.notes.append(f"同一户同一期间按征收项目分行的 {combined[0] + combined[1]:,} 行合并为 {combined[0]:,} 行"
                          "（纳税额为各税种相加，营业收入和人数取各行中最大的，即增值税的计税销售额）。")
    if summed[1]:
        plan.notes.append(f"{summed[0]:,} 户的 {summed[1]:,} 行季度（月度）数据合计为年度数据"
                          "（营业收入、纳税额相加，从业人数、参保人数取最后一期）。")
    if incomplete:
        shown = "；".join(incomplete[:3]) + ("等" if len(incomplete) > 3 else "")
        plan.notes.append(f"其中 {len(incomplete):,} 户的年度不完整（{shown}），按已有月份合计，请核对。")
    if replaced:
        shown = "；".join(replaced[:3]) + ("等" if len(replaced) > 3 else "")
        plan.notes.append(f"{len(replaced):,} 户此前导入的较短期间被本表覆盖它们的期间替换（{shown}；如本年累计数），"
                          "旧的分期数据标为已删除，变更记录中可查。")
    if running[0]:
        shown = "；".join(running[0][:3]) + ("等" if len(running[0]) > 3 else "")
        plan.notes.append(f"{len(running[0]):,} 户的 {running[1]:,} 行季度（月度）数据属于尚未结束、也不满全年的年度"
                          f"（{shown}），保存为分期数据，暂不计入年度经营数据，也不参与分型；该年各季度齐全，或年度结束后"
                          "再导入该年的数据时，合计为年度数据。")
    money = [plan.headers[index] for index, name in plan.mapping.fields.items() if name in SUMMED]
    units = {declared_unit(header) or title_unit or 1 for header in money} - {1}
    if units:
        named = {unit: word for word, unit in MONEY_UNITS.items()}
        words = "、".join(named[unit] for unit in sorted(units, reverse=True))
        plan.notes.append(f"金额单位为{words}，已换算为元保存。")
    years_touched = len({item.business_id for item in writes.new} | {item.business_id for item in writes.changed})
    plan.written = (f"将新增 {len(writes.new):,} 条年度数据，更新 {len(writes.changed):,} 条（涉及 {years_touched:,} 户），"
                    f"{writes.unchanged:,} 条与已有数据相同。")
    if writes.new_periods or writes.changed_periods or writes.retired_periods:
        if not (writes.new or writes.changed or writes.unchanged):
            plan.written = "年度数据不变。"
        plan.written += f"分期数据将新增 {len(writes.new_periods):,} 条，更新 {len(writes.changed_periods):,} 条。"


def months_of(periods: list[StoredPeriod]) -> list[int]:
    return sorted({month for item in periods for month in item.period.months})


def covered(missing: list[int]) -> list[int]:
    return [month for month in range(1, 13) if month not in missing]


def months_text(months: list[int]) -> str:
    runs: list[str] = []
    start = previous = months[0]
    for month in [*months[1:], 0]:
        if month != previous + 1:
            runs.append(f"{start}月" if start == previous else f"{start}-{previous}月")
            start = month
        previous = month
    return "、".join(runs)
