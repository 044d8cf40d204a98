"""新增 / 修改 a year's 经营数据: 年度, 营业收入 and 纳税额 (each with its unit, 元 or 万元), 从业人员, 参保人数.

A unit typed after a number ("120万", "3,200元") wins over the unit chosen beside it. Under each amount the
dialog reads back what it understood (「＝ 150万元（1,500,000元）」), so a 万 typed where 元 was meant shows
before it is saved. In 新增, a year that already has figures is said at once: saving edits that year.
The checks themselves are the service's (workbench.services.year_figures), shown under their fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from screens.service_dialog import DialogField, DialogValues, ServiceDialog, _editor
from storage.audit import Actor
from workbench.domain.figures import AmountUnit, FigureError, amount_text, parse_amount
from workbench.domain.rule_files import LoadedRules
from workbench.domain.safe_text import shown
from workbench.domain.tiers import TierRules
from workbench.services.detail import YearLine
from workbench.services.year_figures import FiguresEntry, FiguresOutcome

UNITS = tuple((unit.value, unit.value) for unit in AmountUnit)
UNIT_VALUES = tuple(unit.value for unit in AmountUnit)
UNIT_OF = {"revenue": "revenue_unit", "tax_paid": "tax_unit"}
AMOUNT_HINT = "如 120万 或 1,200,000"


def figure_fields(editing: bool) -> tuple[DialogField, ...]:
    """The dialog's lines; editing a year keeps its year (a wrong year is deleted and entered anew)."""
    year = () if editing else (DialogField("year", "年度", placeholder="如 2025"),)
    return (
        *year,
        DialogField("revenue", "营业收入", placeholder=AMOUNT_HINT),
        DialogField("revenue_unit", "单位", UNITS, AmountUnit.YUAN.value),
        DialogField("tax_paid", "纳税额", placeholder=AMOUNT_HINT),
        DialogField("tax_unit", "单位", UNITS, AmountUnit.YUAN.value),
        DialogField("employees", "从业人员", placeholder="人数，可不填"),
        DialogField("insured_staff", "参保人数", placeholder="社保缴纳人数，可不填"),
    )


class FiguresDialog(ServiceDialog):
    """One year's figures of one business; Ctrl+S saves (and reclassifies), Esc cancels."""

    def __init__(
        self, business_uuid: str, business_name: str, years: list[YearLine], *, rules: LoadedRules[TierRules],
        today: date, row: YearLine | None = None,
    ) -> None:  # fmt: skip
        self.TITLE_TEXT = f"修改{row.year}年度经营数据" if row else "新增经营数据"
        super().__init__(business_name, figure_fields(editing=row is not None))
        self.business_uuid = business_uuid
        self.years = {line.year: line for line in years}
        self.rules = rules
        self.today = today
        self.row = row

    def compose(self) -> ComposeResult:
        """ServiceDialog's lines, with each amount's unit beside it and its reading underneath."""
        units = set(UNIT_OF.values())
        with Vertical(classes="dialog service-dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            yield Static(shown(self.context), classes="dialog-context", markup=False)
            with VerticalScroll(classes="dialog-fields"):
                for spec in self.fields:
                    if spec.name in units:
                        continue
                    with Horizontal(classes="field-line"):
                        yield Label(spec.label, classes="field-label dialog-label")
                        yield _editor(spec)
                        if spec.name in UNIT_OF:
                            unit = next(field for field in self.fields if field.name == UNIT_OF[spec.name])
                            yield _editor(unit)
                    yield Static("", id=f"error-{spec.name}", classes="field-error")
                    if spec.name in UNIT_OF or spec.name == "year":
                        yield Static("", id=f"echo-{spec.name}", classes="field-echo")
                for name in units:  # never wrong on their own: the lines only keep show_errors' lookups
                    yield Static("", id=f"error-{name}", classes="field-error")
            yield Static("", id="dialog-summary")
            yield Static("Ctrl+S 保存    Esc 取消    Tab 下一项（单位：Enter 展开选择）", classes="dialog-hint")

    def on_mount(self) -> None:
        for unit in UNIT_OF.values():
            self.query_one(f"#field-{unit}", Select).styles.width = 10
        for echo in self.query(".field-echo"):
            echo.styles.padding = (0, 0, 0, 10)
            echo.styles.color = "ansi_bright_black"
            echo.display = False
        if self.row is not None:  # before ServiceDialog.on_mount (Textual runs it next) notes what was opened
            self._fill(self.row)

    def _fill(self, row: YearLine) -> None:
        for name, value in (("revenue", row.revenue), ("tax_paid", row.tax_paid), ("employees", row.employees),
                            ("insured_staff", row.insured_staff)):  # fmt: skip
            self.query_one(f"#field-{name}", Input).value = "" if value is None else f"{value:,}"

    # reading back as the person types

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        if name in UNIT_OF:
            self._echo_amount(name)
        elif name == "year":
            self._echo_year(event.value.strip())

    def on_select_changed(self, event: Select.Changed) -> None:
        for amount, unit in UNIT_OF.items():
            if event.select.id == f"field-{unit}":
                self._echo_amount(amount)

    def _echo_amount(self, name: str) -> None:
        text = self.query_one(f"#field-{name}", Input).value
        unit = self.query_one(f"#field-{UNIT_OF[name]}", Select).value
        try:
            yuan = parse_amount(text, str(unit) if unit in UNIT_VALUES else AmountUnit.YUAN)
        except FigureError:
            yuan = None  # the service names what is wrong when saving; half-typed text is not scolded
        self._echo(name, "" if yuan is None else f"＝ {amount_text(yuan)}")

    def _echo_year(self, typed: str) -> None:
        year = typed.removesuffix("年度").removesuffix("年")
        found = self.years.get(int(year)) if year.isdigit() else None
        self._echo("year", f"{found.year}年已有经营数据，保存将改为本次填写的内容" if found else "")

    def _echo(self, name: str, text: str) -> None:
        echo = self.query_one(f"#echo-{name}", Static)
        echo.update(text)
        echo.display = bool(text)

    # saving

    def write(self, actor: Actor, values: DialogValues) -> Any:
        entry = FiguresEntry(
            year=self.row.year if self.row else values["year"],
            revenue=values["revenue"], tax_paid=values["tax_paid"],
            employees=values["employees"], insured_staff=values["insured_staff"],
            revenue_unit=values["revenue_unit"] or AmountUnit.YUAN, tax_unit=values["tax_unit"] or AmountUnit.YUAN,
        )  # fmt: skip
        return self.workbench.gateway.figures.record(
            actor, self.business_uuid, entry, rules=self.rules, today=self.today,
            row_uuid=self.row.uuid if self.row else None, base_version=self.row.version if self.row else None,
        )  # fmt: skip


def outcome_text(outcome: FiguresOutcome) -> str:
    """「已新增2025年度经营数据」 and, on the next lines, what the classification did."""
    return f"{outcome.message}\n{outcome.classification.notice}"
