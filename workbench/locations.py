"""Where the database, config and backups live (platformdirs); WORKBENCH_DB overrides the database."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "workbench"


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


def backup_dir() -> Path:
    return data_dir() / "backups"


def default_database_path() -> Path:
    return data_dir() / "workbench.db"


def demo_database_path() -> Path:
    return data_dir() / "demo.db"


def device_memory_path() -> Path:
    return config_dir() / "device.json"


def device_name() -> str:
    """The name changes are attributed to; WORKBENCH_DEVICE lets a laptop call itself something clearer."""
    return os.environ.get("WORKBENCH_DEVICE") or platform.node() or "本机"


def database_url(explicit: str | None) -> str:
    """--db, else WORKBENCH_DB, else the SQLite file in the user data folder."""
    return explicit or os.environ.get("WORKBENCH_DB") or str(default_database_path())
