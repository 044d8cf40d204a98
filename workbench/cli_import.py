"""`workbench import`: read a registration list, dry run, commit (issue 3)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
