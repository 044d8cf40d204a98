"""`workbench import` for the lists other departments send: 经营数据 and 许可证 (issue 15).

workbench.cli_import reads the file once and tells its kind from the headers (or --kind); a registration
list stays there, these two come here: the dry run (imports.figures_plan / imports.licenses_plan), the
error workbook, the commit with the reclassification of the businesses touched (imports.list_commit).
Exit codes as for a registration list: 0 done, 1 nothing written, 3 done but rows left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import locations
from workbench.cli_output import say, say_json

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from imports.list_commit import ListResult
    from imports.list_plan import ListPlan
    from imports.parse import ParsedFile
    from storage.audit import Actor

EXIT_LEFT_OUT = 3
SHOWN = 20


def import_list(
    engine: Engine, parsed: ParsedFile, actor: Actor, *, dry_run: bool, errors: Path | None, as_json: bool,
    license_kind: str | None, accept_name_matches: bool,
) -> int:  # fmt: skip
    """Dry run, optionally the error workbook, then (unless dry_run) the commit; the exit code."""
    from imports.list_commit import commit_list
    from workbench.cli_import import progress_bar

    plan = plan_list(engine, parsed, actor, license_kind=license_kind, accept_name_matches=accept_name_matches,
                     quiet=as_json)  # fmt: skip
    errors_path = _write_errors(plan, errors) if errors is not None and plan.entries else None
    result = None
    if not dry_run:
        with progress_bar(as_json, "导入") as progress:
            result = commit_list(engine, plan, actor=actor, rules=_rules(), progress=progress)
    if as_json:
        say_json(_json(plan, result, errors_path, dry_run), indent=2)
    else:
        _print(plan, errors_path)
        say(result.summary_text() if result else "（预览，未写入。去掉 --dry-run 即可导入。）")
    return EXIT_LEFT_OUT if plan.left_out else 0


def plan_list(
    engine: Engine, parsed: ParsedFile, actor: Actor, *, license_kind: str | None, accept_name_matches: bool,
    quiet: bool,
) -> ListPlan:  # fmt: skip
    from imports.figures_plan import plan_figures
    from imports.licenses_plan import plan_licenses
    from workbench.cli_import import progress_bar
    from workbench.domain.labels import ImportKind

    with progress_bar(quiet, "预览") as progress:
        if parsed.kind is ImportKind.FIGURES:
            return plan_figures(engine, parsed, office_id=actor.office_id, progress=progress)
        return plan_licenses(engine, parsed, office_id=actor.office_id, default_kind=license_kind,
                             accept_name_matches=accept_name_matches, progress=progress)  # fmt: skip


def _write_errors(plan: ListPlan, errors: Path) -> Path:
    """The error workbook; its writer (openpyxl, ~0.3 s to import) is loaded only when one is asked for."""
    from imports.error_workbook import write_error_workbook

    return write_error_workbook(plan, errors)


def _rules() -> Any:
    from workbench.services.classification import load_rules

    rules, problem = load_rules(locations.config_dir())
    if problem is not None:
        say(f"{problem.message_zh}\n本次按随程序提供的默认规则分型。", err=True)
    return rules


def _print(plan: ListPlan, errors_path: Path | None) -> None:
    from imports.list_plan import ListRowKind

    say(plan.summary_text())
    if plan.kind_detected:
        from workbench.cli_import import KIND_HINT

        say(f"（{KIND_HINT}。）")
    shown = 0
    for entry in plan.entries:
        for problem in entry.problems:
            if shown < SHOWN:
                mark = "" if entry.kind in (ListRowKind.INVALID, ListRowKind.DUPLICATE) else f"{entry.kind.label} "
                say(f"  {mark}{problem.message()}")
            shown += 1
    if shown > SHOWN:
        say(f"  ……另有 {shown - SHOWN:,} 处问题" + ("" if errors_path else "，用 --errors 错误.xlsx 可全部导出"))
    if plan.counts[ListRowKind.NAME_MATCH]:
        say(f"按名称和地址匹配的 {plan.counts[ListRowKind.NAME_MATCH]:,} 行待确认：核对无误后加 --accept-name-matches 再导入。")
    if errors_path is not None:
        say(f"有问题的行已写入 {errors_path}，改正后可再次导入。")


def _json(plan: ListPlan, result: ListResult | None, errors_path: Path | None, dry_run: bool) -> dict[str, Any]:
    previous = plan.previous_import
    return {
        "file": str(plan.path),
        "kind": plan.kind.value,
        "kind_label": plan.kind_label,
        "kind_detected": plan.kind_detected,
        "sha256": plan.sha256,
        "sheet": plan.sheet,
        "dry_run": dry_run,
        "counts": {kind.value: count for kind, count in plan.counts.items()},
        "notes": plan.notes,
        "unknown_columns": [column.header for column in plan.unknown_columns],
        "previous_import": None if previous is None
        else {"uuid": previous.uuid, "imported_at": previous.imported_at.isoformat(), "who": previous.who},
        "committed": None if result is None else {
            "record_uuid": result.record_uuid, "written": result.written, "reclassified": result.reclassified,
            "tier_changes": result.tier_changes, "moves": result.moves, "seconds": round(result.seconds, 3),
        },
        "errors_workbook": None if errors_path is None else str(errors_path),
        "summary": plan.summary_text(),
    }  # fmt: skip
