"""A small office built by hand for the monthly report's tests (issue 18): every business is placed on
purpose, and the tests work their expected figures out from this list, not from the service.

The report month is 2026-10 (its end: 2026-10-31). Businesses (letter: kind, 成立, status and dates):

  A household 2022-03-10 active                      visited 2026-06-01 正常经营
  B household 2022-05-01 deregistered 2024-01-15
  C household 2022-07-01 deregistered 2026-10-05
  D household 2022-12-31 moved_out 2024-06-01
  E household 2023-01-01 active                      year 2026 revenue 50,000
  F enterprise 2022-02-01 active (a household converted by direct change: same row, code and 成立日期)
  G household 2022-04-01 deregistered 2024-03-01 (注销+设立 into H)
  H enterprise 2024-03-01 active                     visited 2025-10-31 正常经营 (before the window)
  I household 2022-08-08 revoked 2025-09-01
  J household 2022-09-09 deregistered 2023-05-05 (re-registered as K)
  K household 2023-06-01 active, 歇业 2026-01-01..2027-01-01, visited 2026-09-01 正常经营
  L household 2022-06-06 moved in 2023-02-02 active  year 2025 revenue 0
  M household 2026-10-03 active
  N enterprise 2026-10-20 deregistered 2026-10-25
  P household 2020-01-01 moved_out 2026-10-10
  Q household 2019-05-05 moved in 2026-10-12 active
  R household 2018-03-03 revoked 2026-10-15
  S household 2021-01-01 cancelled 2026-10-16
  T household 2015-01-01 deregistered, no date: the change log's status change at 2026-10-28 10:00 UTC
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from storage.audit import Actor
from storage.tables import Business, ChangeLog, Grid, Office, Officer, YearFigures
from storage.tables_distinctions import Conversion
from storage.tables_service import Visit

D = date
STAMP = {"updated_by": "测试", "device": "test"}


@dataclass
class HandOffice:
    office_id: int
    actor: Actor
    ids: dict[str, int]
    uuids: dict[str, str]
    grids: dict[str, int]
    officers: dict[str, int]


ROWS: dict[str, dict[str, Any]] = {
    "A": {"registered_on": D(2022, 3, 10)},
    "B": {"registered_on": D(2022, 5, 1), "status": "deregistered", "deregistered_on": D(2024, 1, 15)},
    "C": {"registered_on": D(2022, 7, 1), "status": "deregistered", "deregistered_on": D(2026, 10, 5)},
    "D": {"registered_on": D(2022, 12, 31), "status": "moved_out", "moved_out_on": D(2024, 6, 1)},
    "E": {"registered_on": D(2023, 1, 1)},
    "F": {"registered_on": D(2022, 2, 1), "kind": "enterprise"},
    "G": {"registered_on": D(2022, 4, 1), "status": "deregistered", "deregistered_on": D(2024, 3, 1)},
    "H": {"registered_on": D(2024, 3, 1), "kind": "enterprise"},
    "I": {"registered_on": D(2022, 8, 8), "status": "revoked", "revoked_on": D(2025, 9, 1)},
    "J": {"registered_on": D(2022, 9, 9), "status": "deregistered", "deregistered_on": D(2023, 5, 5)},
    "K": {"registered_on": D(2023, 6, 1), "suspended": True, "suspended_from": D(2026, 1, 1),
          "suspended_until": D(2027, 1, 1)},
    "L": {"registered_on": D(2022, 6, 6), "moved_in_on": D(2023, 2, 2)},
    "M": {"registered_on": D(2026, 10, 3)},
    "N": {"registered_on": D(2026, 10, 20), "kind": "enterprise", "status": "deregistered",
          "deregistered_on": D(2026, 10, 25)},
    "P": {"registered_on": D(2020, 1, 1), "status": "moved_out", "moved_out_on": D(2026, 10, 10)},
    "Q": {"registered_on": D(2019, 5, 5), "moved_in_on": D(2026, 10, 12)},
    "R": {"registered_on": D(2018, 3, 3), "status": "revoked", "revoked_on": D(2026, 10, 15)},
    "S": {"registered_on": D(2021, 1, 1), "status": "cancelled", "cancelled_on": D(2026, 10, 16)},
    "T": {"registered_on": D(2015, 1, 1), "status": "deregistered"},
}
# Grid 东片 holds A–J, grid 西片 the rest; officer 李明 looks after 东片's, 赵丽 after 西片's.
EAST = set("ABCDEFGHIJ")


def build_hand_office(engine: Engine, *, code: str = "330302001", name: str = "鹿城测试所") -> HandOffice:
    with Session(engine) as session:
        office = Office(code=code, name=name, **STAMP)
        session.add(office)
        session.flush()
        assert office.id is not None
        grids = {label: Grid(office_id=office.id, name=label, **STAMP) for label in ("东片", "西片")}
        session.add_all(grids.values())
        session.flush()
        officers = {
            "李明": Officer(office_id=office.id, name="李明", grid_id=grids["东片"].id, **STAMP),
            "赵丽": Officer(office_id=office.id, name="赵丽", grid_id=grids["西片"].id, **STAMP),
        }
        session.add_all(officers.values())
        session.flush()
        businesses: dict[str, Business] = {}
        for letter, values in ROWS.items():
            east = letter in EAST
            businesses[letter] = Business(
                office_id=office.id,
                name=f"测试{letter}店",
                grid_id=grids["东片" if east else "西片"].id,
                officer_id=officers["李明" if east else "赵丽"].id,
                industry_code="5211" if letter < "M" else "6210",
                **values,
                **STAMP,
            )
        session.add_all(businesses.values())
        session.flush()
        ids = {letter: business.id for letter, business in businesses.items()}
        session.add(Conversion(office_id=office.id, business_id=ids["F"], method="direct_change",
                               converted_on=D(2024, 7, 1), old_kind="individual", new_kind="enterprise", **STAMP))
        session.add(Conversion(office_id=office.id, business_id=ids["H"], old_business_id=ids["G"],
                               method="deregister_and_establish", converted_on=D(2024, 3, 1),
                               old_kind="individual", new_kind="enterprise", **STAMP))
        session.add(ChangeLog(office_id=office.id, entity="business", entity_uuid=businesses["T"].uuid,
                              action="update", field="status", old="active", new="deregistered",
                              who="测试", at=datetime(2026, 10, 28, 10, 0, tzinfo=UTC)))
        for letter, on in (("A", D(2026, 6, 1)), ("H", D(2025, 10, 31)), ("K", D(2026, 9, 1))):
            session.add(Visit(office_id=office.id, business_id=ids[letter], visited_on=on, finding="正常经营", **STAMP))
        session.add(YearFigures(office_id=office.id, business_id=ids["E"], year=2026, revenue=50_000, **STAMP))
        session.add(YearFigures(office_id=office.id, business_id=ids["L"], year=2025, revenue=0, **STAMP))
        session.commit()
        actor = Actor(who="王芳", device="test", office_id=office.id)
        return HandOffice(
            office.id, actor, {k: v for k, v in ids.items() if v is not None},
            {letter: business.uuid for letter, business in businesses.items()},
            {label: grid.id for label, grid in grids.items() if grid.id is not None},
            {label: officer.id for label, officer in officers.items() if officer.id is not None},
        )
