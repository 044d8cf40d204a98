"""Inspections placed by hand on the report's small office (tests/report_support.py) for 双随机抽查占比 and
跨部门联合双随机占比 (issue 20). The report month is 2026-10. Tasks (source; departments):

  J26  2026 联合抽查   年度计划  市场监管、卫生健康 (joint)
  S26  2026 广告专项   专项      市场监管
  C26  投诉核查        投诉举报转 市场监管        (a targeted check: not 双随机)
  J25  2025 联合抽查   年度计划  市场监管、卫生健康
  C25  2025 投诉核查   投诉举报转 市场监管

Results (business, task, 检查日期):

  A J26 2026-10-05   E J26 2026-10-20   F J26 2026-09-15   K J26 2026-03-02
  A S26 2026-10-08 (A again, in another task: another 户次)   L S26 2026-10-30
  M S26 2026-11-02 (after the month)   E S26 2026-10-09 deleted (not counted)
  H C26 2026-10-12   Q C26 2026-02-01
  H J25 2025-10-10   K J25 2025-10-11   A C25 2025-10-20

and a pair drawn for L in J26 with no result: drawn, not inspected yet, not counted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from report_support import STAMP, HandOffice
from sqlalchemy import Engine
from sqlmodel import Session

from storage.tables_inspection import InspectionDraw, InspectionPair, InspectionResult, InspectionTask

D = date
TASKS = {
    "J26": ("2026 联合抽查", "年度计划", "市场监管、卫生健康", D(2026, 1, 1)),
    "S26": ("2026 广告专项", "专项", "市场监管", D(2026, 1, 1)),
    "C26": ("投诉核查", "投诉举报转", "市场监管", D(2026, 1, 1)),
    "J25": ("2025 联合抽查", "年度计划", "市场监管、卫生健康", D(2025, 1, 1)),
    "C25": ("2025 投诉核查", "投诉举报转", "市场监管", D(2025, 1, 1)),
}
RESULTS = (
    ("A", "J26", D(2026, 10, 5)), ("E", "J26", D(2026, 10, 20)), ("F", "J26", D(2026, 9, 15)),
    ("K", "J26", D(2026, 3, 2)), ("A", "S26", D(2026, 10, 8)), ("L", "S26", D(2026, 10, 30)),
    ("M", "S26", D(2026, 11, 2)), ("H", "C26", D(2026, 10, 12)), ("Q", "C26", D(2026, 2, 1)),
    ("H", "J25", D(2025, 10, 10)), ("K", "J25", D(2025, 10, 11)), ("A", "C25", D(2025, 10, 20)),
)  # fmt: skip
DELETED = ("E", "S26", D(2026, 10, 9))


def add_inspections(engine: Engine, hand: HandOffice) -> dict[str, int]:
    """The tasks, one draw of J26 with a pair for L, and the results above; the tasks' ids by key."""
    ids = add_tasks(engine, hand, TASKS, (*RESULTS, DELETED), deleted=(DELETED,))
    with Session(engine) as session:
        draw = InspectionDraw(office_id=hand.office_id, task_id=ids["J26"], seed="1", generator="sha256-rank-v1",
                              population_count=19, population_hash="0" * 64, rules="{}",
                              drawn_at=datetime(2026, 1, 5, tzinfo=UTC), **STAMP)  # fmt: skip
        session.add(draw)
        session.flush()
        assert draw.id is not None
        for position, letter in enumerate("AEFKL", start=1):
            session.add(InspectionPair(office_id=hand.office_id, draw_id=draw.id, position=position,
                                       business_id=hand.ids[letter], inspector_uuids="", **STAMP))  # fmt: skip
        session.commit()
    return ids


Task = tuple[str, str, str, date]
Result = tuple[str, str, date]


def add_tasks(engine: Engine, hand: HandOffice, tasks: dict[str, Task], results: tuple[Result, ...],
              deleted: tuple[Result, ...] = ()) -> dict[str, int]:  # fmt: skip
    """Tasks (name, source, departments, first day) and their results (business letter, task key, day)."""
    with Session(engine) as session:
        made = {
            key: InspectionTask(office_id=hand.office_id, name=name, source=source, departments=departments,
                                starts_on=starts, ends_on=D(starts.year, 12, 31), ratio="5", **STAMP)
            for key, (name, source, departments, starts) in tasks.items()
        }  # fmt: skip
        session.add_all(made.values())
        session.flush()
        ids = {key: task.id for key, task in made.items() if task.id is not None}
        for letter, key, day in results:
            gone = datetime(2026, 10, 10, tzinfo=UTC) if (letter, key, day) in deleted else None
            session.add(InspectionResult(office_id=hand.office_id, task_id=ids[key], business_id=hand.ids[letter],
                                         codes="1", inspected_on=day, publish_by=D(day.year, 12, 31),
                                         deleted_at=gone, **STAMP))  # fmt: skip
        session.commit()
        return ids
