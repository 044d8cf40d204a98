"""The rows that travel in a field sync package, as plain data (issue 19).

One SyncSpec per table says what travels of it: every column but the local key, the office and the stamp
(workbench.domain.sync_model), a foreign key (`grid_id`) holding the referenced row's uuid. Values
are plain scalars: dates and times as ISO text, so the office's rows, the laptop's rows and the laptop's base
values (sync_base) compare equal exactly when they hold the same thing, whatever the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlmodel import SQLModel

from storage.tables import Business, Grid, License, Officer, YearFigures
from storage.tables_classification import ClassificationResult
from storage.tables_inspection import (
    InspectionDraw,
    InspectionPair,
    InspectionResult,
    InspectionTask,
    InspectionTaskItem,
    Inspector,
)
from storage.tables_service import Appeal, AppealStep, SupportRecord, Visit, VisitFollowUp
from workbench.domain.business_fields import FIELD_BY_NAME
from workbench.domain.sync_model import Scalar

STAMP = ("id", "office_id", "uuid", "version", "updated_at", "updated_by", "device", "deleted_at")
FETCH_ROWS = 2000


@dataclass(frozen=True)
class SyncSpec:
    """What travels of one table: its data columns and which of them are foreign keys (column -> table)."""

    name: str
    model: type[SQLModel]
    label: str  # the Chinese word for its rows: sheet names, messages
    references: Mapping[str, str] = field(default_factory=dict)
    # Columns that stay at the office (personal data, what only the office's draw needs): the laptop's row
    # holds this stand-in value instead, and never sends the column back.
    withheld: Mapping[str, Scalar] = field(default_factory=dict)

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[attr-defined, no-any-return]

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The data columns that travel, in the table's order (foreign keys under their own column name)."""
        return tuple(
            column.name for column in self.table.columns
            if column.name not in STAMP and column.name not in self.withheld
            and not (self.name == "business" and _local_only(column.name))
        )

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The keys of a row's values: the columns (a foreign key holds the referenced row's uuid)."""
        return self.columns

    @cached_property
    def kinds(self) -> dict[str, str]:
        return {name: self.kind_of(name) for name in self.columns}

    def kind_of(self, column: str) -> str:
        """date / datetime / bool / other: how a value is made plain and back."""
        column_type = self.table.c[column].type
        impl = getattr(column_type, "impl", column_type)  # UTCDateTime is a TypeDecorator over DateTime
        python_type = impl.python_type
        if python_type is datetime:
            return "datetime"
        if python_type is date:
            return "date"
        if python_type is bool:
            return "bool"
        return "other"


def _local_only(name: str) -> bool:
    spec = FIELD_BY_NAME.get(name)
    return spec is not None and not spec.travels


# Reference rows (every office's officers and grids travel) and then the data, parents before children.
GRID = SyncSpec("grid", Grid, "网格")
OFFICER = SyncSpec("officer", Officer, "干部", {"grid_id": "grid"})
BUSINESS = SyncSpec("business", Business, "市场主体", {"grid_id": "grid", "officer_id": "officer"})
LICENSE = SyncSpec("license", License, "许可证", {"business_id": "business"})
YEAR_FIGURES = SyncSpec("year_figures", YearFigures, "经营数据", {"business_id": "business"})
CLASSIFICATION = SyncSpec("classification_result", ClassificationResult, "分型结果", {"business_id": "business"})
APPEAL = SyncSpec("appeal", Appeal, "诉求", {"business_id": "business", "officer_id": "officer"})
APPEAL_STEP = SyncSpec("appeal_step", AppealStep, "诉求办理记录", {"appeal_id": "appeal"})
SUPPORT = SyncSpec("support_record", SupportRecord, "帮扶记录", {"business_id": "business", "officer_id": "officer"})
VISIT = SyncSpec("visit", Visit, "走访记录", {"business_id": "business", "officer_id": "officer"})
FOLLOW_UP = SyncSpec("visit_follow_up", VisitFollowUp, "走访跟进", {"visit_id": "visit"})
# 双随机 (issue 20): the confirmed draws the officer inspects in, as an inspector, so the laptop can show the
# task and record results offline. Withheld: a draw's rules in force (only re-drawing needs them; the pool's
# inspectors and a cell Excel may cut at 32,767 characters) and a pair's pairings passed over (their reasons
# are other inspectors' 回避 relations: 亲属, 曾经处罚 — personal data). Recusal relations never travel.
INSPECTOR = SyncSpec("inspector", Inspector, "检查人员", {"officer_id": "officer"})
INSPECTION_TASK = SyncSpec("inspection_task", InspectionTask, "抽查任务")
TASK_ITEM = SyncSpec("inspection_task_item", InspectionTaskItem, "抽查事项", {"task_id": "inspection_task"})
DRAW = SyncSpec("inspection_draw", InspectionDraw, "抽取记录", {"task_id": "inspection_task"}, {"rules": "{}"})
PAIR = SyncSpec("inspection_pair", InspectionPair, "抽中名单", {"draw_id": "inspection_draw", "business_id": "business"},
                {"skipped": ""})
RESULT = SyncSpec("inspection_result", InspectionResult, "抽查结果",
                  {"task_id": "inspection_task", "business_id": "business"})

REFERENCE_SPECS = (GRID, OFFICER)
INSPECTION_SPECS = (INSPECTOR, INSPECTION_TASK, TASK_ITEM, DRAW, PAIR, RESULT)
DATA_SPECS = (BUSINESS, LICENSE, YEAR_FIGURES, CLASSIFICATION, APPEAL, APPEAL_STEP, SUPPORT, VISIT, FOLLOW_UP,
              *INSPECTION_SPECS)
ALL_SPECS = REFERENCE_SPECS + DATA_SPECS
SPEC_BY_NAME = {spec.name: spec for spec in ALL_SPECS}


@dataclass
class PlainRow:
    """One row as it travels: uuid, version, the stamp, tombstone, and the values by key."""

    uuid: str
    version: int
    values: dict[str, Scalar]
    updated_at: str = ""
    updated_by: str = ""
    device: str = ""
    deleted: bool = False
    local_id: int | None = None  # the row's id in the database it was read from (not carried)


def plain(value: Any) -> Scalar:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep="T")
    if isinstance(value, date):
        return value.isoformat()
    return value  # type: ignore[no-any-return]


def from_plain(kind: str, value: Scalar) -> Any:
    """A plain value back to what the column holds."""
    if value is None or value == "":
        return None if kind in ("date", "datetime") else value
    if kind == "datetime":  # stored in UTC (storage.audit.utc_now), travelling as naive ISO text
        moment = datetime.fromisoformat(str(value))
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if kind == "date":
        return date.fromisoformat(str(value)[:10])
    if kind == "bool":
        return bool(value)
    return value


def read_rows(
    connection: Connection, spec: SyncSpec, where: Iterable[Any], uuids: Mapping[str, Mapping[int, str]]
) -> Iterator[PlainRow]:
    """The rows of spec's table matching `where`, plain; `uuids` maps each referenced table's id -> uuid."""
    table = spec.table
    columns = spec.columns
    kinds = [spec.kind_of(name) for name in columns]
    references = [uuids.get(spec.references[name], {}) if name in spec.references else None for name in columns]
    keys = spec.keys
    statement = select(
        table.c.id, table.c.uuid, table.c.version, table.c.updated_at, table.c.updated_by, table.c.device,
        table.c.deleted_at, *(table.c[name] for name in columns),
    ).where(*where).order_by(table.c.id)
    result = connection.execute(statement.execution_options(yield_per=FETCH_ROWS))
    for record in result:
        values: dict[str, Scalar] = {}
        for key, kind, mapping, value in zip(keys, kinds, references, record[7:], strict=True):
            if mapping is not None:
                values[key] = None if value is None else mapping.get(value)
            elif kind == "bool":
                values[key] = None if value is None else bool(value)
            else:
                values[key] = plain(value)
        yield PlainRow(
            uuid=record[1], version=record[2], values=values, updated_at=str(plain(record[3]) or ""),
            updated_by=record[4] or "", device=record[5] or "", deleted=record[6] is not None, local_id=record[0],
        )


def id_map(rows: Iterable[PlainRow]) -> dict[int, str]:
    return {row.local_id: row.uuid for row in rows if row.local_id is not None}


def uuid_maps(connection: Connection, office_id: int) -> dict[str, dict[int, str]]:
    """id -> uuid of the office's grids and officers (what the data rows refer to first)."""
    maps: dict[str, dict[int, str]] = {}
    for spec in REFERENCE_SPECS:
        table = spec.table
        rows = connection.execute(select(table.c.id, table.c.uuid).where(table.c.office_id == office_id))
        maps[spec.name] = {row_id: uuid for row_id, uuid in rows}
    return maps
