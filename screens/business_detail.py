"""One business: its fields by group, licenses, year figures and change history, in tabs."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Label, Static, TabbedContent, TabPane
from textual.worker import Worker

from screens import service_entries
from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.business_form import BusinessFormScreen
from screens.classification_tab import ClassificationTab
from screens.figures_tab import FiguresTab
from screens.format import (
    change_text,
    local_time_text,
    money_text,
    plain,
    status_cell,
    value_text,
)
from screens.key_order import TypedEvent, release_keys
from screens.latest_read import LatestRead
from screens.license_tab import LicenseTab
from screens.timeline_tab import TimelineTab
from screens.widgets.footer import WorkbenchFooter
from screens.widgets.text_table import TextTable
from storage.audit import Actor
from workbench.domain.business_fields import BUSINESS_FIELDS
from workbench.domain.identifiers import mask_id_number
from workbench.domain.safe_text import shown
from workbench.services.detail import BusinessDetail

GROUPS: tuple[str, ...] = tuple(dict.fromkeys(spec.group for spec in BUSINESS_FIELDS))
LABEL_WIDTH = 16
"""Cells for field labels: 「统一社会信用代码」 is the longest, at 16."""
TWO_PAIRS_FROM = 100
"""From this many cells wide, the field grid shows two label/value pairs per line."""
FIRST_LOAN_GROUP = GROUPS[-1]
"""首贷户 is shown with the 管理 fields: it is the office's record of its support, like the tags."""


class DetailLoaded(Message):
    def __init__(self, detail: BusinessDetail, asked: int) -> None:
        super().__init__()
        self.detail = detail
        self.asked = asked


