"""The package reader's public face for the office's apply step (issue 19): `read_return_package(path)` reads a
回传包 written by `workbench sync back`; `read_edited_field_package(path)` reads a 外业包 edited by hand in Excel
or WPS, as changes against its base values (with `problems`); `read_sync_package(path)` reads either, by what
its manifest says. All raise PackageRefused (a ValueError and a WorkbenchError) with one Chinese sentence
naming the file."""

from __future__ import annotations

from pathlib import Path

from imports.sync_back import read_return_package
from imports.sync_hand import HAND_DEVICE, read_edited_field_package
from imports.sync_read import PackageRefused, package_kind
from workbench.domain.sync_model import ReturnPackage

__all__ = [
    "HAND_DEVICE", "PackageRefused", "package_kind", "read_edited_field_package", "read_return_package",
    "read_sync_package",
]


def read_sync_package(path: str | Path, password: str | None = None) -> ReturnPackage:
    """A return package, or a field package edited by hand read as one (device 手工编辑)."""
    if package_kind(path, password) == "field":
        return read_edited_field_package(path, password)
    return read_return_package(path, password)
