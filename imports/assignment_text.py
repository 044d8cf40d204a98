"""The dry run's 包联分派 paragraph: where the new businesses go, per grid and officer, and how many stay 未分派."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imports.plan import ImportPlan


CLI_NONE_HINT = "可用 --grid / --officer 指定，或在配置文件夹写地址→网格表 address_grids.csv（workbench locate 显示位置）"


def assignment_text(
    plan: ImportPlan, *, reassign_hint: str = "要改派请加 --reassign", none_hint: str = CLI_NONE_HINT
) -> str:
    """One paragraph, or "" when the plan adds nobody and reassigns nobody."""
    from imports.plan import RowKind

    assignment = plan.assignment
    new = sum(plan.assigned.values())
    text = ""
    nobody = plan.assigned.get((None, None), 0)
    if new and not assignment.active and nobody == new:
        text = f"包联分派：新增的 {new:,} 户都未分派" + (f"（{none_hint}）。" if none_hint else "。")
    elif new:
        lines = "，".join(assignment.count_lines(plan.assigned))
        text = f"包联分派：{assignment.describe()}。新增 {new:,} 户：{lines}。"
    for problem in assignment.problems:
        text += f"{problem}。"
    existing = plan.counts[RowKind.UPDATE] + plan.counts[RowKind.UNCHANGED]
    if plan.reassigned:
        moved = sum(plan.reassigned.values())
        lines = "，".join(assignment.count_lines(plan.reassigned))
        text += f"登记簿中已有的主体改派 {moved:,} 户：{lines}。"
    elif assignment.active and existing and not assignment.reassign:
        text += f"登记簿中已有的 {existing:,} 户保持原网格和干部（{reassign_hint}）。"
    return text
