"""The same schema and the same Chinese text on both engines, and each engine's own settings."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from storage.schema import current_revision, head_revision, upgrade
from storage.tables import Grid, Office

# 𠮷 lies outside the BMP (four bytes in UTF-8): it catches a utf8mb3-style truncation.
OFFICE_NAME = "温州市鹿城区市场监督管理局五马所 𠮷野家·面馆店"


def test_schema_is_migrated_to_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrade_again_changes_nothing(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == head_revision()


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_gets_an_empty_database(session: Session, attempt: int) -> None:
    assert session.exec(select(Office)).all() == []
    session.add(Office(uuid="00000000-0000-4000-8000-000000000001", code="330302", name=f"所 {attempt}"))
    session.commit()


def test_chinese_text_round_trips(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Office(code="330302001", name=OFFICE_NAME))
        session.commit()
    with Session(engine) as session:
        office = session.exec(select(Office).where(Office.name == OFFICE_NAME)).one()
    assert office.name == OFFICE_NAME


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(Grid(office_id=999, name="五马片区"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_postgresql_is_utf8(pg_engine: Engine) -> None:
    with pg_engine.connect() as connection:
        assert connection.execute(text("SHOW server_encoding")).scalar() == "UTF8"
        assert connection.execute(text("SHOW client_encoding")).scalar() == "UTF8"


def test_pg_trgm_keeps_chinese_characters(pg_engine: Engine) -> None:
    with pg_engine.connect() as connection:
        trigrams = connection.execute(text("SELECT show_trgm('面馆店')")).scalar()
        similarity = connection.execute(text("SELECT similarity('温州面馆店', '面馆店')")).scalar()
    assert trigrams
    assert similarity is not None and similarity > 0
