"""Tables of 双随机、一公开 (issue 20, migration 0017): inspectors, recusal relations, tasks and their items, draws and
the pairs they drew, results.

The 抽查事项清单 itself is a rule file (workbench/rules/inspection.toml, the office's override in the config
folder); a task copies the items it uses, so a later edit of the list does not rewrite an old task.
Lists of words (departments, result codes, inspector names) are stored joined with 、 or "," as noted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field

from storage.tables import Travelling


class Inspector(Travelling, table=True):
    """One person of the 执法检查人员名录库: an officer of the office or someone from a partner department."""

    __table_args__ = (Index("ix_inspector_office_name", "office_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    name: str = Field(max_length=50)
    unit: str = Field(max_length=100, description="所在单位: the office's name, or the partner department")
    own_office: bool = Field(default=True, description="本所人员 (each pair needs at least one)")
    officer_id: int | None = Field(default=None, foreign_key="officer.id", description="the 包联干部 this person is")
    cert_no: str = Field(default="", max_length=40, description="执法证号; empty: not drawable")
    cert_expires_on: date | None = Field(default=None, description="执法证有效期至; past or empty: not drawable")
    line: str = Field(default="", max_length=100, description="执法门类 / line of business")
    active: bool = Field(default=True, description="在岗; off: not drawable")


class InspectionRecusal(Travelling, table=True):
    """An interest that makes an inspector step aside from a business (回避): 亲属, 曾经处罚, 自报利害关系."""

    __tablename__ = "inspection_recusal"
    __table_args__ = (Index("ix_inspection_recusal_business", "business_id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    inspector_id: int = Field(foreign_key="inspector.id", index=True)
    business_id: int = Field(foreign_key="business.id")
    kind: str = Field(max_length=16, description="亲属 / 曾经处罚 / 自报利害关系")
    note: str = Field(default="", max_length=300)


class InspectionTask(Travelling, table=True):
    """A 抽查任务: what is inspected, over which businesses, how many, by whom, when."""

    __tablename__ = "inspection_task"
    __table_args__ = (Index("ix_inspection_task_office_name", "office_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    name: str = Field(max_length=100)
    source: str = Field(max_length=16, description="年度计划 / 专项 / 投诉举报转")
    departments: str = Field(default="", max_length=300, description="联合抽查的部门, joined with 、")
    scope: str = Field(default="{}", description="the register filter as JSON (services.inspection_scope)")
    ratio: str = Field(default="", max_length=16, description="base ratio in percent, exact decimal text")
    count: int | None = Field(default=None, description="a fixed number instead of a ratio")
    class_ratios: str = Field(default="{}", max_length=300, description="JSON: risk class -> percent text")
    per_business: int = Field(default=2)
    starts_on: date
    ends_on: date


class InspectionTaskItem(Travelling, table=True):
    """An item of the 抽查事项清单 as it stood when the task was made."""

    __tablename__ = "inspection_task_item"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    task_id: int = Field(foreign_key="inspection_task.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=8)
    department: str = Field(default="", max_length=100)
    basis: str = Field(default="", max_length=500)


class InspectionDraw(Travelling, table=True):
    """One draw of a task: everything needed to draw it again (docs/rules.md §5, the generator)."""

    __tablename__ = "inspection_draw"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    task_id: int = Field(foreign_key="inspection_task.id", index=True)
    seed: str = Field(max_length=40)
    generator: str = Field(max_length=32)
    population_count: int
    population_hash: str = Field(max_length=64, description="sha256 of the ordered population (uuid + class)")
    rules: str = Field(description="JSON: ratios, counts per class, inspectors, recusal in force")
    status: str = Field(default="confirmed", max_length=16, description="confirmed / superseded")
    drawn_at: datetime
    redraw_reason: str = Field(default="", max_length=300, description="重抽的理由 (a later draw's)")
    replaces_uuid: str | None = Field(default=None, max_length=36, description="the draw this 重抽 superseded")


class InspectionPair(Travelling, table=True):
    """A business drawn and the inspectors paired with it; the pairings passed over and why."""

    __tablename__ = "inspection_pair"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    draw_id: int = Field(foreign_key="inspection_draw.id", index=True)
    position: int = Field(description="1 for the lowest rank: the draw's order")
    business_id: int = Field(foreign_key="business.id", index=True)
    risk_class: str = Field(default="", max_length=8)
    inspector_uuids: str = Field(max_length=400, description="comma-separated, in the order drawn")
    skipped: str = Field(default="", description="uuid:reason per line: pairings passed over (回避 …)")


class InspectionResult(Travelling, table=True):
    """What the inspection of one drawn business found, what follows, and when it went public."""

    __tablename__ = "inspection_result"
    __table_args__ = (Index("ix_inspection_result_task", "task_id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    task_id: int = Field(foreign_key="inspection_task.id")
    business_id: int = Field(foreign_key="business.id", index=True)
    codes: str = Field(max_length=100, description="result codes, comma-separated (inspection.toml)")
    inspected_on: date
    inspectors: str = Field(default="", max_length=200, description="names, joined with 、")
    notes: str = Field(default="")
    follow_up: str = Field(default="", max_length=16, description="责令整改 / 移送 / 标记经营异常 / 立案 / empty")
    follow_up_due: date | None = Field(default=None, description="责令整改's deadline")
    follow_up_done_on: date | None = Field(default=None)
    publish_by: date = Field(description="公示期限: the task's end + the working days in force when recorded")
    published_on: date | None = Field(default=None)