class BusinessDetailScreen(WorkbenchScreen[None]):
    """Read-only view of one business; F4 edits it, Esc goes back to the list."""

    SCOPE = "detail"
    BINDINGS = bindings("detail")
    AUTO_FOCUS = "#fields"
    TAB_FOCUS = {"basic": "#fields", "licenses": "#license-table", "figures": "#figure-table",
                 "history": "#history-table", "timeline": "#timeline-table",
                 "classification": "#classification-history"}
    """What gets the keys on each tab, so arrows and PgUp/PgDn scroll what is shown."""

    def __init__(self, business_uuid: str) -> None:
        super().__init__()
        self.business_uuid = business_uuid
        self.detail: BusinessDetail | None = None
        self.seen_data_version = -1
        self.reads = LatestRead()
        """A save during a read starts another: only the last one is shown (screens/latest_read.py)."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("正在读取", id="detail-title")
        with TabbedContent(id="detail-tabs"):
            with TabPane("基本信息", id="basic"), VerticalScroll(id="fields"):
                for group in GROUPS:
                    yield Label(group, classes="group-title")
                    yield Static("", id=f"group-{GROUPS.index(group)}", classes="group-fields")
            with TabPane("许可证", id="licenses"):
                yield LicenseTab(self.business_uuid)
            with TabPane("经营数据", id="figures"):
                yield FiguresTab(self.business_uuid)
            with TabPane("变更记录", id="history"):
                yield TextTable(id="history-table", cursor_type="row", zebra_stripes=True)
            with TabPane("分型分类", id="classification"):
                yield ClassificationTab(self.business_uuid)
            with TabPane("时间线", id="timeline"):
                yield TimelineTab(self.business_uuid)
        yield WorkbenchFooter()

    def holds_key(self, event: TypedEvent) -> bool:
        """Keys typed before the business is read (B, V or F4 right after Enter on the list) wait for it: B
        said 新增帮扶要先选定一户 and the keys after it landed on the tabs. Esc always goes (screens/key_order.py)."""
        return self.detail is None and not (isinstance(event, events.Key) and event.key == "escape")

    def on_screen_resume(self) -> None:
        if self.seen_data_version != self.workbench.data_version:
            self.seen_data_version = self.workbench.data_version
            self._load(self.reads.ask(), self.workbench.actor, self.business_uuid)

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail", description="读取主体详情")
    def _load(self, asked: int, actor: Actor, business_uuid: str) -> None:
        self.post_message(DetailLoaded(self.workbench.gateway.register.detail(actor, business_uuid), asked))

    def worker_failed(self, _worker: Worker[Any], error: BaseException) -> None:
        """Nothing to show without the business (deleted elsewhere, say): back to the list after the dialog."""
        if self.detail is None:
            self.dismiss(None)
        self.workbench.show_error(error)

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        if not self.reads.is_latest(message.asked):
            return  # read before a later save: F4 would edit from the older values
        self.detail = detail = message.detail
        values = detail.values
        title = Text.assemble((shown(str(values["name"])), "bold"), "  ")
        title.append_text(status_cell(values["status"], bool(values["suspended"]), bool(values["abnormal"])))
        if detail.pending_sync:
            title.append(f"  待处理冲突 {detail.pending_sync} 项（按 C 处理）", style="bold magenta")
        self.query_one("#detail-title", Static).update(title)
        self._show_fields()
        self.query_one(LicenseTab).show(detail.licenses, self.workbench.today(), str(values["name"]),
                                        str(values.get("address") or ""))  # fmt: skip
        self.query_one(FiguresTab).show(detail)
        self._show_history()
        release_keys(self.app)  # the keys typed meanwhile act on this business

    def on_resize(self) -> None:
        if self.detail is not None:
            self._show_fields()

    def _field_text(self, name: str) -> str:
        assert self.detail is not None
        value = self.detail.values.get(name)
        if name == "grid_id":
            return self.detail.grid_name or "-"
        if name == "officer_id":
            return self.detail.officer_name or "-"
        if name == "industry_code" and value:
            version = "" if self.detail.values.get("industry_code_version") == "2017" else "（2011版）"
            return f"{value} {self.detail.industry_name}{version}".strip()
        if name == "id_number" and value:
            return mask_id_number(str(value))
        if name == "capital" and value is not None:
            return f"{money_text(value)}（{value:,}元）" if value >= 10_000 else money_text(value)
        return value_text(name, value)

    def _first_loan_text(self) -> str:
        """首贷户 (set by a 首贷 support record, not on the form): 「是（2025-06-01，温州银行）」 or 「否」."""
        assert self.detail is not None
        if self.detail.first_loan_on is None:
            return "否"
        bank = f"，{self.detail.first_loan_bank}" if self.detail.first_loan_bank else ""
        return f"是（{self.detail.first_loan_on.isoformat()}{bank}）"

    def _show_fields(self) -> None:
        pairs = 2 if self.size.width >= TWO_PAIRS_FROM else 1
        for index, group in enumerate(GROUPS):
            table = Table.grid(padding=(0, 2))
            for _ in range(pairs):
                table.add_column(style="dim", no_wrap=True, width=LABEL_WIDTH)
                table.add_column(ratio=1)
            shown_pairs = [(spec.label, self._field_text(spec.name)) for spec in BUSINESS_FIELDS if spec.group == group]
            if group == FIRST_LOAN_GROUP:
                shown_pairs.append(("首贷户", self._first_loan_text()))
            for start in range(0, len(shown_pairs), pairs):
                cells: list[str | Text] = []
                for label, value in shown_pairs[start:start + pairs]:
                    cells += [label, plain(value)]  # a value is never markup
                table.add_row(*cells)
            self.query_one(f"#group-{index}", Static).update(table)


    def _show_history(self) -> None:
        assert self.detail is not None
        table = _reset(self.query_one("#history-table", DataTable), "时间", "使用人", "终端", "字段", "变更")
        names = self.workbench.names()
        for line in self.detail.history:
            table.add_row(local_time_text(line.at), line.who, line.device, line.field_label if line.field else "",
                          change_text(line.action, value_text(line.field, line.old, names),
                                      value_text(line.field, line.new, names)))

    def on_figures_tab_changed(self, _message: FiguresTab.Changed) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        if self.detail is not None:
            self.app.push_screen(BusinessFormScreen(self.business_uuid, self.detail))

    def on_license_tab_changed(self, _message: LicenseTab.Changed) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.seen_data_version = self.workbench.data_version
        self._load(self.reads.ask(), self.workbench.actor, self.business_uuid)

    def business_in_view(self) -> tuple[str, str] | None:
        return (self.business_uuid, str(self.detail.values["name"])) if self.detail is not None else None

    def action_add_visit(self) -> None:
        if self.detail is not None:
            service_entries.add_visit(self.workbench, self.business_uuid, str(self.detail.values["name"]),
                                      business_version=self.detail.version, on_record=self.detail.values)

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(self.TAB_FOCUS[tab]).focus()


def _reset(table: DataTable[Any], *labels: str) -> DataTable[Any]:
    table.clear(columns=True)
    table.add_columns(*labels)
    return table

