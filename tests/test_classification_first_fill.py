"""An office's first classification (workbench/services/classification_first_fill.py): the same rows as the
reference on both engines; on PostgreSQL the indexes and foreign keys dropped for the load come back
exactly, a failure half-way leaves the database as it was, and a session holding a lock makes the load
keep its indexes rather than wait."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session
from test_classification_fast_path import TODAY, both, rules_with

from storage.audit import Actor
from workbench.services import classification_first_fill, classification_pipeline, classification_recompute
from workbench.services.classification_recompute import recompute
from workbench.services.classification_writes import ChunkWriter
from workbench.services.demo import build_demo


@pytest.fixture
def demo(engine: Engine) -> Actor:
    build_demo(engine, size=600, seed=5, today=TODAY, workers=0)
    with engine.connect() as connection:
        office_id = connection.execute(text("SELECT min(office_id) FROM business")).scalar_one()
    return Actor(who="王芳", device="测试终端", office_id=office_id)


def schema_of(engine: Engine) -> dict[str, Any]:
    """The classification tables' indexes and constraints as PostgreSQL shows them (SQLite: its schema)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE tbl_name LIKE 'classification_%' ORDER BY name")
            )
            return {"sqlite": sorted(map(tuple, rows))}
        indexes = connection.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'classification_%'")
        )
        constraints = connection.execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
                "FROM pg_constraint WHERE conrelid::regclass::text LIKE 'classification_%'"
            )
        )
        return {"indexes": sorted(map(tuple, indexes)), "constraints": sorted(map(tuple, constraints))}


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        return (
            connection.execute(text("SELECT count(*) FROM classification_result")).scalar_one(),
            connection.execute(text("SELECT count(*) FROM classification_history")).scalar_one(),
            connection.execute(
                text("SELECT count(*) FROM change_log WHERE entity IN ('classification', 'classification_run')")
            ).scalar_one(),
        )


