"""A task's lists as plain rows: every drawn business with its result (`inspect results`), and the publication
list in the template's columns (`inspect publish`) — the Excel side (imports.inspection_export) writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import Office
from storage.tables_inspection import InspectionResult
from workbench.domain.inspection_rules import InspectionRules
from workbench.services.errors import NotFound
from workbench.services.inspection_draws import current_draw, stored_pairs
from workbench.services.inspection_population import drawn_businesses
from workbench.services.inspection_results import ABNORMAL, abnormal_wording
from workbench.services.inspection_tasks import TaskView
from workbench.services.inspectors import list_inspectors

RESULT_HEADERS = (
    "序号", "企业名称", "统一社会信用代码/注册号", "风险分类", "抽中检查人员", "回避记录", "检查结果", "检查日期",
    "实际检查人员", "备注", "后续处置", "整改期限", "整改完成", "公示期限", "公示日期",
)  # fmt: skip
PUBLICATION_HEADERS = (
    "企业名称", "统一社会信用代码/注册号", "抽查事项", "检查结果", "检查日期", "检查机关", "任务名称", "抽查类型",
)  # fmt: skip


@dataclass(frozen=True)
class ResultLine:
    position: int
    business_uuid: str
    business_name: str
    code: str
    kind: str
    risk_label: str
    drawn: str
    skipped: str
    result_uuid: str | None
    result_version: int | None
    result: str
    inspected_on: date | None
    inspectors: str
    notes: str
    follow_up: str
    follow_up_due: date | None
    follow_up_done_on: date | None
    publish_by: date | None
    published_on: date | None

    def cells(self) -> list[object]:
        return [self.position, self.business_name, self.code, self.risk_label, self.drawn, self.skipped, self.result,
                self.inspected_on, self.inspectors, self.notes, self.follow_up, self.follow_up_due,
                self.follow_up_done_on, self.publish_by, self.published_on]  # fmt: skip


def result_lines(session: Session, *, actor: Actor, task: TaskView, rules: InspectionRules) -> list[ResultLine]:
    """Every business of the task's draw in force, in draw order, with its result when recorded."""
    draw = current_draw(session, actor, task)
    if draw is None:
        raise NotFound(f"任务「{task.name}」还没有抽取")
    pairs = stored_pairs(session, draw)
    businesses = drawn_businesses(session, actor, [pair.business_uuid for pair in pairs])
    names = {line.uuid: line.name for line in list_inspectors(session, actor=actor)}
    results = {row.business_id: row for row in session.exec(
        select(InspectionResult).where(col(InspectionResult.task_id) == task.id,
                                       col(InspectionResult.office_id) == actor.office_id,
                                       col(InspectionResult.deleted_at).is_(None)))}  # fmt: skip
    lines = []
    for pair in pairs:
        business = businesses[pair.business_uuid]
        row = results.get(business.id)
        follow_up = row.follow_up if row else ""
        if follow_up == ABNORMAL:
            follow_up = abnormal_wording(business.kind)
        lines.append(ResultLine(
            pair.position, business.uuid, business.name, business.code, business.kind, rules.risk_label(pair.risk_class),
            "、".join(names.get(uuid, uuid) for uuid in pair.inspectors),
            "；".join(f"{names.get(uuid, uuid)}（{reason}）" for uuid, reason in pair.skipped),
            row.uuid if row else None, row.version if row else None, _labels(row.codes, rules) if row else "",
            row.inspected_on if row else None, row.inspectors if row else "", row.notes if row else "", follow_up,
            row.follow_up_due if row else None, row.follow_up_done_on if row else None, row.publish_by if row else None,
            row.published_on if row else None,
        ))  # fmt: skip
    return lines


def publication_rows(session: Session, *, actor: Actor, task: TaskView, rules: InspectionRules) -> list[list[object]]:
    """The results recorded so far, one row each, in the publication template's columns."""
    office = session.get(Office, actor.office_id)
    authority = office.name if office is not None else ""
    if task.joint:
        authority = "、".join([authority, *(dep for dep in task.departments if dep != "市场监管")])
    items = "；".join(item.name for item in task.items)
    kind = "部门联合双随机抽查" if task.joint else "双随机抽查"
    return [
        [line.business_name, line.code, items, line.result, line.inspected_on, authority, task.name, kind]
        for line in result_lines(session, actor=actor, task=task, rules=rules)
        if line.result_uuid is not None
    ]


def _labels(codes: str, rules: InspectionRules) -> str:
    labels = []
    for code in codes.split(","):
        found = rules.result(code)
        labels.append(found.label if found else code)
    return "；".join(labels)
