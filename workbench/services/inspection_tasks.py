"""抽查任务: create one (name, source, departments, items, scope, ratio or count, per-class ratios, inspectors per
business, dates), list them, find one by number or name.

The scope is the register list's own filter (storage.queries.BusinessFilter: status, kind, grid, officer,
三型, 规模, 未分派) plus a tag, 行业, 持有许可证, 信用风险分类 and 年报全零 (workbench.services.inspection_scope),
stored as JSON so the population can be selected again to verify a draw.
A task's items are copied from the 抽查事项清单 in force (inspection.toml), so editing the list later does not
rewrite an old task.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, log_changes, utc_now
from storage.queries import BusinessFilter
from storage.tables_inspection import InspectionTask, InspectionTaskItem
from workbench.domain.inspection_draw import RatioError, parse_percent
from workbench.domain.inspection_rules import InspectionItem
from workbench.domain.labels import BusinessStatus
from workbench.domain.licenses import LICENSE_KINDS
from workbench.services.errors import NotFound, ValidationFailed, WorkbenchError
from workbench.services.inspection_scope import EXTRA_SCOPE_KEYS, check_extra_scope, scope_words

SOURCES = ("年度计划", "专项", "投诉举报转")
SCOPE_KEYS = ("status", "kind", "grid_id", "officer_id", "tier", "size_class", "unassigned", "tag", *EXTRA_SCOPE_KEYS)


@dataclass(frozen=True)
class TaskSpec:
    """What a person gives for a new task (the CLI's options, the screen's form)."""

    name: str
    source: str
    items: Sequence[InspectionItem]
    starts_on: date
    ends_on: date
    departments: Sequence[str] = ()
    scope: Mapping[str, Any] | None = None
    ratio: str = ""
    count: int | None = None
    class_ratios: Mapping[str, str] | None = None
    per_business: int = 2


@dataclass(frozen=True)
class TaskView:
    id: int
    uuid: str
    version: int
    name: str
    source: str
    departments: tuple[str, ...]
    items: tuple[InspectionItem, ...]
    scope: dict[str, Any]
    ratio: str
    count: int | None
    class_ratios: dict[str, str]
    per_business: int
    starts_on: date
    ends_on: date

    @property
    def joint(self) -> bool:
        """跨部门联合: more than one department takes part."""
        return len(self.departments) > 1

    def percent(self) -> Fraction | None:
        return parse_percent(self.ratio) if self.ratio else None

    def class_percents(self) -> dict[str, Fraction]:
        return {code: parse_percent(text) for code, text in self.class_ratios.items()}

    def business_filter(self, office_id: int) -> BusinessFilter:
        keys = ("status", "kind", "grid_id", "officer_id", "tier", "size_class", "unassigned")
        return BusinessFilter(office_id=office_id, **{key: self.scope[key] for key in keys if key in self.scope})

    def scope_text(self, **namers: Any) -> str:
        """范围 in words (inspection_scope.scope_words: grid_name, risk_label may be given)."""
        return scope_words(self.scope, **namers)

    def ratio_text(self) -> str:
        if self.count is not None:
            return f"{self.count} 户"
        text = f"{self.ratio}%" if self.ratio else ""
        extra = "，".join(f"{code} 类 {value}%" for code, value in self.class_ratios.items())
        return "；".join(part for part in (text, extra) if part)


class TaskRefused(WorkbenchError):
    title = "不能新建抽查任务"


LAPTOP_TASK_REFUSAL = "这是由外业包建立的笔记本库，只能录入检查结果：新建抽查任务请在所里的库上进行"


def create_task(
    session: Session, *, actor: Actor, spec: TaskSpec, risk_codes: Sequence[str] = ("A", "B", "C", "D"),
    license_kinds: Sequence[str] = LICENSE_KINDS,
) -> TaskView:
    """Check every field (all mistakes at once, in Chinese) and store the task and its items; the caller commits.
    `risk_codes` are the credit-risk classes of the lists in force (inspection.toml), `license_kinds` the office's
    licence kinds (service.toml): a scope naming another is refused.
    Refused on a laptop's database: a task made there could neither be drawn nor go back (issue 20)."""
    from workbench.services.sync_laptop import laptop_officer

    if laptop_officer(session) is not None:
        raise TaskRefused(LAPTOP_TASK_REFUSAL)
    errors: dict[str, str] = {}
    name = spec.name.strip()
    if not name:
        errors["name"] = "请填写任务名称"
    elif len(name) > 100:
        errors["name"] = f"任务名称超过 100 个字（现有 {len(name)} 个），请缩短"
    elif _named(session, actor, name):
        errors["name"] = f"已有名为「{name}」的任务，请换一个名称"
    if spec.source not in SOURCES:
        errors["source"] = f"任务来源「{spec.source}」应是 {'、'.join(SOURCES)} 之一"
    if not spec.items:
        errors["items"] = "请至少选一个抽查事项"
    if spec.ends_on < spec.starts_on:
        errors["ends_on"] = f"结束日期 {spec.ends_on} 早于开始日期 {spec.starts_on}，请核对"
    if not 1 <= spec.per_business <= 10:
        errors["per_business"] = f"每户检查人员应为 1 到 10 名，现在是 {spec.per_business}"
    _check_amount(spec, errors)
    departments = tuple(dict.fromkeys(part.strip() for part in spec.departments if part.strip())) or ("市场监管",)
    if len("、".join(departments)) > 300:
        errors["departments"] = "参加部门写得太长（超过 300 个字），请精简"
    scope = {key: value for key, value in (spec.scope or {}).items() if value not in (None, "", False)}
    scope.setdefault("status", BusinessStatus.ACTIVE.value)
    unknown = set(scope) - set(SCOPE_KEYS)
    if unknown:
        errors["scope"] = f"抽查范围中有不认识的条件：{'、'.join(sorted(unknown))}"
    check_extra_scope(session, actor.office_id, scope, risk_codes=risk_codes, license_kinds=license_kinds,
                      class_ratio_codes=(spec.class_ratios or {}).keys(), errors=errors)  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    at = utc_now()
    stamp: dict[str, Any] = {"updated_at": at, "updated_by": actor.who, "device": actor.device}
    task = InspectionTask(
        office_id=actor.office_id, name=name, source=spec.source, departments="、".join(departments),
        scope=json.dumps(scope, ensure_ascii=False, sort_keys=True), ratio=spec.ratio.strip().removesuffix("%"),
        count=spec.count, class_ratios=json.dumps(dict(spec.class_ratios or {}), ensure_ascii=False, sort_keys=True),
        per_business=spec.per_business, starts_on=spec.starts_on, ends_on=spec.ends_on, **stamp,
    )  # fmt: skip
    session.add(task)
    session.flush()
    fields = ("name", "source", "departments", "scope", "ratio", "count", "class_ratios", "per_business",
              "starts_on", "ends_on")  # fmt: skip
    log_changes(session, actor, "inspection_task", task.uuid, "create",
                {field: (None, getattr(task, field)) for field in fields}, at)  # fmt: skip
    assert task.id is not None
    for item in spec.items:
        row = InspectionTaskItem(
            office_id=actor.office_id, task_id=task.id, name=item.name[:200], kind=item.kind,
            department=item.department[:100], basis=item.basis[:500], **stamp,
        )  # fmt: skip
        session.add(row)
        session.flush()
        log_changes(session, actor, "inspection_task_item", row.uuid, "create",
                    {"task": (None, task.uuid), "name": (None, row.name), "kind": (None, row.kind)}, at)  # fmt: skip
    return view_of(session, task)


