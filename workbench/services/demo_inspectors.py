"""The demo's 执法检查人员名录库 (issue 20): so a demo office can try a 双随机 draw at once.

Every officer of the office is a 本所 inspector linked to their 包联干部 row, with a 执法证 valid for one to four
more years, except the third (expiring within the month: marked 即将到期) and the sixth (expired 40 days ago:
marked 已过期, never drawn). Three people of the 卫生健康局 join for joint tasks (a task listing 卫生健康). Two
relations are recorded: one officer's relative runs a shop, another officer once fined a business.

Its own random stream (seed-derived) and inserted after every other demo row, so every other row of a seed,
change-log ids included, stays as it was. Each row is logged ('create') like the demo's service work.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlmodel import SQLModel

from workbench.domain.labels import BusinessStatus

WHO = "演示数据"
DEVICE = "demo"
PARTNER_UNIT = "鹿城区卫生健康局"
PARTNERS = ("林晓红", "潘建国", "郑雅琴")
SOON_INDEX, EXPIRED_INDEX = 2, 5
RELATIONS = (("亲属", "其表弟经营（演示数据）"), ("曾经处罚", "曾办理该户的行政处罚案件（演示数据）"))


def build_inspector_demo(connection: Connection, *, office_id: int, seed: int, today: date, stamp: datetime) -> tuple[int, int]:
    """Insert the office's inspectors and two relations; returns (inspectors, relations)."""
    rng = random.Random(seed * 104_729 + 37)
    tables = SQLModel.metadata.tables
    officer, business, inspector, recusal, log = (
        tables["officer"], tables["business"], tables["inspector"], tables["inspection_recusal"], tables["change_log"]
    )  # fmt: skip
    officers = list(connection.execute(
        select(officer.c.id, officer.c.name).where(officer.c.office_id == office_id).order_by(officer.c.id)
    ))  # fmt: skip
    office_name = str(connection.execute(select(tables["office"].c.name).where(tables["office"].c.id == office_id)).scalar_one())
    people: list[dict[str, Any]] = []
    for index, (officer_id, name) in enumerate(officers):
        if index == SOON_INDEX:
            expires = today + timedelta(days=20)
        elif index == EXPIRED_INDEX:
            expires = today - timedelta(days=40)
        else:
            expires = date(today.year + 1 + rng.randrange(4), 12, 31)
        people.append(_person(rng, office_id, stamp, name, office_name, True, officer_id, f"ZJ330302{index + 1:04d}",
                              expires, "综合执法"))  # fmt: skip
    for index, name in enumerate(PARTNERS):
        people.append(_person(rng, office_id, stamp, name, PARTNER_UNIT, False, None, f"WJ330302{index + 1:04d}",
                              date(today.year + 2, 6, 30), "公共卫生"))  # fmt: skip
    ids = [int(connection.execute(insert(inspector).values(**row)).inserted_primary_key[0]) for row in people]  # type: ignore[index]
    # two shops of the officers' own office, picked by the stream among the first 存续 ones (not theirs to 包联)
    shops = [row.id for row in connection.execute(
        select(business.c.id, business.c.officer_id).where(
            business.c.office_id == office_id, business.c.status == BusinessStatus.ACTIVE.value
        ).order_by(business.c.id).limit(200)
    )]  # fmt: skip
    relations: list[dict[str, Any]] = []
    if len(shops) >= 2 and len(ids) >= 2:
        chosen = rng.sample(shops, 2)
        for inspector_id, business_id, (kind, note) in zip(ids[:2], chosen, RELATIONS, strict=True):
            relations.append({
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "version": 1, "updated_at": stamp,
                "updated_by": WHO, "device": DEVICE, "office_id": office_id, "inspector_id": inspector_id,
                "business_id": business_id, "kind": kind, "note": note,
            })  # fmt: skip
        connection.execute(insert(recusal), relations)
    logged = [("inspector", row["uuid"]) for row in people] + [("inspection_recusal", row["uuid"]) for row in relations]
    connection.execute(insert(log), [
        {"office_id": office_id, "entity": entity, "entity_uuid": row_uuid, "action": "create", "field": "",
         "old": None, "new": None, "who": WHO, "at": stamp, "device": DEVICE}
        for entity, row_uuid in logged
    ])  # fmt: skip
    return len(people), len(relations)


def _person(rng: random.Random, office_id: int, stamp: datetime, name: str, unit: str, own: bool,
            officer_id: int | None, cert_no: str, expires: date, line: str) -> dict[str, Any]:  # fmt: skip
    return {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "version": 1, "updated_at": stamp,
        "updated_by": WHO, "device": DEVICE, "office_id": office_id, "name": name, "unit": unit, "own_office": own,
        "officer_id": officer_id, "cert_no": cert_no, "cert_expires_on": expires, "line": line, "active": True,
    }  # fmt: skip
