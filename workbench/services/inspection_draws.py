"""The 双随机 draw of a task: preview it, record it (recorded = confirmed and locked), 重抽 with a reason, verify.

A recorded draw keeps everything needed to draw it again (docs/rules.md §5.3): the seed, the generator's
name, the population's size and fingerprint, and the rules in force (ratios and the quotas they gave,
inspectors per business, the drawable inspectors, the list version). Each drawn business is a pair row with
its inspectors and every pairing passed over with its reason. A second draw of a task with a recorded one
is a 重抽: refused without a reason; with one, the first stays (status superseded) and the new one names it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.audit import Actor, guarded_update, log_changes, utc_now
from storage.tables_inspection import InspectionDraw
from workbench.domain.inspection_draw import (
    GENERATOR,
    DrawInspector,
    Impossible,
    Pairing,
    draw_businesses,
    impossible_sentence,
    pair_inspectors,
    population_hash,
)
from workbench.domain.inspection_rules import InspectionRules
from workbench.services.errors import WorkbenchError
from workbench.services.inspection_population import (
    DrawnBusiness,
    drawn_businesses,
    driver_query,
    inspector_pool,
    pool_shortage,
    recusals_for,
    select_population,
)
from workbench.services.inspection_tasks import TaskView


class DrawRefused(WorkbenchError):
    title = "无法抽取"


LAPTOP_REFUSAL = "这是由外业包建立的笔记本库，只能录入检查结果：抽取、重抽和复核只能在所里的库上进行"


def refuse_on_laptop(session: Session) -> None:
    """A laptop holds only its officer's share of the register and of the draws (issue 20): a draw there would
    be over the wrong population and could never go back, so it is refused in one sentence."""
    from workbench.services.sync_laptop import laptop_officer

    if laptop_officer(session) is not None:
        raise DrawRefused(LAPTOP_REFUSAL)


@dataclass(frozen=True)
class DrawnLine:
    position: int
    business: DrawnBusiness
    risk_class: str
    inspectors: tuple[str, ...]
    """Names, in the order drawn."""
    skipped: tuple[tuple[str, str], ...]
    """(name, reason) of every pairing passed over."""


@dataclass(frozen=True)
class DrawReport:
    task: TaskView
    seed: str
    population_count: int
    population_hash: str
    quotas: dict[str, tuple[int, int]]
    lines: list[DrawnLine]
    excluded: list[tuple[str, str]]
    """Inspectors of the list who could not be drawn: (name, why)."""
    problems: list[str] = field(default_factory=list)
    """Businesses no valid pair could go to, one Chinese sentence each (then nothing is recorded)."""
    shortage: str = ""
    """Why no business at all could be paired (inspection_population.pool_shortage): said once instead of a
    sentence per business; then nothing is paired or recorded."""
    draw_uuid: str | None = None
    replaced_uuid: str | None = None


def current_draw(session: Session, actor: Actor, task: TaskView) -> InspectionDraw | None:
    """The task's draw in force (the latest confirmed one), None before the first."""
    return session.exec(
        select(InspectionDraw)
        .where(
            col(InspectionDraw.office_id) == actor.office_id,
            col(InspectionDraw.task_id) == task.id,
            col(InspectionDraw.status) == "confirmed",
            col(InspectionDraw.deleted_at).is_(None),
        )
        .order_by(col(InspectionDraw.id).desc())
    ).first()


def task_seed(session: Session, actor: Actor, task: TaskView) -> str:
    """The seed a draw takes when none is given: fixed by the task (its uuid, random when the task was made)
    and the number of draws recorded for it, so looking at the preview again shows the same draw — nobody
    can preview until the draw suits them; only a 重抽 (with its reason) moves on to a new seed (docs/rules.md §5.3)."""
    recorded = session.exec(
        select(func.count()).select_from(InspectionDraw).where(
            col(InspectionDraw.office_id) == actor.office_id, col(InspectionDraw.task_id) == task.id
        )
    ).one()
    return str(int(hashlib.sha256(f"{task.uuid}:{recorded}".encode()).hexdigest(), 16) % 10**12)


