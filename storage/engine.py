"""The engine factory: nothing is created at import time; callers inject the URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.connection_errors import DatabaseUnavailable, sqlite_path_problem

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Accept a plain file path or postgresql:// and give SQLAlchemy the driver we ship (psycopg 3)."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, echo: bool = False, create: bool = True) -> Engine:
    """Build an engine for SQLite (WAL, foreign keys on) or PostgreSQL.

    create=False refuses a SQLite file that does not exist yet (everyday commands must not make an empty
    database where a path was mistyped); create=True makes its folder. DatabaseUnavailable says why in Chinese.
    """
    url = normalise_url(url)
    _refuse_unsupported(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            problem = sqlite_path_problem(Path(database), create=create)
            if problem:
                raise DatabaseUnavailable(problem)
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # connect_timeout: a firewalled server should give an error in seconds, not hang the terminal.
    engine = create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    event.listen(engine, "connect", _postgresql_settings)
    return engine


def _refuse_unsupported(url: str) -> None:
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = ""
    if backend not in SUPPORTED_BACKENDS:
        scheme = url.split("://", 1)[0] if "://" in url else url
        raise DatabaseUnavailable(
            f"不支持这种数据库地址「{scheme}://…」：请写 SQLite 文件路径，或 postgresql://用户:密码@服务器/库名。"
        )


def _postgresql_settings(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """jit off for the session. PostgreSQL compiles a statement to machine code (LLVM) when the planner's
    cost estimate passes jit_above_cost, and its estimates for the list's trigram branches (40,000 rows a
    pattern, as the GIN statistics cannot say better) pass it though the statement reads a few hundred rows:
    a code-end page at 1,000,000 businesses spent ~37 of its 39 ms compiling (EXPLAIN ANALYZE "JIT: …",
    7 of 40 code ends, one phone). The report found the same for its queries (report_transaction), and the
    first classification's INSERT … SELECT of a million rows ran no faster with it. Plain SET, so it holds
    for the pooled connection's life (a rollback does not undo it)."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    finally:
        dbapi_connection.autocommit = autocommit


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
