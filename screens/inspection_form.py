"""新建抽查任务: name, source, departments, the items (ticked from the 抽查事项清单), the scope (the register's
filters, a tag, 行业 — codes, or names looked up as the business form's 行业代码 does —, a licence kind held,
credit-risk classes, 年报全零), a ratio or a count (a ratio per credit-risk class allowed), inspectors per business and
the dates. Every mistake comes back at once, under its field (workbench.services.inspection_tasks).
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, SelectionList, Static

from screens.service_dialog import DialogField, DialogValues, HoldsWhileSaving, _editor
from screens.widgets.industry_picker import IndustryInput, IndustryMatches
from screens.widgets.ticks import TickList
from storage.audit import Actor
from workbench.domain.inspection_rules import InspectionRules
from workbench.domain.labels import KIND_LABELS
from workbench.domain.list_filters import SIZE_LABELS, TIER_LABELS
from workbench.domain.values import parse_date
from workbench.services.errors import ValidationFailed
from workbench.services.inspection_tasks import SOURCES, TaskSpec

LABEL_CELLS = 12
ITEMS_AFTER = "departments"
"""The items list sits under this field: what is inspected follows who inspects."""


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


class TaskForm(HoldsWhileSaving):
    """Dismisses with the new task's name."""

    TITLE_TEXT = "新建抽查任务"
    DEFAULT_CSS = """
    TaskForm #task-items { height: 6; border: none; padding: 0; }
    TaskForm .form-note { color: $text-muted; }
    """

    def __init__(self, rules: InspectionRules, today: date) -> None:
        def choices(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
            return tuple((label, code) for code, label in labels.items())

        fields = [
            DialogField("name", "任务名称", placeholder=f"如 {today.year} 年度个体户年报抽查"),
            DialogField("source", "任务来源", choices=tuple((name, name) for name in SOURCES), default=SOURCES[0]),
            DialogField("departments", "参加部门", default="市场监管", placeholder="联合抽查写多个，用、或空格分开"),
            DialogField("kind", "范围·类型", choices=choices(KIND_LABELS), blank=True),
            DialogField("grid", "范围·网格", choices=(), blank=True),
            DialogField("tier", "范围·三型", choices=choices(TIER_LABELS), blank=True),
            DialogField("size", "范围·规模", choices=choices(SIZE_LABELS), blank=True),
            DialogField("tag", "范围·标签", placeholder="只抽带这个标签的主体（可空）"),
            DialogField("industry", "范围·行业", placeholder="代码或名称，如 H、62、5224 小吃；可写多个"),
            DialogField("license_kind", "范围·许可证", choices=(), blank=True),
            DialogField("risk_class", "范围·风险", placeholder="只抽这些信用风险分类，如 C D（可空）"),
            DialogField("zero_figures", "范围·年报", choices=(("只抽最近一年经营数据全为 0 的", True),), blank=True),
            DialogField("ratio", "抽查比例 %", placeholder="如 5 表示 5%；按户数抽则留空"),
            DialogField("count", "抽查户数", placeholder="给户数就把比例留空"),
            *(DialogField(f"class-{risk.code}", f"{risk.label} %", placeholder=f"{risk.code} 类单独的比例（可空）")
              for risk in rules.risk_classes),  # fmt: skip
            DialogField("per_business", "每户人数", default=str(rules.inspectors_per_business)),
            DialogField("starts_on", "开始日期", default=today.isoformat()),
            DialogField("ends_on", "结束日期", default=month_end(today).isoformat(),
                        placeholder="检查结束日，公示期限从这天起算"),  # fmt: skip
        ]
        super().__init__("", tuple(fields))
        self.rules = rules
        self.today = today
        self.license_kinds: tuple[str, ...] = ()  # the office's list (service.toml), read as the form opens

    def compose(self) -> ComposeResult:
        self.license_kinds = tuple(self.workbench.settings.service.lists.license_kinds)
        office_id = self.workbench.office.id if self.workbench.office else -1
        grids = tuple((grid.name, grid.id) for grid in self.workbench.reference.grids.get(office_id, []))
        kinds = tuple((kind, kind) for kind in self.license_kinds)
        chosen = {"grid": DialogField("grid", "范围·网格", choices=grids, blank=True),
                  "license_kind": DialogField("license_kind", "范围·许可证", choices=kinds, blank=True)}  # fmt: skip
        self.fields = tuple(chosen.get(spec.name, spec) for spec in self.fields)
        with Vertical(classes="dialog service-dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            with VerticalScroll(classes="dialog-fields", can_focus=False):
                for spec in self.fields:
                    matches = IndustryMatches(id="task-industry-matches") if spec.name == "industry" else None
                    with Horizontal(classes="field-line"):
                        yield Label(spec.label, classes="field-label dialog-label")
                        if matches is not None:
                            yield IndustryInput(matches, several=True, placeholder=spec.placeholder, id="field-industry",
                                                compact=True, select_on_focus=False)  # fmt: skip
                        else:
                            yield _editor(spec)
                    if matches is not None:
                        yield matches
                    yield Static("", id=f"error-{spec.name}", classes="field-error")
                    if spec.name == ITEMS_AFTER:
                        yield Label("抽查事项（空格勾选，可多选）：", classes="form-note")
                        yield TickList(
                            *((f"{item.kind}｜{item.name}", number) for number, item in enumerate(self.rules.items)),
                            id="task-items",
                        )
                        yield Static("", id="error-items", classes="field-error")
            yield Static("", id="dialog-summary")
            yield Static("Ctrl+S 保存    Esc 取消    Tab 下一项    空格 勾选事项", classes="dialog-hint")

    def on_mount(self) -> None:
        """The fields take the dialog's height less the title and hint (inline: the app's .service-dialog rules
        outrank a screen's DEFAULT_CSS), so the hint stays on screen at 80x24 and the fields scroll."""
        self.query_one(".service-dialog").styles.height = "90%"
        fields = self.query_one(".dialog-fields")
        fields.styles.height = "1fr"
        fields.styles.max_height = "100%"
        for label in self.query(".dialog-label"):
            label.styles.width = LABEL_CELLS  # 较高风险 % is 10 cells: the dialogs' 10 would touch its box
        for line in self.query(".field-error"):
            line.styles.padding = (0, 0, 0, LABEL_CELLS)
        self.query_one(IndustryMatches).styles.margin = (0, 0, 0, LABEL_CELLS)

    @on(Input.Changed, "#field-risk_class")
    def _scope_classes_changed(self, event: Input.Changed) -> None:
        """A class left out of 范围·风险 could draw nobody: its own ratio field is greyed and skipped by Tab,
        its value kept (it comes back if the class is put back) and not saved while greyed."""
        in_scope = self._scope_classes(event.value)
        for risk in self.rules.risk_classes:
            field = self.query_one(f"#field-class-{risk.code}", Input)
            field.disabled = bool(in_scope) and risk.code not in in_scope
            field.placeholder = "不在范围·风险内，不单列比例" if field.disabled else f"{risk.code} 类单独的比例（可空）"

    def _scope_classes(self, typed: object) -> set[str]:
        return {self.rules.risk_code(word) or word.upper() for word in _words(typed) if word}

    def read(self) -> DialogValues:
        values = super().read()
        values["items"] = list(self.query_one("#task-items", SelectionList).selected)
        return values

    def show_errors(self, errors: dict[str, str]) -> None:
        items = self.query_one("#error-items", Static)
        items.update(errors.get("items", ""))
        items.set_class("items" in errors, "-shown")
        super().show_errors({name: text for name, text in errors.items() if name != "items"})

    def write(self, actor: Actor, values: DialogValues) -> Any:
        errors: dict[str, str] = {}
        starts_on = _day(values, "starts_on", "开始日期", errors)
        ends_on = _day(values, "ends_on", "结束日期", errors)
        count = per_business = None
        if values["count"]:
            count = _whole(values, "count", "抽查户数", errors)
        per_business = _whole(values, "per_business", "每户人数", errors) if values["per_business"] else None
        if per_business is None and "per_business" not in errors:
            errors["per_business"] = "请填写每户派几名检查人员（通常 2 名）"
        if errors:
            raise ValidationFailed(errors)
        assert starts_on is not None and ends_on is not None and per_business is not None
        in_scope = self._scope_classes(values["risk_class"])
        class_ratios = {risk.code: str(values[f"class-{risk.code}"]).removesuffix("%")
                        for risk in self.rules.risk_classes
                        if values[f"class-{risk.code}"] and (not in_scope or risk.code in in_scope)}  # fmt: skip
        scope = {"kind": values["kind"], "grid_id": values["grid"], "tier": values["tier"],
                 "size_class": values["size"], "tag": values["tag"], "industry": values["industry"],
                 "license_kind": values["license_kind"], "zero_figures": values["zero_figures"],
                 "risk_class": [self.rules.risk_code(word) or word for word in _words(values["risk_class"]) if word]}  # fmt: skip
        ratio = str(values["ratio"]).removesuffix("%")
        spec = TaskSpec(
            str(values["name"]), str(values["source"] or ""), [self.rules.items[index] for index in values["items"]],
            starts_on, ends_on, _words(values["departments"]),
            scope, ratio, count, class_ratios, per_business,
        )  # fmt: skip
        self.workbench.gateway.inspection.create_task(
            actor, spec, risk_codes=[risk.code for risk in self.rules.risk_classes], license_kinds=self.license_kinds
        )
        return spec.name.strip()


def _words(text: Any) -> tuple[str, ...]:
    """参加部门 as typed: separated by 、 , ， or spaces."""
    return tuple(re.split(r"[、,，\s]+", str(text).strip()))


def _day(values: DialogValues, name: str, what: str, errors: dict[str, str]) -> date | None:
    text = str(values[name]).strip()
    if not text:
        errors[name] = f"请填写{what}"
        return None
    try:
        found = parse_date(text)
    except ValueError:
        found = None
    if found is None:
        errors[name] = f"{what}「{text}」不是日期，请写成如 2026-12-01"
    return found


def _whole(values: DialogValues, name: str, what: str, errors: dict[str, str]) -> int | None:
    text = str(values[name]).strip()
    if not text.isdigit():
        errors[name] = f"{what}「{text}」应是整数"
        return None
    return int(text)