def draw_task(
    session: Session,
    *,
    actor: Actor,
    task: TaskView,
    rules: InspectionRules,
    rules_version: str = "",
    seed: str | None = None,
    dry_run: bool = False,
    redraw_reason: str = "",
) -> DrawReport:
    """Draw (dry_run: only show it) and, unless dry_run, record it as the task's confirmed draw; the caller
    commits. A task that has a draw needs a 重抽 reason; a draw with an impossible business is not recorded, nor
    one whose inspectors cannot serve any business (`shortage`, then no business is paired).
    Refused on a laptop's database (workbench.services.sync_laptop)."""
    refuse_on_laptop(session)
    existing = current_draw(session, actor, task)
    if existing is not None and not dry_run and not redraw_reason.strip():
        raise DrawRefused(
            f"任务「{task.name}」已于 {existing.drawn_at:%Y-%m-%d} 抽取并确认（种子 {existing.seed}），结果已锁定；"
            "如确需重抽，请写明理由（--reason），第一次抽取的结果会保留备查"
        )
    seed = (seed or task_seed(session, actor, task)).strip()
    population = select_population(session, actor, task, rules)
    pool = inspector_pool(session, actor, task)
    chosen, quotas = draw_businesses(
        seed, population.uuids, population.classes, percent=task.percent(), count=task.count,
        class_percents=task.class_percents(),
    )  # fmt: skip
    shortage = pool_shortage(pool, task.per_business, task.ends_on) if chosen else ""
    if shortage:
        return DrawReport(task, seed, len(population.uuids), population_hash(population.uuids, population.classes),
                          quotas, [], [(line.name, why) for line, why in pool.excluded], shortage=shortage)  # fmt: skip
    businesses = drawn_businesses(session, actor, [uuid for uuid, _cls in chosen])
    recusals = recusals_for(session, actor, businesses, pool)
    inspectors = sorted(pool.draw_inspectors(), key=lambda inspector: inspector.uuid)
    names = {line.uuid: line.name for line in pool.drawable}
    lines: list[DrawnLine] = []
    pairings: list[Pairing] = []  # parallel to lines: the inspectors by uuid, as recorded (names can repeat)
    problems: list[str] = []
    nobody: dict[str, str] = {}
    name_of = names.__getitem__
    for position, (uuid, cls) in enumerate(chosen, start=1):
        outcome = pair_inspectors(seed, uuid, cls, inspectors, task.per_business, recusals.get(uuid, nobody))
        business = businesses[uuid]
        if isinstance(outcome, Impossible):
            problems.append(impossible_sentence(outcome, business.label, task.per_business))
            continue
        skipped = tuple([(names[i], reason) for i, reason in outcome.skipped]) if outcome.skipped else ()
        lines.append(DrawnLine(position, business, cls, tuple(map(name_of, outcome.inspectors)), skipped))
        pairings.append(outcome)
    fingerprint = population_hash(population.uuids, population.classes)
    report = DrawReport(
        task, seed, len(population.uuids), fingerprint, quotas, lines,
        [(line.name, why) for line, why in pool.excluded], problems,
    )  # fmt: skip
    if dry_run or problems:
        return report
    record = _record(session, actor, task, report, pairings, inspectors, rules_version, redraw_reason, existing)
    return DrawReport(**{**report.__dict__, "draw_uuid": record.uuid,
                         "replaced_uuid": existing.uuid if existing else None})  # fmt: skip


def _record(
    session: Session,
    actor: Actor,
    task: TaskView,
    report: DrawReport,
    pairings: list[Pairing],
    inspectors: list[DrawInspector],
    rules_version: str,
    reason: str,
    existing: InspectionDraw | None,
) -> InspectionDraw:
    at = utc_now()
    if existing is not None:
        assert existing.id is not None
        guarded_update(session, InspectionDraw, existing.id, existing.version, {"status": "superseded"}, actor)
        log_changes(session, actor, "inspection_draw", existing.uuid, "update", {"status": ("confirmed", "superseded")}, at)
    rules_in_force = {
        "generator": GENERATOR,
        "ratio": task.ratio,
        "count": task.count,
        "class_ratios": task.class_ratios,
        "quotas": {cls: list(value) for cls, value in report.quotas.items()},
        "per_business": task.per_business,
        "inspectors": [[inspector.uuid, inspector.own_office] for inspector in inspectors],
        "scope": task.scope,
        "list_version": rules_version,
    }
    draw = InspectionDraw(
        office_id=actor.office_id, task_id=task.id, seed=report.seed, generator=GENERATOR,
        population_count=report.population_count, population_hash=report.population_hash,
        rules=json.dumps(rules_in_force, ensure_ascii=False, sort_keys=True), status="confirmed", drawn_at=at,
        redraw_reason=reason.strip()[:300], replaces_uuid=existing.uuid if existing else None,
        updated_at=at, updated_by=actor.who, device=actor.device,
    )  # fmt: skip
    session.add(draw)
    session.flush()
    logged = ("seed", "generator", "population_count", "population_hash", "status", "redraw_reason", "replaces_uuid")
    log_changes(session, actor, "inspection_draw", draw.uuid, "create",
                {name: (None, getattr(draw, name)) for name in logged if getattr(draw, name) not in (None, "")}, at)
    _store_pairs(session, actor, draw, report, pairings, at)
    return draw


PAIR_COLUMNS = ("uuid", "version", "updated_at", "updated_by", "device", "office_id", "draw_id", "position",
                "business_id", "risk_class", "inspector_uuids", "skipped")  # fmt: skip
LOG_COLUMNS = ("office_id", "entity", "entity_uuid", "action", "field", "new", "who", "at", "device")


