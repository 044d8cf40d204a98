"""The 汇总 lines of the monthly report (issue 18): stable codes, labels and comparison columns, from the
figures the other report_* modules counted. Pure assembly: no queries here.

Codes are the machine keys the county merge adds up by; they never change meaning within a definition
version. `last_month` is the issued snapshot's value when that month was issued (what was sent), else the
count made now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from workbench.domain.candidates import CONVERSION_METHOD_LABELS, POOL_LABELS
from workbench.domain.labels import BusinessKind
from workbench.domain.report_definitions import NO_DATA, ReportTargets
from workbench.domain.report_model import Number, SummaryLine
from workbench.domain.tiers import TIER_LABELS
from workbench.services.report_flows import FLOW_LABELS, FLOWS, FlowFigures
from workbench.services.report_indicators import Cohort, Rate
from workbench.services.report_inspections import InspectionFigures
from workbench.services.report_programmes import ProgrammeFigures
from workbench.services.report_service_work import ServiceFigures

KIND_CODES = {BusinessKind.HOUSEHOLD.value: "household", BusinessKind.ENTERPRISE.value: "enterprise",
              BusinessKind.COOPERATIVE.value: "cooperative"}
KIND_NAMES = {"household": "个体工商户", "enterprise": "企业", "cooperative": "农民专业合作社"}
SATISFIED = ("满意", "基本满意")


def flow_lines(flows: FlowFigures) -> list[SummaryLine]:
    t = flows.total
    lines = [SummaryLine("stock.total", "实有户数", "户", t["stock.end"], t["stock.prev_end"], t["stock.ly_end"],
                         definition_code="stock")]
    for kind, code in KIND_CODES.items():
        k = flows.by_kind.get(kind, {})
        lines.append(SummaryLine(f"stock.{code}", f"实有户数·{KIND_NAMES[code]}", "户", k.get("stock.end", 0),
                                 k.get("stock.prev_end", 0), k.get("stock.ly_end", 0), definition_code="stock"))
    for flow in FLOWS:
        lines.append(SummaryLine(f"flow.{flow}", FLOW_LABELS[flow], "户", t[f"{flow}.month"], t[f"{flow}.prev"],
                                 t[f"{flow}.ly"], definition_code="flow"))
    lines.append(SummaryLine("flow.net", "净增", "户", _net(t, "month"), _net(t, "prev"), _net(t, "ly"), definition_code="flow"))
    for flow in FLOWS:
        lines.append(SummaryLine(f"ytd.{flow}", f"本年累计{FLOW_LABELS[flow]}", "户", t[f"{flow}.ytd"],
                                 same_month_last_year=t[f"{flow}.ly_ytd"], definition_code="flow"))
    lines.append(SummaryLine("ytd.net", "本年累计净增", "户", _net(t, "ytd"), same_month_last_year=_net(t, "ly_ytd"),
                             definition_code="flow"))
    lines += [
        _growth("growth.stock_yoy", "实有户数同比增长", t["stock.end"], t["stock.ly_end"]),
        _growth("growth.new_yoy", "新设同比增长", t["new.month"], t["new.ly"]),
        _growth("growth.new_ytd_yoy", "本年累计新设同比增长", t["new.ytd"], t["new.ly_ytd"]),
    ]
    return lines


def programme_lines(figures: ProgrammeFigures, scale_up_candidates: int | None) -> list[SummaryLine]:
    lines = [
        SummaryLine(f"tier.{tier}", f"三型·{label}", "户", figures.tiers.get(tier, 0))
        for tier, label in TIER_LABELS.items()
    ]
    lines.append(SummaryLine("tier.not_classified", "三型·尚未分型", "户", figures.tiers.get(None, 0)))
    lines.append(SummaryLine("tier.moved", "本月三型变动", "户", sum(figures.moves.values())))
    for pool, label in POOL_LABELS.items():
        members, entered, left = figures.pools.get(pool, (0, 0, 0))
        lines += [
            SummaryLine(f"pool.{pool}.members", f"{label}在库", "户", members),
            SummaryLine(f"pool.{pool}.entered", f"{label}本月入库", "户", entered),
            SummaryLine(f"pool.{pool}.left", f"{label}本月出库", "户", left),
        ]
    lines.append(SummaryLine("conversion.month", "本月个转企", "户", sum(figures.conversions_month.values())))
    lines.append(SummaryLine("conversion.ytd", "本年累计个转企", "户", sum(figures.conversions_ytd.values())))
    for method, label in CONVERSION_METHOD_LABELS.items():
        lines.append(SummaryLine(f"conversion.month.{method}", f"本月个转企·{label}", "户",
                                 figures.conversions_month.get(method, 0)))
        lines.append(SummaryLine(f"conversion.ytd.{method}", f"本年累计个转企·{label}", "户",
                                 figures.conversions_ytd.get(method, 0)))
    lines.append(SummaryLine("distinction.total", "名特优新认定（累计）", "个", sum(figures.distinctions.values())))
    reason = "" if scale_up_candidates is not None else f"{NO_DATA}：未读取候选规则"
    lines.append(SummaryLine("candidates.scale_up", "上规上限候选", "户", scale_up_candidates, missing_reason=reason))
    return lines


def service_lines(figures: ServiceFigures) -> list[SummaryLine]:
    appeals = figures.appeals
    followed = sum(appeals.satisfaction.values())
    satisfied = sum(appeals.satisfaction.get(word, 0) for word in SATISFIED)
    amounts = [amount for _count, amount in figures.support.values() if amount is not None]
    return [
        SummaryLine("first_loan.month", "本月新增首贷户", "户", figures.first_loans_month),
        SummaryLine("first_loan.ytd", "本年累计首贷户", "户", figures.first_loans_ytd),
        SummaryLine("first_loan.total", "首贷户（累计）", "户", figures.first_loans_total),
        SummaryLine("support.count", "本月帮扶", "次", sum(count for count, _amount in figures.support.values())),
        SummaryLine("support.amount", "本月帮扶金额", "元", sum(amounts) if amounts else 0),
        SummaryLine("appeals.received", "本月受理诉求", "件", appeals.received),
        SummaryLine("appeals.closed", "本月办结诉求", "件", appeals.closed),
        SummaryLine("appeals.on_time", "按时办结", "件", appeals.closed_on_time, definition_code="appeals.on_time"),
        _ratio("appeals.on_time_rate", "按时办结率", Rate(appeals.closed_on_time, appeals.closed), "appeals.on_time"),
        SummaryLine("appeals.overdue", "超期未办结", "件", appeals.overdue, definition_code="appeals.on_time"),
        SummaryLine("appeals.followed_up", "本月回访", "件", followed),
        _ratio("appeals.satisfaction_rate", "回访满意率", Rate(satisfied, followed)),
        SummaryLine("visits.total", "本月走访", "次", sum(figures.visits_by_officer.values())),
    ]


def indicator_lines(active: Rate, cohorts: list[Cohort], targets: ReportTargets) -> list[SummaryLine]:
    survival = cohorts[0].rate if cohorts else Rate(0, 0, f"{NO_DATA}：没有满期的成立年度")
    label = f"三年存活率（{cohorts[0].year}年成立）" if cohorts else "三年存活率"
    return [
        _ratio("indicator.active_rate", "活跃度", active, "indicator.active_rate", targets.active_rate),
        _ratio("indicator.survival_rate", label, survival, "indicator.survival_rate", targets.survival_rate),
    ]


def inspection_lines(figures: InspectionFigures, targets: ReportTargets) -> list[SummaryLine]:
    """双随机抽查占比 and 跨部门联合双随机占比, the month's (上月 and 去年同月 beside it) and the year's to date."""
    month_lines, ytd_lines = [], []
    for code, label, ytd_label, target, part in (
        ("indicator.random_share", "双随机抽查占比", "本年累计双随机占比", targets.random_share, "random"),
        ("indicator.joint_share", "跨部门联合双随机占比", "本年累计联合双随机占比", targets.joint_share, "joint"),
    ):
        month, before, last_year, ytd, ly_ytd = (_inspection_share(figures, span, part) for span in
                                                 ("month", "prev", "ly", "ytd", "ly_ytd"))  # fmt: skip
        month_lines.append(_share_line(code, label, month, target, figures, before.value, last_year.value))
        ytd_lines.append(_share_line(f"{code}_ytd", ytd_label, ytd, target, figures, None, ly_ytd.value))
    return month_lines + ytd_lines


def _inspection_share(figures: InspectionFigures, span: str, part: str) -> Rate:
    """双随机 / all 户次, or 联合 / 双随机 户次, of a span; the reason when it cannot be told."""
    if figures.no_tasks_reason:
        return Rate(0, 0, figures.no_tasks_reason)
    counts = figures.counts[span]
    if part == "random":
        numerator, denominator, missing = counts.random, counts.inspected, "没有录入检查结果（户次）"
    else:
        numerator, denominator, missing = counts.joint, counts.random, "没有双随机检查户次"
    reason = f"{NO_DATA}：{figures.labels[span]}{missing}" if denominator == 0 else ""
    return Rate(numerator, denominator, reason)


def _share_line(code: str, label: str, rate: Rate, target: float, figures: InspectionFigures,
                last_month: Number | None, last_year: Number | None) -> SummaryLine:  # fmt: skip
    value = rate.value
    # The counts travel even as 0 ÷ 0: an office with tasks but no inspection in the period truly made none,
    # and the county merge adds it in. An office that keeps no tasks in Workbench sends no counts: unknown.
    known = not figures.no_tasks_reason
    return SummaryLine(
        code, label, "%", value, last_month, last_year, target=target,
        met=None if value is None else value >= target, missing_reason=rate.reason,
        definition_code=code.removesuffix("_ytd"), additive=False,
        numerator=rate.numerator if known else None, denominator=rate.denominator if known else None,
    )  # fmt: skip


def with_last_month(lines: list[SummaryLine], issued: Mapping[str, Number | None] | None) -> tuple[SummaryLine, ...]:
    """Last month's column from what was issued for it, when it was: later edits do not move it. A line the
    issue did not have (a month issued before the line existed) keeps the count made now."""
    if issued is None:
        return tuple(lines)
    return tuple(replace(line, last_month=issued.get(line.code, line.last_month)) for line in lines)


def _net(t: Mapping[str, int], span: str) -> int:
    return t[f"new.{span}"] - t[f"deregistered.{span}"]


def _growth(code: str, label: str, now: int, before: int) -> SummaryLine:
    if before == 0:
        return SummaryLine(code, label, "%", None, missing_reason=f"{NO_DATA}：去年同期为 0，无法计算增长率",
                           additive=False)
    return SummaryLine(code, label, "%", (now - before) / before, additive=False)


def _ratio(code: str, label: str, rate: Rate, definition: str = "", target: float | None = None) -> SummaryLine:
    value = rate.value
    met = None if value is None or target is None else value >= target
    # The numerator and denominator travel with the rate, so a county merge recomputes it from the offices'
    # sums rather than averaging their percentages (imports.report_merge).
    counted = value is not None
    return SummaryLine(code, label, "%", value, target=target, met=met, missing_reason=rate.reason,
                       definition_code=definition, additive=False,
                       numerator=rate.numerator if counted else None, denominator=rate.denominator if counted else None)
