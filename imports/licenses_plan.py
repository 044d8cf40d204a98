"""The dry run of a 许可证 list: each licence matched to a business, then new, updated or a renewal.

A row is matched by its 社会信用代码 (or an old 注册号) as the register importer matches (imports.holder_lookup:
imports.matching.RegisterLookup's questions, asked through the driver). A row no code matches is offered by
name + address (the licence's 经营场所 equal to the business's): such a row is written only when a person
confirms (the CLI's --accept-name-matches, the wizard's confirm step); otherwise it is listed
按名称和地址匹配，待确认.
A licence number already stored in this office is an update of that licence; a new number on a business
that holds a valid licence of the same kind expiring earlier is that licence's renewal (the old one
becomes 已换证, the new one names it in renews_uuid); anything else is a new licence. The kind is the
row's 许可证类型, else told from the number (JY 食品经营许可证, SC 食品生产许可证), else the person's choice.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any, NamedTuple

from sqlalchemy import Engine

from imports.errors import ImportCancelled
from imports.header import column_letter
from imports.holder_lookup import HolderLookup
from imports.list_plan import ListEntry, ListPlan, ListRowKind, ProgressCallback
from imports.normalise import code_field
from imports.parse import ParsedFile
from imports.problems import ParsedRow, Problem
from imports.records import previous_import
from workbench.domain.labels import LicenseStatus
from workbench.domain.personal_ids import check_id_number
from workbench.domain.uscc import passes_check
from workbench.services.classification_decide import as_date

CHUNK = 2000
LICENSE_FIELDS = ("kind", "issued_on", "expires_on", "scope", "place")
PREFIX_KINDS = {"JY": "食品经营许可证", "SC": "食品生产许可证"}
_LICENCES = ("SELECT id, uuid, version, business_id, number, kind, issued_on, expires_on, scope, place, status, "
             "office_id FROM license WHERE deleted_at IS NULL AND {where}")  # fmt: skip


@dataclass(slots=True)
class NewLicense:
    business_id: int
    number: str
    values: dict[str, Any]
    row_number: int
    renews: Any = None  # the stored licence this one renews
    by_name: bool = False  # matched by name + address: written only once a person confirms


@dataclass(slots=True)
class ChangedLicense:
    license_id: int
    uuid: str
    base_version: int
    business_id: int
    diff: dict[str, tuple[Any, Any]]
    by_name: bool = False
    row_number: int = 0
    name: str = ""


@dataclass
class LicenseWrites:
    """What the commit writes; the rows matched by name + address only once `accepted` (a person confirmed)."""

    all_new: list[NewLicense] = field(default_factory=list)
    all_changed: list[ChangedLicense] = field(default_factory=list)
    accepted: bool = False

    @property
    def new(self) -> list[NewLicense]:
        return [item for item in self.all_new if self.accepted or not item.by_name]

    @property
    def changed(self) -> list[ChangedLicense]:
        return [item for item in self.all_changed if self.accepted or not item.by_name]

    @property
    def touched(self) -> set[int]:
        return {item.business_id for item in self.new} | {item.business_id for item in self.changed}

    def sentence(self) -> str:
        """What the commit will write, in one sentence (the confirmed name + address matches included)."""
        new = self.new
        renewals = sum(1 for item in new if item.renews is not None)
        return (f"将新增 {len(new) - renewals:,} 张许可证，换证 {renewals:,} 张（旧证标为已换证），"
                f"更新 {len(self.changed):,} 张。")


def plan_licenses(
    engine: Engine, parsed: ParsedFile, *, office_id: int, default_kind: str | None = None,
    accept_name_matches: bool = False, progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> ListPlan:  # fmt: skip
    """The dry run of a 许可证 list into this office; nothing is written."""
    report = progress or (lambda done, total, stage: None)
    plan = ListPlan.of(parsed, office_id)
    plan.accept_name_matches = accept_name_matches
    planner = _Planner(plan, default_kind)
    planner.writes.accepted = accept_name_matches
    done = 0
    with engine.connect() as connection:
        lookup = HolderLookup(connection, office_id)
        plan.previous_import = previous_import(connection, office_id, plan.sha256)
        try:
            while chunk := list(islice(parsed.rows, CHUNK)):
                if cancel is not None and cancel.is_set():
                    raise ImportCancelled("已取消预览，数据库没有任何改动")
                keys = [_keys(row.values) for row in chunk]  # built once a row, for the lookup and the row
                lookup.prefetch(keys)
                matched = [(row, *planner.match(lookup, row, row_keys)) for row, row_keys in zip(chunk, keys, strict=True)]
                planner.load(lookup, office_id, [(row, stored) for row, stored, _by_name in matched])
                for row, stored, by_name in matched:
                    if stored is not None:
                        planner.decide(row, stored, by_name)
                done += len(chunk)
                report(done, parsed.total_rows, "核对登记簿")
        finally:
            lookup.close()
    plan.skipped_rows, plan.blank_rows = parsed.skipped, parsed.blank_rows
    plan.entries.sort(key=lambda entry: entry.row_number)
    writes = planner.writes
    plan.written = writes.sentence()
    if planner.inferred:
        plan.notes.append(f"{planner.inferred:,} 行没有许可证类型，按编号前缀判断（JY 食品经营许可证，SC 食品生产许可证）。")
    plan.writes = writes
    report(done, done, "预览完成")
    return plan


def _keys(values: dict[str, Any]) -> dict[str, Any]:
    keys: dict[str, Any] = {"name": values["name"]} if "name" in values else {}
    code = values.get("uscc")
    if code and is_operator_id(code):
        keys["operator_id"] = code  # 社会信用代码（身份证号码）: a household's licence carries its operator's ID
    elif code:
        keys[code_field(code)] = code
    return keys


def is_operator_id(code: str) -> bool:
    """An 18-character 身份证号 in the code column (its date and check digit right), not a credit code."""
    return len(code) == 18 and not passes_check(code) and check_id_number(code).valid


class _Planner:
    def __init__(self, plan: ListPlan, default_kind: str | None) -> None:
        self.plan = plan
        self.default_kind = default_kind
        self.writes = LicenseWrites()
        self.by_number: dict[str, Any] = {}
        self.valid: dict[int, list[Any]] = {}  # business id -> its valid licences
        self.seen: dict[str, int] = {}  # number -> the first row that had it
        self.inferred = 0
        self.today = date.today()

    def match(self, lookup: HolderLookup, row: ParsedRow, keys: dict[str, Any]) -> tuple[Any, bool]:
        """The business a row is (None: listed as invalid or unmatched), and whether only by name + address
        (then listed as awaiting confirmation, unless confirmed already). `keys`: the row's _keys."""
        values = row.values
        if not row.valid:
            self._left_out(row, ListRowKind.INVALID)
            return None, False
        found = lookup.find(keys)
        if found.refusal:
            self._left_out(row, ListRowKind.UNMATCHED, self._problem(row, "uscc", found.refusal))
            return None, False
        if found.stored is not None:
            return found.stored, False
        place = _plain(values.get("place"))
        operator_id = keys.get("operator_id")
        if operator_id:  # the name and the operator's 身份证号 agree: the same household, nothing to confirm
            same = [stored for stored in lookup.by_name.get(values.get("name", ""), ()) if stored.id_number == operator_id]
            if len(same) == 1:
                return same[0], False
        twins = [stored for stored in lookup.by_name.get(values.get("name", ""), ())
                 if place and place in (_plain(stored.address),) and (not keys.get("uscc") or not stored.uscc)]
        if len(twins) == 1:
            if self.plan.accept_name_matches:
                return twins[0], False
            shown = twins[0].uscc or twins[0].reg_no or "无代码"
            reason = f"按名称和地址匹配到登记簿中的「{twins[0].name}」（{shown}），待确认"
            self._left_out(row, ListRowKind.NAME_MATCH, self._problem(row, "name", reason), business_uuid=twins[0].uuid)
            return twins[0], True
        code = values.get("uscc")
        reason = (f"「{code}」是经营者的身份证号，不是统一社会信用代码；按名称和身份证号、名称和地址都没有找到登记簿中的市场主体"
                  if operator_id else f"本所登记簿中没有代码为「{code}」的市场主体" if code
                  else "没有社会信用代码，按名称和地址也没有找到登记簿中的市场主体")
        self._left_out(row, ListRowKind.UNMATCHED, self._problem(row, "uscc" if code else "name", reason))
        return None, False

    def load(self, lookup: HolderLookup, office_id: int, matched: list[tuple[ParsedRow, Any]]) -> None:
        """The stored licences the chunk's rows may be (same number) or renew (the businesses' valid ones),
        asked through the driver as the holders are (imports.holder_lookup)."""
        numbers = {row.values["number"] for row, stored in matched if stored is not None}
        businesses = {stored.id for _row, stored in matched if stored is not None}
        # office_id is checked here, not in the WHERE: SQLite would walk the office's index instead of the
        # number's or the business's, every licence of the office for each chunk.
        for found in lookup.rows(_LICENCES.format(where="number IN ({marks})"), numbers):
            stored = _stored(found)
            if stored.office_id == office_id:
                self.by_number[stored.number] = stored
        valid = _LICENCES.format(where="business_id IN ({marks}) AND status = {mark}")
        for found in lookup.rows(valid, businesses, LicenseStatus.VALID.value):
            stored = _stored(found)
            self.valid.setdefault(stored.business_id, []).append(stored)

    def decide(self, row: ParsedRow, business: Any, by_name: bool) -> None:
        """New, update, renewal or unchanged; a row matched by name only is already listed (待确认): its
        writes wait for the person's confirmation and a problem found here keeps it out for good."""
        if by_name:
            return self._awaiting(row, business)
        values = row.values
        number = values["number"]
        first = self.seen.setdefault(number, row.row_number)
        if first != row.row_number:
            reason = f"与第 {first} 行的许可证编号相同：文件中重复出现，本行不会导入"
            self._left_out(row, ListRowKind.DUPLICATE, self._problem(row, "number", reason))
            return
        kind = values.get("kind") or PREFIX_KINDS.get(number[:2]) or self.default_kind
        if kind is None:
            reason = "不知道这是哪种许可证：表中没有「许可证类型」列，编号也不是 JY / SC 开头。请在命令行用 --license-kind 指定，或在导入向导中选择"
            self._left_out(row, ListRowKind.INVALID, self._problem(row, "number", reason))
            return
        if "kind" not in values and number[:2] in PREFIX_KINDS:
            self.inferred += 1
        fields = {"kind": kind, **{name: values[name] for name in LICENSE_FIELDS[1:] if name in values}}
        stored = self.by_number.get(number)
        if stored is not None:
            return self._update(row, business, stored, fields)
        renews = self._renews(business.id, kind, fields.get("expires_on"))
        self.writes.all_new.append(NewLicense(business.id, number, fields, row.row_number, renews))
        self._count(row, ListRowKind.RENEWAL if renews is not None else ListRowKind.NEW, business.uuid)

    def _awaiting(self, row: ParsedRow, business: Any) -> None:
        """The writes of a row matched by name + address, kept apart until a person confirms: a new licence
        (or a renewal) of a number not yet stored, of a kind that can be told; anything else stays out."""
        values = row.values
        number = values["number"]
        kind = values.get("kind") or PREFIX_KINDS.get(number[:2]) or self.default_kind
        if kind is None or number in self.by_number or self.seen.setdefault(number, row.row_number) != row.row_number:
            return
        fields = {"kind": kind, **{name: values[name] for name in LICENSE_FIELDS[1:] if name in values}}
        renews = self._renews(business.id, kind, fields.get("expires_on"))
        self.writes.all_new.append(NewLicense(business.id, number, fields, row.row_number, renews, by_name=True))

    def _update(self, row: ParsedRow, business: Any, stored: Any, fields: dict[str, Any]) -> None:
        if stored.business_id != business.id:
            reason = f"许可证编号「{stored.number}」已登记在登记簿中另一户名下，与本行的市场主体不同，请核对"
            self._left_out(row, ListRowKind.INVALID, self._problem(row, "number", reason))
            return
        diff = {name: (getattr(stored, name), new) for name, new in fields.items() if getattr(stored, name) != new}
        if not diff:
            return self._count(row, ListRowKind.UNCHANGED, business.uuid)
        self.writes.all_changed.append(ChangedLicense(stored.id, stored.uuid, stored.version, business.id, diff,
                                                      row_number=row.row_number, name=business.name))
        self._count(row, ListRowKind.UPDATE, business.uuid)

    def _renews(self, business_id: int, kind: str, expires: date | None) -> Any:
        """The business's valid licence of this kind expiring before the new one (the latest such)."""
        if expires is None:
            return None
        earlier = [stored for stored in self.valid.get(business_id, ())
                   if stored.kind == kind and stored.expires_on is not None and stored.expires_on < expires]
        if not earlier:
            return None
        chosen = max(earlier, key=lambda stored: stored.expires_on)
        self.valid[business_id].remove(chosen)  # renewed once: a second new licence does not renew it again
        return chosen

    def _count(self, row: ParsedRow, kind: ListRowKind, business_uuid: str) -> None:
        self.plan.counts[kind] += 1
        if row.problems:
            self._entry(row, kind, row.problems, business_uuid)

    def _left_out(self, row: ParsedRow, kind: ListRowKind, *extra: Problem, business_uuid: str | None = None) -> None:
        self.plan.counts[kind] += 1
        self._entry(row, kind, [*row.problems, *extra], business_uuid)

    def _entry(self, row: ParsedRow, kind: ListRowKind, problems: list[Problem], business_uuid: str | None) -> None:
        values = row.values
        self.plan.entries.append(ListEntry(row.row_number, kind, str(values.get("name", "")),
                                           str(values.get("number", "")), problems, row.cells, business_uuid))

    def _problem(self, row: ParsedRow, name: str, reason: str, blocking: bool = True) -> Problem:
        column = self.plan.mapping.column_of(name)
        if column is None:
            return Problem(row.sheet, row.row_number, "", None, reason, "", name, blocking)
        raw = row.cells[column] if column < len(row.cells) else None
        return Problem(row.sheet, row.row_number, row.headers[column], raw, reason, column_letter(column), name,
                       blocking)


def _plain(text: Any) -> str:
    return "".join(str(text or "").split())


class StoredLicence(NamedTuple):
    """A stored licence the dry run compares a row with or renews (dates as dates on both engines)."""

    id: int
    uuid: str
    version: int
    business_id: int
    number: str
    kind: str
    issued_on: date | None
    expires_on: date | None
    scope: str
    place: str
    status: str
    office_id: int


def _stored(row: tuple[Any, ...]) -> StoredLicence:
    """The driver's row: SQLite gives the two dates back as text."""
    (licence_id, uuid, version, business_id, number, kind, issued, expires, scope, place, status, office_id) = row
    return StoredLicence(licence_id, uuid, version, business_id, number, kind, as_date(issued), as_date(expires),
                         scope, place, status, office_id)
