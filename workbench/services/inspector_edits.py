"""Keeping the 执法检查人员名录库 from a screen: change an inspector, 在岗 / 停用, and their 回避 relations.

Each function is one step of a gateway call (which owns the transaction): optimistic locking on the row's
version, and every change in the change log, as an edit of a business is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, utc_now
from storage.tables import Business, Officer
from storage.tables_inspection import InspectionRecusal, Inspector
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.inspectors import INSPECTOR_FIELDS, InspectorLine, clean_inspector, list_inspectors

SHOWN_MATCHES = 5


@dataclass(frozen=True)
class RecusalLine:
    uuid: str
    version: int
    business_name: str
    business_code: str
    kind: str
    note: str


@dataclass(frozen=True)
class InspectorRow:
    """A line of the 检查人员 screen: the inspector, the name of the 包联干部 they are, their relations."""

    line: InspectorLine
    officer_name: str
    recusals: tuple[RecusalLine, ...]


def inspector_rows(session: Session, *, actor: Actor) -> list[InspectorRow]:
    """The office's list (its own people first) with every relation: they are typed by hand, so few."""
    lines = list_inspectors(session, actor=actor)
    officers = dict(session.exec(select(Officer.id, Officer.name).where(col(Officer.office_id) == actor.office_id)).all())
    relations = _recusal_lines(session, actor, None)
    return [InspectorRow(line, officers.get(line.officer_id, "") if line.officer_id else "",
                         tuple(relations.get(line.id, ()))) for line in lines]  # fmt: skip


def update_inspector(session: Session, *, actor: Actor, inspector_uuid: str, base_version: int,
                     data: dict[str, Any]) -> Inspector:  # fmt: skip
    """The form's fields of one inspector (在岗 is kept unless given); the caller commits."""
    row = _inspector(session, actor, inspector_uuid)
    values = clean_inspector(session, actor, {"active": row.active, **data}, exclude_id=row.id)
    return _save(session, actor, row, base_version, values)


def set_inspector_active(session: Session, *, actor: Actor, inspector_uuid: str, base_version: int,
                         active: bool) -> Inspector:  # fmt: skip
    """在岗 (True) or 停用 (False): a person 停用 is never drawn."""
    row = _inspector(session, actor, inspector_uuid)
    return _save(session, actor, row, base_version, {"active": active})


def recusals_of(session: Session, *, actor: Actor, inspector_uuid: str) -> list[RecusalLine]:
    """One inspector's recorded relations, in the order they were recorded."""
    row = _inspector(session, actor, inspector_uuid)
    assert row.id is not None
    return _recusal_lines(session, actor, row.id).get(row.id, [])


def _recusal_lines(session: Session, actor: Actor, inspector_id: int | None) -> dict[int, list[RecusalLine]]:
    """inspector id -> their live relations with the business's name and code, in the order recorded."""
    statement = (
        select(InspectionRecusal, Business.name, Business.uscc, Business.reg_no)
        .join(Business, col(Business.id) == col(InspectionRecusal.business_id))
        .where(col(InspectionRecusal.office_id) == actor.office_id, col(InspectionRecusal.deleted_at).is_(None))
        .order_by(col(InspectionRecusal.id))
    )
    if inspector_id is not None:
        statement = statement.where(col(InspectionRecusal.inspector_id) == inspector_id)
    found: dict[int, list[RecusalLine]] = {}
    for relation, name, uscc, reg_no in session.exec(statement):
        found.setdefault(relation.inspector_id, []).append(
            RecusalLine(relation.uuid, relation.version, name, uscc or reg_no or "", relation.kind, relation.note))
    return found


def remove_recusal(session: Session, *, actor: Actor, recusal_uuid: str, base_version: int) -> None:
    """Tombstone a relation (the inspector may be drawn for the business again); the caller commits."""
    relation = session.exec(
        select(InspectionRecusal).where(col(InspectionRecusal.uuid) == recusal_uuid,
                                        col(InspectionRecusal.office_id) == actor.office_id,
                                        col(InspectionRecusal.deleted_at).is_(None))
    ).first()  # fmt: skip
    if relation is None or relation.id is None:
        raise NotFound("这条回避关系已不存在（可能已被删除），请刷新")
    at = utc_now()
    try:
        guarded_update(session, InspectionRecusal, relation.id, base_version, {"deleted_at": at, "updated_at": at}, actor)
    except VersionConflict:
        raise SaveConflict("这条回避关系已被他人修改，请刷新后再删除", {}, relation.version) from None
    log_changes(session, actor, "inspection_recusal", relation.uuid, "delete", {}, at)


def business_for_recusal(session: Session, *, actor: Actor, text: str) -> Business:
    """The business a person typed: its 统一社会信用代码, 注册号 or full name, else the one whose name contains
    the words; several matches are named (up to five) so the person can type more."""
    typed = text.strip()
    if not typed:
        raise ValidationFailed({"business": "请填写须回避的市场主体：名称中的字、统一社会信用代码或注册号"})
    live = (col(Business.office_id) == actor.office_id, col(Business.deleted_at).is_(None))
    exact = session.exec(
        select(Business).where(*live, or_(col(Business.uscc) == typed.upper(), col(Business.reg_no) == typed,
                                          col(Business.name) == typed)).limit(2)
    ).all()  # fmt: skip
    if len(exact) == 1:
        return exact[0]
    pattern = "%" + typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = exact or session.exec(
        select(Business).where(*live, col(Business.name).like(pattern, escape="\\"))
        .order_by(col(Business.name)).limit(SHOWN_MATCHES + 1)
    ).all()  # fmt: skip
    if not found:
        raise ValidationFailed({"business": f"本所没有名称含「{typed}」或代码为它的市场主体，请核对"})
    if len(found) > 1:
        names = "、".join(f"{row.name}（{row.uscc or row.reg_no or '无代码'}）" for row in found[:SHOWN_MATCHES])
        more = "等" if len(found) > SHOWN_MATCHES else ""
        raise ValidationFailed({"business": f"有多户相符：{names}{more}；请多写几个字或填统一社会信用代码"})
    return found[0]


def _inspector(session: Session, actor: Actor, uuid: str) -> Inspector:
    row = session.exec(
        select(Inspector).where(col(Inspector.uuid) == uuid, col(Inspector.office_id) == actor.office_id,
                                col(Inspector.deleted_at).is_(None))
    ).first()  # fmt: skip
    if row is None or row.id is None:
        raise NotFound("名录中没有这名检查人员（可能已被删除），请刷新")
    return row


def _save(session: Session, actor: Actor, row: Inspector, base_version: int, values: dict[str, Any]) -> Inspector:
    changes = {key: (getattr(row, key), value) for key, value in values.items()
               if key in INSPECTOR_FIELDS and getattr(row, key) != value}  # fmt: skip
    if not changes:
        return row
    assert row.id is not None
    try:
        guarded_update(session, Inspector, row.id, base_version, {key: new for key, (_old, new) in changes.items()}, actor)
    except VersionConflict:
        raise SaveConflict(f"检查人员「{row.name}」已被他人修改，请刷新后再改", {}, row.version) from None
    log_changes(session, actor, "inspector", row.uuid, "update", changes)
    session.expire(row)
    saved = session.get(Inspector, row.id)
    assert saved is not None
    return saved
