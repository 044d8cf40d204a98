"""The 检查对象名录库 of a task: its scope's businesses as the draw reads them, and the inspectors it may draw.

The population is selected with the register list's own conditions (storage.queries.filter_conditions) so
the task's scope means what the list's filters mean; only uuids (and tags, when classes matter) are read, in
ascending uuid order, because a million rows of anything more would not fit the draw's five seconds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, func, literal, select
from sqlmodel import Session

from storage.audit import Actor
from storage.queries import filter_conditions
from storage.tables import Business
from workbench.domain.inspection_draw import DrawInspector
from workbench.domain.inspection_rules import InspectionRules
from workbench.services.inspection_scope import extra_conditions, needs_tags
from workbench.services.inspection_tasks import TaskView
from workbench.services.inspectors import ASSIGNED_REASON, InspectorLine, any_relations, list_inspectors

_business: Any = Business.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Population:
    uuids: list[str]
    classes: list[str] | None
    """Parallel to uuids when the task has per-class ratios; None otherwise (every class "")."""


@dataclass(frozen=True)
class DrawnBusiness:
    id: int
    uuid: str
    name: str
    code: str
    kind: str
    officer_id: int | None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）" if self.code else self.name


@dataclass(frozen=True)
class InspectorPool:
    drawable: list[InspectorLine]
    excluded: list[tuple[InspectorLine, str]]
    """Those of the office's list who may not be drawn for this task, and why."""

    def draw_inspectors(self) -> list[DrawInspector]:
        return [DrawInspector(line.uuid, line.own_office) for line in self.drawable]


def select_population(session: Session, actor: Actor, task: TaskView, rules: InspectionRules) -> Population:
    """The scope's live businesses, ascending uuid; with classes when the task has per-class ratios.

    Ordered by uuid in SQL: for the usual scope (an office's 存续 businesses) the index of migration 0018
    (office, status, uuid, tags) answers alone and already in order; the sort in Python is then one pass
    over sorted data, kept because a PostgreSQL database's collation may order text otherwise."""
    rows = _driver_rows(session.connection(), population_statement(actor, task))
    wanted = set(task.scope.get("risk_class") or ())
    if wanted:  # 信用风险分类 in the scope: told from the tags read with the uuids, as the per-class ratios are
        rows = [row for row in rows if rules.risk_class_of(row[1] or "") in wanted]
    if not task.class_ratios:
        uuids = [row[0] for row in rows]
        uuids.sort()
        return Population(uuids, None)
    rows.sort()  # uuids are unique: tuples order by them alone
    class_of: dict[str, str] = {}  # tags text -> class: a million businesses share a few tag sets
    classes = []
    for _uuid, tags in rows:
        risk_class = class_of.get(tags)
        if risk_class is None:
            risk_class = class_of[tags] = rules.risk_class_of(tags or "")
        classes.append(risk_class)
    return Population([row[0] for row in rows], classes)


def population_statement(actor: Actor, task: TaskView) -> Select[Any]:
    """The scope's uuids (and tags, for per-class ratios or a 信用风险分类 scope) in uuid order: the register
    list's own conditions, then those of inspection_scope for the keys a task gives (none for an older task)."""
    b = _business.c
    conditions = filter_conditions(task.business_filter(actor.office_id))
    tag = str(task.scope.get("tag") or "").strip()
    if tag:
        padded = literal(" ") + func.coalesce(b.tags, "") + literal(" ")
        conditions.append(padded.like(f"% {tag} %"))
    conditions += extra_conditions(task.scope, task.starts_on)  # 行业, 持有许可证, 年报全零: only when given
    columns = [b.uuid, b.tags] if task.class_ratios or needs_tags(task.scope) else [b.uuid]
    return select(*columns).where(*conditions).order_by(b.uuid)


def inspector_pool(session: Session, actor: Actor, task: TaskView) -> InspectorPool:
    """在岗, a certificate valid through the task's last day, and of the office or a department of the task."""
    drawable: list[InspectorLine] = []
    excluded: list[tuple[InspectorLine, str]] = []
    for line in list_inspectors(session, actor=actor):
        problem = line.drawable_problem(task.ends_on)
        if problem is None and not line.own_office and not any(dep and dep in line.unit for dep in task.departments):
            problem = f"所在单位「{line.unit}」不在本任务的参加部门（{'、'.join(task.departments)}）之中"
        if problem is None:
            drawable.append(line)
        else:
            excluded.append((line, problem))
    return InspectorPool(drawable, excluded)


