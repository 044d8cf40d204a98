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


def device_id_path() -> Path:
    return config_dir() / "device_id"


def device_id() -> str:
    """This machine in a sync package's manifest: its host name and an id made once and kept in the config
    folder (two laptops both called DESKTOP-1 still differ; a renamed laptop keeps its id)."""
    import uuid

    path = device_id_path()
    try:
        stable = path.read_text(encoding="utf-8").strip()
    except OSError:
        stable = ""
    if not stable:
        stable = uuid.uuid4().hex[:12]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(stable + "\n", encoding="utf-8")
        except OSError:
            pass  # a read-only config folder: the id is this run's only; the host name still says which machine
    host = platform.node() or "本机"
    return f"{host[:48]}·{stable[:12]}"


def database_url(explicit: str | None) -> str:
    """--db, else WORKBENCH_DB, else the SQLite file in the user data folder."""
    return explicit or os.environ.get("WORKBENCH_DB") or str(default_database_path())
