"""执法检查人员名录库 and 回避 relations: who may be drawn, and whom they must not meet.

An inspector is drawable for a task only when 在岗 and holding a 执法证 (number given) valid through the task's
last day: an expired or missing certificate keeps them out of every draw, and `drawable_problem` says why.
An officer of the office may be linked to their 包联干部 row: a business they look after is never theirs to
inspect. Relations (亲属 / 曾经处罚 / 自报利害关系) are kept per inspector and business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor, log_changes, utc_now
from storage.tables import Business, Officer
from storage.tables_inspection import InspectionRecusal, Inspector
from workbench.domain.values import parse_date
from workbench.services.errors import NotFound, ValidationFailed

RECUSAL_KINDS = ("亲属", "曾经处罚", "自报利害关系")
ASSIGNED_REASON = "包联该户"


@dataclass(frozen=True)
class InspectorLine:
    id: int
    uuid: str
    version: int
    name: str
    unit: str
    own_office: bool
    officer_id: int | None
    cert_no: str
    cert_expires_on: date | None
    line: str
    active: bool

    def drawable_problem(self, through: date) -> str | None:
        """Why this person cannot be drawn for work lasting until `through` (None: drawable)."""
        if not self.active:
            return "不在岗"
        if not self.cert_no.strip():
            return "没有执法证号"
        if self.cert_expires_on is None:
            return "执法证未填有效期"
        if self.cert_expires_on < through:
            return f"执法证 {self.cert_expires_on} 到期，早于任务结束日 {through}"
        return None


INSPECTOR_FIELDS = ("name", "unit", "own_office", "officer_id", "cert_no", "cert_expires_on", "line", "active")
_CERT_MARKS = set("-－_/（）()·.")


def add_inspector(session: Session, *, actor: Actor, data: dict[str, Any]) -> Inspector:
    """data: name, unit, own_office (default True), officer (包联干部 name, optional) or officer_id, cert_no,
    cert_expires_on, line, active. The caller commits."""
    values = clean_inspector(session, actor, data)
    inspector = Inspector(office_id=actor.office_id, **values, updated_at=utc_now(), updated_by=actor.who,
                          device=actor.device)  # fmt: skip
    session.add(inspector)
    session.flush()
    log_changes(session, actor, "inspector", inspector.uuid, "create",
                {field: (None, getattr(inspector, field)) for field in INSPECTOR_FIELDS})  # fmt: skip
    return inspector


def clean_inspector(session: Session, actor: Actor, data: dict[str, Any], *, exclude_id: int | None = None) -> dict[str, Any]:
    """The columns of an inspector from what a person typed, or ValidationFailed with one sentence per field."""
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写检查人员姓名"
    elif len(name) > 50:
        errors["name"] = f"姓名超过 50 个字（现有 {len(name)} 个），请核对"
    unit = str(data.get("unit") or "").strip()
    own_office = bool(data.get("own_office", True))
    if not unit and not own_office:
        errors["unit"] = "外单位的检查人员须填写所在单位，如 鹿城区卫生健康局"
    elif len(unit) > 100:
        errors["unit"] = f"所在单位超过 100 个字（现有 {len(unit)} 个），请核对"
    cert_no = str(data.get("cert_no") or "").strip()
    expires: date | None = None
    raw_expiry = data.get("cert_expires_on")
    if raw_expiry not in (None, ""):
        try:
            expires = raw_expiry if isinstance(raw_expiry, date) else parse_date(str(raw_expiry))
        except ValueError:
            errors["cert_expires_on"] = f"执法证有效期「{raw_expiry}」不是日期，请写成如 2027-06-30"
        else:
            if expires is not None and not 1990 <= expires.year <= 2099:
                errors["cert_expires_on"] = f"执法证有效期 {expires} 不像真实的日期，请核对年份"
    cert_problem = _cert_problem(cert_no, expires)
    if cert_problem:
        errors["cert_no"] = cert_problem
    elif cert_no and _cert_taken(session, actor, cert_no, exclude_id):
        errors["cert_no"] = f"执法证号 {cert_no} 已登记在名录中另一名检查人员名下，请核对"
    officer_id = _officer_id(session, actor, data, errors)
    if officer_id is None and own_office and name and "officer_id" not in errors and "officer" not in errors:
        officer_id = _same_name_officer(session, actor, name)
    if officer_id is not None and not own_office:
        errors["officer_id"] = "外单位人员不是本所的包联干部，不能关联；请清空这一项或改为本所人员"
    line = str(data.get("line") or "").strip()
    if len(line) > 100:
        errors["line"] = f"执法门类超过 100 个字（现有 {len(line)} 个），请精简"
    if errors:
        raise ValidationFailed(errors)
    return {
        "name": name, "unit": unit or _office_name(session, actor), "own_office": own_office, "officer_id": officer_id,
        "cert_no": cert_no, "cert_expires_on": expires, "line": line, "active": bool(data.get("active", True)),
    }  # fmt: skip


def _cert_problem(cert_no: str, expires: date | None) -> str | None:
    """执法证号: loose (provinces number them differently) but one word of letters, digits and a few marks."""
    if not cert_no:
        return "填了有效期就须填执法证号（没有执法证的人不能参加抽取）" if expires is not None else None
    if len(cert_no) > 40:
        return f"执法证号超过 40 个字符（现有 {len(cert_no)} 个），请核对"
    odd = [c for c in cert_no if not (c.isalnum() or c in _CERT_MARKS)]
    if odd:
        return f"执法证号里有「{odd[0]}」，只能是字母、数字和 - / ( ) 等符号，请核对"
    if not any(c.isdigit() for c in cert_no):
        return f"执法证号「{cert_no}」里没有数字，请照证件抄写"
    return None


def _cert_taken(session: Session, actor: Actor, cert_no: str, exclude_id: int | None) -> bool:
    statement = select(Inspector.id).where(
        col(Inspector.office_id) == actor.office_id, col(Inspector.cert_no) == cert_no,
        col(Inspector.deleted_at).is_(None),
    )  # fmt: skip
    if exclude_id is not None:
        statement = statement.where(col(Inspector.id) != exclude_id)
    return session.exec(statement).first() is not None


def list_inspectors(session: Session, *, actor: Actor) -> list[InspectorLine]:
    """The office's inspectors, the office's own first, then by name."""
    rows = session.exec(
        select(Inspector)
        .where(col(Inspector.office_id) == actor.office_id, col(Inspector.deleted_at).is_(None))
        .order_by(col(Inspector.own_office).desc(), col(Inspector.name), col(Inspector.id))
    )
    return [_line(row) for row in rows]


def find_inspector(session: Session, *, actor: Actor, name_or_cert: str) -> InspectorLine:
    """One inspector by name or 执法证号; NotFound (or a question, for a name two people share) in Chinese."""
    text = name_or_cert.strip()
    found = [line for line in list_inspectors(session, actor=actor) if text in (line.name, line.cert_no)]
    if not found:
        raise NotFound(f"检查人员名录中没有「{text}」（可用 workbench inspect inspectors 查看）")
    if len(found) > 1:
        raise ValidationFailed({"inspector": f"名录中有 {len(found)} 名「{text}」，请改用执法证号指明是哪一位"})
    return found[0]


def add_recusal(
    session: Session, *, actor: Actor, inspector_uuid: str, business_uuid: str, kind: str, note: str = ""
) -> InspectionRecusal:
    """Record that an inspector must step aside from a business; the caller commits."""
    if kind not in RECUSAL_KINDS:
        raise ValidationFailed({"kind": f"回避原因「{kind}」不在 {'、'.join(RECUSAL_KINDS)} 之中，请选其一"})
    if len(note.strip()) > 300:
        raise ValidationFailed({"note": f"说明超过 300 个字（现有 {len(note.strip())} 个），请精简"})
    inspector = session.exec(
        select(Inspector).where(col(Inspector.uuid) == inspector_uuid, col(Inspector.office_id) == actor.office_id)
    ).first()
    business = session.exec(
        select(Business).where(col(Business.uuid) == business_uuid, col(Business.office_id) == actor.office_id,
                               col(Business.deleted_at).is_(None))
    ).first()  # fmt: skip
    if inspector is None or inspector.id is None:
        raise NotFound("找不到这名检查人员")
    if business is None or business.id is None:
        raise NotFound("本所没有这户市场主体")
    already = session.exec(
        select(InspectionRecusal.kind).where(
            col(InspectionRecusal.office_id) == actor.office_id, col(InspectionRecusal.inspector_id) == inspector.id,
            col(InspectionRecusal.business_id) == business.id, col(InspectionRecusal.deleted_at).is_(None),
        )
    ).first()  # fmt: skip
    if already is not None:
        raise ValidationFailed({"business": f"{inspector.name} 与「{business.name}」已登记过回避（{already}）"})
    relation = InspectionRecusal(
        office_id=actor.office_id, inspector_id=inspector.id, business_id=business.id, kind=kind,
        note=note.strip()[:300], updated_at=utc_now(), updated_by=actor.who, device=actor.device,
    )  # fmt: skip
    session.add(relation)
    session.flush()
    log_changes(session, actor, "inspection_recusal", relation.uuid, "create", {
        "inspector": (None, inspector.name), "business": (None, business.uuid), "kind": (None, kind),
        "note": (None, relation.note),
    })  # fmt: skip
    return relation


def relations_of(session: Session, actor: Actor, business_ids: list[int]) -> dict[int, dict[int, str]]:
    """business id -> inspector id -> the kind of each recorded relation (read in chunks: IN lists stay small)."""
    found: dict[int, dict[int, str]] = {}
    for start in range(0, len(business_ids), 500):
        chunk = business_ids[start : start + 500]
        rows = session.exec(
            select(InspectionRecusal.business_id, InspectionRecusal.inspector_id, InspectionRecusal.kind).where(
                col(InspectionRecusal.office_id) == actor.office_id,
                col(InspectionRecusal.deleted_at).is_(None),
                col(InspectionRecusal.business_id).in_(chunk),
            )
        )
        for business_id, inspector_id, kind in rows:
            found.setdefault(business_id, {})[inspector_id] = kind
    return found


def any_relations(session: Session, actor: Actor) -> dict[int, dict[int, str]]:
    """Every recorded relation of the office (few: they are typed by hand), business id -> inspector id -> kind."""
    found: dict[int, dict[int, str]] = {}
    rows = session.exec(
        select(InspectionRecusal.business_id, InspectionRecusal.inspector_id, InspectionRecusal.kind).where(
            col(InspectionRecusal.office_id) == actor.office_id, col(InspectionRecusal.deleted_at).is_(None)
        )
    )
    for business_id, inspector_id, kind in rows:
        found.setdefault(business_id, {})[inspector_id] = kind
    return found


def _line(row: Inspector) -> InspectorLine:
    assert row.id is not None
    return InspectorLine(
        row.id, row.uuid, row.version, row.name, row.unit, row.own_office, row.officer_id, row.cert_no,
        row.cert_expires_on, row.line, row.active,
    )  # fmt: skip


def _officer_id(session: Session, actor: Actor, data: dict[str, Any], errors: dict[str, str]) -> int | None:
    """The linked 包联干部: by id (a form's picker) or by name (the command line)."""
    if data.get("officer_id") not in (None, ""):
        found = session.exec(
            select(Officer.id).where(col(Officer.office_id) == actor.office_id, col(Officer.id) == int(data["officer_id"]),
                                     col(Officer.deleted_at).is_(None))
        ).all()  # fmt: skip
        if not found:
            errors["officer_id"] = "本所没有这名包联干部（可能已被删除），请重新选择"
        return found[0] if found else None
    name = data.get("officer")
    if name in (None, ""):
        return None
    found = session.exec(
        select(Officer.id).where(col(Officer.office_id) == actor.office_id, col(Officer.name) == str(name).strip(),
                                 col(Officer.deleted_at).is_(None))
    ).all()  # fmt: skip
    if len(found) != 1:
        errors["officer"] = f"本所没有包联干部「{name}」，请核对姓名（可用 workbench staff list 查看）"
        return None
    return found[0]


def _same_name_officer(session: Session, actor: Actor, name: str) -> int | None:
    """A 本所 inspector left unlinked who bears the name of exactly one 包联干部 is taken to be that officer: left
    unlinked, they could be drawn for the businesses they look after (回避 goes by the link). A namesake who is
    someone else is only kept away from that officer's businesses, which costs the draw nothing it needs."""
    found = session.exec(
        select(Officer.id).where(col(Officer.office_id) == actor.office_id, col(Officer.name) == name,
                                 col(Officer.deleted_at).is_(None))
    ).all()  # fmt: skip
    return found[0] if len(found) == 1 else None


def _office_name(session: Session, actor: Actor) -> str:
    from storage.tables import Office

    office = session.get(Office, actor.office_id)
    return office.name if office is not None else "本所"
