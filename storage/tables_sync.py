"""Tables of field sync (issue 19): the packages written at the office and received on a laptop, and the
laptop's base values (what each row held when its field package arrived).

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from storage.tables import Travelling


class SyncPackage(Travelling, table=True):
    """One package: a 外业包 written at the office or received on a laptop, or a 回传包 written on a laptop.

    On the laptop, change_log_mark is the base point: change-log rows with a larger id are the laptop's own
    work since this package arrived.
    """

    __tablename__ = "sync_package"
    __table_args__ = (Index("ix_sync_package_office_package", "office_id", "package_id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    package_id: str = Field(max_length=36, description="the manifest's package id")
    kind: str = Field(max_length=8, description="field (外业包) / return (回传包)")
    direction: str = Field(max_length=8, description="written (made on this machine) / received")
    file_name: str = Field(default="", max_length=255)
    officer: str = Field(default="", max_length=50, description="whose businesses the package carries")
    source_device: str = Field(default="", max_length=64, description="the machine that wrote it")
    created_at: datetime
    received_at: datetime | None = Field(default=None)
    businesses: int = Field(default=0)
    rows: int = Field(default=0)
    personal_data: bool = Field(default=False, description="ID numbers in full (a password-protected package)")
    base_package_id: str | None = Field(default=None, max_length=36, description="a return package's field package")
    change_log_mark: int | None = Field(default=None, description="laptop: change_log.id when the package arrived")


class SyncBase(SQLModel, table=True):
    """Laptop only: a row's version and values as its field package brought them (JSON of plain scalars).

    A return package is the difference between a row now and this; a refresh replaces it once the office
    has taken the laptop's change in.
    """

    __tablename__ = "sync_base"

    table_name: str = Field(primary_key=True, max_length=32)
    uuid: str = Field(primary_key=True, max_length=36)
    version: int
    package_id: str = Field(max_length=36)
    values: str = Field(default="{}", sa_type=Text)
