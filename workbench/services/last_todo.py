"""The last to-do an officer saw on this device, kept small so the next launch can paint it at once (issue 17).

`workbench` opens on 今日待办, which needs the whole data layer (SQLAlchemy, the table models, the services:
about half a second at start) before it can read anything. The launch instead paints the to-do the officer
saw last, from this summary, marked as the last one (「上次的待办（12-06 17:32），正在更新……」), while the
data layer is imported and the fresh to-do read behind it; the fresh one replaces it in place and only then
do the keys typed meanwhile go on (workbench/cli_tui.py, screens/last_todo_screen.py).

The summary holds no more than the to-do shows: its title (whose, the counts, the 未分派 note) and its lines
(due date, kind, text). It is written after every read of the officer's own to-do, whole or not at all, one
file per database (by a hash of how it was named at launch) in the device's folder beside device.json. It is
used only when it answers the question the launch would ask: the same database, the officer this device
remembers for it, today, the same service settings (service.toml, holidays.toml unchanged) and the same
schema files. Anything else, or a file that cannot be read, is no summary: the launch goes the usual way.

This module imports neither SQLAlchemy nor Textual: the launch reads it before either is imported.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import storage
from workbench.services.device_memory import DeviceMemory
from workbench.services.file_output import write_file

FOLDER = "last-todo"
FORMAT = 1
"""The summary's own layout; a file of another layout is no summary."""
SETTINGS_FILES = ("service.toml", "holidays.toml")
"""The office's files a to-do depends on (workbench.services.service_common.load_settings)."""
MAX_LINES = 100
"""The lines kept: more than a screen shows before the fresh to-do replaces them (the counts are kept whole)."""
URGENCIES = (("overdue", "已逾期"), ("today", "今天"), ("week", "本周"), ("soon", "即将到期"))
"""The to-do's groups in order with their names (workbench.services.reminders.URGENCY_LABELS, whose test
checks these are the same: that module imports the data layer)."""


@dataclass(frozen=True)
class LastTodoLine:
    """One item as the to-do showed it."""

    urgency: str
    due: str
    kind_label: str
    text: str


@dataclass(frozen=True)
class LastTodo:
    """The to-do as it was shown, and the question it answered (see the module docstring)."""

    database_key: str
    officer_uuid: str
    whose: str
    """The title's name (the officer's)."""
    sub_title: str
    """The header's 使用人：王芳（五马所）."""
    day: str
    saved_at: str
    """When it was read, as the mark shows it: 12-06 17:32."""
    unassigned: str
    """The title's 未分派 note ('' if none)."""
    totals: str
    """How many items of each urgency, in URGENCIES' order: "3,1,0,12"."""
    lines: tuple[LastTodoLine, ...]
    """The first MAX_LINES items, in the to-do's order."""
    settings: str = ""
    schema: str = ""

    def counts(self) -> list[tuple[str, str, int]]:
        """(urgency, its name, how many) in the to-do's order."""
        totals = [int(total) for total in self.totals.split(",")]
        if len(totals) != len(URGENCIES) or min(totals) < 0:
            raise ValueError("not a summary's totals")
        return [(urgency, label, total) for (urgency, label), total in zip(URGENCIES, totals, strict=True)]


def database_file_name(launch_url: str) -> str:
    """The summary's file for a database as the launch names it (the URL may hold a password: only a hash)."""
    return hashlib.sha256(launch_url.encode("utf-8", "surrogatepass")).hexdigest()[:24] + ".json"


def settings_stamp(config_folder: Path) -> str:
    """What the to-do's settings files are now: name, size and modification time of each one there."""
    parts = []
    for name in SETTINGS_FILES:
        try:
            found = (config_folder / name).stat()
        except OSError:
            parts.append(f"{name}:-")
            continue
        parts.append(f"{name}:{found.st_size}:{found.st_mtime_ns}")
    return ";".join(parts)


def schema_stamp() -> str:
    """The program's migrations (their file names): a newer program, perhaps with a database to upgrade,
    does not paint a summary written by an older one."""
    versions = Path(next(iter(storage.__path__))) / "migrations" / "versions"
    try:
        names = sorted(name for name in os.listdir(versions) if name.endswith(".py"))
    except OSError:
        return ""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


class LastTodoStore:
    """The summary of one database's last to-do on this device (folder: the device's, beside device.json)."""

    def __init__(self, folder: Path, launch_url: str, config_folder: Path) -> None:
        self.path = folder / FOLDER / database_file_name(launch_url)
        self.config_folder = config_folder

    def save(self, summary: LastTodo) -> None:
        """Written whole or not at all; a failure (a full disk) is ignored: the next launch reads as before."""
        stamped = {**asdict(summary), "settings": settings_stamp(self.config_folder), "schema": schema_stamp()}
        body = json.dumps({"format": FORMAT, **stamped}, ensure_ascii=False, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_file(self.path, lambda partial: partial.write_text(body, encoding="utf-8"))
        except Exception:  # noqa: BLE001 - a summary not saved costs the next launch its head start, nothing more
            pass

    def read(self) -> LastTodo | None:
        """The summary as saved, or None (none yet, unreadable, another layout)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or raw.pop("format", None) != FORMAT:
                return None
            lines = tuple(LastTodoLine(**_strings(line)) for line in raw.pop("lines"))
            summary = LastTodo(**_strings(raw), lines=lines)
            summary.counts()  # totals that can be shown
            return summary
        except Exception:  # noqa: BLE001 - a damaged or foreign file is no summary
            return None

    def usable(self, device_memory: DeviceMemory, today: date) -> LastTodo | None:
        """The summary if it answers what this launch would read (module docstring), else None."""
        summary = self.read()
        if summary is None:
            return None
        if summary.day != today.isoformat() or summary.schema != schema_stamp():
            return None
        if summary.settings != settings_stamp(self.config_folder):
            return None
        if device_memory.officer_uuid(summary.database_key) != summary.officer_uuid:
            return None
        return summary


def _strings(fields: Any) -> dict[str, str]:
    """A JSON object of text fields only (anything else makes the file no summary)."""
    if not isinstance(fields, dict) or not all(isinstance(value, str) for value in fields.values()):
        raise ValueError("not a summary")
    return fields


def summarised(template: LastTodo, lines: list[LastTodoLine]) -> LastTodo:
    """template with the to-do's lines (in its order), their totals and the time of the read."""
    totals = ",".join(str(sum(line.urgency == urgency for line in lines)) for urgency, _label in URGENCIES)
    return replace(
        template, saved_at=datetime.now().strftime("%m-%d %H:%M"), totals=totals, lines=tuple(lines[:MAX_LINES])
    )
