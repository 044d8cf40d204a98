"""How the commands get their database: ready_engine upgrades it (backed up first) for every command that
works on an office's data; open_engine opens it as it is for `db backup` and `db copy`, which must not
change what they back up or copy. `db check` opens it with storage.engine.make_engine (a missing file is
named, not created), and `demo` upgrades the demo database it builds without a backup.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from storage.connection_errors import DatabaseUnavailable, explain_database_error
from storage.engine import make_engine
from storage.schema import UpgradeResult, ensure_current
from workbench import locations


def ready_engine(url: str, *, create: bool = False) -> tuple[Engine, UpgradeResult]:
    """An engine on url whose schema is current.

    Only the commands that make a database (init, demo) pass create=True; any other command on a missing
    SQLite file, an unreachable server or a file that is not a Workbench database raises DatabaseUnavailable
    with one Chinese sentence, which workbench.cli.main prints instead of a traceback.
    """
    engine = make_engine(url, create=create)
    try:
        result = ensure_current(engine, locations.backup_dir())
    except DBAPIError as error:
        engine.dispose()
        raise DatabaseUnavailable(explain_database_error(error, engine.url)) from error
    except DatabaseUnavailable:
        engine.dispose()
        raise
    return engine, result


def open_engine(url: str, *, create: bool = False) -> Engine:
    """An engine on url for commands that work on the database as it is (backup, check, copy)."""
    engine = make_engine(url, create=create)
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        engine.dispose()
        raise DatabaseUnavailable(explain_database_error(error, engine.url)) from error
    return engine
