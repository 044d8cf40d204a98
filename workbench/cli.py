"""The `workbench` command's entry point.

A plain `workbench` (or `workbench --db X`) opens the interface at once (workbench/cli_tui.py) without
building the Typer application and importing every command's module (issue 17: launch); anything else
(a command, --help, a mistake) goes to the commands as always (workbench/cli_commands.py). Names of that
module (`app`, …) are also found here, where the tests and scripts have always looked for them.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any


def console_main() -> None:
    """The installed `workbench` command: main(), and a command ends by workbench.cli_exit.leave (the
    interface the ordinary way). Tests and scripts call main(), which ends with SystemExit as always.
    First of all, before any connection, SQLite's memory statistics are turned off for the process
    (storage.sqlite_memory_statistics: its threads no longer queue on the statistics' lock)."""
    from storage.sqlite_memory_statistics import turn_off_memory_statistics

    turn_off_memory_statistics()
    if plain_launch(sys.argv[1:]) is not None:
        main()
        return
    from workbench.cli_exit import leave

    try:
        main()
    except SystemExit as ending:
        leave(ending.code)
        raise
    leave(None)


def main() -> None:
    """Entry point: the interface, or a command."""
    database = plain_launch(sys.argv[1:])
    if database is None:
        from workbench.cli_commands import main as run_command

        run_command()
        return
    _launch(database[0])


def plain_launch(arguments: list[str]) -> tuple[str | None] | None:
    """(the --db given, or None) when the arguments only open the interface; None for anything else."""
    if any(_undecodable(argument) for argument in arguments):
        return None  # the commands' entry refuses it in Chinese
    if not arguments:
        return (None,)
    if len(arguments) == 2 and arguments[0] == "--db" and arguments[1] and not arguments[1].startswith("-"):
        return (arguments[1],)
    if len(arguments) == 1 and arguments[0].startswith("--db=") and len(arguments[0]) > len("--db="):
        return (arguments[0].removeprefix("--db="),)
    return None


def _undecodable(argument: str) -> bool:
    from workbench.domain.safe_text import has_lone_surrogate

    return has_lone_surrogate(argument)


def _launch(database: str | None) -> None:
    from workbench import locations
    from workbench.cli_tui import open_tui

    try:
        code = open_tui(locations.database_url(database))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as problem:
        from storage.connection_errors import DatabaseUnavailable
        from workbench.domain.safe_text import shown

        if not isinstance(problem, DatabaseUnavailable):
            raise
        print(shown(str(problem), multiline=True), file=sys.stderr)
        sys.exit(2)
    sys.exit(code)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):  # asked by the import system itself (`from workbench.cli import main` asks __path__)
        raise AttributeError(name)
    return getattr(import_module("workbench.cli_commands"), name)


if __name__ == "__main__":
    main()