def list_tasks(session: Session, *, actor: Actor) -> list[TaskView]:
    rows = session.exec(
        select(InspectionTask)
        .where(col(InspectionTask.office_id) == actor.office_id, col(InspectionTask.deleted_at).is_(None))
        .order_by(col(InspectionTask.id))
    )
    return [view_of(session, row) for row in rows]


def find_task(session: Session, *, actor: Actor, which: str) -> TaskView:
    """A task by its number (as `inspect task list` shows) or its name."""
    text = which.strip()
    for task in list_tasks(session, actor=actor):
        if (text.isdigit() and task.id == int(text)) or task.name == text:
            return task
    raise NotFound(f"没有编号或名称为「{text}」的抽查任务（可用 workbench inspect task list 查看）")


def view_of(session: Session, task: InspectionTask) -> TaskView:
    assert task.id is not None
    items = session.exec(
        select(InspectionTaskItem)
        .where(col(InspectionTaskItem.task_id) == task.id, col(InspectionTaskItem.deleted_at).is_(None))
        .order_by(col(InspectionTaskItem.id))
    )
    return TaskView(
        task.id, task.uuid, task.version, task.name, task.source,
        tuple(part for part in task.departments.split("、") if part),
        tuple(InspectionItem(item.name, item.kind, item.department, item.basis) for item in items),
        json.loads(task.scope or "{}"), task.ratio, task.count, json.loads(task.class_ratios or "{}"),
        task.per_business, task.starts_on, task.ends_on,
    )  # fmt: skip


def _named(session: Session, actor: Actor, name: str) -> bool:
    return session.exec(
        select(InspectionTask.id).where(
            col(InspectionTask.office_id) == actor.office_id,
            col(InspectionTask.name) == name,
            col(InspectionTask.deleted_at).is_(None),
        )
    ).first() is not None


def _check_amount(spec: TaskSpec, errors: dict[str, str]) -> None:
    """Exactly one of ratio and count; class ratios go with a ratio; every ratio a percent in (0, 100]."""
    if spec.count is not None and (spec.ratio.strip() or spec.class_ratios):
        errors["ratio"] = "抽查比例与抽查户数只能给一个"
    elif spec.count is None and not spec.ratio.strip():
        errors["ratio"] = "请给出抽查比例（如 5 表示 5%）或抽查户数"
    if spec.count is not None and spec.count < 1:
        errors["count"] = f"抽查户数应至少为 1，现在是 {spec.count}"
    for label, text in [("抽查比例", spec.ratio), *((f"{code} 类比例", value) for code, value in
                                                   (spec.class_ratios or {}).items())]:  # fmt: skip
        if text.strip():
            try:
                parse_percent(text)
            except RatioError as error:
                errors.setdefault("ratio", f"{label}：{error}")
