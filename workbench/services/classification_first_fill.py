"""PostgreSQL: the first classification of an office (no result yet), written as a bulk load (issue 17).

A first classification creates one result, one classification_history row and one change_log row per
business. Measured at 1,000,000 businesses on PostgreSQL 15 (docs/benchmarks.md, session 12), the server
spent most of its time on the foreign keys (four row-by-row trigger checks per business: ~25 of ~38
CPU-seconds of the inserts), and the client on making, handing back from the workers, formatting and
COPYing the two million audit rows. So, for a whole-office run that finds the office without results:

1. the history and change-log rows are not made in Python: after the results are COPYed, one INSERT …
   SELECT each derives them from the stored results (the same values the decider made: the result's
   tier, size class and explanations, its chunk's timestamp, who and device; a new version-7 uuid per
   history row; the change log's 「成长型 / 微型」 text from the same labels);
2. when the database holds one office and no classification rows at all (the first classification of
   the installation), the classification tables' plain indexes and the foreign keys of both tables are
   dropped for the load and built again at the end (one sort per index; one join per foreign key), then
   the results are ANALYZEd. This needs ACCESS EXCLUSIVE locks on the two tables and on business and
   office until the commit: they are asked for with a 2-second lock timeout inside a savepoint, and when
   another session holds one of them (an officer's open transaction) the load keeps the indexes and
   foreign keys, only slower; so it does when this login may not alter the tables (not their owner).
   Once the locks are held, other sessions' reads of the register wait until the commit: the whole run
   (about a minute at 1M). A one-off, right after the first import, which locks the same tables.

Everything happens in the caller's transaction: DDL is transactional in PostgreSQL, so a failure at any
point (a worker, the network, a duplicate found by a unique index rebuilt at the end) rolls back to the
database as it was, indexes and foreign keys included (tests/test_classification_first_fill.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from workbench.domain.tiers import TIER_LABELS
from workbench.services.bulk_write import pg_foreign_keys, pg_indexes
from workbench.services.classification_report import SIZE_LABELS

TABLES = ("classification_result", "classification_history")
LOCKED = ("classification_result", "classification_history", "business", "office")
LOCK_WAIT = "2s"
_INDEX_MEMORY = "256MB"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# A version-7 uuid per history row: the 48-bit millisecond of its row's time (the result's computed_at, the
# chunk's timestamp, as classification_decide.uuid7_batch takes the clock), then 74 bits of the md5 of the
# result's own uuid (random, so unique per result; gen_random_uuid() would cost 2.4 s a million).
_UUID7 = (
    "substr(r.stamp, 1, 8) || '-' || substr(r.stamp, 9, 4) || '-7' || substr(r.random, 1, 3) || '-' "
    "|| translate(substr(r.random, 4, 1), '0123456789abcdef', '89ab89ab89ab89ab') "
    "|| substr(r.random, 5, 3) || '-' || substr(r.random, 8, 12)"
)
_WITH_UUID = (  # OFFSET 0 keeps the two values computed once per row (not inlined into every use)
    "(SELECT r.*, lpad(to_hex((extract(epoch FROM r.computed_at) * 1000)::bigint), 12, '0') AS stamp, "
    "md5(r.uuid) AS random FROM classification_result r WHERE r.office_id = %(office_id)s "
    "ORDER BY r.id OFFSET 0) r"
)
# classification_decide.Decider.decide: f"{explanation}；规模：{size_explanation}" and its empty cases.
_JOINED = (
    "CASE WHEN r.explanation = '' THEN CASE WHEN r.size_explanation = '' THEN '' "
    "ELSE '规模：' || r.size_explanation END "
    "WHEN r.size_explanation = '' THEN r.explanation ELSE r.explanation || '；规模：' || r.size_explanation END"
)
_HISTORY = f"""
INSERT INTO classification_history (uuid, business_id, tier, size_class, explanation, version, updated_at,
    updated_by, device, office_id, rule_version, at, event, reason)
SELECT {_UUID7}, r.business_id, r.tier, r.size_class, {_JOINED}, 1, r.updated_at,
    r.updated_by, r.device, r.office_id, r.rule_version, r.computed_at, 'computed', ''
