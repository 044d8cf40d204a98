"""Migrations: bring any database to the code's schema, backing SQLite up first when it is older."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run Alembic to `revision` on this engine's database."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_current(engine: Engine, backup_dir: Path | None) -> UpgradeResult:
    """Upgrade an older database, taking a timestamped backup first when it holds a schema.

    SQLite is always backed up (the online backup API); PostgreSQL when pg_dump is installed,
    since a shared server usually has its own backups run by whoever hosts it.
    """
    from storage.backup import backup_database, find_pg_dump
    from storage.engine import is_sqlite

    before = current_revision(engine)
    head = head_revision()
    if before == head:
        return UpgradeResult(before, head, None)
    can_back_up = is_sqlite(engine) or find_pg_dump() is not None
    backup = (
        backup_database(engine, backup_dir) if before is not None and backup_dir and can_back_up else None
    )
    upgrade(engine)
    return UpgradeResult(before, head, backup)
