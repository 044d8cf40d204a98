"""外业包 and 回传包 in the app (issue 19), as `workbench sync out | in | back` do them on the command line.

- 生成外业包 (the office): an officer (and optionally one grid of theirs), the file (外业包-张伟-2026-12-06.xlsx in
  the home folder, named after the officer picked) and an optional password (Excel's own encryption: ID
  numbers then travel in full).
- 导入外业包 (the laptop): makes this database from the package, or refreshes it; the laptop's unsent work is
  kept and listed.
- 生成回传包 (the laptop): everything done here since the package, for the office to import.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from imports.sync_out import field_package_name
from screens.import_steps.file_step import PathSuggester
from screens.sync_job import Progress, SyncJobDialog, form_row, home_file, typed_password, typed_path
from workbench.services.sync_tables import TABLE_LABELS, label_of

if TYPE_CHECKING:
    from imports.file_gateway import Received
    from imports.sync_back import ReturnPackageResult
    from imports.sync_out import FieldPackageResult
    from screens.app import WorkbenchApp
    from workbench.services.sync_laptop import KeptChange

ALL_GRIDS = "全部网格"
KEPT_SHOWN = 5


def field_package_file(officer: str, at: datetime, home: Path | None = None) -> Path:
    """外业包-张伟-2026-12-06.xlsx in the home folder, named as `workbench sync out` names one in a folder."""
    return home_file(field_package_name(officer, at), home)


def newest_field_package(home: Path | None = None) -> Path | None:
    """The newest 外业包 in the home folder: what a person just copied off the USB stick."""
    try:
        found = sorted((home or Path.home()).glob("外业包-*.xlsx"), key=lambda path: path.stat().st_mtime)
    except OSError:
        return None
    return found[-1] if found else None


def kept_fields(kept: KeptChange) -> str:
    """The fields of a change kept on the laptop, as the office's screens name them (联系电话, not phone)."""
    table = next((name for name, label in TABLE_LABELS.items() if kept.what.startswith(label)), "business")
    return "、".join(label_of(table, name) for name in kept.fields)


class FieldPackageDialog(SyncJobDialog):
    """The office: one officer's 外业包 for the laptop."""

    HEADING = "生成外业包（所里 → 笔记本）"
    INTRO = "带出该干部负责的主体、许可证、经营数据、未办结诉求、近一年帮扶和走访，以及参考清单。"
    START = "生成"
    WORKING = "正在生成外业包……"

    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.now = now
        self.suggested = ""
        """The file name offered for the officer picked: replaced when another is picked, unless typed over."""

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def form(self) -> ComposeResult:
        app = self.workbench
        office_id = app.office.id if app.office else 0
        officers = [(choice.name, choice.id) for choice in app.reference.officers.get(office_id, [])]
        grids = [(choice.name, choice.id) for choice in app.reference.grids.get(office_id, [])]
        current = app.officer.id if app.officer and any(app.officer.id == id_ for _n, id_ in officers) else None
        first = current if current is not None else (officers[0][1] if officers else Select.BLANK)
        yield form_row("包联干部", Select(officers, value=first, allow_blank=not officers, compact=True, id="sync-officer"))
        yield form_row("网格", Select(grids, prompt=ALL_GRIDS, compact=True, id="sync-grid"))
        name = next((name for name, id_ in officers if id_ == first), "")
        self.suggested = str(field_package_file(name, self.now)) if name else ""
        yield form_row("保存到", Input(self.suggested, id="sync-path", compact=True, select_on_focus=False))
        yield form_row("密码", Input(password=True, id="sync-password", compact=True,
                                 placeholder="可不填；加密后身份证号完整带出（至少 6 位）"))

    def first_focus(self) -> None:
        self.query_one("#sync-officer", Select).focus()

    @on(Select.Changed, "#sync-officer")
    def _officer_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#sync-path", Input)
        name = self._officer_name()
        if name and path.value == self.suggested:
            self.suggested = path.value = str(field_package_file(name, self.now))

    def _officer_name(self) -> str:
        picked = self.query_one("#sync-officer", Select).value
        office_id = self.workbench.office.id if self.workbench.office else 0
        return next((c.name for c in self.workbench.reference.officers.get(office_id, []) if c.id == picked), "")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.start()

    def job(self) -> Callable[[Progress], Any] | None:
        officer_id = self.query_one("#sync-officer", Select).value
        if not isinstance(officer_id, int):
            self.say("请先选择包联干部", error=True)
            return None
        grid = self.query_one("#sync-grid", Select).value
        path, password = typed_path(self), typed_password(self)
        if path is None:
            return None
        app, officer = self.workbench, self._officer_name()
        actor, lists, folder = app.actor, app.settings.service.lists, app.settings.folder
        return lambda progress: app.files.write_field_package(
            actor, officer_id=officer_id, officer=officer, grid_id=grid if isinstance(grid, int) else None,
            path=path, password=password, lists=lists, settings_folder=folder, progress=progress,
        )  # fmt: skip

    def finished(self, result: FieldPackageResult) -> None:
        personal = (
            "已用密码加密，含完整身份证号（已记入变更记录）：请把密码另行告知，用后删除。"
            if result.personal_data else "身份证号已部分隐藏（要带完整身份证号请设密码）。"
        )
        self.say(f"已生成外业包：{result.businesses:,} 户市场主体{result.inspection_note}，共 {result.rows:,} 行。{personal}\n"
                 f"文件在：{result.path}")