def spy_on_start(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What FirstFill.start answered (True: indexes and foreign keys dropped), call by call."""
    answers: list[bool] = []
    real = classification_first_fill.FirstFill.start

    def start(self: classification_first_fill.FirstFill) -> bool:
        answers.append(real(self))
        return answers[-1]

    monkeypatch.setattr(classification_first_fill.FirstFill, "start", start)
    return answers


def test_a_first_classification_is_the_reference_and_the_schema_comes_back(
    engine: Engine, demo: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = rules_with(tmp_path)
    before = schema_of(engine)
    answers = spy_on_start(monkeypatch)
    monkeypatch.setattr(classification_recompute, "CHUNK", 80)
    monkeypatch.setattr(classification_pipeline, "IN_PROCESS_CHUNKS", 2)
    both(engine, demo, rules, workers=1)
    assert answers == ([True] if engine.dialect.name == "postgresql" else [])
    with Session(engine) as session:
        report = recompute(session, actor=demo, rules=rules, today=TODAY, workers=0)
        session.commit()
    assert report.created == counts(engine)[0] == counts(engine)[1] == counts(engine)[2] - 1 > 0
    assert schema_of(engine) == before
    with Session(engine) as session:  # a second run finds every result and writes nothing
        again = recompute(session, actor=demo, rules=rules, today=TODAY, workers=0)
        session.commit()
    assert again.unchanged == report.created and again.created == again.updated == 0


def test_a_failure_half_way_leaves_the_database_as_it_was(
    engine: Engine, demo: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = rules_with(tmp_path)
    before = schema_of(engine)
    monkeypatch.setattr(classification_recompute, "CHUNK", 100)
    written: list[int] = []
    real_write = ChunkWriter.write

    def write(self: ChunkWriter, decided: Any) -> None:
        if len(written) == 3:
            raise RuntimeError("断电")
        written.append(decided.businesses)
        real_write(self, decided)

    monkeypatch.setattr(ChunkWriter, "write", write)
    with Session(engine) as session, pytest.raises(RuntimeError):
        recompute(session, actor=demo, rules=rules, today=TODAY, workers=0)
    assert written == [100, 100, 100]
    assert counts(engine) == (0, 0, 0)
    assert schema_of(engine) == before
    monkeypatch.setattr(ChunkWriter, "write", real_write)
    with Session(engine) as session:  # and the next run loads it all
        report = recompute(session, actor=demo, rules=rules, today=TODAY, workers=0)
        session.commit()
    assert counts(engine) == (report.created, report.created, report.created + 1)
    assert schema_of(engine) == before


def test_a_failure_while_the_indexes_are_rebuilt_leaves_the_database_as_it_was(
    pg_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last step can fail too (here: the change log's texts): the dropped indexes stay in place."""
    build_demo(pg_engine, size=200, seed=3, today=TODAY, workers=0)
    with pg_engine.connect() as connection:
        office_id = connection.execute(text("SELECT min(office_id) FROM business")).scalar_one()
    actor = Actor(who="王芳", device="测试终端", office_id=office_id)
    before = schema_of(pg_engine)
    answers = spy_on_start(monkeypatch)
    monkeypatch.setattr(classification_first_fill, "_LOG", "SELECT 1 / 0")
    with Session(pg_engine) as session, pytest.raises(Exception, match="division by zero"):
        recompute(session, actor=actor, rules=rules_with(tmp_path), today=TODAY, workers=0)
    assert answers == [True]
    assert counts(pg_engine) == (0, 0, 0)
    assert schema_of(pg_engine) == before


def test_a_session_holding_the_business_table_keeps_the_indexes_and_the_rows_are_the_same(
    pg_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An officer's open transaction on business: the load does not wait for it (nor make everyone else
    wait behind its lock request); it keeps indexes and foreign keys and writes the same rows."""
    build_demo(pg_engine, size=300, seed=4, today=TODAY, workers=0)
    with pg_engine.connect() as connection:
        office_id = connection.execute(text("SELECT min(office_id) FROM business")).scalar_one()
    actor = Actor(who="王芳", device="测试终端", office_id=office_id)
    before = schema_of(pg_engine)
    answers = spy_on_start(monkeypatch)
    monkeypatch.setattr(classification_first_fill, "LOCK_WAIT", "200ms")
    holding, release = threading.Event(), threading.Event()

    def officer() -> None:
        with pg_engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM business"))  # AccessShare until the rollback
            holding.set()
            release.wait()
            connection.rollback()

    thread = threading.Thread(target=officer)
    thread.start()
    try:
        assert holding.wait(30)
        both(pg_engine, actor, rules_with(tmp_path), workers=0)
    finally:
        release.set()
        thread.join()
    assert answers == [False]
    assert schema_of(pg_engine) == before


def test_an_office_with_results_is_not_a_first_fill(
    engine: Engine, demo: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = rules_with(tmp_path)
    with engine.connect() as connection:
        some = list(connection.execute(text("SELECT id FROM business ORDER BY id LIMIT 3")).scalars())
    with Session(engine) as session:
        report = recompute(session, actor=demo, rules=rules, today=TODAY, workers=0, business_ids=some)
        session.commit()
    assert report.created == 3
    answers = spy_on_start(monkeypatch)
    both(engine, demo, rules, workers=0)
    assert answers == []


def test_a_login_that_may_not_alter_the_tables_loads_without_dropping_anything(
    pg_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An office server whose workbench login may write rows but does not own the tables: no DROP INDEX,
    the same rows as the reference."""
    from storage.engine import make_engine

    build_demo(pg_engine, size=200, seed=6, today=TODAY, workers=0)
    with pg_engine.begin() as connection:
        connection.execute(
            text(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wb_clerk') THEN "
                "CREATE ROLE wb_clerk LOGIN; END IF; END $$"
            )
        )
        connection.execute(text("GRANT ALL ON ALL TABLES IN SCHEMA public TO wb_clerk"))
        connection.execute(text("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO wb_clerk"))
        office_id = connection.execute(text("SELECT min(office_id) FROM business")).scalar_one()
    actor = Actor(who="王芳", device="测试终端", office_id=office_id)
    before = schema_of(pg_engine)
    answers = spy_on_start(monkeypatch)
    clerk = make_engine(pg_engine.url.set(username="wb_clerk").render_as_string(hide_password=False))
    try:
        both(clerk, actor, rules_with(tmp_path), workers=0)
    finally:
        clerk.dispose()
    assert answers == [False]
    assert schema_of(pg_engine) == before
