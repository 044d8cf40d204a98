"""The 许可证 tab of the business detail: the licences in force, then the closed ones greyed (已换证 / 已注销).

N adds a licence, R renews the highlighted one (换证), X cancels it (注销, after a question). The line under
the table shows the highlighted licence in full: 许可项目, 经营场所, and which licence it renewed or was
renewed by. The detail screen hands the lines in (it reads them with the rest of the business).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from screens.actions import bindings
from screens.format import date_text, fit_cells, license_state
from screens.license_dialogs import add_license, confirm_cancel, renew_license
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.licenses import license_standing
from workbench.domain.safe_text import shown
from workbench.services.licenses import LicenseLine

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

MIN_SCOPE_CELLS = 8
"""许可项目 in the table is cut to the width left (at least this); the line underneath shows it whole."""
SCROLLBAR_CELLS = 2
STANDING_STYLES = {"即将到期": "bold yellow", "已过期": "bold red", "已换证": "dim", "已注销": "dim"}


class LicenseCancelled(Message):
    def __init__(self, line: LicenseLine) -> None:
        super().__init__()
        self.line = line


class LicenseTab(Vertical):
    BINDINGS = bindings("licenses")

    class Changed(Message):
        """A licence was written here without a dialog over the screen: the detail reads its lines again."""

    def __init__(self, business_uuid: str) -> None:
        super().__init__(id="license-body")
        self.business_uuid = business_uuid
        self.business_name = ""
        self.address = ""
        self.lines: list[LicenseLine] = []
        self.today = date.min

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def compose(self) -> ComposeResult:
        yield TextTable(id="license-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="license-line")

    def show(self, lines: list[LicenseLine], today: date, business_name: str, address: str) -> None:
        self.lines, self.today, self.business_name, self.address = lines, today, business_name, address
        table = self.query_one("#license-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_columns("许可证", "编号", "发证日期", "有效期至", "状态", "许可项目")
        cells = [
            [shown(line.kind), shown(line.number) or "-", date_text(line.issued_on), date_text(line.expires_on),
             license_standing(line.status, line.expires_on, today)]
            for line in lines
        ]  # fmt: skip
        scope_cells = self._scope_cells(cells)
        for line, (kind, number, issued, expires, standing) in zip(lines, cells, strict=True):
            style = STANDING_STYLES.get(standing, "")
            grey = "dim" if not line.in_force else ""
            table.add_row(
                Text(kind, style=grey), Text(number, style=grey), Text(issued, style=grey),
                Text(expires, style=style), Text(standing, style=style),
                Text(fit_cells(line.scope or "-", scope_cells), style=grey),
            )  # fmt: skip
        if not lines:
            table.add_row("（没有许可证记录，按 N 登记）", "", "", "", "", "")
        table.move_cursor(row=min(row, max(len(lines) - 1, 0)))
        self._show_line(table.cursor_row)

    def _scope_cells(self, cells: list[list[str]]) -> int:
        """What is left of the tab's width for 许可项目 once the other columns (and a scrollbar) have theirs."""
        headers = ("许可证", "编号", "发证日期", "有效期至", "状态", "许可项目")
        widths = [max(cell_len(text) for text in column) for column in zip(headers, *cells, strict=False)]
        return max(MIN_SCOPE_CELLS, self.size.width - SCROLLBAR_CELLS - sum(widths[:5]) - 2 * len(headers))

    def on_resize(self) -> None:
        if self.lines:
            self.show(self.lines, self.today, self.business_name, self.address)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_line(event.cursor_row)

    def _show_line(self, row: int) -> None:
        line = self.lines[row] if 0 <= row < len(self.lines) else None
        self.query_one("#license-line", Static).update(Text(self._line_text(line)) if line else "")

    def _line_text(self, line: LicenseLine) -> str:
        """The highlighted licence in full: how its term stands, 许可项目, 经营场所, what it renewed."""
        parts = [self._term_text(line), f"许可项目：{line.scope or '-'}", f"经营场所：{line.place or '-'}"]
        if line.renews_uuid and (old := next((o for o in self.lines if o.uuid == line.renews_uuid), None)):
            parts.append(f"换发自 {old.number}（有效期至 {date_text(old.expires_on)}）")
        return shown("    ".join(parts))

    def _term_text(self, line: LicenseLine) -> str:
        if not line.in_force:
            successor = next((other for other in self.lines if other.renews_uuid == line.uuid), None)
            if successor is not None:
                return f"{line.closed_on} 换证，新证 {successor.number}"
            return f"{license_standing(line.status, None, self.today)}（{line.closed_on}）"
        return license_state(line.expires_on, self.today)[0]

    def _highlighted(self, doing: str) -> LicenseLine | None:
        table = self.query_one("#license-table", DataTable)
        line = self.lines[table.cursor_row] if 0 <= table.cursor_row < len(self.lines) else None
        if line is None:
            self.app.notify(f"请先选中要{doing}的许可证", severity="warning")
        elif not line.in_force:
            state = license_standing(line.status, None, self.today)
            self.app.notify(f"这张{line.kind}{state}，不能再{doing}", severity="warning")
            return None
        return line

    # keys

    def action_add_license(self) -> None:
        add_license(self.workbench, self.business_uuid, self.business_name, self.address)

    def action_renew_license(self) -> None:
        if line := self._highlighted("换证"):
            renew_license(self.workbench, replace(line, business_name=self.business_name, business_address=self.address))

    def action_cancel_license(self) -> None:
        if line := self._highlighted("注销"):
            confirm_cancel(self.workbench, line, self._cancel_now)

    def _cancel_now(self, line: LicenseLine) -> None:
        self._cancel(self.workbench.actor, line, self.workbench.today())

    @work(thread=True, exclusive=True, exit_on_error=False, group="license-cancel", description="注销许可证")
    def _cancel(self, actor: Actor, line: LicenseLine, today: date) -> None:
        self.workbench.gateway.licenses.cancel(actor, line, today=today)
        self.post_message(LicenseCancelled(line))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A refused 注销 (another terminal closed it first, say) in a dialog, then the lines as they now are:
        a widget's worker reports to the widget alone, not to the screen."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.workbench.show_error(event.worker.error)
            self.post_message(self.Changed())

    def on_license_cancelled(self, message: LicenseCancelled) -> None:
        self.workbench.data_changed()
        self.app.notify(f"已注销：{message.line.kind} {message.line.number}")
        self.post_message(self.Changed())
