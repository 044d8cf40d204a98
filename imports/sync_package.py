"""The package reader's public face for the office's apply step (issue 19): `read_return_package(path)` reads a
回传包 written by `workbench sync back`; `read_edited_field_package(path)` reads a 外业包 edited by hand in Excel
or WPS, as changes against its base values (with `problems`). Both raise PackageRefused (a ValueError and a
WorkbenchError) with one Chinese sentence naming the file."""

from __future__ import annotations

from imports.sync_back import read_return_package
from imports.sync_hand import read_edited_field_package
from imports.sync_read import PackageRefused

__all__ = ["PackageRefused", "read_edited_field_package", "read_return_package"]
