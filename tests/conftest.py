"""Fixtures shared by every test: databases on both engines, and a tester's own files kept out.

`engine_url` (and `engine`, `session` built on it) runs a test once on SQLite and once on PostgreSQL.
Both start from a template migrated once per session: SQLite copies a file, PostgreSQL copies a
database (CREATE DATABASE ... TEMPLATE), so a fresh database costs milliseconds, not a migration.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pg_server as pg
import psycopg
import pytest
from hypothesis import HealthCheck, settings
from pg_server import PgServer
from sqlalchemy import Engine, text
from sqlmodel import Session

from storage.engine import make_engine
from storage.schema import upgrade

PG_TEMPLATE = "wb_template"
PG_FIXTURES = {"pg_server", "pg_admin", "pg_template", "pg_url", "pg_engine"}
KEPT_ENV = {"WORKBENCH_TEST_PG_URL", "WORKBENCH_REQUIRE_PG"}
_database_numbers = itertools.count(1)

# Property tests check behaviour, not speed: a loaded CI machine must not fail them on time.
settings.register_profile("workbench", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("workbench")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that ask for a PostgreSQL fixture by name carry the `pg` marker, so `-m "not pg"` works."""
    for item in items:
        if PG_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pg)


@pytest.fixture(autouse=True)
def _keep_tester_files_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs (and anything else) sees an empty home; the tester's WORKBENCH_DB is not used."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for name, folder in [
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ]:
        monkeypatch.setenv(name, str(home / folder))
    for name in list(os.environ):
        if name.startswith("WORKBENCH_") and name not in KEPT_ENV:
            monkeypatch.delenv(name)


# SQLite


@pytest.fixture
def wenzhou_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in the office's zone (UTC+8) whatever the machine's is: a UTC time left unconverted shows."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite file, checkpointed so that the file alone is the whole database."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(str(path))
    try:
        upgrade(engine)
        with engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated, empty SQLite database file in tmp_path."""
    path = tmp_path / "workbench.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """SQLite only, for tests (the TUI's) that don't need both engines."""
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


# PostgreSQL


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """WORKBENCH_TEST_PG_URL's server, or a throw-away one; skips (or fails in CI) without binaries."""
    if url := os.environ.get("WORKBENCH_TEST_PG_URL"):
        yield PgServer.from_url(url)
        return
    try:
        server = pg.start_server()
    except pg.PostgresUnavailable as error:
        if pg.pg_required():
            pytest.fail(f"PostgreSQL is required here (CI / WORKBENCH_REQUIRE_PG=1): {error}", pytrace=False)
        pytest.skip(str(error))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_admin(pg_server: PgServer) -> Iterator[psycopg.Connection]:
    """An autocommit connection for CREATE / DROP DATABASE."""
    with pg_server.connect() as connection:
        yield connection


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer, pg_admin: psycopg.Connection) -> Iterator[str]:
    """The migrated, empty template database, made once per session."""
    pg.create_database(pg_admin, PG_TEMPLATE)
    with pg_server.connect(PG_TEMPLATE) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        pg.check_database(connection)
    engine = make_engine(pg_server.url(PG_TEMPLATE))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    yield PG_TEMPLATE
    pg.drop_database(pg_admin, PG_TEMPLATE)


@pytest.fixture
def pg_url(pg_server: PgServer, pg_admin: psycopg.Connection, pg_template: str) -> Iterator[str]:
    """A fresh, migrated, empty PostgreSQL database copied from the template; dropped after the test."""
    name = f"wb_{next(_database_numbers)}"
    pg.create_database(pg_admin, name, template=pg_template)
    yield pg_server.url(name)
    pg.drop_database(pg_admin, name)


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    """PostgreSQL only, for what SQLite cannot show (pg_trgm, concurrent sessions)."""
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


# Both engines


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="pg", marks=pytest.mark.pg),
    ]
)
def engine_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated, empty database URL: the test runs once per engine."""
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
def engine(engine_url: str) -> Iterator[Engine]:
    engine = make_engine(engine_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
