"""`workbench export`: write the register (filtered) to a safe Excel file (issue 3)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