FROM {_WITH_UUID}
ORDER BY r.id
"""
# classification_decide.classification_text: 「成长型 / 微型」, 「不分型 / 无法划型」 for what has no label.
_SHOWN = (
    "coalesce(CASE r.tier {tiers} END, '不分型') || ' / ' || coalesce(CASE r.size_class {sizes} END, '无法划型')"
).format(
    tiers=" ".join(f"WHEN {_literal(key)} THEN {_literal(label)}" for key, label in TIER_LABELS.items() if key),
    sizes=" ".join(f"WHEN {_literal(key)} THEN {_literal(label)}" for key, label in SIZE_LABELS.items() if key),
)
_LOG = f"""
INSERT INTO change_log (entity_uuid, action, old, new, office_id, entity, field, who, at, device)
SELECT r.uuid, 'create', NULL, {_SHOWN}, r.office_id, 'classification', 'classification', r.updated_by,
    r.computed_at, r.device
FROM classification_result r
WHERE r.office_id = %(office_id)s
ORDER BY r.id
"""


def office_never_classified(connection: Connection, office_id: int) -> bool:
    """PostgreSQL and no classification result for the office yet."""
    if connection.dialect.name != "postgresql":
        return False
    found = connection.execute(
        text("SELECT 1 FROM classification_result WHERE office_id = :office_id LIMIT 1"),
        {"office_id": office_id},
    ).first()
    return found is None


class FirstFill:
    """The load of an office's first results: `start()` before the first chunk is written, `finish()`
    after the last (both in the caller's transaction)."""

    def __init__(self, connection: Connection, office_id: int) -> None:
        self.connection = connection
        self.office_id = office_id
        self.raw: Any = connection.connection.driver_connection
        self.indexes: list[tuple[str, str]] = []
        self.foreign_keys: list[tuple[str, str, str]] = []

    def start(self) -> bool:
        """Drop the classification tables' plain indexes and foreign keys if this is the installation's first
        classification, the locks come within LOCK_WAIT and this login may alter the tables; True if they
        were dropped (else nothing changed: the savepoint undoes the attempt)."""
        if not self._installation_never_classified():
            return False
        import psycopg

        with self.raw.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            before = cursor.fetchone()[0]
            cursor.execute("SAVEPOINT first_fill")
            try:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
                cursor.execute(f"LOCK TABLE {', '.join(LOCKED)} IN ACCESS EXCLUSIVE MODE")
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", (before,))
                self.indexes = pg_indexes(self.connection, TABLES)
                self.foreign_keys = pg_foreign_keys(self.connection, TABLES)
                for name, _definition in self.indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
                for table, name, _definition in self.foreign_keys:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            except (psycopg.errors.LockNotAvailable, psycopg.errors.InsufficientPrivilege):
                cursor.execute("ROLLBACK TO SAVEPOINT first_fill")
                cursor.execute("RELEASE SAVEPOINT first_fill")
                self.indexes, self.foreign_keys = [], []
                return False
            cursor.execute("RELEASE SAVEPOINT first_fill")
        return True

    def finish(self) -> None:
        """The history and change-log rows of the created results, then (if dropped) the indexes and
        foreign keys again."""
        with self.raw.cursor() as cursor:
            # In id order (as the chunks wrote them) through the primary key: a sort of a million wide rows
            # would spill to disk (work_mem), and the table was just filled in that order.
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(_HISTORY, {"office_id": self.office_id})
            cursor.execute(_LOG, {"office_id": self.office_id})
            cursor.execute("SET LOCAL enable_sort TO DEFAULT")
            if not self.indexes and not self.foreign_keys:
                return
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{_INDEX_MEMORY}'")
            # One process per index build and foreign-key check: parallel workers split the same sort and
            # merge it again (measured at 1M: 9.7-10.1 CPU-s for the eight builds with two workers, 7.8-8.8
            # alone), and on a loaded two-CPU server they only take CPU from everything else.
            cursor.execute("SET LOCAL max_parallel_maintenance_workers = 0")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("ANALYZE classification_result")
            cursor.execute("SET LOCAL max_parallel_maintenance_workers TO DEFAULT")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")

    def _installation_never_classified(self) -> bool:
        with self.raw.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM office) = 1 "
                "AND NOT EXISTS (SELECT 1 FROM classification_result) "
                "AND NOT EXISTS (SELECT 1 FROM classification_history)"
            )
            return bool(cursor.fetchone()[0])
