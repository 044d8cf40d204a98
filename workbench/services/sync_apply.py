"""Apply a return package (回传包) at the office in one transaction: all of it or, on any error, none of it.

The plan (workbench.services.sync_plan) decides per row; this writes it: inserts with the laptop's uuid,
updates guarded by the version read for the plan (a save made meanwhile fails the whole package, which can
be applied again), versions bumped, tombstones for deletions, one change-log row per field with the laptop's
officer, time and device, the conflicts and merge offers a person decides later (sync_review), and the
package's record, whose unique package id makes a second import change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from storage.audit import Actor, log_changes, stamp_values, utc_now
from storage.tables_sync_apply import SyncPackageApplied
from workbench.domain.service_lists import ServiceLists
from workbench.domain.sync_model import ReturnPackage
from workbench.services.sync_plan import PackageRefused, plan_package
from workbench.services.sync_writer import PackageWriter

SHOWN_ERRORS = 8  # a refusal names this many bad values; the dry run lists them all


@dataclass(frozen=True)
class ApplyResult:
    package_id: str
    already_applied: bool
    counts: dict[str, int]
    message: str


def apply_package(
    session: Session, actor: Actor, package: ReturnPackage, progress: Callable[[int, int], None] | None = None,
    lists: ServiceLists | None = None,
) -> ApplyResult:
    """Write the package in the caller's transaction (the caller commits); PackageRefused when it must not be
    applied. Nothing is written before every row has been planned without error. `progress(done, total)` is
    called as rows are written (the CLI's bar); `lists`: the office's lists the rows are checked against
    (workbench.services.sync_lists)."""
    plan = plan_package(session, actor, package, lists)
    manifest = plan.manifest
    if plan.applied_before is not None:
        return ApplyResult(manifest.package_id, True, {}, plan.summary())
    if plan.errors:
        more = f"（另有 {len(plan.errors) - SHOWN_ERRORS} 处）" if len(plan.errors) > SHOWN_ERRORS else ""
        raise PackageRefused(
            f"回传包有 {len(plan.errors)} 处数据有误，整包未导入：" + "；".join(plan.errors[:SHOWN_ERRORS]) + more
        )
    PackageWriter(session, actor, plan).write(progress)
    counts = dict(plan.counts())
    conflicts = sum(len(row.conflicts) for row in plan.rows)
    at = utc_now()
    session.add(
        SyncPackageApplied(
            office_id=actor.office_id,
            package_id=manifest.package_id,
            officer=manifest.officer[:64],
            source_device=manifest.device[:64],
            created_at=manifest.created_at[:32],
            applied_at=at,
            applied_by=actor.who,
            rows=len(package.changes),
            inserted=counts.get("insert", 0),
            updated=counts.get("apply", 0) + counts.get("merge", 0) + counts.get("conflict", 0),
            unchanged=counts.get("same", 0),
            deleted=counts.get("delete", 0),
            conflicts=conflicts,
            merge_offers=counts.get("offer", 0),
            **stamp_values(actor, at),
        )
    )
    word = plan.package_word
    message = plan.summary().replace(f"{word}共", f"{word}已导入，共", 1)
    log_changes(session, actor, "sync_package", manifest.package_id, "import", {"": (None, message)}, at)
    session.flush()
    return ApplyResult(manifest.package_id, False, counts, message)
