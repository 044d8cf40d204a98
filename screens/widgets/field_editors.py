"""The business form's editors: one per field of business_fields.py, grouped, with an error line under each."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from screens.widgets.industry_picker import IndustryInput, IndustryMatches
from workbench.domain.business_fields import BUSINESS_FIELDS, FieldSpec, operator_label
from workbench.domain.labels import COMPOSITION_LABELS, KIND_LABELS, STATUS_LABELS

FormValues = dict[str, Any]
"""Field name -> what its editor holds: text for inputs, the code (or None) for selects."""

FIXED_CHOICES: dict[str, list[tuple[str, Any]]] = {
    "kind": [(label, code) for code, label in KIND_LABELS.items()],
    "status": [(label, code) for code, label in STATUS_LABELS.items()],
    "composition": [(label, label) for label in COMPOSITION_LABELS],
    "suspended": [("否", False), ("是", True)],
    "abnormal": [("否", False), ("是", True)],
}
BLANK_ALLOWED = {"composition", "grid_id", "officer_id"}
PLACEHOLDERS: dict[str, str] = {
    "uscc": "18 位，与注册号至少填一个", "registered_on": "如 2024-05-03", "suspended_from": "如 2024-05-03",
    "suspended_until": "如 2024-05-03", "abnormal_since": "如 2024-05-03", "capital": "元，如 50000 或 5万",
    "phone": "手机或固定电话", "industry_code": "代码或名称，如 5221 或 小吃", "tags": "多个标签用空格分开",
}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(spec.group for spec in BUSINESS_FIELDS))


def form_values(values: dict[str, Any]) -> FormValues:
    """Stored values as the editors hold them, so what the person changed is a plain comparison."""
    held: FormValues = {}
    for spec in BUSINESS_FIELDS:
        value = values.get(spec.name)
        if spec.kind in ("choice", "bool"):
            held[spec.name] = bool(value) if spec.kind == "bool" else value
        elif isinstance(value, date):
            held[spec.name] = value.isoformat()
        else:
            held[spec.name] = "" if value is None else str(value)
    return held


def _editor(spec: FieldSpec, choices: dict[str, list[tuple[str, Any]]]) -> Widget:
    if spec.name in choices:
        return Select(choices[spec.name], prompt="未填", allow_blank=spec.name in BLANK_ALLOWED,
                      id=f"field-{spec.name}", compact=True)
    return Input(placeholder=PLACEHOLDERS.get(spec.name, ""), id=f"field-{spec.name}", compact=True)


class FieldEditors(VerticalScroll):
    """Every editable field of a business, in the groups 登记信息 / 经营者与联系 / 管理."""

    def __init__(self, grid_choices: list[tuple[str, int]], officer_choices: list[tuple[str, int]]) -> None:
        super().__init__(id="field-editors")
        self.choices = {**FIXED_CHOICES, "grid_id": grid_choices, "officer_id": officer_choices}

    def compose(self) -> ComposeResult:
        for group in GROUPS:
            yield Label(group, classes="group-title")
            for spec in (spec for spec in BUSINESS_FIELDS if spec.group == group):
                if spec.name == "industry_code":  # typed by name too: the matches open under the line
                    matches = IndustryMatches(id="industry-matches")
                    with Horizontal(classes="field-line"):
                        yield Label(spec.label, classes="field-label")
                        yield IndustryInput(matches, placeholder=PLACEHOLDERS[spec.name], id=f"field-{spec.name}",
                                            compact=True)
                    yield matches
                else:
                    with Horizontal(classes="field-line"):
                        yield Label(spec.label, classes="field-label", id=f"label-{spec.name}")
                        yield _editor(spec, self.choices)
                yield Static("", id=f"error-{spec.name}", classes="field-error")

    def on_select_changed(self, event: Select.Changed) -> None:
        """The operator column is a household's 经营者 and an enterprise's 法定代表人: its label follows 主体类型."""
        if event.select.id == "field-kind":
            kind = None if event.value is Select.NULL else str(event.value)
            self.query_one("#label-operator", Label).update(operator_label(kind))

    def load(self, values: FormValues, names: dict[str, str]) -> None:
        """Fill every editor; `names` labels a grid or officer no longer offered (an inactive officer)."""
        for spec in BUSINESS_FIELDS:
            value = values[spec.name]
            editor = self.query_one(f"#field-{spec.name}")
            if isinstance(editor, Input):
                editor.value = value
            elif isinstance(editor, Select):
                self._select(editor, spec.name, value, names.get(spec.name, str(value)))

    def _select(self, select: Select[Any], field: str, value: Any, name: str) -> None:
        if value is None:
            if field in BLANK_ALLOWED:
                select.clear()
            return
        if all(option_value != value for _label, option_value in self.choices[field]):
            self.choices[field] = [*self.choices[field], (name, value)]
            select.set_options(self.choices[field])
        select.value = value

    def read(self) -> FormValues:
        values: FormValues = {}
        for spec in BUSINESS_FIELDS:
            editor = self.query_one(f"#field-{spec.name}")
            if isinstance(editor, Input):
                values[spec.name] = editor.value
            elif isinstance(editor, Select):
                values[spec.name] = None if editor.is_blank() else editor.value
        return values

    def show_errors(self, errors: dict[str, str]) -> None:
        """One Chinese message under each wrong field; the first wrong field gets the focus."""
        for spec in BUSINESS_FIELDS:
            line = self.query_one(f"#error-{spec.name}", Static)
            line.update(errors.get(spec.name, ""))
            line.set_class(spec.name in errors, "-shown")
            self.query_one(f"#field-{spec.name}").set_class(spec.name in errors, "-invalid")
        first = next((spec.name for spec in BUSINESS_FIELDS if spec.name in errors), None)
        if first is not None:
            editor = self.query_one(f"#field-{first}")
            editor.focus()
            self.scroll_to_widget(editor)

    def label_of(self, field: str, value: Any) -> str:
        """The option label a select shows for `value` (for the conflict dialog)."""
        for label, option_value in self.choices.get(field, []):
            if option_value == value:
                return label
        return "-" if value in (None, "") else str(value)
