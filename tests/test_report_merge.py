"""`workbench report merge` (issue 18): two offices' issued workbooks into one county summary with totals worked
out by hand, and every refusal with its Chinese sentence naming the file."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook
from report_samples import wuma_report
from typer.testing import CliRunner

from imports.report_merge_sheet import merge_report_files
from imports.report_workbook import ReportFileRefused, write_monthly_report
from workbench import cli
from workbench.domain.report_model import MonthlyReport, SummaryLine

runner = CliRunner()


def office(code: str, name: str, lines: tuple[SummaryLine, ...], **changes: object) -> MonthlyReport:
    return wuma_report(office_code=code, office_name=name, summary=lines, tables=(), charts=(), **changes)


def line(code: str, label: str, unit: str, value: float | None, **more: object) -> SummaryLine:
    return SummaryLine(code, label, unit, value, **more)  # type: ignore[arg-type]


WUMA = office("330302-WM", "五马市场监管所", (
    line("stock.total", "实有户数", "户", 12846),
    line("flow.new", "新设", "户", 142),
    line("support.amount", "帮扶金额", "元", 1286500.5),
    line("indicator.active_rate", "活跃度", "%", 9393 / 12846, target=0.7, met=True, additive=False,
         numerator=9393, denominator=12846),
    line("appeal.satisfaction", "回访满意率", "%", 0.96, additive=False),
    line("visits.total", "走访次数", "次", None, missing_reason="走访结果尚未录入"),
))
NANHUI = office("330302-NH", "南汇市场监管所", (
    line("stock.total", "实有户数", "户", 8000),
    line("flow.new", "新设", "户", 95),
    line("support.amount", "帮扶金额", "元", 200000.25),
    line("indicator.active_rate", "活跃度", "%", 5200 / 8000, target=0.7, met=False, additive=False,
         numerator=5200, denominator=8000),
    line("appeal.satisfaction", "回访满意率", "%", 0.9, additive=False),
    line("visits.total", "走访次数", "次", 40),
))


@pytest.fixture
def two_offices(tmp_path: Path) -> tuple[Path, Path]:
    return (write_monthly_report(WUMA, tmp_path / "月报-五马-2026-10.xlsx"),
            write_monthly_report(NANHUI, tmp_path / "月报-南汇-2026-10.xlsx"))


def rows(path: Path, sheet: str = "汇总") -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_two_offices_merge_into_a_row_each_and_a_total_worked_out_by_hand(
    two_offices: tuple[Path, Path], tmp_path: Path
) -> None:
    output = tmp_path / "汇总.xlsx"
    result = runner.invoke(cli.app, ["report", "merge", *map(str, two_offices), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "已合并 2 个所 2026-10 的月报（本所口径 v1）：五马市场监管所、南汇市场监管所" in result.output
    table = rows(output)
    assert table[0][0] == "2026年10月 各所市场主体月报汇总"
    assert table[3][:3] == ["所名称", "所代码", "实有户数\n（户）"]
    assert table[4][:8] == ["五马市场监管所", "330302-WM", 12846.0, 142.0, 1286500.5,
                            pytest.approx(9393 / 12846), 0.96, "暂无数据"]
    assert table[5][:8] == ["南汇市场监管所", "330302-NH", 8000.0, 95.0, 200000.25, 0.65, 0.9, 40.0]
    # By hand: 12846 + 8000 = 20846; 142 + 95 = 237; 1286500.50 + 200000.25 = 1486500.75;
    # 活跃度 from the summed counts (9393 + 5200) / (12846 + 8000) = 14593 / 20846 = 70.004 %, not the mean of
    # 73.1 % and 65 % (69.06 %): 达标 against 70 %. 满意率 has no counts: per office. 走访: 五马 has none.
    assert table[6][:8] == ["合计", "", 20846.0, 237.0, 1486500.75, pytest.approx(14593 / 20846), "各所分列",
                            "暂无数据"]
    assert table[7][:6] == ["目标", "", "", "", "", 0.7]
    assert table[8][5] == "达标"
    assert table[9][2:8] == ["相加", "相加", "相加", "重算", "分列", "相加"]
    notes = rows(output, "说明")
    assert notes[2] == ["实有户数", "户", "相加", 20846.0, ""]
    assert notes[5][:4] == ["活跃度", "%", "按各所分子分母重算", pytest.approx(14593 / 20846)]
    assert notes[6][2:] == ["不可相加，各所分列", "各所分列", "有所没有报送分子分母，比率不能相加或平均"]
    assert notes[7][2:] == ["相加", "暂无数据", "有所暂无数据或没有这一项，合计不全，故不合计"]
    sources = [row[:4] for row in notes if str(row[0]).startswith("月报-")]
    assert sources == [["月报-五马-2026-10.xlsx", "五马市场监管所", "330302-WM", 1.0],
                       ["月报-南汇-2026-10.xlsx", "南汇市场监管所", "330302-NH", 1.0]]


def test_the_merged_workbook_prints_like_the_reports(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    merge_report_files(list(two_offices), tmp_path / "汇总.xlsx")
    book = load_workbook(tmp_path / "汇总.xlsx")
    assert book.sheetnames == ["汇总", "说明", "口径说明", "机读数据"]
    assert book["机读数据"].sheet_state == "hidden"
    for name in ("汇总", "说明", "口径说明"):
        setup = book[name].page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToHeight) == ("landscape", 9, 0), name
        assert "&P" in book[name].oddFooter.center.text
    assert book["汇总"]["F5"].number_format == "0.0%"  # 活跃度
    assert book["汇总"]["E5"].number_format == "#,##0.00"  # 帮扶金额
    assert book["汇总"]["B5"].number_format == "@"  # 所代码 as text


def test_a_rate_whose_target_is_a_ceiling_is_judged_as_one(tmp_path: Path) -> None:
    overdue = {"unit": "%", "target": 0.05, "additive": False}
    first = office("A", "甲所", (line("appeal.overdue", "超期率", value=0.02, met=True, numerator=2, denominator=100,
                                      **overdue),))
    second = office("B", "乙所", (line("appeal.overdue", "超期率", value=0.10, met=False, numerator=10,
                                       denominator=100, **overdue),))
    files = [write_monthly_report(first, tmp_path / "a.xlsx"), write_monthly_report(second, tmp_path / "b.xlsx")]
    merged = merge_report_files(files, tmp_path / "汇总.xlsx")
    # (2 + 10) / (100 + 100) = 6 % > 5 %: the offices' marks show lower is better, so the total misses.
    assert merged.lines[0].total == pytest.approx(0.06)
    assert merged.lines[0].total_met is False


def test_a_line_only_one_office_sent_is_shown_as_missing_for_the_other(tmp_path: Path) -> None:
    extra = office("330302-WM", "五马市场监管所", (*WUMA.summary, line("loan.first", "首贷户", "户", 9)))
    files = [write_monthly_report(extra, tmp_path / "a.xlsx"), write_monthly_report(NANHUI, tmp_path / "b.xlsx")]
    merge_report_files(files, tmp_path / "汇总.xlsx")
    table = rows(tmp_path / "汇总.xlsx")
    block = next(index for index, row in enumerate(table) if "首贷户\n（户）" in row)
    column = table[block].index("首贷户\n（户）")
    # 南汇 did not send the line: its cell says so, and the total is not a sum over one office.
    assert [table[block + offset][column] for offset in (1, 2, 3)] == [9.0, "无此项", "暂无数据"]


def refused(files: list[Path], output: Path) -> str:
    """The CLI's one sentence (exit 1, on stderr), checked against the function's own message; nothing written."""
    with pytest.raises(ReportFileRefused) as error:
        merge_report_files(files, output)
    result = runner.invoke(cli.app, ["report", "merge", *map(str, files), "-o", str(output)])
    assert result.exit_code == 1
    assert result.output.strip() == f"月报不能合并：{error.value.message}"
    assert "Traceback" not in result.output
    assert not output.exists()
    return error.value.message


def test_different_periods_are_refused(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    september = write_monthly_report(office("330302-NH", "南汇市场监管所", NANHUI.summary, period="2026-09"),
                                     tmp_path / "月报-南汇-2026-09.xlsx")
    assert refused([two_offices[0], september], tmp_path / "汇总.xlsx") == (
        "「月报-南汇-2026-09.xlsx」是 2026-09 的月报，「月报-五马-2026-10.xlsx」是 2026-10 的："
        "不同月份的月报不能合并，请只选同一个月的"
    )


def test_different_definition_versions_are_refused(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    v2 = write_monthly_report(office("330302-NH", "南汇市场监管所", NANHUI.summary, definition_version="本所口径 v2"),
                              tmp_path / "月报-南汇-v2.xlsx")
    assert refused([two_offices[0], v2], tmp_path / "汇总.xlsx") == (
        "「月报-南汇-v2.xlsx」按「本所口径 v2」计算，「月报-五马-2026-10.xlsx」按「本所口径 v1」："
        "口径版本不同的数字不能相加，请让各所按同一口径版本重新出具"
    )


def test_the_same_office_twice_is_refused(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    reissued = write_monthly_report(
        office("330302-WM", "五马市场监管所", WUMA.summary, issue_number=2, issued_at=datetime(2026, 11, 5, 10, 0)),
        tmp_path / "月报-五马-重新出具.xlsx",
    )
    assert refused([two_offices[0], two_offices[1], reissued], tmp_path / "汇总.xlsx") == (
        "「月报-五马-重新出具.xlsx」和「月报-五马-2026-10.xlsx」都是五马市场监管所（330302-WM）的月报："
        "同一个所只能合并一份，请去掉其中一份（出具次数大的是较新的）"
    )


def test_a_workbook_edited_by_hand_after_issue_is_refused_naming_the_cell(
    two_offices: tuple[Path, Path], tmp_path: Path
) -> None:
    book = load_workbook(two_offices[1])
    book["汇总"]["C6"] = 96  # 新设 on 南汇's 汇总 (row 5 is 实有户数)
    book.save(tmp_path / "月报-南汇-改.xlsx")
    assert refused([two_offices[0], tmp_path / "月报-南汇-改.xlsx"], tmp_path / "汇总.xlsx") == (
        "「月报-南汇-改.xlsx」出具后被手工改动过：汇总!C6「新设」现为 96，出具时为 95。请向出具的所要一份未改动的月报"
    )


def test_files_that_are_not_workbench_reports_are_refused(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    output = tmp_path / "汇总.xlsx"
    plain = Workbook()
    plain.active["A1"] = "实有户数"
    plain.save(tmp_path / "别的表.xlsx")
    assert refused([two_offices[0], tmp_path / "别的表.xlsx"], output) == (
        "「别的表.xlsx」不是工作台出具的月报（没有机读数据页）：请用 workbench report monthly 生成的月报文件"
    )
    (tmp_path / "月报.csv").write_text("指标,本月\n实有户数,12846\n", encoding="utf-8-sig")
    assert refused([two_offices[0], tmp_path / "月报.csv"], output) == (
        "「月报.csv」不是 Excel 工作簿（.xlsx）：县局合并只收工作台出具的月报文件，不收 CSV 或其他文件"
    )
    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(two_offices[1].read_bytes()[:3000])  # cut off in the middle, as a failed download is
    assert refused([two_offices[0], broken], output).startswith(
        "「坏的.xlsx」已损坏，无法作为 Excel 工作簿打开"
    )
    assert refused([two_offices[0], tmp_path / "没有.xlsx"], output) == (
        f"找不到文件「{tmp_path / '没有.xlsx'}」：请检查文件名和所在的文件夹"
    )


def test_a_zip_that_is_no_workbook_is_refused(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "照片.xlsx", "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    assert refused([two_offices[0], tmp_path / "照片.xlsx"], tmp_path / "汇总.xlsx").startswith(
        "「照片.xlsx」已损坏，无法作为 Excel 工作簿打开"
    )


def test_a_merged_summary_is_not_merged_again(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    merge_report_files(list(two_offices), tmp_path / "汇总.xlsx")
    assert refused([two_offices[0], tmp_path / "汇总.xlsx"], tmp_path / "再汇总.xlsx") == (
        "「汇总.xlsx」是几个所合并后的汇总表，不是一个所的月报：请合并各所的原始月报"
    )


def test_mistakes_on_the_command_line_are_refused(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    assert refused([two_offices[0], two_offices[0]], tmp_path / "汇总.xlsx") == (
        f"「{two_offices[0]}」在命令里出现了两次：每份月报只列一次"
    )
    assert refused(list(two_offices), tmp_path / "汇总.csv") == (
        "汇总文件「汇总.csv」应以 .xlsx 结尾，如 -o 汇总-2026-10.xlsx"
    )
    with pytest.raises(ReportFileRefused, match="既是要合并的月报，又是输出文件"):
        merge_report_files(list(two_offices), two_offices[1])
    with pytest.raises(ReportFileRefused, match="没有给出要合并的月报文件"):
        merge_report_files([], tmp_path / "汇总.xlsx")


def test_a_pattern_is_expanded_as_the_windows_shell_would_not(
    two_offices: tuple[Path, Path], tmp_path: Path
) -> None:
    merged = merge_report_files([str(tmp_path / "月报-*-2026-10.xlsx")], tmp_path / "汇总.xlsx")
    assert sorted(source.path.name for source in merged.sources) == sorted(path.name for path in two_offices)
    with pytest.raises(ReportFileRefused, match="没有找到符合「.*月报-\\*-2026-11.xlsx」的文件"):
        merge_report_files([str(tmp_path / "月报-*-2026-11.xlsx")], tmp_path / "汇总.xlsx")


def test_json_output_for_scripts(two_offices: tuple[Path, Path], tmp_path: Path) -> None:
    import json

    result = runner.invoke(cli.app, ["report", "merge", *map(str, two_offices), "-o", str(tmp_path / "汇总.xlsx"),
                                     "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["offices"] == ["五马市场监管所", "南汇市场监管所"]
    assert data["totals"]["stock.total"] == 20846 and data["totals"]["visits.total"] is None


def test_a_draft_is_refused_unless_the_clerk_asks_for_a_marked_preview(
    two_offices: tuple[Path, Path], tmp_path: Path
) -> None:
    draft = write_monthly_report(office("330302-NH", "南汇市场监管所", NANHUI.summary, issue_number=0, issued_at=None),
                                 tmp_path / "月报-南汇-草稿.xlsx")
    output = tmp_path / "汇总.xlsx"
    assert refused([two_offices[0], draft], output) == (
        "「月报-南汇-草稿.xlsx」是南汇市场监管所的月报草稿，尚未出具，数字还可能变动：县局汇总只收出具后的月报，"
        "请该所用 workbench report issue --month 2026-10 出具后重新导出；只想先看看合计的，可加 --allow-draft（汇总里会标明草稿）"
    )
    result = runner.invoke(cli.app, ["report", "merge", str(two_offices[0]), str(draft), "-o", str(output)])
    assert result.exit_code == 1 and "月报-南汇-草稿.xlsx" in result.output and not output.exists()
    # A preview: merged, every figure as in the issued case, the draft named as one on the sheet and in the output.
    result = runner.invoke(cli.app, ["report", "merge", str(two_offices[0]), str(draft), "-o", str(output),
                                     "--allow-draft"])
    assert result.exit_code == 0, result.output
    assert "注意：南汇市场监管所的月报是草稿（尚未出具）" in result.output
    table = rows(output)
    assert table[2][0].startswith("含未出具的草稿：南汇市场监管所。")
    assert [row[0] for row in table[4:7]] == ["五马市场监管所", "南汇市场监管所（草稿）", "合计"]
    assert table[6][2] == 20846.0  # 12846 + 8000, as for the issued pair
    notes = rows(output, "说明")
    assert ["月报-南汇-草稿.xlsx", "南汇市场监管所", "330302-NH", "草稿"] in [row[:4] for row in notes]
    data = runner.invoke(cli.app, ["report", "merge", str(two_offices[0]), str(draft), "-o", str(output),
                                   "--allow-draft", "--json"]).output
    import json

    assert json.loads(data)["drafts"] == ["南汇市场监管所"]


def test_offices_sharing_a_district_code_are_two_offices(tmp_path: Path) -> None:
    """`workbench init --region 330302` gives every 所 of 鹿城区 the code 330302: two such 所 are still two rows
    of the county summary (the same name and code twice stays refused, above)."""
    wuma = write_monthly_report(office("330302", "五马市场监管所", WUMA.summary), tmp_path / "月报-五马.xlsx")
    nanhui = write_monthly_report(office("330302", "南汇市场监管所", NANHUI.summary), tmp_path / "月报-南汇.xlsx")
    output = tmp_path / "汇总.xlsx"
    result = runner.invoke(cli.app, ["report", "merge", str(wuma), str(nanhui), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "已合并 2 个所 2026-10 的月报（本所口径 v1）：五马市场监管所、南汇市场监管所" in result.output
    table = rows(output)
    assert [row[:3] for row in table[4:7]] == [["五马市场监管所", "330302", 12846.0],
                                               ["南汇市场监管所", "330302", 8000.0], ["合计", "", 20846.0]]
