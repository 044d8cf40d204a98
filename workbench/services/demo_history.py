"""The demo's 个转企 history (issue 18): conversions over the last three years, so the monthly report has
conversions to count, by both methods, and the survival rate a 注销+设立 household to link.

- 直接变更: about 3 % of the 存续 enterprises are recorded as households converted in place (same row, code and
  成立日期), on a day at least a year after their 成立 and within the last three years.
- 注销+设立: about 3 % of the enterprises set up in the last three years took over a household that was
  deregistered for it; that household's 注销日期 becomes the enterprise's 成立日期 and the two are linked.

Its own random stream (seed-derived), so every other row of a seed stays as it was. The rows are logged
('create') like the demo's service work; the business rows keep version 1 (they are generated, not edited).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Connection, and_, bindparam, cast, insert, literal, select, update
from sqlmodel import SQLModel

from workbench.domain.labels import BusinessKind, BusinessStatus

WHO = "演示数据"
DEVICE = "demo"
_SPREAD = 2_654_435_761  # Knuth's multiplier: a fixed, even-looking pick of rows by id


def build_conversion_demo(
    connection: Connection, *, office_id: int, seed: int, today: date, stamp: datetime
) -> int:
    """Insert the office's demo conversions; returns how many."""
    rng = random.Random(seed * 7919 + 11)
    tables = SQLModel.metadata.tables
    business, conversion, log = tables["business"], tables["conversion"], tables["change_log"]
    window_start = today - timedelta(days=3 * 365)
    picked = (cast(business.c.id, BigInteger) * literal(_SPREAD, BigInteger)) % 100 < 3
    ours = and_(business.c.office_id == office_id, business.c.kind == BusinessKind.ENTERPRISE.value,
                business.c.status == BusinessStatus.ACTIVE.value, picked)
    rows: list[dict[str, Any]] = []
    for business_id, uscc, registered_on in connection.execute(
        select(business.c.id, business.c.uscc, business.c.registered_on)
        .where(ours, business.c.registered_on < window_start).order_by(business.c.id)
    ):
        converted_on = max(registered_on + timedelta(days=365), window_start) + timedelta(days=int(rng.random() * 3 * 365))
        if converted_on < today:
            rows.append(_conversion(rng, office_id, stamp, business_id, None, "direct_change", converted_on, uscc, uscc))
    households = list(connection.execute(
        select(business.c.id, business.c.uscc, business.c.registered_on)
        .where(business.c.office_id == office_id, business.c.kind == BusinessKind.HOUSEHOLD.value,
               business.c.status == BusinessStatus.DEREGISTERED.value, picked)
        .order_by(business.c.registered_on)
    ))
    closed: list[dict[str, Any]] = []
    for business_id, uscc, registered_on in connection.execute(
        select(business.c.id, business.c.uscc, business.c.registered_on)
        .where(ours, business.c.registered_on >= window_start).order_by(business.c.id)
    ):
        old = next((row for row in households if row.registered_on < registered_on), None)
        if old is None:
            continue
        households.remove(old)
        closed.append({"old_id": old.id, "day": registered_on})
        rows.append(_conversion(rng, office_id, stamp, business_id, old.id, "deregister_and_establish",
                                registered_on, old.uscc, uscc))
    if closed:
        connection.execute(
            update(business).where(business.c.id == bindparam("old_id")).values(deregistered_on=bindparam("day"),
                                                                                approved_on=bindparam("day")),
            closed,
        )
    if rows:
        connection.execute(insert(conversion), rows)
        connection.execute(insert(log), [
            {"office_id": office_id, "entity": "conversion", "entity_uuid": row["uuid"], "action": "create",
             "field": "", "old": None, "new": None, "who": WHO, "at": stamp, "device": DEVICE}
            for row in rows
        ])  # fmt: skip
    return len(rows)


def _conversion(
    rng: random.Random, office_id: int, stamp: datetime, business_id: int, old_id: int | None, method: str,
    on: date, old_uscc: str | None, new_uscc: str | None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "version": 1, "updated_at": stamp,
        "updated_by": WHO, "device": DEVICE, "office_id": office_id, "business_id": business_id,
        "old_business_id": old_id, "method": method, "converted_on": on, "old_uscc": old_uscc, "new_uscc": new_uscc,
        "old_kind": BusinessKind.HOUSEHOLD.value, "new_kind": BusinessKind.ENTERPRISE.value, "note": "演示数据",
    }  # fmt: skip