def _store_pairs(session: Session, actor: Actor, draw: InspectionDraw, report: DrawReport, pairings: list[Pairing],
                 at: datetime) -> None:  # fmt: skip
    """One pair row per drawn business and its change-log row, through the driver in bulk (services.bulk_write:
    executemany on SQLite, COPY on PostgreSQL): 50,000 of each at a million businesses. The inspectors are
    written by uuid from the pairing itself (two inspectors may share a name)."""
    from workbench.services.bulk_write import BulkWriter

    writer = BulkWriter(session.connection())
    stamp = writer.values(at, at.date(), at.date()).stamp
    pairs: list[tuple[Any, ...]] = []
    logs: list[tuple[Any, ...]] = []
    who, device, office_id, draw_id = actor.who, actor.device, actor.office_id, draw.id
    # The rows' uuids ascending in draw order: the pair rows and their change-log rows then go into the two
    # uuid indexes in order (random uuids cost a B-tree page per row: half the writing at 50,000 pairs).
    row_uuids = sorted(new_uuids(len(pairings)))
    for line, pairing, row_uuid in zip(report.lines, pairings, row_uuids, strict=True):
        inspectors = ",".join(pairing.inspectors)
        skipped = "\n".join([f"{uuid}:{reason}" for uuid, reason in pairing.skipped]) if pairing.skipped else ""
        pairs.append((row_uuid, 1, stamp, who, device, office_id, draw_id, line.position, line.business.id,
                      line.risk_class, inspectors, skipped))  # fmt: skip
        logs.append((office_id, "inspection_pair", row_uuid, "create", "inspector_uuids",
                     f"{line.business.uuid}:{inspectors}", who, stamp, device))  # fmt: skip
    writer.insert("inspection_pair", PAIR_COLUMNS, pairs)
    writer.insert("change_log", LOG_COLUMNS, logs)


_KEEP = ((1 << 128) - 1) & ~((0xF000 << 64) | (0xC000 << 48))  # all but the version nibble and variant bits
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)


def new_uuids(count: int) -> list[str]:
    """`count` random version-4 uuids like storage.tables.new_uuid's, from one read of the system's randomness
    (uuid.uuid4 per row cost a tenth of the recorded draw's writing at 50,000 pairs)."""
    raw = os.urandom(16 * count)
    made = []
    for start in range(0, 16 * count, 16):
        text = f"{(int.from_bytes(raw[start : start + 16], 'big') & _KEEP) | _VERSION_4:032x}"
        made.append(f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}")
    return made


@dataclass(frozen=True)
class StoredPair:
    position: int
    business_uuid: str
    risk_class: str
    inspectors: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


def stored_pairs(session: Session, draw: InspectionDraw) -> list[StoredPair]:
    return stored_pairs_and_businesses(session, draw)[0]


def stored_pairs_and_businesses(session: Session, draw: InspectionDraw) -> tuple[list[StoredPair], dict[str, DrawnBusiness]]:
    """The draw's pair rows in draw order, and their businesses by uuid (read with them: one statement through
    the driver, not a second lookup of 50,000 uuids)."""
    rows = driver_query(session.connection(),
        "SELECT p.position, b.uuid, p.risk_class, p.inspector_uuids, p.skipped, b.id, b.name, b.uscc, b.reg_no,"
        " b.kind, b.officer_id FROM inspection_pair AS p JOIN business AS b ON b.id = p.business_id"
        " WHERE p.draw_id = ? AND p.deleted_at IS NULL ORDER BY p.position", (draw.id,))  # fmt: skip
    pairs: list[StoredPair] = []
    businesses: dict[str, DrawnBusiness] = {}
    for position, uuid, cls, inspectors, skipped, row_id, name, uscc, reg_no, kind, officer_id in rows:
        passed_over = tuple([_skip(line) for line in skipped.split("\n") if line]) if skipped else ()
        pairs.append(StoredPair(position, uuid, cls, tuple([part for part in inspectors.split(",") if part]), passed_over))
        businesses[uuid] = DrawnBusiness(row_id, uuid, name, uscc or reg_no or "", kind, officer_id)
    return pairs, businesses


def _skip(line: str) -> tuple[str, str]:
    uuid, _sep, reason = line.partition(":")
    return uuid, reason


def replay(draw: InspectionDraw, uuids: list[str], classes: list[str] | None,
           recorded: list[StoredPair]) -> tuple[list[tuple[str, str]], list[Pairing | Impossible]]:  # fmt: skip
    """Draw again from the record: the businesses over the given population, and each recorded business's
    inspectors with the recorded pool, treating as recused exactly the pairings the record passed over."""
    rules = json.loads(draw.rules)
    from workbench.domain.inspection_draw import parse_percent

    chosen, _quotas = draw_businesses(
        draw.seed, uuids, classes, percent=parse_percent(rules["ratio"]) if rules["ratio"] else None,
        count=rules["count"], class_percents={c: parse_percent(v) for c, v in rules["class_ratios"].items()},
    )  # fmt: skip
    pool = [DrawInspector(uuid, bool(own)) for uuid, own in rules["inspectors"]]
    pairings: list[Pairing | Impossible] = []
    for pair in recorded:
        passed_over = {uuid: reason for uuid, reason in pair.skipped}
        pairings.append(pair_inspectors(draw.seed, pair.business_uuid, pair.risk_class, pool, rules["per_business"],
                                        passed_over))  # fmt: skip
    return chosen, pairings
