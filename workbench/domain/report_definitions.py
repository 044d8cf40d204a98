"""What the monthly report's indicators count, in words, with their version and targets (issue 18).

The office's targets and look-back come from report.toml (workbench.services.report_settings); these are
the defaults, taken from the Wenzhou plan (温市监联〔2024〕13号: 活跃度 70 %, 三年存活率 60 %, 双随机抽查占比
60 %, 跨部门联合双随机占比 40 %). The words of each definition are the office's own (本所口径): no national
formula exists (docs/rules.md, 月报口径).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.report_model import Definition

DEFINITION_VERSION = "本所口径 v1"


@dataclass(frozen=True)
class ReportTargets:
    active_rate: float = 0.70  # 活跃度 target
    survival_rate: float = 0.60  # 三年存活率 target
    active_lookback_months: int = 12  # signs of trading counted this far back from the period end
    survival_years: int = 3
    random_share: float = 0.60  # 双随机抽查占比 target: 双随机检查户次 / 全部检查户次
    joint_share: float = 0.40  # 跨部门联合双随机占比 target: 联合双随机户次 / 双随机户次


DEFAULT_TARGETS = ReportTargets()
NO_DATA = "暂无数据"
# A task of these sources is a targeted check, not a random one: a complaint chose the business, not the draw
# (the office's reading of 国发〔2019〕5号, random inspection "in principle" with targeted checks as the
# supplement; docs/rules.md §7.2).
NON_RANDOM_SOURCES = ("投诉举报转",)


def definitions(targets: ReportTargets) -> tuple[Definition, ...]:
    """The 口径说明 sheet: every counted figure and indicator that needs words, in the order shown."""
    months = targets.active_lookback_months
    return (
        Definition(
            "stock",
            "实有户数",
            "期末登记状态为存续（含歇业）的市场主体户数：成立（或迁入）日期不晚于期末，且期末前未注销、吊销、"
            "撤销或迁出。离开日期取注销/吊销/撤销/迁出日期列，没有时取修改登记状态的时间。",
            DEFINITION_VERSION,
        ),
        Definition(
            "flow",
            "新设、注销、吊销、撤销、迁入、迁出、净增",
            "新设：成立日期在期内、且不是迁入的户数（含个转企“注销+设立”新设的企业）；注销、吊销、撤销、迁出："
            "相应日期在期内的户数；迁入：迁入日期在期内的户数；净增 = 新设 − 注销。",
            DEFINITION_VERSION,
        ),
        Definition(
            "indicator.active_rate",
            "活跃度",
            f"活跃户数 ÷ 期末实有户数。活跃：期末存续、未处于歇业期，并且近 {months} 个月内有经营迹象——"
            f"该期间所在年度的经营数据中营业收入大于 0，或走访结果为“正常经营”。本所没有任何经营数据和走访记录时"
            f"显示“{NO_DATA}”。目标 {targets.active_rate:.0%}。",
            DEFINITION_VERSION,
        ),
        Definition(
            "indicator.survival_rate",
            f"{_years(targets.survival_years)}年存活率",
            f"按成立年度分组：成立日期在 T 年、在本所登记（非迁入）的户中，到成立满 {targets.survival_years} 年"
            "那一天仍未注销、吊销或撤销的比例。满期前迁出的户不计入分母；个转企（直接变更）是同一户，计为存活；"
            "“注销+设立”的个体户，若新设的企业在满期日仍存续，也计为存活。离开日期不详的户不计入分母。"
            f"汇总取满期日全部不晚于期末的最近一个成立年度。目标 {targets.survival_rate:.0%}。",
            DEFINITION_VERSION,
        ),
        Definition(
            "indicator.random_share",
            "双随机抽查占比",
            "双随机检查户次 ÷ 全部检查户次，按月和本年累计计算。一户在一个抽查任务中被检查计 1 户次，按检查结果的"
            "检查日期计入期间；抽中但尚未录入结果的户不计。全部检查户次：本所在 Workbench 中录入了检查结果的各抽查"
            "任务的户次；双随机：来源为“年度计划”或“专项”的任务（随机抽取对象、随机匹配检查人员）；来源为"
            "“投诉举报转”的任务是针对性检查，计入分母、不计入分子。未在 Workbench 中录入的检查（日常巡查、"
            "其他系统中的检查等）本系统无从得知，不在分母中，所以本数字只反映本系统记录的检查。本所尚未建立"
            f"抽查任务或期内没有录入检查结果时显示“{NO_DATA}”。目标 {targets.random_share:.0%}。",
            DEFINITION_VERSION,
        ),
        Definition(
            "indicator.joint_share",
            "跨部门联合双随机占比",
            "跨部门联合双随机检查户次 ÷ 双随机检查户次（户次与期间同“双随机抽查占比”）。联合：任务的参加部门"
            "不少于两个（如市场监管与卫生健康）。期内没有双随机检查户次时显示"
            f"“{NO_DATA}”。目标 {targets.joint_share:.0%}。",
            DEFINITION_VERSION,
        ),
        Definition(
            "appeals.on_time",
            "诉求按时办结",
            "期内办结的诉求中，办结日期不晚于受理时按工作日算出的期限的件数；超期：期末仍未办结且已过期限的件数。",
            DEFINITION_VERSION,
        ),
    )


def _years(years: int) -> str:
    return "一二三四五六七八九十"[years - 1] if 1 <= years <= 10 else str(years)
