"""Named column-mapping profiles: a confirmed mapping saved as JSON and reused for the next file alike."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from imports.columns import IGNORE, ColumnMapping, normalise_header
from workbench.services.errors import NotFound
from workbench.services.file_output import write_file

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class Profile:
    """Normalised header -> field (IGNORE for a column deliberately left out) and money units by header."""

    name: str
    columns: dict[str, str] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, name: str, mapping: ColumnMapping) -> Profile:
        profile = cls(name)
        for index, header in enumerate(mapping.headers):
            key = normalise_header(header)
            if index in mapping.fields:
                profile.columns[key] = mapping.fields[index]
                profile.units[key] = mapping.units.get(index, 1)
            elif index in mapping.ignored:
                profile.columns[key] = IGNORE
        return profile


def save_profile(directory: str | Path, name: str, mapping: ColumnMapping) -> Path:
    """Write the mapping as <directory>/<name>.json (replacing one of the same name) and return the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    profile = Profile.from_mapping(name, mapping)
    path = _path(directory, name)
    body = {"name": profile.name, "columns": profile.columns, "units": profile.units}
    text = json.dumps(body, ensure_ascii=False, indent=2)
    return write_file(path, lambda partial: partial.write_text(text, encoding="utf-8"))


def load_profile(directory: str | Path, name: str) -> Profile:
    """A saved profile by name; NotFound (in Chinese) when there is none."""
    path = _path(Path(directory), name)
    if not path.is_file():
        raise NotFound(f"没有名为「{name}」的列对应方案")
    body = json.loads(path.read_text(encoding="utf-8"))
    units = {key: int(value) for key, value in body.get("units", {}).items()}
    return Profile(body.get("name", name), dict(body.get("columns", {})), units)


def list_profiles(directory: str | Path) -> list[str]:
    """Names of the saved profiles, sorted."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(json.loads(path.read_text(encoding="utf-8")).get("name", path.stem)
                  for path in directory.glob("*.json"))


def _path(directory: Path, name: str) -> Path:
    cleaned = _UNSAFE.sub("_", name.strip()) or "_"
    return directory / f"{cleaned}.json"
