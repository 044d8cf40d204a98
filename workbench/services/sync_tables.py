"""The rows a return package may carry, and how their travelling values become the office's column values.

Each travelling table's columns are read from its SQL definition (storage.tables*): a date travels as
"2026-12-06", a time as "2026-12-06T14:30:00", a reference as the referenced row's uuid
(workbench.domain.sync_model.REFERENCE_FIELDS). A business's values are cleaned by the same
workbench.services.business_validation as the form and the import, so a package says what they say.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Date, Integer
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from storage.tables import Business, License, YearFigures
from storage.tables_classification import ClassificationResult
from storage.tables_inspection import InspectionResult
from storage.tables_service import Appeal, AppealStep, SupportRecord, Visit, VisitFollowUp
from workbench.domain.business_fields import FIELD_BY_NAME
from workbench.domain.sync_labels import sync_field_label
from workbench.domain.sync_model import REFERENCE_FIELDS, Scalar
from workbench.services.business_validation import validate_business

# In this order, so a row's parent is written before the row (a visit before its follow-ups).
MODELS: dict[str, type[SQLModel]] = {
    "business": Business,
    "appeal": Appeal,
    "visit": Visit,
    "visit_follow_up": VisitFollowUp,
    "support_record": SupportRecord,
    "appeal_step": AppealStep,
    "license": License,
    "year_figures": YearFigures,
    "classification_result": ClassificationResult,
    "inspection_result": InspectionResult,  # 双随机's result: its task is the office's own row (issue 20)
}
APPLY_ORDER = {table: position for position, table in enumerate(MODELS)}
TABLE_LABELS = {
    "business": "市场主体",
    "appeal": "诉求",
    "visit": "走访记录",
    "visit_follow_up": "走访待办",
    "support_record": "帮扶记录",
    "appeal_step": "诉求办理步骤",
    "license": "许可证",
    "year_figures": "经营数据",
    "classification_result": "分型结果",
    "inspection_result": "抽查结果",
}
# A row the office may already hold under another uuid: one per business (and year, and 抽查任务): a result
# recorded at the office and on a laptop for the same drawn business is one result, its fields compared. A
# licence renewed at the door and imported at the office from the county's list is one licence: same kind and
# number renewing the same one (a 延续 that keeps the number renews another row, so it stays a new licence).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "classification_result": ("business_id",),
    "year_figures": ("business_id", "year"),
    "inspection_result": ("task_id", "business_id"),
    "license": ("business_id", "kind", "number", "renews_uuid"),
}
_STAMP = frozenset({"id", "office_id", "uuid", "version", "updated_at", "updated_by", "device", "deleted_at"})


@cache  # read for every row of a package: the columns do not change while the program runs
def columns_of(table: str) -> dict[str, Column[Any]]:
    """The columns a package may set: all but the key, the office and the travelling stamp (and, for a
    business, the search columns each machine derives)."""
    model: Any = MODELS[table]
    columns = {column.name: column for column in model.__table__.columns if column.name not in _STAMP}
    if table == "business":
        columns = {name: column for name, column in columns.items() if FIELD_BY_NAME[name].travels}
    return columns


def required_of(table: str) -> tuple[str, ...]:
    """Columns a new row must be given: NOT NULL with no default."""
    return tuple(
        name
        for name, column in columns_of(table).items()
        if not column.nullable and column.default is None and column.server_default is None
    )


def label_of(table: str, field: str) -> str:
    """The Chinese word a person reads for a field (the field package's header): workbench.domain.sync_labels."""
    return sync_field_label(table, field)


def convert_values(table: str, values: dict[str, Scalar]) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values, field -> Chinese reason). References stay uuids here; the planner checks they exist."""
    columns = columns_of(table)
    errors = {field: "回传包里有本所数据库没有的栏目" for field in values if field not in columns}
    given = {field: value for field, value in values.items() if field in columns}
    references = {field: value for field, value in given.items() if field in REFERENCE_FIELDS}
    for field, value in references.items():
        if value is not None and not isinstance(value, str):
            errors[field] = "引用应为对方记录的编号（uuid）"
    plain = {field: value for field, value in given.items() if field not in REFERENCE_FIELDS}
    if table == "business":
        clean, problems = validate_business(plain)
        errors.update(problems)
        clean = {field: _typed(columns[field], value, errors, field) for field, value in clean.items()}
    else:
        clean = {field: _typed(columns[field], value, errors, field) for field, value in plain.items()}
    return clean | references, errors


def _typed(column: Column[Any], value: Any, errors: dict[str, str], field: str) -> Any:
    """The value as the column holds it, or None with a reason in `errors`."""
    kind = column.type
    try:
        if value is None or value == "" and not isinstance(kind, AutoString):
            if not column.nullable and not isinstance(kind, AutoString | Boolean):
                raise ValueError("不能为空")
            return None if column.nullable else ("" if isinstance(kind, AutoString) else False)
        if isinstance(kind, UTCDateTime):
            return value if isinstance(value, datetime) else _datetime(str(value))
        if isinstance(kind, Date):
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        if isinstance(kind, Boolean):
            if isinstance(value, bool):
                return value
            raise ValueError("应为 是 或 否")
        if isinstance(kind, Integer | BigInteger):
            if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
                raise ValueError("应为整数")
            return int(value)
        text = str(value)
        length = getattr(kind, "length", None)
        if length is not None and len(text) > length:
            raise ValueError(f"超过 {length} 个字（现有 {len(text)} 个）")
        return text
    except ValueError as problem:
        reason = str(problem)
        errors[field] = reason if reason in ("不能为空", "应为 是 或 否", "应为整数") or "超过" in reason else (
            "日期或时间无法识别，应写成 2026-12-06 或 2026-12-06T14:30:00"
        )
        return None


def _datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_json(value: Any) -> str:
    """A value kept for a person's decision: JSON, with dates and times as ISO text (read back by
    convert_values)."""
    return json.dumps(value.isoformat() if isinstance(value, date | datetime) else value, ensure_ascii=False)


def from_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def shown(value: Any) -> str:
    """A value as a person reads it in the review screen and the dry run."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
