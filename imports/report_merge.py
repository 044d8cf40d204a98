"""The county merge (issue 18): several offices' issued monthly reports into one summary workbook.

Each file is read through its hidden machine sheet (imports/report_workbook.py), which refuses files that are
not Workbench reports and figures edited by hand after issue. Then the reports must belong together: one
period, one definition version, each office once. And they must be issued (出具): the county adds up what the
offices sent, and a draft's figures still move. `allow_draft` lets a clerk preview the month before every
office has issued; each draft is then named as one on the summary (imports/report_merge_sheet.py). The summary has a row per office and a 合计 row; how each
line is totalled is printed under it (imports/report_merge_sheet.py):

- 相加: a count (additive) is summed; if an office has no figure (暂无数据) the total is 暂无数据 too, since a
  sum over some offices would read as the county's;
- 重算: a rate whose counts (numerator / denominator) every office sent is recomputed from the summed counts
  (averaging the offices' rates would weigh a small office like a large one);
- 各所分列: a rate without its counts cannot be totalled and stays per office.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from imports.report_workbook import ReportFileRefused, read_report_machine_sheet
from workbench.domain.report_model import MonthlyReport, Number, SummaryLine

Method = Literal["sum", "recompute", "per_office"]
METHOD_WORDS: dict[Method, str] = {"sum": "相加", "recompute": "按各所分子分母重算", "per_office": "不可相加，各所分列"}


@dataclass(frozen=True)
class Source:
    path: Path
    report: MonthlyReport


@dataclass(frozen=True)
class MergedLine:
    """One column of the summary: the line as the first office named it, each office's figure, the total."""

    code: str
    label: str
    unit: str
    target: Number | None
    method: Method
    values: tuple[Number | None, ...]  # per source, in order; None: 暂无数据 or the office has no such line
    present: tuple[bool, ...]  # whether the office's report has the line at all
    total: Number | None
    total_met: bool | None
    note: str  # why the total is what it is, when not a plain sum


@dataclass(frozen=True)
class MergedReport:
    period: str
    definition_version: str
    sources: tuple[Source, ...]
    lines: tuple[MergedLine, ...]


def expand_patterns(arguments: Sequence[str | Path]) -> list[Path]:
    """The files named; a pattern (月报-*.xlsx) is expanded here too, since the Windows shell does not."""
    paths: list[Path] = []
    for argument in arguments:
        text = str(argument)
        if not Path(text).exists() and any(char in text for char in "*?["):
            matches = sorted(glob.glob(text))
            if not matches:
                raise ReportFileRefused(f"没有找到符合「{text}」的文件：请检查文件名和所在的文件夹")
            paths += [Path(match) for match in matches]
        else:
            paths.append(Path(text))
    return paths


def read_sources(paths: Sequence[Path], output: Path | None = None, *, allow_draft: bool = False) -> list[Source]:
    """Each file read and checked, then checked against the first: one period, one version, each office once,
    and issued (unless `allow_draft`)."""
    if not paths:
        raise ReportFileRefused("没有给出要合并的月报文件：请在命令后列出各所的月报，如 月报-*.xlsx")
    sources: list[Source] = []
    seen: dict[Path, Path] = {}
    for path in paths:
        resolved = path.resolve()
        if output is not None and resolved == output.resolve():
            raise ReportFileRefused(f"「{path.name}」既是要合并的月报，又是输出文件：请用 -o 另给一个文件名")
        if resolved in seen:
            raise ReportFileRefused(f"「{path}」在命令里出现了两次：每份月报只列一次")
        seen[resolved] = path
        source = Source(path, read_report_machine_sheet(path))
        if not allow_draft and is_draft(source.report):
            raise ReportFileRefused(
                f"「{path.name}」是{source.report.office_name}的月报草稿，尚未出具，数字还可能变动：县局汇总只收出具后的月报，"
                f"请该所用 workbench report issue --month {source.report.period} 出具后重新导出；"
                "只想先看看合计的，可加 --allow-draft（汇总里会标明草稿）"
            )
        sources.append(source)
    first = sources[0]
    # An office is its code and name: `init --region` gives every 所 of a district the district's code.
    offices: dict[tuple[str, str], Source] = {}
    for source in sources:
        report = source.report
        if report.period != first.report.period:
            raise ReportFileRefused(
                f"「{source.path.name}」是 {report.period} 的月报，「{first.path.name}」是 {first.report.period} 的："
                "不同月份的月报不能合并，请只选同一个月的"
            )
        if report.definition_version != first.report.definition_version:
            raise ReportFileRefused(
                f"「{source.path.name}」按「{report.definition_version}」计算，「{first.path.name}」按"
                f"「{first.report.definition_version}」：口径版本不同的数字不能相加，请让各所按同一口径版本重新出具"
            )
        earlier = offices.get((report.office_code, report.office_name))
        if earlier is not None:
            raise ReportFileRefused(
                f"「{source.path.name}」和「{earlier.path.name}」都是{report.office_name}（{report.office_code}）"
                "的月报：同一个所只能合并一份，请去掉其中一份（出具次数大的是较新的）"
            )
        offices[(report.office_code, report.office_name)] = source
    return sources


def is_draft(report: MonthlyReport) -> bool:
    """Not issued (出具): a workbook written from figures counted on the day, which can still change."""
    return not report.issue_number


def merge(sources: Sequence[Source]) -> MergedReport:
    """The summary's columns: every line any office sent, in the order they first appear."""
    order: dict[str, SummaryLine] = {}
    for source in sources:
        for line in source.report.summary:
            order.setdefault(line.code, line)
    lines = []
    for code, first in order.items():
        found = [_line(source.report, code) for source in sources]
        lines.append(_merged_line(first, found))
    first_report = sources[0].report
    return MergedReport(first_report.period, first_report.definition_version, tuple(sources), tuple(lines))


def _line(report: MonthlyReport, code: str) -> SummaryLine | None:
    return next((line for line in report.summary if line.code == code), None)


def _merged_line(first: SummaryLine, found: list[SummaryLine | None]) -> MergedLine:
    values = tuple(line.value if line is not None else None for line in found)
    present = tuple(line is not None for line in found)
    total: Number | None = None
    note = ""
    if first.additive:
        method: Method = "sum"
        if all(value is not None for value in values):
            total = sum(value for value in values if value is not None)
        else:
            note = "有所暂无数据或没有这一项，合计不全，故不合计"
    else:
        numerators = [line.numerator if line is not None else None for line in found]
        denominators = [line.denominator if line is not None else None for line in found]
        if all(number is not None for number in numerators + denominators):
            method = "recompute"
            denominator = sum(number for number in denominators if number is not None)
            if denominator:
                total = sum(number for number in numerators if number is not None) / denominator
            else:
                note = "各所分母合计为 0，无法计算"
        else:
            method = "per_office"
            note = "有所没有报送分子分母，比率不能相加或平均"
    return MergedLine(
        first.code, first.label, first.unit, first.target, method, values, present, total,
        _total_met(first.target, total, found), note,
    )


def _total_met(target: Number | None, total: Number | None, found: list[SummaryLine | None]) -> bool | None:
    """达标 for the total, in the direction the offices' own marks show (most targets are floors, some are
    ceilings, e.g. an overdue rate); None when no office's mark tells which."""
    if target is None or total is None:
        return None
    for line in found:
        if line is None or line.value is None or line.met is None or line.target != target:
            continue
        floor = (line.value >= target) == line.met
        ceiling = (line.value <= target) == line.met
        if floor and not ceiling:
            return total >= target
        if ceiling and not floor:
            return total <= target
    return None
