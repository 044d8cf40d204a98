"""The commit's writes: new businesses and their change-log rows in bulk, updates grouped by changed fields.

Rows go to the driver as tuples (workbench.services.bulk_write.BulkWriter: executemany on SQLite, COPY on
PostgreSQL), made in worker processes for a large import (imports.commit_rows). On SQLite the few typed
values are bound exactly as SQLAlchemy binds them (the one timestamp once per commit, each distinct date
once), so the ORM reads back what it would have written itself.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, update

from imports.commit_rows import (
    BUSINESS_COLUMNS,
    RowStamp,
    business_rows,
    prepared_rows,
    share_tables_with_workers,
)
from imports.errors import ImportConflict
from imports.parallel import ordered_map, worker_count
from imports.pending import PACK
from imports.plan import ImportPlan, PendingUpdate, ProgressCallback
from storage import search
from storage.audit import Actor, as_log_text
from storage.tables import Business
from workbench.domain.business_fields import SEARCH_SOURCES
from workbench.services.bulk_write import BulkWriter

if TYPE_CHECKING:
    from imports.commit_search import SideSearch

BUSINESS: Any = Business.__table__  # type: ignore[attr-defined]
CHANGE_COLUMNS = (
    "office_id",
    "entity",
    "entity_uuid",
    "action",
    "field",
    "old",
    "new",
    "who",
    "at",
    "device",
)


class Writes:
    """Everything one commit writes, in the caller's transaction; `stop` raises when the person cancels."""

    def __init__(
        self,
        connection: Connection,
        actor: Actor,
        at: datetime,
        batch: int,
        report: ProgressCallback,
        stop: Callable[[], None],
    ) -> None:
        self.connection = connection
        self.writer = BulkWriter(connection)
        self.actor = actor
        self.batch = batch
        self.report = report
        self.stop = stop
        self.sqlite = connection.dialect.name == "sqlite"
        self.moment = at
        self.at = self._bound(BUSINESS.c.updated_at, at) if self.sqlite else at

    def change_row(
        self, entity: str, uuid: str, action: str, field: str, old: Any, new: Any
    ) -> tuple[Any, ...]:
        actor = self.actor
        return (actor.office_id, entity, uuid, action, field, old, new, actor.who, self.at, actor.device)

    def log_stamp(self, entity: str, action: str) -> tuple[tuple[str, Any], ...]:
        """The change-log columns every row of one kind of write shares (BulkWriter.insert_shared's `shared`)."""
        actor = self.actor
        return (("office_id", actor.office_id), ("entity", entity), ("action", action), ("who", actor.who),
                ("at", self.at), ("device", actor.device))  # fmt: skip

    def insert_new(self, plan: ImportPlan, total: int, side: SideSearch | None = None) -> int:
        """The plan's new businesses, each with one 'create' change-log row naming the file and row; the
        rows are assembled from what the dry run derived ahead (imports.prepare), or made in worker
        processes (imports.commit_rows) while this one writes; `side` gets their searched columns too
        (imports.commit_search)."""
        actor = self.actor
        stamp = RowStamp(
            actor.office_id, actor.who, actor.device, self.at, f"导入自「{plan.file_name}」", self.sqlite
        )
        packs = list(plan.inserts.packs())
        prepared = plan.inserts.take_prepared()
        rest = packs[len(prepared) :]
        workers = worker_count(len(plan.inserts) - len(prepared) * PACK)
        done = 0
        assembled = map(partial(prepared_rows, stamp), packs, prepared)
        if workers:
            share_tables_with_workers()
        with closing(ordered_map(business_rows, stamp, rest, workers)) as made:
            for rows, changes in chain(assembled, made):
                self.stop()
                self.writer.insert("business", BUSINESS_COLUMNS, rows)
                self.writer.insert("change_log", CHANGE_COLUMNS, changes)
                if side is not None:
                    side.add(rows)
                done += len(rows)
                self.report(done, total, "写入新增的市场主体")
        return done

    def apply_updates(self, plan: ImportPlan, done: int, total: int) -> None:
        """Updates grouped by the fields they change: each group one executemany guarded by version,
        and one change-log row per changed field."""
        groups: dict[tuple[str, ...], list[PendingUpdate]] = {}
        for pending in plan.updates:
            groups.setdefault(tuple(sorted(pending.diff)), []).append(pending)
        sane = self.connection.dialect.supports_sane_multi_rowcount
        for fields, members in groups.items():
            searched = any(name in fields for name in SEARCH_SOURCES)
            statement = self._update_statement(fields, searched)
            for start in range(0, len(members), self.batch):
                self.stop()
                batch = members[start : start + self.batch]
                params = [_update_params(pending, searched) for pending in batch]
                result: Any = self.connection.execute(statement, params)
                if sane and result.rowcount != len(params):
                    raise ImportConflict(["预览之后有市场主体被他人修改（写入时版本已变化）"])
                changes = [
                    self.change_row(
                        "business", pending.business_uuid, "update", name, as_log_text(old), as_log_text(new)
                    )
                    for pending in batch
                    for name, (old, new) in pending.diff.items()
                ]
                self.writer.insert("change_log", CHANGE_COLUMNS, changes)
                done += len(batch)
                self.report(done, total, "更新已有的市场主体")

    def _update_statement(self, fields: tuple[str, ...], searched: bool) -> Any:
        actor = self.actor
        values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in fields}
        if searched:
            values |= {"name_pinyin": bindparam("v_name_pinyin"), "search_chars": bindparam("v_search_chars")}
        values |= {
            "version": bindparam("b_new"),
            "updated_at": self.moment,
            "updated_by": actor.who,
            "device": actor.device,
        }
        return (
            update(BUSINESS)
            .where(
                BUSINESS.c.id == bindparam("b_id"),
                BUSINESS.c.version == bindparam("b_base"),
                BUSINESS.c.office_id == actor.office_id,
            )
            .values(values)
        )

    def _bound(self, column: Any, value: Any) -> Any:
        process = column.type.dialect_impl(self.connection.dialect).bind_processor(self.connection.dialect)
        return process(value) if process is not None else value


def _update_params(pending: PendingUpdate, searched: bool) -> dict[str, Any]:
    params = {f"v_{name}": new for name, (_old, new) in pending.diff.items()}
    if searched:
        derived = search.search_fields(*pending.search_sources)
        params |= {f"v_{name}": value for name, value in derived.items()}
    return params | {
        "b_id": pending.business_id,
        "b_base": pending.base_version,
        "b_new": pending.base_version + 1,
    }
