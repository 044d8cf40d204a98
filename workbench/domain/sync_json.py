"""A return package as JSON: the plain-data contract (sync_model) written to and read from a text file, so the
apply step can be fed without a workbook (tests, the kill -9 test's subprocess, a support engineer's replay)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from workbench.domain.sync_model import PackageManifest, ReturnPackage, RowChange


def package_to_json(package: ReturnPackage) -> str:
    return json.dumps(
        {"manifest": asdict(package.manifest), "changes": [asdict(change) for change in package.changes]},
        ensure_ascii=False,
    )


def package_from_json(text: str) -> ReturnPackage:
    """The package a JSON text holds; ValueError (in Chinese) when it is not one."""
    try:
        data: dict[str, Any] = json.loads(text)
        manifest = PackageManifest(**data["manifest"])
        changes = tuple(RowChange(**change) for change in data["changes"])
    except (ValueError, KeyError, TypeError) as problem:
        raise ValueError(f"回传包数据无法读取（{problem}），请重新导出回传包") from None
    return ReturnPackage(manifest, changes)
