"""What a return package left for a person (issue 19): fields changed on both sides to different values, and
new businesses that look like one already registered. Each is decided here, and every decision is in the
change log; until then the office value stays and the business carries a 待处理冲突 mark."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlmodel import Session

from storage.audit import Actor, VersionConflict, guarded_update, log_changes, stamp_values, utc_now
from storage.search import search_fields
from storage.tables import Business
from storage.tables_sync_apply import SyncConflict
from workbench.domain.business_fields import SEARCH_SOURCES
from workbench.domain.sync_model import REFERENCE_FIELDS
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.sync_lookups import chunks, without_spaces
from workbench.services.sync_tables import MODELS, TABLE_LABELS, convert_values, from_json, label_of, shown

_CONFLICT: Any = SyncConflict  # typed Any: SQLModel columns are plain attributes to mypy
_BUSINESS: Any = Business
FieldDecision = Literal["office", "laptop", "both"]
MergeDecision = Literal["merge", "separate"]
DECISION_WORDS = {"office": "保留本所值", "laptop": "采用外业值", "both": "两者都保留（记为备注）"}


@dataclass(frozen=True)
class ReviewItem:
    id: int
    kind: str  # field / merge
    business_uuid: str
    business_name: str
    what: str  # 联系电话 / 走访记录 · 备注 / 疑似同一户
    base: str
    office: str
    office_by: str
    office_at: datetime | None  # when the office value was saved (the screen shows it in local time)
    laptop: str
    laptop_by: str
    laptop_at: str


def open_items(session: Session, actor: Actor, business_uuid: str | None = None) -> list[ReviewItem]:
    statement = select(SyncConflict).where(
        SyncConflict.office_id == actor.office_id, SyncConflict.status == "open"  # type: ignore[arg-type]
    )
    if business_uuid is not None:
        statement = statement.where(SyncConflict.business_uuid == business_uuid)  # type: ignore[arg-type]
    conflicts = list(session.execute(statement.order_by(SyncConflict.id)).scalars())  # type: ignore[arg-type]
    names = _names(session, sorted({conflict.business_uuid for conflict in conflicts}))
    return [_item(conflict, names) for conflict in conflicts]


def open_count(session: Session, actor: Actor) -> int:
    statement = select(func.count()).select_from(SyncConflict).where(
        _CONFLICT.office_id == actor.office_id, _CONFLICT.status == "open"
    )
    return int(session.execute(statement).scalar_one())


def resolve_field(session: Session, actor: Actor, item_id: int, decision: FieldDecision) -> str:
    """Keep the office value, take the laptop's, or keep the office value with both written down."""
    conflict = _open(session, actor, item_id, "field")
    model: Any = MODELS[conflict.entity]
    row = session.execute(select(model).where(model.uuid == conflict.entity_uuid)).scalars().first()
    if row is None:
        raise NotFound("这条记录已不存在，无法处理该冲突")
    laptop = from_json(conflict.laptop_value)
    office = from_json(conflict.office_value)
    label = label_of(conflict.entity, conflict.field)
    if decision == "laptop":
        _take_laptop_value(session, actor, conflict, row, laptop)
    note = {
        "office": f"{label}：保留本所值「{shown(office)}」，未采用外业值「{shown(laptop)}」（{conflict.laptop_by}）",
        "laptop": f"{label}：采用外业值「{shown(laptop)}」（{conflict.laptop_by}），替换本所值「{shown(office)}」",
        "both": f"{label}：本所值「{shown(office)}」与外业值「{shown(laptop)}」（{conflict.laptop_by}，"
        f"{conflict.laptop_at[:16].replace('T', ' ')}）都保留，本所值仍有效",
    }[decision]
    _close(session, actor, conflict, decision, note)
    return note


