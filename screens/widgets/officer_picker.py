"""The「请选择当前使用人」dialog: the office (when there are several), then one of its officers."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.reference import OfficeReference
from workbench.services.office import Choice

Picked = tuple[Choice, Choice]


class OfficerPicker(ModalScreen[Picked | None]):
    """Pick who is at the keyboard; every change made afterwards is recorded under that name."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="picker.cancel")]

    def __init__(self, reference: OfficeReference, *, cancellable: bool, current: Choice | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.reference = reference
        self.cancellable = cancellable
        self.current = current
        located = reference.locate_officer(current.uuid) if current else None
        self.office = located[0] if located else (reference.offices[0] if reference.offices else None)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label("请选择当前使用人", classes="dialog-title")
            yield Static("之后的每一处修改都会记在所选干部名下。", classes="dialog-message")
            if len(self.reference.offices) > 1:
                options = [(office.name, office.id) for office in self.reference.offices]
                yield Select(options, value=self.office.id if self.office else options[0][1], allow_blank=False,
                             id="picker-office")
            yield OptionList(id="picker-officers")
            yield Static("方向键选择，Enter 确认", classes="dialog-hint")

    def on_mount(self) -> None:
        self._show_officers()
        self.query_one(OptionList).focus()

    @on(Select.Changed, "#picker-office")
    def _office_changed(self, event: Select.Changed) -> None:
        self.office = next(office for office in self.reference.offices if office.id == event.value)
        self._show_officers()

    def _show_officers(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        people = self.reference.officers.get(self.office.id, []) if self.office else []
        if not people:
            option_list.add_option(Option("（该所还没有登记干部）", disabled=True))
            return
        option_list.add_options(Option(person.name, id=str(person.id)) for person in people)
        option_list.highlighted = next((index for index, person in enumerate(people) if person == self.current), 0)

    @on(OptionList.OptionSelected, "#picker-officers")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        assert self.office is not None
        people = self.reference.officers.get(self.office.id, [])
        officer = next(person for person in people if str(person.id) == event.option.id)
        self.dismiss((self.office, officer))

    def action_cancel(self) -> None:
        if self.cancellable:
            self.dismiss(None)
