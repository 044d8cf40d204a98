"""Commit a reviewed 经营数据 or 许可证 plan: all its writes, the import record and the reclassification of
exactly the businesses it touched, in one transaction; nothing at all if any step fails.

The register commit's machinery is reused: the transaction (imports.commit.import_transaction: BEGIN
IMMEDIATE on SQLite), the bulk writer and change-log rows (imports.commit_writes.Writes), and the import
record (imports.commit.record_import, with import_record.kind saying which list). The writes themselves are
the kind's (imports.figure_writes, imports.license_writes). After them the touched businesses are
reclassified (workbench.services.classification_recompute.recompute with business_ids) through a Session on
the same connection, so a failing reclassification rolls the import back too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from time import perf_counter

from sqlalchemy import Engine
from sqlmodel import Session

from imports.commit import BATCH, import_transaction, record_import
from imports.commit_writes import Writes
from imports.errors import ImportCancelled, PlanNotCommittable
from imports.figure_writes import write_figures
from imports.license_writes import write_licenses
from imports.list_plan import ListPlan, ListRowKind, ProgressCallback
from imports.plan_text import when
from storage.audit import Actor, utc_now
from workbench.domain.labels import ImportKind
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.classification_recompute import recompute


@dataclass
class ListResult:
    """What a commit of a 经营数据 or 许可证 list wrote, and how many businesses moved tier."""

    record_uuid: str
    kind: ImportKind
    file_name: str
    written: dict[str, int]
    left_out: int
    reclassified: int
    tier_changes: int
    moves: list[str] = field(default_factory=list)
    seconds: float = 0.0
    first_classified: int = 0
    """Businesses classified for the first time (a register imported without classifying): no change of tier."""

    def summary_text(self) -> str:
        unit = "张" if self.kind is ImportKind.LICENSES else "条"
        shown = {label: count for label, count in self.written.items() if count} or dict(list(self.written.items())[:1])
        what = "，".join(f"{label} {count:,} {unit}" for label, count in shown.items())
        text = f"已导入「{self.file_name}」：{what}"
        if self.left_out:
            text += f"，未导入 {self.left_out:,} 行（有错误、登记簿中没有或待确认）"
        text += f"（用时 {self.seconds:.1f} 秒）。"
        if self.reclassified:
            text += f"已重新分型 {self.reclassified:,} 户，{self.tier_changes:,} 户分型变化"
            text += f"（{'；'.join(self.moves[:4])}）" if self.moves else ""
            text += f"，{self.first_classified:,} 户首次分型。" if self.first_classified else "。"
        elif any(self.written.values()):
            text += "年度经营数据没有变化，分型不变。"
        else:
            text += "没有需要写入的内容，分型不变。"
        return text


def commit_list(
    engine: Engine, plan: ListPlan, *, actor: Actor, rules: LoadedRules[TierRules], today: date | None = None,
    progress: ProgressCallback | None = None, cancel: threading.Event | None = None,
) -> ListResult:  # fmt: skip
    """Write the plan (new and changed rows, the ImportRecord) and reclassify the businesses it touched, in one
    transaction. Raises ImportConflict (rows changed since the dry run), ImportCancelled or PlanNotCommittable;
    in every such case nothing is written."""
    if actor.office_id != plan.office_id:
        raise PlanNotCommittable("这份预览是按另一个所的数据做的，请重新预览后再导入")
    report = progress or (lambda done, total, stage: None)

    def stop() -> None:
        if cancel is not None and cancel.is_set():
            raise ImportCancelled()

    started = perf_counter()
    left_out = plan.left_out
    if plan.kind is ImportKind.LICENSES and plan.accept_name_matches:
        plan.writes.accepted = True  # confirmed after the dry run too (the wizard's confirm step)
        left_out -= plan.counts[ListRowKind.NAME_MATCH]
    with engine.connect() as connection, import_transaction(connection):
        writes = Writes(connection, actor, utc_now(), BATCH, report, stop)
        if plan.kind is ImportKind.FIGURES:
            written, touched = write_figures(writes, plan)
        elif plan.kind is ImportKind.LICENSES:
            written, touched = write_licenses(writes, plan)
        else:
            raise PlanNotCommittable("登记名录请按登记名录导入")
        stop()
        record_uuid = _record(writes, plan, written, perf_counter() - started)
        report(0, None, "重新分型")
        moved: list[str] = []
        changes = reclassified = first = 0
        if touched:
            with Session(bind=connection) as session:
                result = recompute(session, actor=actor, rules=rules, today=today or date.today(),
                                   business_ids=touched)  # fmt: skip
                session.flush()
            reclassified = result.businesses
            changes = sum(count for (old, new), count in result.tier_moves.items() if old is not None and old != new)
            first = sum(count for (old, _new), count in result.tier_moves.items() if old is None)
            moved = [move.text for move in result.moves if move.what == "tier" and move.old is not None]
        stop()
    return ListResult(record_uuid, plan.kind, plan.file_name, written, left_out, reclassified, changes, moved,
                      perf_counter() - started, first)


def _record(writes: Writes, plan: ListPlan, written: dict[str, int], seconds: float) -> str:
    counts = plan.counts
    what = "，".join(f"{label} {count} 条" for label, count in written.items())
    note = f"{plan.file_name}（{when(writes.moment)}，{plan.kind_label}）：{what}"
    kept = {label: count for label, count in written.items() if "分期" not in label}  # the record counts years
    inserted = sum(count for label, count in kept.items() if label.startswith(("新增", "换证")))
    return record_import(
        writes.connection, writes, note, file_name=plan.file_name, sha256=plan.sha256, sheet=plan.sheet,
        kind=plan.kind, mode="insert_and_update", rows_read=plan.rows_read, inserted=inserted,
        updated=sum(count for label, count in kept.items() if label.startswith("更新")),
        unchanged=counts[ListRowKind.UNCHANGED],
        skipped=counts[ListRowKind.UNMATCHED] + counts[ListRowKind.NAME_MATCH], invalid=counts[ListRowKind.INVALID],
        duplicates=counts[ListRowKind.DUPLICATE], milliseconds=int(seconds * 1000),
    )  # fmt: skip