class ReceiveDialog(SyncJobDialog):
    """The laptop: a 外业包 read into this database (made from it the first time, refreshed after)."""

    HEADING = "导入外业包（笔记本）"
    INTRO = "读入所里生成的外业包，建立或更新本机的工作库；本机尚未回传的修改会保留并列出。"
    START = "导入"
    WORKING = "正在读入外业包……"
    HINT = "（输入路径时按右方向键补全）"

    def __init__(self, path: Path | None = None, after: Callable[[bool], None] | None = None) -> None:
        super().__init__(after)
        self.path = path or newest_field_package()
        self.received: Received | None = None

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def form(self) -> ComposeResult:
        typed = str(self.path) if self.path else str(Path.home()) + "/"
        yield form_row("外业包", Input(typed, id="sync-path", compact=True, select_on_focus=False,
                                     suggester=PathSuggester()))
        yield form_row("密码", Input(password=True, id="sync-password", compact=True, placeholder="外业包加密时才需要"))

    def first_focus(self) -> None:
        self.query_one("#sync-path", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.start()

    def job(self) -> Callable[[Progress], Any] | None:
        path, password = typed_path(self), typed_password(self)
        if path is None:
            return None
        app = self.workbench
        device, folder = app.device_name, app.settings.folder
        return lambda progress: app.files.receive_field_package(
            path, password=password, device=device, settings_folder=folder, progress=progress
        )

    def finished(self, received: Received) -> None:
        self.received = received
        result = received.result
        what = "已建立本机工作库" if result.created else "已更新本机工作库"
        lines = [f"{what}（{received.officer}）：{result.businesses:,} 户市场主体；新增 {result.inserted:,} 行，"
                 f"更新 {result.updated:,} 行，未变 {result.unchanged:,} 行。"]
        if result.kept:
            lines.append(f"本机有 {len(result.kept):,} 条修改尚未被所里收到，已保留（请生成回传包交回）：")
            lines += [f"  {kept.what}：{kept_fields(kept) or '删除'}" for kept in result.kept[:KEPT_SHOWN]]
            if len(result.kept) > KEPT_SHOWN:
                lines.append(f"  …… 另有 {len(result.kept) - KEPT_SHOWN:,} 条")
        if result.not_in_package:
            lines.append(f"本机有 {result.not_in_package:,} 户不在这个外业包中（可能已改派），仍保留在本机。")
        if received.settings_written:
            lines.append(f"已按所里的设置更新本机的设置文件：{'、'.join(received.settings_written)}")
        self.say("\n".join(lines))


class ReturnPackageDialog(SyncJobDialog):
    """The laptop: everything done here since the 外业包, as a 回传包 for the office."""

    HEADING = "生成回传包（笔记本 → 所里）"
    INTRO = "读入外业包以来本机的新增、修改和删除写成回传包，交回所里导入。"
    START = "生成"
    WORKING = "正在生成回传包……"

    def __init__(self, officer: str, now: datetime) -> None:
        super().__init__()
        self.default = home_file(f"回传包-{officer}-{now.astimezone():%Y-%m-%d-%H%M}.xlsx")

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def form(self) -> ComposeResult:
        yield form_row("保存到", Input(str(self.default), id="sync-path", compact=True, select_on_focus=False))
        yield form_row("密码", Input(password=True, id="sync-password", compact=True,
                                 placeholder="修改含完整身份证号时必须设（至少 6 位）"))

    def first_focus(self) -> None:
        self.query_one("#sync-path", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.start()

    def job(self) -> Callable[[Progress], Any] | None:
        path, password = typed_path(self), typed_password(self)
        if path is None:
            return None
        files, device = self.workbench.files, self.workbench.device_name

        def write(progress: Progress) -> ReturnPackageResult:
            from imports.sync_back import IdNumbersNeedPassword

            try:
                return files.write_return_package(path, device=device, password=password)
            except IdNumbersNeedPassword:
                raise IdNumbersNeedPassword("在「密码」一栏") from None

        return write

    def finished(self, result: ReturnPackageResult) -> None:
        locked = ("已用密码加密，含完整身份证号：请把密码另行告知所里，用后删除。" if result.personal_data
                  else "已用密码加密：请把密码另行告知所里。" if result.encrypted else "")
        if result.changes == 0:
            self.say(f"读入外业包以来本机没有新增或修改：回传包是空的（0 处改动）。{locked}\n文件在：{result.path}")
        else:
            self.say(f"已生成回传包：{result.changes:,} 处新增、修改或删除（{result.lines:,} 行）。{locked}\n"
                     f"文件在：{result.path}")
