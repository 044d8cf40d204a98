"""Tables of field sync at the office (issue 19): which return packages were applied, and what waits for a person.

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from storage.tables import Travelling


class SyncPackageApplied(Travelling, table=True):
    """One return package (回传包) applied at the office: its id makes a second import change nothing."""

    __tablename__ = "sync_package_applied"
    __table_args__ = (Index("ux_sync_package_applied_office_package", "office_id", "package_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    package_id: str = Field(max_length=36)
    officer: str = Field(default="", max_length=64, description="the laptop's officer")
    source_device: str = Field(default="", max_length=64, description="the laptop that wrote the package")
    created_at: str = Field(default="", max_length=32, description="the package's ISO time, as written")
    applied_at: datetime
    applied_by: str = Field(default="", max_length=64)
    rows: int = Field(default=0)
    inserted: int = Field(default=0)
    updated: int = Field(default=0, description="applied directly or merged field by field")
    unchanged: int = Field(default=0)
    deleted: int = Field(default=0)
    conflicts: int = Field(default=0, description="fields left for a person")
    merge_offers: int = Field(default=0, description="new businesses that look like one already registered")


class SyncConflict(Travelling, table=True):
    """What a return package could not decide alone: a field changed on both sides to different values
    (kind "field": the office value stays until a person decides), or a new business that looks like one
    already registered (kind "merge": nothing inserted until a person decides)."""

    __tablename__ = "sync_conflict"
    __table_args__ = (
        Index("ix_sync_conflict_office_status", "office_id", "status"),
        Index("ix_sync_conflict_business", "business_uuid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    package_id: str = Field(max_length=36)
    kind: str = Field(default="field", max_length=8, description="field / merge")
    entity: str = Field(max_length=32, description="the table of the row")
    entity_uuid: str = Field(max_length=36, description="the row (merge: the laptop's new business)")
    business_uuid: str = Field(default="", max_length=36, description="the business it concerns (merge: the match)")
    field: str = Field(default="", max_length=64)
    base_value: str | None = Field(default=None, description="the value both sides started from")
    office_value: str | None = Field(default=None)
    office_by: str = Field(default="", max_length=64)
    office_at: datetime | None = Field(default=None)
    laptop_value: str | None = Field(default=None, description="merge: the laptop's row as JSON")
    laptop_by: str = Field(default="", max_length=64)
    laptop_at: str = Field(default="", max_length=32, description="ISO time, as the package wrote it")
    status: str = Field(default="open", max_length=8, description="open / resolved")
    decision: str = Field(default="", max_length=16, description="office / laptop / both / merge / separate")
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime | None = Field(default=None)
