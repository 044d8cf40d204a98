"""Import records: each committed import remembered with its file's sha256, so a repeat is recognised."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from storage.tables_imports import ImportRecord


def previous_import(connection: Connection, office_id: int, sha256: str) -> ImportRecord | None:
    """The latest import of the same file into this office, detached from any session, or None."""
    with Session(bind=connection) as session:
        record = session.exec(
            select(ImportRecord)
            .where(
                col(ImportRecord.office_id) == office_id,
                col(ImportRecord.sha256) == sha256,
                col(ImportRecord.deleted_at).is_(None),
            )
            .order_by(col(ImportRecord.imported_at).desc(), col(ImportRecord.id).desc())
        ).first()
        if record is not None:
            session.expunge(record)
        return record