def _take_laptop_value(session: Session, actor: Actor, conflict: SyncConflict, row: Any, laptop: Any) -> None:
    field = conflict.field
    at = utc_now()
    if field == "deleted_at":
        values: dict[str, Any] = {"deleted_at": None if laptop is None else at}
        old, new = row.deleted_at, values["deleted_at"]
    else:
        clean, errors = convert_values(conflict.entity, {field: laptop})
        if errors:
            raise ValidationFailed(errors)
        new = clean[field]
        values = {field: new}
        if field in REFERENCE_FIELDS and new is not None:
            target: Any = MODELS.get(REFERENCE_FIELDS[field]) or _reference_model(REFERENCE_FIELDS[field])
            values[field] = session.execute(select(target.id).where(target.uuid == new)).scalar_one()
        old = getattr(row, field)
        if conflict.entity == "business" and field in SEARCH_SOURCES:
            merged = {name: values.get(name, getattr(row, name)) or "" for name in SEARCH_SOURCES}
            values |= search_fields(merged["name"], merged["operator"], merged["address"])
    try:
        guarded_update(session, type(row), row.id, row.version, {**values, "updated_at": at}, actor)
    except VersionConflict:
        raise SaveConflict("这条记录刚被他人修改，请重新打开冲突列表后再处理", {}, row.version) from None
    action = "delete" if field == "deleted_at" and new is not None else "update"
    log_changes(session, actor, conflict.entity, conflict.entity_uuid, action, {field: (old, new)}, at)


def _reference_model(table: str) -> Any:
    from storage.tables import Grid, Officer
    from storage.tables_inspection import InspectionTask

    return {"officer": Officer, "grid": Grid, "inspection_task": InspectionTask}[table]


def _close(session: Session, actor: Actor, conflict: SyncConflict, decision: str, note: str) -> None:
    at = utc_now()
    conflict.status = "resolved"
    conflict.decision = decision
    conflict.decided_by = actor.who
    conflict.decided_at = at
    conflict.version += 1
    conflict.sqlmodel_update(stamp_values(actor, at))
    session.add(conflict)
    log_changes(session, actor, conflict.entity, conflict.entity_uuid, "resolve", {conflict.field: (None, note)}, at)
    session.flush()


def decide_merge(session: Session, actor: Actor, item_id: int, decision: MergeDecision) -> str:
    """merge: the laptop's new business is the office's (blank fields filled, differing ones become conflicts
    to decide, its visits and support stay with the office's business); separate: it is registered as its own
    business and its visits and support move to it."""
    offer = _open(session, actor, item_id, "merge")
    match = session.execute(select(Business).where(Business.uuid == offer.business_uuid)).scalars().one()  # type: ignore[arg-type]
    payload = json.loads(offer.laptop_value or "{}")
    clean, errors = convert_values("business", payload.get("values", {}))
    if errors:
        raise ValidationFailed(errors)
    if decision == "merge":
        note = _merge_into(session, actor, offer, match, clean)
    else:
        note = _register_separately(session, actor, offer, match, clean, payload.get("children", []))
    _close(session, actor, offer, decision, note)
    return note


def _merge_into(session: Session, actor: Actor, offer: SyncConflict, match: Business, clean: dict[str, Any]) -> str:
    fills: dict[str, Any] = {}
    for field, value in clean.items():
        if field in REFERENCE_FIELDS or value in (None, "", False):
            continue
        current = getattr(match, field)
        if current in (None, "", False):
            fills[field] = value
        elif current != value and not _same_text(current, value):
            session.add(
                SyncConflict(
                    office_id=actor.office_id, package_id=offer.package_id, kind="field", entity="business",
                    entity_uuid=match.uuid, business_uuid=match.uuid, field=field, base_value=json.dumps(None),
                    office_value=json.dumps(_plain(current), ensure_ascii=False), office_by=match.updated_by,
                    office_at=match.updated_at, laptop_value=json.dumps(_plain(value), ensure_ascii=False),
                    laptop_by=offer.laptop_by, laptop_at=offer.laptop_at, **stamp_values(actor, utc_now()),
                )
            )
    if fills:
        at = utc_now()
        values = dict(fills)
        if any(field in fills for field in SEARCH_SOURCES):
            merged = {name: fills.get(name, getattr(match, name)) or "" for name in SEARCH_SOURCES}
            values |= search_fields(merged["name"], merged["operator"], merged["address"])
        assert match.id is not None
        diff = {field: (getattr(match, field), value) for field, value in fills.items()}
        guarded_update(session, Business, match.id, match.version, {**values, "updated_at": at}, actor)
        log_changes(session, actor, "business", match.uuid, "update", diff, at)
    return f"外业新增的「{clean.get('name')}」与本所「{match.name}」合并为一户"


