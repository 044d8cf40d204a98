"""How every command that works on an office's data gets its database: engine, upgraded (backed up first).

`db check`, `db backup` and `db copy` open theirs with storage.engine.make_engine as it is (they must not
change what they inspect, back up or copy), and `demo` upgrades the demo database it builds without a
backup.
"""

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
