"""The one way every command gets its database: engine, upgraded (backed up first)."""

from __future__ import annotations

from sqlalchemy import Engine

from storage.engine import make_engine
from storage.schema import UpgradeResult, ensure_current
from workbench import locations


def ready_engine(url: str) -> tuple[Engine, UpgradeResult]:
    """An engine on url whose schema is current."""
    engine = make_engine(url)
    result = ensure_current(engine, locations.backup_dir())
    return engine, result
