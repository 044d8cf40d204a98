"""Backups: SQLite's online backup API (consistent while others read), pg_dump for PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from storage.engine import is_sqlite


class BackupError(RuntimeError):
    """A backup could not be made; the message is for the user, in Chinese."""


def backup_database(engine: Engine, backup_dir: Path) -> Path:
    """Write a timestamped copy of the database into backup_dir and return its path."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    if is_sqlite(engine):
        target = backup_dir / f"workbench-{stamp}.db"
        _sqlite_backup(str(engine.url.database), target)
        return target
    target = backup_dir / f"workbench-{stamp}.dump"
    _pg_dump(engine, target)
    return target


def _sqlite_backup(source_path: str, target: Path) -> None:
    source = sqlite3.connect(source_path)
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.close()
    finally:
        source.close()


def _pg_dump(engine: Engine, target: Path) -> None:
    pg_dump = find_pg_dump()
    if pg_dump is None:
        raise BackupError(
            "未找到 pg_dump：请安装 PostgreSQL 客户端工具（postgresql-client）后再备份，或由数据库管理员在服务器上备份。"
        )
    url = engine.url.set(drivername="postgresql", password=None)
    # The password goes through the environment: a command line is visible to every user of the machine.
    environment = {**os.environ, **({"PGPASSWORD": str(engine.url.password)} if engine.url.password else {})}
    result = subprocess.run(
        [str(pg_dump), "--format=custom", f"--file={target}", url.render_as_string(hide_password=False)],
        capture_output=True,
        text=True,
        env=environment,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump 备份失败：{result.stderr.strip()}")


def find_pg_dump() -> Path | None:
    """pg_dump on PATH, else the newest one a server or client package put in its versioned folder."""
    found = shutil.which("pg_dump")
    if found:
        return Path(found)
    candidates = [
        *Path("/usr/lib/postgresql").glob("*/bin/pg_dump"),
        *Path("/usr").glob("pgsql-*/bin/pg_dump"),
        *Path("C:/Program Files/PostgreSQL").glob("*/bin/pg_dump.exe"),
    ]
    candidates.sort(key=_major_version)
    return candidates[-1] if candidates else None


def _major_version(path: Path) -> int:
    digits = re.findall(r"\d+", path.parent.parent.name)
    return int(digits[0]) if digits else 0
