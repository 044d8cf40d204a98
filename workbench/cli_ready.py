"""The one way every command gets its database: engine, upgraded (backed up first), reference data seeded."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from storage.connection_errors import DatabaseUnavailable, explain_database_error
from storage.engine import make_engine
from storage.schema import UpgradeResult, ensure_current
from workbench import locations
from workbench.services.reference_seed import seed_reference


def ready_engine(url: str, *, create: bool = False) -> tuple[Engine, UpgradeResult]:
    """An engine on url whose schema is current and whose reference tables are filled.

    Only the commands that make a database (init, demo) pass create=True; any other command on a missing
    SQLite file, an unreachable server or a file that is not a Workbench database raises DatabaseUnavailable
    with one Chinese sentence, which workbench.cli.main prints instead of a traceback.
    """
    engine = make_engine(url, create=create)
    try:
        result = ensure_current(engine, locations.backup_dir())
        with engine.begin() as connection:
            seed_reference(connection)
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
