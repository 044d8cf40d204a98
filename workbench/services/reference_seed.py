"""Fill the reference tables from the shipped CSVs: GB/T 4754 (2017 and 2011) and divisions with history.

Every database needs them, demo or not; each part is loaded only when it is still empty, so calling
this on every start is cheap and never duplicates rows.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (puts the tables on SQLModel.metadata)
from workbench.domain import reference

INDUSTRY_VERSIONS = ("2017", "2011")


def seed_reference(connection: Connection) -> dict[str, int]:
    """Load whatever reference rows are missing; returns rows added per part (industry_code_2017 …)."""
    industry = SQLModel.metadata.tables["industry_code"]
    division = SQLModel.metadata.tables["division"]
    added: dict[str, int] = {}
    for version in INDUSTRY_VERSIONS:
        present = connection.execute(
            select(func.count()).select_from(industry).where(industry.c.version == version)
        ).scalar_one()
        if present:
            continue
        rows = [
            {
                "version": version,
                "code": entry.code,
                "name": entry.name,
                "level": entry.level,
                "parent": entry.parent,
            }
            for entry in reference.industry_codes(version).values()
        ]
        connection.execute(insert(industry), rows)
        added[f"industry_code_{version}"] = len(rows)
    if not connection.execute(select(func.count()).select_from(division)).scalar_one():
        rows = [
            {
                "code": period.code,
                "start_year": period.start_year,
                "name": period.name,
                "parent": period.parent,
                "end_year": period.end_year,
                "successor_codes": ";".join(period.successor_codes),
            }
            for periods in reference.division_history().values()
            for period in periods
        ]
        connection.execute(insert(division), rows)
        added["division"] = len(rows)
    return added
