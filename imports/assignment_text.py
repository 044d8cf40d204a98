"""The dry run's 包联分派 paragraph: where the new businesses go, per grid and officer, and how many stay 未分派."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imports.plan import ImportPlan


def assignment_text(plan: ImportPlan, *, reassign_hint: str = "要改派请加 --reassign") -> str:
    """One paragraph, or "" when the plan adds nobody and reassigns nobody."""
    from imports.plan import RowKind

    assignment = plan.assignment
    new = sum(plan.assigned.values())
    text = ""
    if new:
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
