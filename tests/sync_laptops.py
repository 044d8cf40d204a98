"""Laptops for field-sync tests: a snapshot of the office's businesses as a field package would carry them,
edits made on it, and the return package (workbench.domain.sync_model) those edits make.

Independent of the apply code: the snapshot is read with plain SQL, and the package is built field by field
the way the issue describes a return package (base version, base values, new values, who, when, device).
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, text

from storage.schema import SCHEMA_HEAD
from workbench.domain.sync_model import PackageManifest, ReturnPackage, RowChange, Scalar

TRAVELLING_BUSINESS_FIELDS = (
    "name", "uscc", "reg_no", "kind", "composition", "operator", "id_number", "phone", "address", "registered_on",
    "status", "suspended", "abnormal", "capital", "employees", "tags", "industry_code",
)


def snapshot(engine: Engine, office_id: int) -> dict[str, tuple[int, dict[str, Any]]]:
    """uuid -> (version, values) of the office's live businesses, as a field package made now would hold."""
    columns = ", ".join(f"b.{name}" for name in TRAVELLING_BUSINESS_FIELDS)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                f"SELECT b.uuid, b.version, {columns}, o.uuid AS officer_uuid FROM business b "
                "LEFT JOIN officer o ON o.id = b.officer_id WHERE b.office_id = :office AND b.deleted_at IS NULL"
            ),
            {"office": office_id},
        ).mappings()
        return {
            row["uuid"]: (
                row["version"],
                {name: _plain(row[name]) for name in TRAVELLING_BUSINESS_FIELDS} | {"officer_id": row["officer_uuid"]},
            )
            for row in rows
        }


def _plain(value: Any) -> Scalar:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return value  # type: ignore[no-any-return]


@dataclass
class Laptop:
    """One officer's laptop: what its field package held, and every change made on it since."""

    held: dict[str, tuple[int, dict[str, Any]]]
    officer: str
    device: str
    office_code: str = "W1"
    changes: dict[tuple[str, str], RowChange] = field(default_factory=dict)
    clock: int = 0

    def _at(self) -> str:
        self.clock += 1
        return f"2026-12-06T{9 + self.clock // 60:02d}:{self.clock % 60:02d}:00"

    def edit(self, business_uuid: str, **values: Scalar) -> None:
        """Change fields of a business the package carried (a second edit of a row keeps its first base)."""
        version, start = self.held[business_uuid]
        earlier = self.changes.get(("business", business_uuid))
        new_values = (dict(earlier.values) if earlier else {}) | values
        base = {name: start.get(name) for name in new_values}
        self.changes[("business", business_uuid)] = RowChange(
            "business", business_uuid, version, new_values, base, changed_by=self.officer, changed_at=self._at()
        )

    def new_row(self, table: str, values: dict[str, Scalar], business_uuid: str | None = None) -> str:
        row_uuid = str(uuid_module.uuid4())
        self.changes[(table, row_uuid)] = RowChange(
            table, row_uuid, None, dict(values), changed_by=self.officer, changed_at=self._at(),
            business_uuid=business_uuid,
        )
        return row_uuid

    def delete(self, table: str, row_uuid: str, base_version: int) -> None:
        self.changes[(table, row_uuid)] = RowChange(
            table, row_uuid, base_version, {}, deleted=True, changed_by=self.officer, changed_at=self._at()
        )

    def package(self, package_id: str | None = None, **manifest: Any) -> ReturnPackage:
        changes = tuple(
            RowChange(**{**change.__dict__, "source": f"回传包 第{position + 2}行"})
            for position, change in enumerate(self.changes.values())
        )
        fields: dict[str, Any] = {
            "package_id": package_id or str(uuid_module.uuid4()),
            "kind": "return",
            "office_code": self.office_code,
            "officer": self.officer,
            "device": self.device,
            "created_at": "2026-12-06T18:00:00",
            "schema_version": SCHEMA_HEAD,
            "row_count": len(changes),
        } | manifest
        return ReturnPackage(PackageManifest(**fields), changes)


def business_values(engine: Engine, business_uuid: str) -> dict[str, Any]:
    with engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM business WHERE uuid = :u"), {"u": business_uuid}).mappings().one()
        return dict(row)


def rows_of(engine: Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(text(sql), params).mappings()]
