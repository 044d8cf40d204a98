"""Hand-built monthly reports (issue 18) as the figures service would hand them to the workbook writer:
五马市场监管所, October 2026, with targets met and missed, 暂无数据 lines, every column kind, 24 months of
chart data. The numbers are made up but consistent (净增 = 新设 − 注销, rates = numerator / denominator)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from workbench.domain.report_model import (
    Chart,
    Column,
    Definition,
    MonthlyReport,
    SummaryLine,
    Table,
)

VERSION = "本所口径 v1"
MONTHS_24 = tuple(f"{2024 + (10 + index) // 12}-{(10 + index) % 12 + 1:02d}" for index in range(24))
NEW_PER_MONTH = (118, 95, 87, 130, 141, 126, 119, 133, 128, 122, 117, 120,
                 109, 98, 91, 137, 150, 129, 121, 140, 135, 126, 131, 142)
CLOSED_PER_MONTH = (70, 66, 120, 61, 72, 80, 77, 69, 74, 81, 79, 77,
                    72, 69, 131, 66, 75, 84, 80, 73, 79, 88, 90, 86)

DEFINITIONS = (
    Definition("active_rate", "活跃度",
               "期末存续的市场主体中，本年度有经营活动（报送年报、纳税、社保缴费、走访核实在营之一）的户数所占比例。"
               "迁出的主体不计入分母；歇业的主体计入分母、不计为活跃。", VERSION),
    Definition("survival_3y", "三年存活率",
               "三年前同月登记的主体中，期末仍存续的户数所占比例。迁出的主体不计入分母；"
               "个转企的主体按新旧代码关联，计为存活。", VERSION),
    Definition("appeal_on_time", "诉求按时办结率",
               "本月办结的诉求中，在规定的工作日内办结的件数所占比例（工作日按本所节假日表计算）。", VERSION),
)


def _line(code: str, label: str, unit: str, value: float | None, last: float | None = None,
          last_year: float | None = None, **more: object) -> SummaryLine:
    return SummaryLine(code, label, unit, value, last, last_year, **more)  # type: ignore[arg-type]


SUMMARY = (
    _line("stock.total", "实有户数", "户", 12846, 12790, 12105),
    _line("stock.individual", "其中：个体工商户", "户", 9512, 9478, 9013),
    _line("stock.enterprise", "其中：企业", "户", 3301, 3279, 3059),
    _line("stock.coop", "其中：农民专业合作社", "户", 33, 33, 33),
    _line("flow.new", "新设", "户", 142, 131, 120),
    _line("flow.cancelled", "注销", "户", 86, 90, 77),
    _line("flow.revoked", "吊销", "户", 3, 0, 5),
    _line("flow.withdrawn", "撤销", "户", 0, 1, 0),
    _line("flow.moved_in", "迁入", "户", 5, 2, 4),
    _line("flow.moved_out", "迁出", "户", 4, 6, 3),
    _line("flow.net", "净增（新设−注销）", "户", 56, 41, 43),
    _line("flow.new_ytd", "新设（本年累计）", "户", 1305, 1163, 1212),
    _line("tier.growth_to_develop", "成长型→发展型", "户", 37, 12, None),
    _line("conversion.month", "个转企", "户", 6, 4, 3),
    _line("loan.first_new", "首贷户（本月新增）", "户", 9, 11, 7),
    _line("support.amount", "帮扶金额", "元", 1286500.5, 973000, 812345.25),
    _line("appeal.received", "诉求受理", "件", 58, 61, 49),
    _line("appeal.on_time_rate", "诉求按时办结率", "%", 52 / 55, 0.9, 0.88, target=0.9, met=True,
          definition_code="appeal_on_time", additive=False, numerator=52, denominator=55),
    _line("indicator.active_rate", "活跃度", "%", 9393 / 12846, 0.7288, 0.6811, target=0.7, met=True,
          definition_code="active_rate", additive=False, numerator=9393, denominator=12846),
    _line("indicator.survival_3y", "三年存活率（2023年10月登记）", "%", 703 / 1199, 0.5903, None, target=0.6,
          met=False, definition_code="survival_3y", additive=False, numerator=703, denominator=1199),
    _line("indicator.active_rate_coop", "合作社活跃度", "%", None, None, None, target=0.7,
          missing_reason="缺少合作社 2025 年度年报数据，无法判断是否活跃", definition_code="active_rate",
          additive=False),
    _line("appeal.satisfaction", "回访满意率", "%", None, 0.96, None,
          missing_reason="本月办结的诉求尚未回访", additive=False),
)

GRIDS = (
    ("五马街道第一网格", "陈晓燕", 2310, 31, 17, 0.7523),
    ("五马街道第二网格", "林建国", 1987, 22, 14, 0.7112),
    ("墨池坊社区网格", "王丽", 2655, 28, 19, 0.7389),
    ("解放街社区网格", "郑伟", 1804, 19, 11, 0.6901),
    ("公园路社区网格", "黄敏", 2066, 24, 13, 0.7410),
    ("县前头社区网格", "周海波", 2024, 18, 12, 0.6667),
)


def _grid_table() -> Table:
    rows = tuple((name, officer, stock, new, closed, new - closed, rate)
                 for name, officer, stock, new, closed, rate in GRIDS)
    total = ("合计", "", sum(row[2] for row in rows), sum(row[3] for row in rows), sum(row[4] for row in rows),
             sum(row[5] for row in rows), 9393 / 12846)
    return Table(
        "分网格", "分网格实有户数与新设注销（2026年10月）",
        (Column("网格"), Column("包联干部"), Column("实有户数", "count"), Column("新设", "count"),
         Column("注销", "count"), Column("净增", "count"), Column("活跃度", "percent")),
        rows, total, note="活跃度口径见「口径说明」（本所口径 v1）。",
    )


def _detail_table() -> Table:
    kinds = ("新设", "注销", "个转企", "首贷户")
    rows = []
    for index in range(40):
        kind = kinds[index % 4]
        name = f"鹿城区五马街道{['小吃店', '服装店', '眼镜店', '五金商行'][index % 4]}第{index + 1}号"
        if index == 7:
            name = "=HYPERLINK(\"http://x\")茶饮店"  # a name that would be a formula: stays text
        rows.append((
            kind, name, f"92330302MA2{index:04d}K{index % 10}X", f"{330302600000000 + index * 37:015d}",
            date(2026, 10, 1 + index % 28), GRIDS[index % 6][0], GRIDS[index % 6][1],
            None if kind != "首贷户" else 50000.0 + index * 1000,
        ))
    return Table(
        "明细", "本月新设、注销、个转企、首贷户明细",
        (Column("类别"), Column("名称"), Column("统一社会信用代码", "code"), Column("注册号", "code"),
         Column("日期", "date"), Column("网格"), Column("包联干部"), Column("首贷金额", "money")),
        tuple(rows),
    )


def tables() -> tuple[Table, ...]:
    return (
        _grid_table(),
        Table("分干部", "分干部包联与服务情况",
              (Column("干部"), Column("包联户数", "count"), Column("走访次数", "count"),
               Column("诉求办结", "count"), Column("按时办结率", "percent")),
              tuple((officer, stock, visits, closed, on_time) for (_, officer, stock, *_rest), visits, closed,
                    on_time in zip(GRIDS, (41, 35, 52, 28, 33, 30), (10, 8, 12, 9, 7, 9),
                                   (1.0, 0.875, 0.9167, 1.0, 0.8571, 1.0), strict=True)),
              ("合计", 12846, 219, 55, 52 / 55)),
        Table("三型四类", "三型分布与本月变动",
              (Column("类型"), Column("户数", "count"), Column("本月转入", "count"), Column("本月转出", "count"),
               Column("占比", "percent")),
              tuple((tier, count, moved_in, moved_out, count / 12846) for tier, count, moved_in, moved_out in (
                  ("生存型", 8120, 21, 40), ("成长型", 3650, 40, 39), ("发展型", 911, 37, 0), ("未分型", 165, 0, 19))),
              ("合计", 12846, 98, 98, 1.0)),
        Table("帮扶", "帮扶措施（按类型）",
              (Column("帮扶类型"), Column("次数", "count"), Column("户数", "count"), Column("金额（元）", "money")),
              (("融资对接", 14, 12, 1150000.0), ("政策宣讲", 22, 180, None), ("质量提升", 5, 5, 136500.5)),
              ("合计", 41, 197, 1286500.5)),
        Table("诉求", "诉求受理与办结",
              (Column("诉求编号", "code"), Column("受理日期", "date"), Column("类型"), Column("办结日期", "date"),
               Column("用时（工作日）", "count"), Column("按时")),
              tuple((f"00120261{index:04d}", date(2026, 10, 1 + index), ("咨询", "投诉", "举报")[index % 3],
                     date(2026, 10, 3 + index) if index < 10 else None, 2 if index < 10 else None,
                     "是" if index < 10 else "未办结") for index in range(12))),
        _detail_table(),
    )


def charts() -> tuple[Chart, ...]:
    return (
        Chart("新设与注销（近24个月）", "line", MONTHS_24, (("新设", NEW_PER_MONTH), ("注销", CLOSED_PER_MONTH))),
        Chart("三型分布", "pie", ("生存型", "成长型", "发展型", "未分型"), (("户数", (8120, 3650, 911, 165)),)),
        Chart("诉求按时办结（近6个月）", "bar", MONTHS_24[-6:],
              (("按时办结", (44, 47, 50, 41, 49, 52)), ("超期办结", (3, 2, 4, 5, 1, 3)))),
    )


def wuma_report(**changes: object) -> MonthlyReport:
    report = MonthlyReport(
        office_code="330302-WM",
        office_name="五马市场监管所",
        period="2026-10",
        definition_version=VERSION,
        summary=SUMMARY,
        tables=tables(),
        charts=charts(),
        definitions=DEFINITIONS,
        issued_at=datetime(2026, 11, 3, 9, 30),
        issue_number=1,
        extra={"制表人": "陈晓燕"},
    )
    return replace(report, **changes)  # type: ignore[arg-type]
