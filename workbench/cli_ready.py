"""The one way every command gets its database: engine, upgraded (backed up first), reference data seeded."""

from __future__ import annotations

from sqlalchemy import Engine

from storage.engine import make_engine
from storage.schema import UpgradeResult, ensure_current
from workbench import locations
from workbench.services.reference_seed import seed_reference


def ready_engine(url: str) -> tuple[Engine, UpgradeResult]:
    """An engine on url whose schema is current and whose reference tables are filled."""
    engine = make_engine(url)
    result = ensure_current(engine, locations.backup_dir())
    with engine.begin() as connection:
        seed_reference(connection)
    return engine, result
