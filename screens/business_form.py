"""Create or edit a business: Ctrl+S saves with the base version, errors show under their fields."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import Worker

from screens.actions import bindings
from screens.base import WorkbenchScreen
from screens.format import plain, value_text
from screens.key_order import TypedEvent, release_keys
from screens.widgets.conflict_dialog import ConflictChoice, ConflictDialog, ConflictLine
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.field_editors import FieldEditors, FormValues, form_values
from screens.widgets.footer import WorkbenchFooter
from storage.audit import Actor
from workbench.domain.business_fields import BUSINESS_FIELDS, field_label
from workbench.domain.labels import BusinessKind, BusinessStatus
from workbench.services.detail import BusinessDetail, business_detail
from workbench.services.errors import PossibleDuplicate, SaveConflict, ValidationFailed, WorkbenchError


class FormLoaded(Message):
    def __init__(self, detail: BusinessDetail) -> None:
        super().__init__()
        self.detail = detail


class Saved(Message):
    def __init__(self, business_uuid: str) -> None:
        super().__init__()
        self.business_uuid = business_uuid


class SaveFailed(Message):
    """The service refused; for a conflict, `current` holds the values now saved (None if unreadable)."""

    def __init__(self, error: WorkbenchError, current: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.error = error
        self.current = current


class BusinessFormScreen(WorkbenchScreen[str | None]):
    """Dismisses with the saved business's uuid, or None when nothing was saved."""

    SCOPE = "form"
    BINDINGS = bindings("form")

    def __init__(self, business_uuid: str | None, detail: BusinessDetail | None = None) -> None:
        """`detail`, when the caller has it, fills the form at once; otherwise it is read first."""
        super().__init__()
        self.business_uuid = business_uuid
        self.detail = detail
        self.base_version = 0
        self.opened: FormValues = {}
        self.saving = False
        self.saving_name = ""

    def compose(self) -> ComposeResult:
        office_id = self.workbench.office.id if self.workbench.office else -1
        reference = self.workbench.reference
        yield Header(icon="")
        yield Static("新增市场主体" if self.business_uuid is None else "正在读取", id="form-title")
        yield Static("", id="form-summary")
        editors = FieldEditors([(grid.name, grid.id) for grid in reference.grids.get(office_id, [])],
                               [(person.name, person.id) for person in reference.officers.get(office_id, [])])
        # Nothing is editable before the record is read; the keys typed meanwhile wait (holds_key).
        editors.disabled = self.business_uuid is not None and self.detail is None
        yield editors
        yield WorkbenchFooter()

    @property
    def _editors(self) -> FieldEditors:
        return self.query_one(FieldEditors)

    def on_mount(self) -> None:
        if self.business_uuid is None:
            officer = self.workbench.officer
            defaults = {"kind": BusinessKind.HOUSEHOLD, "status": BusinessStatus.ACTIVE, "officer_id": officer.id if officer else None}
            self._fill(form_values(defaults), {})
        elif self.detail is not None:
            self._show(self.detail)
        else:
            self._load(self.workbench.actor, self.business_uuid)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-load", description="读取待编辑的主体")
    def _load(self, actor: Actor, business_uuid: str) -> None:
        # business_detail looked up here, at call time: a test holds the read to type keys meanwhile
        detail = self.workbench.gateway.register.detail(actor, business_uuid, history_limit=0, read=business_detail)
        self.post_message(FormLoaded(detail))

    def on_form_loaded(self, message: FormLoaded) -> None:
        self._show(message.detail)

    def _show(self, detail: BusinessDetail) -> None:
        self.base_version = detail.version
        self.query_one("#form-title", Static).update(plain(f"编辑「{detail.values['name']}」"))
        self._fill(form_values(detail.values), {"grid_id": detail.grid_name, "officer_id": detail.officer_name})

    def _fill(self, values: FormValues, names: dict[str, str]) -> None:
        self._editors.load(values, names)
        self._editors.disabled = False
        self.opened = self._editors.read()
        self.query_one("#field-name").focus()
        release_keys(self.app)  # after the focus() above: the keys typed while loading go to 名称 and on

    def holds_key(self, _event: TypedEvent) -> bool:
        """Keys typed before the values are in the editors wait for them (screens/key_order.py)."""
        return not self.opened

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        self.saving = False
        if worker.group == "form-load":
            self.dismiss(None)
        self.workbench.show_error(error)

    # saving

    def _changes(self) -> FormValues:
        current = self._editors.read()
        if self.business_uuid is None:
            return current  # all of it, blanks too, so a missing 名称 is reported like any other field
        return {field: value for field, value in current.items() if value != self.opened.get(field)}

    def action_save(self) -> None:
        if self.saving or not self.opened:
            return
        changes = self._changes()
        if self.business_uuid is not None and not changes:
            self.notify("没有需要保存的修改")
            self.dismiss(None)
            return
        self._start_save(self.base_version, changes)

    def _start_save(self, base_version: int, changes: FormValues, *, same_as_confirmed: bool = False) -> None:
        self.saving = True
        self.saving_name = str(self._editors.read().get("name") or "")  # for the notice once it is saved
        self._summary("正在保存")
        self._save(self.workbench.actor, self.business_uuid, base_version, changes, same_as_confirmed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-save", description="保存市场主体")
    def _save(
        self, actor: Actor, business_uuid: str | None, base_version: int, changes: FormValues, same_as_confirmed: bool
    ) -> None:
        register = self.workbench.gateway.register
        try:
            saved_uuid = register.save(
                actor, business_uuid, base_version, changes, same_as_confirmed=same_as_confirmed
            )
        except SaveConflict as conflict:
            self.post_message(SaveFailed(conflict, register.saved_values(actor, business_uuid)))
            return
        except WorkbenchError as error:
            self.post_message(SaveFailed(error))
            return
        self.post_message(Saved(saved_uuid))

    def on_saved(self, message: Saved) -> None:
        self.saving = False
        self.workbench.data_changed()
        self.notify(f"已保存「{self.saving_name}」")
        self.dismiss(message.business_uuid)

    def on_save_failed(self, message: SaveFailed) -> None:
        self.saving = False
        error = message.error
        if isinstance(error, ValidationFailed):
            self._summary(f"{error.title}：有 {len(error.errors)} 项需要修改（见各项下方的红字）")
            self._editors.show_errors(error.errors)
        elif isinstance(error, SaveConflict):
            self._summary("")
            self._show_conflict(error, message.current or dict(error.theirs))
        elif isinstance(error, PossibleDuplicate):
            self._summary("")
            self._ask_same_as(error)
        else:
            self._summary("")
            self.workbench.show_error(error)

    def _ask_same_as(self, warning: PossibleDuplicate) -> None:
        """Same name and address as a business already registered: save anyway only if the person says so."""

        def answered(save_anyway: bool | None) -> None:
            if save_anyway:
                self._start_save(self.base_version, self._changes(), same_as_confirmed=True)
            else:
                self._summary(f"{warning.message}。已返回修改，可改正名称或地址后再保存。")

        question = f"{warning.message}\n确属两户（如同一地址的不同店），仍然保存吗？"
        self.app.push_screen(ConfirmDialog(question, "仍然保存", "返回修改", confirms_write=True), answered)

    def _summary(self, text: str) -> None:
        summary = self.query_one("#form-summary", Static)
        summary.update(text)
        summary.display = bool(text)

    def _show_conflict(self, conflict: SaveConflict, current: dict[str, Any]) -> None:
        theirs = form_values(current)
        mine = self._editors.read()
        lines = [
            ConflictLine(field_label(spec.name), self._shown(spec.name, self.opened[spec.name]),
                         self._shown(spec.name, theirs[spec.name]), self._shown(spec.name, mine[spec.name]))
            for spec in BUSINESS_FIELDS
            if spec.name in current and (theirs[spec.name] != self.opened[spec.name]
                                         or mine[spec.name] != self.opened[spec.name])
        ]

        def chosen(choice: ConflictChoice | None) -> None:
            if choice == "discard":
                self.workbench.data_changed()
                self.dismiss(None)
            elif choice == "overwrite":
                self._start_save(conflict.current_version, self._changes())
            else:
                self.base_version = conflict.current_version
                self._summary("已取得对方保存后的版本：再次保存将以您填写的内容为准。")

        self.app.push_screen(ConflictDialog(conflict.title, conflict.message, lines), chosen)

    def _shown(self, field: str, value: Any) -> str:
        if field in ("grid_id", "officer_id", "kind", "status", "suspended", "abnormal", "composition"):
            return self._editors.label_of(field, value)
        return value_text(field, value)

    # leaving

    def action_cancel(self) -> None:
        if not self.opened or self._editors.read() == self.opened:
            self.dismiss(None)
            return

        def answered(give_up: bool | None) -> None:
            if give_up:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("还有没保存的修改，确定放弃吗？", "放弃修改", "继续编辑"), answered)

