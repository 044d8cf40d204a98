"""A small form in a dialog, for support, visits and appeal steps: Ctrl+S saves in a worker, errors show inline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from screens.actions import bindings
from screens.key_order import TypedEvent, release_keys
from screens.preview_gate import PreviewGate
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.worker_errors import ShowsWorkerErrors
from storage.audit import Actor
from workbench.domain.safe_text import shown
from workbench.services.errors import ValidationFailed, WorkbenchError
from workbench.services.service_common import ServiceSettings

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

DialogValues = dict[str, Any]
"""Field name -> what its editor holds: text for inputs, the chosen value (or None) for selects."""


@dataclass(frozen=True)
class DialogField:
    """One line of the dialog: an Input, or a Select when `choices` are given."""

    name: str
    label: str
    choices: tuple[tuple[str, Any], ...] | None = None
    default: Any = ""
    placeholder: str = ""
    blank: bool = False
    """A Select that may stay empty (「未填」)."""


class DialogSaved(Message):
    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result


class DialogFailed(Message):
    def __init__(self, error: WorkbenchError) -> None:
        super().__init__()
        self.error = error


class ServiceDialog(ShowsWorkerErrors, ModalScreen[Any]):
    """Subclasses name their fields and write them in `write` (run in a worker thread): one call of the app's
    gateway, which is one transaction.

    `write` returns plain data (a uuid, a label): the dialog dismisses with it. Refusals from the service
    (ValidationFailed) show under their fields; other WorkbenchErrors show above the hint line.
    """

    SCOPE = "form"
    BINDINGS = bindings("form")
    TITLE_TEXT = ""
    FIELDS: tuple[DialogField, ...] = ()
    CONFIRMS_PREVIEW = False
    """True where Ctrl+S confirms what the dialog shows, ready to save as it opens (a 名特优新 step, entering or
    leaving a pool): then a Ctrl+S typed before the dialog could be seen is refused (screens/preview_gate.py)."""

    def __init__(self, context: str = "", fields: tuple[DialogField, ...] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.context = context
        self.fields = fields if fields is not None else self.FIELDS
        self.opened: DialogValues = {}
        self.saving = False
        self.preview_gate = PreviewGate(self, "（对话框中的内容）") if self.CONFIRMS_PREVIEW else None

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog service-dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            if self.context:
                yield Static(shown(self.context), classes="dialog-context", markup=False)  # names from files: never markup
            with VerticalScroll(classes="dialog-fields"):
                for spec in self.fields:
                    with Horizontal(classes="field-line"):
                        yield Label(spec.label, classes="field-label dialog-label")
                        yield _editor(spec)
                    yield Static("", id=f"error-{spec.name}", classes="field-error")
            yield Static("", id="dialog-summary")
            yield Static("Ctrl+S 保存    Esc 取消    Tab 下一项", classes="dialog-hint")

    def on_mount(self) -> None:
        self.opened = self.read()
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}").focus()
        if self.preview_gate is not None:
            self.preview_gate.shown()

    def read(self) -> DialogValues:
        values: DialogValues = {}
        for spec in self.fields:
            editor = self.query_one(f"#field-{spec.name}")
            if isinstance(editor, Select):
                values[spec.name] = None if editor.is_blank() else editor.value
            else:
                values[spec.name] = cast(Input, editor).value.strip()
        return values

    def show_errors(self, errors: dict[str, str]) -> None:
        """One Chinese message under each wrong field; the rest go to the summary line."""
        names = {spec.name for spec in self.fields}
        for spec in self.fields:
            line = self.query_one(f"#error-{spec.name}", Static)
            line.update(errors.get(spec.name, ""))
            line.set_class(spec.name in errors, "-shown")
        others = [message for field, message in errors.items() if field not in names]
        self._summary("；".join(others))
        first = next((spec.name for spec in self.fields if spec.name in errors), None)
        if first is not None:
            self.query_one(f"#field-{first}").focus()

    def _summary(self, text: str) -> None:
        summary = self.query_one("#dialog-summary", Static)
        summary.update(text)
        summary.set_class(bool(text), "-shown")

    # saving

    def action_save(self) -> None:
        if self.saving or (self.preview_gate is not None and not self.preview_gate.allows()):
            return
        self.saving = True
        self._summary("正在保存")
        self._save(self.workbench.actor, self.read())

    def write(self, actor: Actor, values: DialogValues) -> Any:
        raise NotImplementedError

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog-save", description="保存")
    def _save(self, actor: Actor, values: DialogValues) -> None:
        try:
            result = self.write(actor, values)
        except WorkbenchError as error:
            self.post_message(DialogFailed(error))
            return
        self.post_message(DialogSaved(result))

    def on_dialog_saved(self, message: DialogSaved) -> None:
        # Textual calls this handler once per class that defines it: subclasses override `saved`, not this.
        self.saving = False
        self.workbench.data_changed()
        self.saved(message.result)
        self.dismiss(message.result)

    def saved(self, result: Any) -> None:
        """Called with what `write` returned, just before the dialog closes."""

    def on_dialog_failed(self, message: DialogFailed) -> None:
        self.saving = False
        error = message.error
        if isinstance(error, ValidationFailed):
            self.show_errors(error.errors)
        else:
            self.show_errors({})
            self._summary(f"{error.title}：{error.message}")

    # leaving

    def action_cancel(self) -> None:
        if self.read() == self.opened:
            self.dismiss(None)
            return

        def answered(give_up: bool | None) -> None:
            if give_up:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("填写的内容还没保存，确定放弃吗？", "放弃", "继续填写"), answered)



class HoldsWhileSaving(ServiceDialog):
    """Keys typed while saving wait: into the fields again if it is refused, else (the dialog gone) dropped
    with a notice, never typed into a dialog that is closing (screens/key_order.py)."""

    def holds_key(self, _event: TypedEvent) -> bool:
        return self.saving

    def on_dialog_failed(self, _message: object) -> None:
        release_keys(self.app)

def _editor(spec: DialogField) -> Widget:
    if spec.choices is not None:
        value = spec.default if any(option == spec.default for _, option in spec.choices) else Select.NULL
        return Select(
            list(spec.choices),
            prompt="未填",
            allow_blank=spec.blank or value is Select.NULL,
            value=value,
            id=f"field-{spec.name}",
            compact=True,
        )
    return Input(
        str(spec.default or ""),
        placeholder=spec.placeholder,
        id=f"field-{spec.name}",
        compact=True,
        select_on_focus=False,
    )


def settings_of(app: Any) -> ServiceSettings:
    """The office's service.toml and holidays.toml, as the app's settings object read them."""
    return cast("WorkbenchApp", app).settings.service


def officer_choices(app: WorkbenchApp) -> list[tuple[str, int]]:
    """The active officers of the current office, as (name, id) for a Select."""
    office_id = app.office.id if app.office else -1
    return [(person.name, person.id) for person in app.reference.officers.get(office_id, [])]
