"""Import records: each committed import remembered with its file's sha256, so a repeat is recognised."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from storage.tables_imports import ImportRecord


def previous_import(connection: Connection, office_id: int, sha256: str) -> ImportRecord | None:
    """The latest import of the same file into this office that wrote something (else the latest), detached
    from any session, or None: a third run names the import that did the work, not the repeat that did not."""
    with Session(bind=connection) as session:
        records = session.exec(
            select(ImportRecord)
            .where(
                col(ImportRecord.office_id) == office_id,
                col(ImportRecord.sha256) == sha256,
                col(ImportRecord.deleted_at).is_(None),
            )
            .order_by(col(ImportRecord.imported_at).desc(), col(ImportRecord.id).desc())
        ).all()
        record = next((each for each in records if each.inserted or each.updated), records[0] if records else None)
        if record is not None:
            session.expunge(record)
        return record

