"""Migrations: bring any database to the code's schema, backing SQLite up first when it is older.

Alembic is imported only to upgrade: a database already at SCHEMA_HEAD (every launch but the first after
an update) is recognised with one SELECT, so opening the workbench does not load Alembic.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in storage/migrations/versions; tests/test_migrations.py checks it against Alembic's.
SCHEMA_HEAD = "0024"
# Alembic's defaults (env.py sets neither version_table nor version_table_schema).
VERSION_TABLE = "alembic_version"


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    return config


def alembic_head_revision() -> str:
    """The head as Alembic reads it from the migration scripts (what SCHEMA_HEAD must equal)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def head_revision() -> str:
    return SCHEMA_HEAD


def revision_of(connection: Connection) -> str | None:
    """The database's revision, None when it has no version table or no row (Alembic's answer, without Alembic)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(versions) > 1:
        raise RuntimeError(f"{VERSION_TABLE} holds more than one revision: {', '.join(versions)}")
    return versions[0] if versions else None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return revision_of(connection)


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run Alembic to `revision` on this engine's database."""
    from alembic import command

    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _refuse_foreign_database(engine: Engine) -> None:
    """A database with tables but no Workbench revision belongs to some other program: never write into it."""
    from storage.connection_errors import DatabaseUnavailable

    with engine.connect() as connection:
        tables = [name for name in inspect(connection).get_table_names() if name != VERSION_TABLE]
    if tables:
        where = engine.url.database if engine.url.get_backend_name() == "sqlite" else engine.url.render_as_string(
            hide_password=True
        )
        raise DatabaseUnavailable(
            f"「{where}」里已有别的程序的数据表（如 {tables[0]}），不是工作台的数据库：请换一个空库或新文件。"
        )


def _refuse_newer_database(revision: str) -> None:
    """A database a newer Workbench has upgraded: this program knows none of its newer tables, so it must not
    write into it (Alembic would fail with a traceback: it cannot find the revision)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from storage.connection_errors import DatabaseUnavailable

    try:
        ScriptDirectory.from_config(_alembic_config()).get_revision(revision)
    except CommandError:
        raise DatabaseUnavailable(
            f"这个数据库已由更新版本的工作台升级过（数据库版本 {revision}，本程序只到 {SCHEMA_HEAD}）：请先把工作台升级到最新版本再打开它。"
        ) from None


def ensure_current(engine: Engine, backup_dir: Path | None) -> UpgradeResult:
    """Upgrade an older database, taking a timestamped backup first when it holds a schema.

    SQLite is always backed up (the online backup API); PostgreSQL when pg_dump is installed,
    since a shared server usually has its own backups run by whoever hosts it.
    """
    from storage.backup import backup_database, find_pg_dump
    from storage.engine import is_sqlite

    before = current_revision(engine)
    head = SCHEMA_HEAD
    if before == head:
        return UpgradeResult(before, head, None)
    if before is None:
        _refuse_foreign_database(engine)
    else:
        _refuse_newer_database(before)
    can_back_up = is_sqlite(engine) or find_pg_dump() is not None
    backup = (
        backup_database(engine, backup_dir) if before is not None and backup_dir and can_back_up else None
    )
    upgrade(engine)
    return UpgradeResult(before, head, backup)
