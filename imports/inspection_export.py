"""双随机 lists to Excel: a task's drawn businesses with their results, and the publication list in the
template's columns (企业名称 | 统一社会信用代码/注册号 | 抽查事项 | 检查结果 | 检查日期 | 检查机关 …).

The shared cell writer (imports.sheet_writer): codes as text cells, dates as dates, no cell ever a formula;
written beside the final name, moved into place when complete, and logged like every export.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from imports.export import write_logged_file, xlsx_path
from imports.sheet_writer import Kind, write_plain_sheet
from storage.audit import Actor
from workbench.domain.inspection_rules import InspectionRules
from workbench.services.inspection_lists import (
    PUBLICATION_HEADERS,
    RESULT_HEADERS,
    publication_rows,
    result_lines,
)
from workbench.services.inspection_tasks import TaskView

CODE_HEADERS = frozenset({"统一社会信用代码/注册号"})


def export_results(*, session: Session, actor: Actor, task: TaskView, rules: InspectionRules, path: str | Path) -> tuple[Path, int]:
    """The task's drawn businesses and results to an .xlsx; (file, rows). Commits the export's log row."""
    rows = [line.cells() for line in result_lines(session, actor=actor, task=task, rules=rules)]
    return _export(session, actor, f"抽查结果：{task.name}", "抽查结果", RESULT_HEADERS, rows, path), len(rows)


def export_publication(*, session: Session, actor: Actor, task: TaskView, rules: InspectionRules,
                       path: str | Path) -> tuple[Path, int]:  # fmt: skip
    """The recorded results in the publication template's columns; (file, rows). Commits the log row."""
    rows = publication_rows(session, actor=actor, task=task, rules=rules)
    return _export(session, actor, f"抽查结果公示：{task.name}", "公示", PUBLICATION_HEADERS, rows, path), len(rows)


def _export(session: Session, actor: Actor, description: str, title: str, headers: Sequence[str],
            rows: list[list[object]], path: str | Path) -> Path:  # fmt: skip
    target = xlsx_path(path)
    kinds: list[Kind] = ["code" if header in CODE_HEADERS else "value" for header in headers]

    def write(partial: Path) -> None:
        write_plain_sheet(partial, title, headers, kinds, rows)

    write_logged_file(session=session, actor=actor, target=target, description=description, rows=len(rows), write=write)
    return target
