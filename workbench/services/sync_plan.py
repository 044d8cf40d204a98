"""The dry run of a return package (回传包) at the office: what each row will do, before anything is written.

Per row, against the office's current row of the same uuid:
- unknown uuid → insert (a new business that looks like one already registered → a merge offer instead);
- the same content → nothing;
- base version equal to the current version → apply;
- the office changed other fields since → merged field by field;
- the same field changed on both sides to different values → a conflict (the office value stays until a
  person decides, workbench.services.sync_review).
A new row the office may hold under its own uuid (a year's figures, a licence renewing the same one with the same
kind and number, a 双随机 result of the same task and business: sync_tables.NATURAL_KEYS) is compared with that
row. A laptop keeps an unsent change until a 外业包 brings it back absorbed, so later packages carry it again:
the writer lets an open question of the same field, row and officer give way to the newer one; the values a
person already settled by keeping the office's (a conflict) or merging (a 疑似同一户) are not asked again.
A package for another office, of a newer schema, or whose manifest does not match its rows is refused whole
(PackageRefused); a row whose value the office cannot hold is named (package row, field, value) and the
package is not applied (sync_apply refuses a plan with errors).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.audit import Actor
from storage.schema import SCHEMA_HEAD
from storage.tables import Office
from storage.tables_sync_apply import SyncPackageApplied
from workbench.domain.service_lists import ServiceLists
from workbench.domain.sync_model import (
    HAND_EDIT_DEVICE,
    REFERENCE_FIELDS,
    PackageManifest,
    ReturnPackage,
    RowChange,
    RowProblem,
)
from workbench.services.errors import WorkbenchError
from workbench.services.sync_lists import list_problems
from workbench.services.sync_lookups import OfficeRows, without_spaces
from workbench.services.sync_tables import (
    APPLY_ORDER,
    MODELS,
    NATURAL_KEYS,
    TABLE_LABELS,
    as_json,
    columns_of,
    convert_values,
    label_of,
    required_of,
    shown,
)

OUTCOME_LABELS = {
    "insert": "新增",
    "same": "无变化",
    "apply": "直接更新",
    "merge": "逐项合并",
    "conflict": "有冲突",
    "delete": "删除",
    "offer": "疑似同一户",
}


class PackageRefused(WorkbenchError):
    title = "回传包未导入"


@dataclass(frozen=True)
class FieldConflict:
    field: str
    base: Any  # the laptop's starting value, as the package gave it
    office: Any  # the office's current value (references as uuids)
    laptop: Any  # the laptop's value, as the package gave it (converted again when a person picks it)
    office_by: str = ""  # who last saved the office's row, and when (read before the package writes it)
    office_at: datetime | None = None


@dataclass(frozen=True)
class RowPlan:
    change: RowChange
    where: str  # the package row a person finds it by
    outcome: str  # a key of OUTCOME_LABELS
    writes: dict[str, Any] = field(default_factory=dict)  # clean values to write (references as uuids)
    conflicts: tuple[FieldConflict, ...] = ()
    delete: bool = False
    row: Any = None  # the office's current row (None: insert or offer)
    match_uuid: str | None = None  # offer: the office's business it looks like
    match_name: str = ""  # ... and its name, as the dry run says it
    old: dict[str, Any] = field(default_factory=dict)  # the current values (the change log's old side)


@dataclass(frozen=True)
class AppliedBefore:
    applied_at: str
    applied_by: str


@dataclass(frozen=True)
class SyncPlan:
    manifest: PackageManifest
    rows: tuple[RowPlan, ...]
    errors: tuple[str, ...]
    applied_before: AppliedBefore | None = None
    offer_children: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    office: OfficeRows | None = None  # the office's rows as read for the plan (the writer resolves uuids with it)

    def counts(self) -> Counter[str]:
        return Counter(row.outcome for row in self.rows)

    @property
    def package_word(self) -> str:
        """回传包, or 手工修改的外业包 for a field package edited by hand (workbench.domain.sync_model)."""
        return "手工修改的外业包" if self.manifest.device == HAND_EDIT_DEVICE else "回传包"

    def summary(self) -> str:
        whose = f"{self.manifest.officer}（{self.manifest.device}，{local_minute(self.manifest.created_at)}）的"
        if self.manifest.device == HAND_EDIT_DEVICE:  # created_at is the field package's: not when it was edited
            whose = self.manifest.officer
        if self.applied_before is not None:
            return (
                f"{self.package_word} {self.manifest.package_id} 已于 {self.applied_before.applied_at} 由"
                f"{self.applied_before.applied_by}导入过，本次没有任何更改"
            )
        counts = self.counts()
        parts = [f"{label} {counts[outcome]} 条" for outcome, label in OUTCOME_LABELS.items() if counts[outcome]]
        head = f"{whose}{self.package_word}共 {len(self.rows)} 条：" + ("，".join(parts) or "没有内容")
        if counts["conflict"] or counts["offer"]:
            head += "（冲突和疑似同一户待人工处理，本所的值先保持不变）"
        if self.errors:
            mend = "改正外业包后重新导入" if self.manifest.device == HAND_EDIT_DEVICE else "改正后重新导出"
            head += f"；其中 {len(self.errors)} 处数据有误，整包不会导入，请{mend}"
        return head


def check_manifest(session: Session, actor: Actor, package: ReturnPackage) -> None:
    """Refuse, in one Chinese sentence, a package this office must not apply at all."""
    manifest = package.manifest
    office = session.get(Office, actor.office_id)
    office_code = office.code if office is not None else ""
    if manifest.kind != "return":
        raise PackageRefused("这是外业包（办公室发往笔记本的），不是回传包；请在笔记本上导出回传包后再导入")
    if manifest.office_code != office_code:
        raise PackageRefused(
            f"这个回传包属于其他所（所代码 {manifest.office_code}），本所代码是 {office_code}，不能导入"
        )
    if manifest.office_uuid and office is not None and manifest.office_uuid != office.uuid:
        raise PackageRefused(
            f"这个回传包来自另一个所的外业包（所代码同为 {office_code}），不能在本所导入；请确认它来自本所干部的笔记本"
        )
    if _schema_number(manifest.schema_version) > _schema_number(SCHEMA_HEAD):
        raise PackageRefused(
            f"回传包由更新版本的工作台导出（数据结构 {manifest.schema_version}，本机 {SCHEMA_HEAD}），"
            "请先升级本机的工作台再导入"
        )
    # The manifest counts the changes sheet's rows: one per changed field (a change with none, a tombstone: one),
    # or one per change where a writer keeps a change on one row.
    sheet_rows = sum(max(1, len(change.values)) for change in package.changes)
    if manifest.row_count not in (len(package.changes), sheet_rows):
        raise PackageRefused(
            f"回传包清单记有 {manifest.row_count} 条，实际读到 {len(package.changes)} 条，文件可能不完整或被改动过，"
            "请重新导出回传包"
        )
    seen: set[tuple[str, str]] = set()
    for change in package.changes:
        if change.table not in MODELS:
            raise PackageRefused(f"{_where(change, 0)}的表「{change.table}」本机不认识，请升级本机的工作台后再导入")
        if (change.table, change.uuid) in seen:
            raise PackageRefused(f"回传包中同一条记录出现两次（{_where(change, 0)}），文件可能被改动过，请重新导出回传包")
        seen.add((change.table, change.uuid))


def plan_package(session: Session, actor: Actor, package: ReturnPackage, lists: ServiceLists | None = None) -> SyncPlan:
    """The plan of every row; `lists`: the office's lists (OfficeSettings), to check support types, appeal
    categories and the like against (workbench.services.sync_lists); None leaves them unchecked."""
    check_manifest(session, actor, package)
    manifest = package.manifest
    earlier = session.execute(
        select(SyncPackageApplied).where(
            SyncPackageApplied.office_id == actor.office_id,  # type: ignore[arg-type]
            SyncPackageApplied.package_id == manifest.package_id,  # type: ignore[arg-type]
        )
    ).scalars().first()
    if earlier is not None:
        applied_at = local_minute(earlier.applied_at.isoformat())
        return SyncPlan(manifest, (), (), AppliedBefore(applied_at, earlier.applied_by))
    return _Planner(session, actor, package, lists).plan()


def local_minute(moment: str) -> str:
    """A package's time (UTC, naive ISO text as it travels) in this machine's local time, as staff read it."""
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return moment[:16].replace("T", " ")  # a package from a newer version may write it otherwise: shown as is
    aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


class _Planner:
    def __init__(self, session: Session, actor: Actor, package: ReturnPackage, lists: ServiceLists | None) -> None:
        self.package = package
        self.lists = lists
        self.office = OfficeRows(session, actor, package.changes)
        self.errors: list[str] = [problem_sentence(problem) for problem in package.problems]
        self.new_uuids: set[tuple[str, str]] = set()  # rows this package inserts (children may name them)
        self.alias: dict[str, str] = dict(self.office.offered)  # a laptop's new business -> the office's match
        self.offer_children: dict[str, list[tuple[str, str]]] = {}
        self.new_keys: dict[tuple[str, Any], str] = {}  # credit code / name+operator+address -> new uuid

    def plan(self) -> SyncPlan:
        indexed = sorted(enumerate(self.package.changes), key=lambda item: (APPLY_ORDER[item[1].table], item[0]))
        cleaned = [(index, change, *self._converted(change)) for index, change in indexed]
        duplicates = self.office.duplicates_of(
            [(change.uuid, clean) for _i, change, clean, problems in cleaned
             if change.table == "business" and not problems and (change.table, change.uuid) not in self.office.rows
             and not change.deleted]
        )
        rows: list[RowPlan] = []
        for index, change, clean, problems in cleaned:
            where = _where(change, index)
            for name, reason in problems.items():
                self.errors.append(_row_error(where, change, name, reason))
            if problems:
                continue
            plan = self._plan_row(where, change, clean, duplicates)
            if plan is not None:
                rows.append(plan)
        children = {uuid: tuple(items) for uuid, items in self.offer_children.items()}
        return SyncPlan(self.package.manifest, tuple(rows), tuple(self.errors), None, children, self.office)

    def _converted(self, change: RowChange) -> tuple[dict[str, Any], dict[str, str]]:
        clean, problems = convert_values(change.table, change.values)
        if self.lists is not None:
            problems.update(list_problems(change, clean, self.lists))
        return clean, problems

    def _plan_row(self, where: str, change: RowChange, clean: dict[str, Any], duplicates: dict[str, str]) -> RowPlan | None:
        table = change.table
        if "business_id" in columns_of(table) and change.business_uuid and "business_id" not in clean:
            clean["business_id"] = change.business_uuid
        parent = clean.get("business_id")
        if isinstance(parent, str) and parent in self.alias:
            self.offer_children.setdefault(parent, []).append((table, change.uuid))
            clean["business_id"] = self.alias[parent]
        if not self._references_exist(where, change, clean):
            return None
        row = self.office.rows.get((table, change.uuid))
        if row is not None and row.office_id != self.office.actor.office_id:
            self.errors.append(f"{where}：这条记录属于其他所，不能由本所的回传包修改")
            return None
        if row is None and table in NATURAL_KEYS and not change.deleted:
            row = self.office.by_natural_key(table, self._resolved_keys(table, clean))
        if row is None:
            return self._plan_new(where, change, clean, duplicates)
        return self._plan_existing(where, change, clean, row)

    def _resolved_keys(self, table: str, clean: dict[str, Any]) -> dict[str, Any]:
        return {
            name: self.office.id_by_uuid.get((REFERENCE_FIELDS[name], clean[name]), -1) if name in REFERENCE_FIELDS
            else clean.get(name)
            for name in NATURAL_KEYS[table]
        }

    def _references_exist(self, where: str, change: RowChange, clean: dict[str, Any]) -> bool:
        fine = True
        for name, value in clean.items():
            if name not in REFERENCE_FIELDS or value is None:
                continue
            target = REFERENCE_FIELDS[name]
            known = (target, value) in self.office.id_by_uuid or (target, value) in self.new_uuids
            if not known or (target, value) in self.office.foreign:
                what = label_of(change.table, name)
                self.errors.append(f"{where}「{what}」指向的记录（{value}）不在本所，请核对后重新导出回传包")
                fine = False
        return fine

    def _plan_new(self, where: str, change: RowChange, clean: dict[str, Any], duplicates: dict[str, str]) -> RowPlan:
        if change.deleted:
            return RowPlan(change, where, "same")  # made and deleted on the laptop: nothing to bring back
        if change.table == "business":
            # an earlier offer stands even when the office's business was renamed or recoded since
            match = duplicates.get(change.uuid) or self._same_as_new(clean) or self.office.offered.get(change.uuid)
            if match is not None:
                self.alias[change.uuid] = match
                if dict(change.values) in self.office.merged.get(change.uuid, []):
                    return RowPlan(change, where, "same")  # merged by a person already; nothing new since
                return RowPlan(change, where, "offer", clean, match_uuid=match,
                               match_name=self.office.business_name(match) or str(clean.get("name") or ""))
        missing = [name for name in required_of(change.table) if clean.get(name) in (None, "")]
        for name in missing:
            self.errors.append(f"{where}：新增的{TABLE_LABELS[change.table]}缺少「{label_of(change.table, name)}」")
        self.new_uuids.add((change.table, change.uuid))
        if change.table == "business":
            if clean.get("uscc"):
                self.new_keys[("code", clean["uscc"])] = change.uuid
            name_key = (clean.get("name"), without_spaces(clean.get("operator")), without_spaces(clean.get("address")))
            self.new_keys[("name", name_key)] = change.uuid
        return RowPlan(change, where, "insert", clean)

    def _same_as_new(self, clean: dict[str, Any]) -> str | None:
        """A business this same package inserts already (a package may carry one business typed twice)."""
        keys = [("code", clean.get("uscc"))] if clean.get("uscc") else []
        keys.append(("name", (clean.get("name"), without_spaces(clean.get("operator")), without_spaces(clean.get("address")))))
        match = next((self.new_keys[key] for key in keys if key in self.new_keys), None)
        return match

    def _plan_existing(self, where: str, change: RowChange, clean: dict[str, Any], row: Any) -> RowPlan:
        current = self.office.travel_values(change.table, row)
        differing = {name: value for name, value in clean.items() if current.get(name) != value}
        wants_delete = change.deleted and row.deleted_at is None
        revived = row.deleted_at is not None and bool(differing) and not change.deleted
        if not differing and not wants_delete:
            return RowPlan(change, where, "same", row=row)
        if row.version == change.base_version and not revived:
            return RowPlan(change, where, "delete" if wants_delete else "apply", differing, (), wants_delete, row,
                           old=current)
        base, _problems = convert_values(change.table, change.base)
        writes: dict[str, Any] = {}
        conflicts: list[FieldConflict] = []
        for name, value in differing.items():
            if name in change.base and base.get(name) == current.get(name):
                writes[name] = value  # only the laptop changed it
            else:
                conflicts.append(FieldConflict(name, change.base.get(name), current.get(name), change.values.get(name),
                                               row.updated_by, row.updated_at))
        if conflicts:
            conflicts = self._not_decided(change.table, row.uuid, conflicts)
            if not conflicts and not writes and not wants_delete and not revived:
                return RowPlan(change, where, "same", row=row)
        if wants_delete:
            conflicts.append(FieldConflict("deleted_at", None, None, shown_now(change), row.updated_by, row.updated_at))
        if revived:
            conflicts.append(
                FieldConflict("deleted_at", None, shown(row.deleted_at), None, row.updated_by, row.updated_at)
            )
        outcome = "conflict" if conflicts else "merge"
        return RowPlan(change, where, outcome, writes, tuple(conflicts), False, row, old=current)


    def _not_decided(self, table: str, uuid: str, conflicts: list[FieldConflict]) -> list[FieldConflict]:
        """Leave out what a person decided already (the office's value kept against this same laptop value)."""
        decided = self.office.decided(table, uuid)
        return [conflict for conflict in conflicts
                if (conflict.field, as_json(conflict.office), as_json(conflict.laptop)) not in decided]


def row_detail(row: RowPlan) -> str:
    """What a row of the dry run will do beside its outcome (the CLI and the apply dialog): the fields it writes
    and those in conflict; for a business offered as the same, that a person decides (nothing is written first)."""
    table = row.change.table
    if row.outcome == "offer":
        return f"本所已有「{row.match_name}」，在回传冲突处理中决定合并或单独登记"
    fields = "、".join(label_of(table, name) for name in row.writes) if row.outcome != "insert" else ""
    conflicts = "、".join(label_of(table, conflict.field) for conflict in row.conflicts)
    return "；".join(part for part in (fields and f"更新 {fields}", conflicts and f"冲突 {conflicts}") if part)


def problem_sentence(problem: RowProblem) -> str:
    """A cell of a field package edited by hand that could not be read, as the dry run lists it."""
    where = f"外业包 {problem.sheet} 第{problem.row}行「{problem.column}」"
    return f"{where}的值「{problem.value}」有误：{problem.reason}" if problem.value else f"{where}：{problem.reason}"


def shown_now(change: RowChange) -> str:
    return change.changed_at or "删除"


def _where(change: RowChange, index: int) -> str:
    return change.source or f"回传包第 {index + 1} 条（{TABLE_LABELS.get(change.table, change.table)}）"


def _row_error(where: str, change: RowChange, name: str, reason: str) -> str:
    value = change.values.get(name)
    label = label_of(change.table, name)
    reason = reason.removeprefix(f"{label}有误：")
    return f"{where}「{label}」的值「{shown(value)}」有误：{reason}"


def _schema_number(revision: str) -> int:
    try:
        return int(revision)
    except ValueError:
        return 10**9  # a revision this machine cannot read is treated as newer
