"""Tables of the Excel import: one record per import run (who, when, file, mode, counts).

Feature tables live in their own modules; storage.tables imports them all so that one import
puts every table on SQLModel.metadata (Alembic, db copy and db check rely on that).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from storage.tables import Travelling


class ImportRecord(Travelling, table=True):
    """One committed import of a registration list: the file (name and sha256), who, when, the counts.

    The sha256 is how a second import of the same file is recognised and reported (已导入过).
    """

    __tablename__ = "import_record"
    __table_args__ = (Index("ix_import_record_office_sha256", "office_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    sheet: str = Field(default="", max_length=100)
    kind: str = Field(
        default="register", max_length=16, sa_column_kwargs={"server_default": "register"},
        description="domain.labels.ImportKind: which list the file was",
    )
    mode: str = Field(max_length=20, description="insert_only / update_only / insert_and_update")
    who: str = Field(default="", max_length=64)
    imported_at: datetime
    rows_read: int = Field(default=0)
    inserted: int = Field(default=0)
    updated: int = Field(default=0)
    unchanged: int = Field(default=0)
    skipped: int = Field(default=0)
    invalid: int = Field(default=0)
    duplicates: int = Field(default=0)
    milliseconds: int = Field(default=0, description="how long the commit took")
