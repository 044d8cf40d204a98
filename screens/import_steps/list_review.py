"""The review of a 经营数据 or 许可证 dry run in the wizard's lists, and the questions of its confirm step.

The review step's tabs are those of a registration list (imports of every kind are reviewed alike): 错误行
holds every row left out or warned about (errors, unmatched codes, repeats, and the warnings of rows that
are imported), 名称对应 the licences matched by name + address that wait for the person's confirmation.
"""

from __future__ import annotations

from imports.list_plan import ListPlan, ListRowKind
from screens.import_steps.mapping_step import clip
from screens.import_steps.review_step import SHOWN, TABS, ReviewRows
from workbench.domain.labels import ImportKind


def list_review_rows(plan: ListPlan) -> ReviewRows:
    review = ReviewRows()
    for tab, _title, _headers in TABS:
        review.tables[tab], review.totals[tab] = [], 0
    problems = [(entry.kind, problem) for entry in plan.entries if entry.kind is not ListRowKind.NAME_MATCH
                for problem in entry.problems]  # fmt: skip
    problems.sort(key=lambda item: not item[1].blocking)
    review.totals["invalid"] = len(problems)
    review.warnings = sum(1 for _kind, problem in problems if not problem.blocking)
    review.tables["invalid"] = [
        (clip(problem.sheet, 10), str(problem.row), clip(f"{problem.column} {problem.column_header}".strip(), 16),
         clip(problem.raw_value, 14), ("" if problem.blocking else "提示：") + problem.reason)
        for _kind, problem in problems[:SHOWN]
    ]  # fmt: skip
    review.messages = [
        f"{kind.label}：{problem.message()}" if problem.blocking else f"{problem.message()}（提示，不影响导入）"
        for kind, problem in problems[:SHOWN]
    ]
    changes = [(item, name, old, new) for item in plan.writes.changed for name, (old, new) in item.diff.items()]
    review.totals["updates"] = len(changes)
    review.tables["updates"] = [
        (str(item.row_number), clip(item.name, 20), plan.labels.get(name, name), clip(old, 16), clip(new, 16))
        for item, name, old, new in changes[:SHOWN]
    ]
    waiting = list(plan.entries_of(ListRowKind.NAME_MATCH))
    review.totals["names"] = len(waiting)
    review.tables["names"] = [
        (str(entry.row_number), clip(entry.name, 20), clip(entry.code, 18), "待确认：" + entry.problems[-1].reason)
        for entry in waiting[:SHOWN]
    ]
    return review


def name_match_question(plan: ListPlan) -> str | None:
    """The confirm step's first question when licences were matched by name + address only, else None."""
    waiting = plan.counts[ListRowKind.NAME_MATCH]
    if not waiting:
        return None
    return (f"有 {waiting:,} 行没有匹配的社会信用代码，按名称和地址找到了登记簿中的市场主体（见「4 名称对应」）。\n"
            "核对无误，一并导入这些行吗？（选「不导入」则只导入其余的行）")


def list_confirm_question(plan: ListPlan) -> str:
    """What the confirm dialog asks: what will be written, what will not, and that the touched are reclassified."""
    left_out = plan.left_out - (plan.counts[ListRowKind.NAME_MATCH] if plan.accept_name_matches else 0)
    written = plan.written
    if plan.kind is ImportKind.LICENSES:
        plan.writes.accepted = plan.accept_name_matches
        written = plan.writes.sentence()
    accepted = "（含按名称和地址匹配、已确认的行）" if plan.accept_name_matches and plan.counts[ListRowKind.NAME_MATCH] else ""
    return (f"{written}{accepted}有错误、登记簿中没有或待确认的 {left_out:,} 行不导入。\n"
            "导入后会立即重新分型涉及的市场主体。确认导入吗？")
