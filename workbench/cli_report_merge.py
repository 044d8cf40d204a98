"""`workbench report merge 月报-*.xlsx -o 汇总.xlsx`: the county office combines the offices' monthly reports
(issue 18) into one summary with a row per office and a total. No database: it reads only the workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli_output import say, say_json


def register(report_app: typer.Typer) -> None:
    """Add `merge` to the `workbench report` group."""
    report_app.command("merge")(merge_command)


def merge_command(
    files: Annotated[list[Path], typer.Argument(
        help="各所出具的月报文件（.xlsx），可用通配符，如 月报-*.xlsx", show_default=False, metavar="月报文件…"
    )],
    output: Annotated[Path, typer.Option("-o", "--output", help="合并后的汇总文件，如 汇总-2026-10.xlsx")],
    allow_draft: Annotated[bool, typer.Option(
        "--allow-draft", help="也合并尚未出具的月报草稿（汇总里标明草稿，仅供核对，不作正式上报）"
    )] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果，供脚本使用")] = False,
) -> None:
    """合并各所的月报为一份县局汇总：每个所一行，加合计行（户数相加，比率按分子分母重算）。

    月份或口径版本不同、同一个所出现两次、尚未出具的草稿、出具后被手工改动、不是工作台月报的文件，一律拒绝并说明原因。
    """
    from imports.report_merge_sheet import draft_offices, merge_report_files
    from workbench.services.errors import WorkbenchError

    try:
        merged = merge_report_files(files, output, allow_draft=allow_draft)
    except WorkbenchError as error:
        say(f"{error.title}：{error.message}", err=True)
        raise typer.Exit(1) from None
    offices = [source.report.office_name for source in merged.sources]
    drafts = draft_offices(merged)
    if as_json:
        say_json({
            "path": str(output),
            "period": merged.period,
            "definition_version": merged.definition_version,
            "offices": offices,
            "files": [str(source.path) for source in merged.sources],
            "drafts": drafts,
            "totals": {line.code: line.total for line in merged.lines},
        })
        return
    say(f"已合并 {len(offices)} 个所 {merged.period} 的月报（{merged.definition_version}）：{'、'.join(offices)}")
    if drafts:
        say(f"注意：{'、'.join(drafts)}的月报是草稿（尚未出具），汇总里已标明「草稿」，仅供核对，不作正式上报")
    say(f"汇总已写到：{output}")
