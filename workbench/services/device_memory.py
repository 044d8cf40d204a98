"""Which office and officer last worked on each database, per device (a small JSON file).

Its own module, beside workbench.services.office which re-exports it: the launch reads it before the data
layer is imported (issue 17: the last to-do is painted from a summary; workbench/cli_tui.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.services.file_output import write_file


class DeviceMemory:
    """Remembers, per device and database, which office and officer last worked here (a small JSON file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            return {}

    def officer_uuid(self, database_key: str) -> str | None:
        return self._load().get(database_key, {}).get("officer_uuid")

    def remember_officer(self, database_key: str, officer_uuid: str) -> None:
        memory = self._load()
        memory.setdefault(database_key, {})["officer_uuid"] = officer_uuid
        body = json.dumps(memory, ensure_ascii=False, indent=1)
        # Whole or not at all: a full disk midway must not leave a truncated device.json behind.
        write_file(self.path, lambda partial: partial.write_text(body, encoding="utf-8"))
