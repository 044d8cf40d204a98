"""The month's figures as last counted on this device, shown at once while they are counted again.

At 1,000,000 businesses a month takes several seconds to count; the 统计看板 must show figures within a
second of opening. So every count of a month that is not issued is kept beside the device memory (one small
JSON file per database, office and month), and the dashboard shows that count — marked with its time — until
the new one arrives. An issued month needs no cache: its figures are stored in the database. A cache that
cannot be read or written is no cache: nothing here ever stops the count.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from workbench.domain.report_json import from_json, to_json
from workbench.domain.report_model import MonthlyReport
from workbench.services.file_output import WriteFailed, write_file


class ReportCache:
    """Counts kept under `folder` for the database known as `database_key` (DeviceMemory's key)."""

    def __init__(self, folder: Path, database_key: str) -> None:
        self.folder = folder
        self.prefix = hashlib.sha256(database_key.encode("utf-8")).hexdigest()[:16]

    def _path(self, office_id: int, period: str) -> Path:
        return self.folder / f"{self.prefix}-{office_id}-{period}.json"

    def load(self, office_id: int, period: str) -> tuple[MonthlyReport, datetime] | None:
        """The last count of the month and when it was made (UTC), or None."""
        try:
            kept = json.loads(self._path(office_id, period).read_text(encoding="utf-8"))
            return from_json(kept["report"]), datetime.fromisoformat(kept["counted_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, office_id: int, report: MonthlyReport, counted_at: datetime) -> None:
        """Keep a count begun at `counted_at`, unless a count begun later is kept already: two counts of a month
        can run at once (F5, a save, paging back), and the one begun first may finish last."""
        if report.issue_number:
            return  # an issued month is shown from the database at once
        kept = self.load(office_id, report.period)
        if kept is not None and kept[1] >= counted_at:
            return
        body = json.dumps({"counted_at": counted_at.isoformat(), "report": to_json(report)}, ensure_ascii=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_file(self._path(office_id, report.period), lambda partial: partial.write_text(body, encoding="utf-8"))
        except (OSError, WriteFailed):
            return  # a full disk or a read-only folder: the dashboard counts as it always did