def _register_separately(
    session: Session, actor: Actor, offer: SyncConflict, match: Business, clean: dict[str, Any], children: list[Any]
) -> str:
    if clean.get("uscc") and clean.get("uscc") == match.uscc:
        raise ValidationFailed({"uscc": f"两户的统一社会信用代码相同（{match.uscc}），不能登记为两户，请选择合并"})
    from workbench.services.register import create_business

    values = {field: value for field, value in clean.items() if field not in REFERENCE_FIELDS}
    values |= _assignment_here(session, actor, clean)
    business = create_business(session=session, actor=actor, data=values)
    business.uuid = offer.entity_uuid  # the laptop's uuid, so its later packages find it
    session.add(business)
    session.flush()
    at = utc_now()
    for table, uuid in children:
        model: Any = MODELS[table]
        row = session.execute(select(model).where(model.uuid == uuid)).scalars().first()
        if row is None or row.business_id != match.id:
            continue
        guarded_update(session, model, row.id, row.version, {"business_id": business.id, "updated_at": at}, actor)
        log_changes(session, actor, table, uuid, "update", {"business_id": (match.uuid, business.uuid)}, at)
    return f"外业新增的「{business.name}」与本所「{match.name}」是两户，已单独登记"


def _assignment_here(session: Session, actor: Actor, clean: dict[str, Any]) -> dict[str, int]:
    """The laptop's officer and grid (travelling as uuids) as this office's ids, so a business registered
    separately keeps its 包联干部 and 网格; one the office no longer has is left blank, as the form would."""
    found: dict[str, int] = {}
    for field in ("officer_id", "grid_id"):
        if clean.get(field) is None:
            continue
        model: Any = _reference_model(REFERENCE_FIELDS[field])
        found_id = session.execute(
            select(model.id).where(model.uuid == clean[field], model.office_id == actor.office_id)
        ).scalar()
        if found_id is not None:
            found[field] = found_id
    return found


def _same_text(one: Any, other: Any) -> bool:
    """人民路 5 号 is 人民路5号: the same business typed twice differs in spaces, not in substance."""
    return isinstance(one, str) and isinstance(other, str) and without_spaces(one) == without_spaces(other)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _open(session: Session, actor: Actor, item_id: int, kind: str) -> SyncConflict:
    conflict = session.get(SyncConflict, item_id)
    if conflict is None or conflict.office_id != actor.office_id or conflict.kind != kind:
        raise NotFound("找不到这条待处理事项")
    if conflict.status != "open":
        raise NotFound(f"这条事项已由{conflict.decided_by}处理过")
    return conflict


def _names(session: Session, uuids: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for part in chunks(uuids):
        statement = select(_BUSINESS.uuid, _BUSINESS.name).where(_BUSINESS.uuid.in_(part))
        names.update({uuid: name for uuid, name in session.execute(statement)})
    return names


def _item(conflict: SyncConflict, names: dict[str, str]) -> ReviewItem:
    name = names.get(conflict.business_uuid, "")
    office_at = conflict.office_at
    laptop_at = conflict.laptop_at[:16].replace("T", " ")
    if conflict.kind == "merge":
        values = json.loads(conflict.laptop_value or "{}").get("values", {})
        laptop = "、".join(shown(values.get(field)) for field in ("name", "uscc", "operator", "address") if values.get(field))
        return ReviewItem(conflict.id or 0, "merge", conflict.business_uuid, name, "疑似同一户", "",
                          f"本所已有「{name}」", "", None, f"外业新增：{laptop}", conflict.laptop_by, laptop_at)
    what = label_of(conflict.entity, conflict.field)
    if conflict.entity != "business":
        what = f"{TABLE_LABELS[conflict.entity]} · {what}"
    if conflict.field == "deleted_at":
        office = "已删除" if from_json(conflict.office_value) else "保留"
        laptop = "保留（恢复）" if from_json(conflict.laptop_value) is None else "删除"
    else:
        office, laptop = shown(from_json(conflict.office_value)), shown(from_json(conflict.laptop_value))
    return ReviewItem(conflict.id or 0, "field", conflict.business_uuid, name, what,
                      shown(from_json(conflict.base_value)), office, conflict.office_by, office_at,
                      laptop, conflict.laptop_by, laptop_at)
