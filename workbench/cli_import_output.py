"""What `workbench import` says about a registration list's dry run and commit: the plan and its problems in
Chinese, or the same as JSON (--json), and the error workbook (--errors)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli_output import say

if TYPE_CHECKING:
    from imports.commit import ImportResult
    from imports.plan import ImportPlan

SHOWN_PROBLEMS = 20


def write_errors(plan: ImportPlan, errors: Path | None) -> Path | None:
    if errors is None:
        return None
    from imports.error_workbook import write_error_workbook

    return write_error_workbook(plan, errors)


def left_out(plan: ImportPlan) -> bool:
    from imports.plan import RowKind

    return any(plan.counts[kind] for kind in (RowKind.INVALID, RowKind.DUPLICATE, RowKind.NAME_MATCH))


def print_plan(plan: ImportPlan, errors_path: Path | None) -> None:
    from imports.assignment_text import assignment_text
    from imports.plan import RowKind
    from imports.plan_text import repeats_without_changes

    say(plan.summary_text())
    if repeats_without_changes(plan):
        # Nothing to write; but a person who named a grid or officer (or --reassign) hears what became of it.
        if (plan.assignment.how == "fixed" or plan.assignment.reassign) and (assigned := assignment_text(plan)):
            say(assigned)
        return
    if assigned := assignment_text(plan):
        say(assigned)
    shown = 0
    left = {"错误": 0, "提示": 0}  # the summary counts 提示 the same way: the two numbers agree
    for kind in (RowKind.INVALID, RowKind.DUPLICATE):
        for outcome in plan.outcomes_of(kind):
            for problem in outcome.problems:
                if shown < SHOWN_PROBLEMS:
                    say(f"  {problem.message()}")
                else:
                    left["错误"] += 1
                shown += 1
    imported = (entry for entry in plan.entries if entry.kind not in (RowKind.INVALID, RowKind.DUPLICATE))
    for entry in imported:
        for problem in entry.problems or ():
            if not problem.blocking:
                if shown < SHOWN_PROBLEMS:
                    say(f"  提示 {problem.message()}")
                else:
                    left["提示"] += 1
                shown += 1
    if shown > SHOWN_PROBLEMS:
        counts = "、".join(f"{count:,} 处{what}" for what, count in left.items() if count)
        say(f"  ……另有 {counts}未列出" + ("" if errors_path else "，用 --errors 错误.xlsx 可全部导出"))
    for outcome in plan.name_matches[:10]:
        changes = "；".join(f"{change.label}：{change.before} 改为 {change.after}" for change in outcome.changes)
        say(f"  待确认 第 {outcome.row_number} 行「{outcome.name}」：{changes}")
    for duplicate in plan.possible_duplicates[:10]:
        say(
            f"  可能重复 第 {duplicate.row_number} 行「{duplicate.name}」{duplicate.address}："
            f"登记簿中已有同名同址的 {duplicate.existing_code or '（无代码）'}"
        )
    if errors_path is not None:
        say(f"有问题的行已写入 {errors_path}，改正后可再次导入。")


def json_summary(
    plan: ImportPlan, result: ImportResult | None, errors_path: Path | None, dry_run: bool
) -> dict[str, Any]:
    previous = plan.previous_import
    return {
        "file": str(plan.path),
        "sha256": plan.sha256,
        "sheet": plan.sheet,
        "mode": plan.mode.value,
        "dry_run": dry_run,
        "counts": {kind.value: count for kind, count in plan.counts.items()},
        "possible_duplicates": len(plan.possible_duplicates),
        "unknown_columns": [column.header for column in plan.unknown_columns],
        "previous_import": None
        if previous is None
        else {"uuid": previous.uuid, "imported_at": previous.imported_at.isoformat(), "who": previous.who},
        "committed": None
        if result is None
        else {
            "record_uuid": result.record_uuid,
            "inserted": result.inserted,
            "updated": result.updated,
            "seconds": round(result.seconds, 3),
        },
        "errors_workbook": None if errors_path is None else str(errors_path),
        "summary": plan.summary_text(),
        "assignment": _assignment_json(plan),
    }


def _assignment_json(plan: ImportPlan) -> dict[str, Any]:
    """Per destination (grid, officer names; null for none) how many new / existing businesses go there."""
    assignment = plan.assignment

    def rows(counts: Any) -> list[dict[str, Any]]:
        return [
            {
                "grid": assignment.grid_names.get(grid_id) if grid_id is not None else None,
                "officer": assignment.officer_names.get(officer_id) if officer_id is not None else None,
                "businesses": count,
            }
            for (grid_id, officer_id), count in sorted(counts.items(), key=lambda item: -item[1])
        ]

    return {
        "how": assignment.how,
        "new": rows(plan.assigned),
        "unassigned": sum(count for (_grid, officer_id), count in plan.assigned.items() if officer_id is None),
        "reassigned": rows(plan.reassigned),
        "problems": list(assignment.problems),
    }