def pool_shortage(pool: InspectorPool, per_business: int, ends_on: date) -> str:
    """Why no business at all can be paired (nobody drawable, too few, or no one of the office), in one Chinese
    sentence with the counts; "" when the pool can serve a business (回避 may still stand in one's way)."""
    drawable = len(pool.drawable)
    own = sum(1 for line in pool.drawable if line.own_office)
    if drawable >= per_business and own:
        return ""
    if not drawable and not pool.excluded:
        return "检查人员名录里还没有人，一户也配不上检查人员"
    causes: dict[str, int] = {}
    for line, _why in pool.excluded:
        cause = _exclusion_cause(line, ends_on)
        causes[cause] = causes.get(cause, 0) + 1
    why = "、".join(f"{cause} {number} 名" for cause, number in causes.items())
    if not drawable:
        return f"名录里的 {len(pool.excluded)} 名检查人员都不能抽（{why}），一户也配不上检查人员"
    others = f"；另有 {len(pool.excluded)} 名不能抽（{why}）" if causes else ""
    if drawable < per_business:
        return f"能抽的检查人员只有 {drawable} 名，不够每户 {per_business} 名{others}"
    return f"能抽的 {drawable} 名检查人员都是外单位人员，每户须至少一名本所人员{others}"


def _exclusion_cause(line: InspectorLine, ends_on: date) -> str:
    """The kind of reason a person of the list is out of this draw (the order of InspectorLine.drawable_problem)."""
    if not line.active:
        return "不在岗"
    if not line.cert_no.strip() or line.cert_expires_on is None:
        return "执法证缺失或未填有效期"
    if line.cert_expires_on < ends_on:
        return "执法证已过期或早于任务结束日到期"
    return "外单位人员不属于参加部门"


def drawn_businesses(session: Session, actor: Actor, uuids: Sequence[str]) -> dict[str, DrawnBusiness]:
    """Name, code, kind and 包联干部 of the drawn businesses, by uuid: one statement with the uuids as one
    parameter (a JSON array on SQLite, an array on PostgreSQL), looked up in the unique uuid index.
    (Expanding an IN list of 50,000 through SQLAlchemy cost more than the lookups; with the office in the
    condition SQLite walked the office index instead, so the office is checked here.)"""
    found: dict[str, DrawnBusiness] = {}
    if not uuids:
        return found
    connection = session.connection()
    argument: Any
    if connection.dialect.name == "postgresql":
        condition, argument = "b.uuid = ANY(?)", list(uuids)
    else:
        # Their ids from the uuid index first, then the rows in id order: the table's pages are read in order
        # (a quarter less than fetching each row as its uuid comes).
        condition = "b.id IN (SELECT id FROM business WHERE uuid IN (SELECT value FROM json_each(?))) ORDER BY b.id"
        argument = json.dumps(list(uuids))
    rows = driver_query(connection, "SELECT b.id, b.uuid, b.name, b.uscc, b.reg_no, b.kind, b.officer_id, b.office_id"
                        f" FROM business AS b WHERE {condition}", (argument,))  # fmt: skip
    for row_id, uuid, name, uscc, reg_no, kind, officer_id, office_id in rows:
        if office_id == actor.office_id:
            found[uuid] = DrawnBusiness(row_id, uuid, name, uscc or reg_no or "", kind, officer_id)
    return found


def driver_query(connection: Connection, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Plain SQL ("?" placeholders, none elsewhere in the text) through the driver: its tuples, not Row objects."""
    if connection.dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, parameters)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _driver_rows(connection: Connection, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """The statement's rows as the driver's plain tuples: SQLAlchemy's Row objects cost more than the SELECT
    itself at a million rows. Only for statements whose parameters need no type conversion (text, numbers)."""
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    parameters = compiled.construct_params()
    arguments: Any = (
        tuple(parameters[name] for name in compiled.positiontup or ()) if compiled.positional else parameters
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), arguments)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def recusals_for(
    session: Session, actor: Actor, businesses: dict[str, DrawnBusiness], pool: InspectorPool
) -> dict[str, dict[str, str]]:
    """business uuid -> inspector uuid -> reason: 包联该户 (the inspector is the business's 包联干部) and every
    recorded relation (亲属 / 曾经处罚 / 自报利害关系)."""
    by_officer = {line.officer_id: line.uuid for line in pool.drawable if line.officer_id is not None}
    by_id = {line.id: line.uuid for line in pool.drawable}
    # Every relation of the office in one query: they are typed by hand (a few thousand at most), while the
    # drawn businesses can be 50,000 (a hundred chunked IN queries).
    relations = any_relations(session, actor)
    found: dict[str, dict[str, str]] = {}
    for business in businesses.values():
        reasons: dict[str, str] = {}
        if business.officer_id is not None and business.officer_id in by_officer:
            reasons[by_officer[business.officer_id]] = ASSIGNED_REASON
        for inspector_id, kind in relations.get(business.id, {}).items():
            if inspector_id in by_id:
                reasons.setdefault(by_id[inspector_id], kind)
        if reasons:
            found[business.uuid] = reasons
    return found
