"""How an appeal's deadline looks wherever appeals are listed: overdue in red, due soon in yellow."""

from __future__ import annotations

from rich.text import Text

from workbench.services.appeals import AppealLine

OVERDUE_STYLE = "bold red"
DUE_SOON_STYLE = "bold yellow"


def urgency_style(line: AppealLine) -> str:
    if line.overdue:
        return OVERDUE_STYLE
    return DUE_SOON_STYLE if line.due_soon else ""


def deadline_cell(line: AppealLine) -> Text:
    """「2025-06-03 还剩 2 个工作日」, styled by urgency; closed appeals show only the date, dimmed."""
    if not line.urgency_text:
        return Text(line.deadline.isoformat(), style="dim")
    return Text(f"{line.deadline.isoformat()} {line.urgency_text}", style=urgency_style(line))


def state_cell(line: AppealLine) -> Text:
    return Text(line.state_label, style=urgency_style(line) or ("dim" if not line.urgency_text else ""))


def days_left_cell(line: AppealLine) -> Text:
    """For a 「剩余工作日」 column: 「逾期 13」, 「今天到期」, 「4」; empty once closed."""
    left = line.working_days_left
    if left is None:
        return Text("")
    if line.overdue:
        text = f"逾期 {-left}" if left < 0 else "逾期"
    else:
        text = "今天到期" if left == 0 else str(left)
    return Text(text, style=urgency_style(line))
