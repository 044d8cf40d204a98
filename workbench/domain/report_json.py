"""MonthlyReport <-> JSON (issue 18): what `workbench report monthly --json` prints and what an issue stores.

Dates and times keep their type through the round trip ({"$date": "2026-10-03"}), so an issued report is
read back exactly as it was counted. `checksum` is the sha256 of the canonical text of the figures.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from workbench.domain.report_model import Chart, Column, Definition, MonthlyReport, SummaryLine, Table


def to_data(report: MonthlyReport) -> dict[str, Any]:
    data: dict[str, Any] = _encode(asdict(report))
    return data


def to_json(report: MonthlyReport, *, indent: int | None = None) -> str:
    return json.dumps(to_data(report), ensure_ascii=False, sort_keys=True, indent=indent)


def checksum(report: MonthlyReport) -> str:
    """sha256 of the figures, without the issue's own stamp (issued_at, issue_number)."""
    data = to_data(report)
    data.pop("issued_at", None)
    data.pop("issue_number", None)
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def from_json(text: str) -> MonthlyReport:
    data = _decode(json.loads(text))
    return MonthlyReport(
        office_code=data["office_code"],
        office_name=data["office_name"],
        period=data["period"],
        definition_version=data["definition_version"],
        summary=tuple(SummaryLine(**line) for line in data["summary"]),
        tables=tuple(
            Table(
                sheet=table["sheet"],
                title=table["title"],
                columns=tuple(Column(**column) for column in table["columns"]),
                rows=tuple(tuple(row) for row in table["rows"]),
                total=tuple(table["total"]) if table["total"] is not None else None,
                note=table["note"],
            )
            for table in data["tables"]
        ),
        charts=tuple(
            Chart(
                title=chart["title"],
                kind=chart["kind"],
                categories=tuple(chart["categories"]),
                series=tuple((name, tuple(values)) for name, values in chart["series"]),
            )
            for chart in data["charts"]
        ),
        definitions=tuple(Definition(**definition) for definition in data["definitions"]),
        issued_at=data["issued_at"],
        issue_number=data["issue_number"],
        extra=dict(data["extra"]),
    )


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return date.fromisoformat(value["$date"])
        if set(value) == {"$datetime"}:
            return datetime.fromisoformat(value["$datetime"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value
