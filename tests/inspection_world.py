"""A world for 双随机 tests: the service world (two offices, officers 张伟 and 单丽) plus a number of plain
businesses written straight into the table (fast: the draw reads only uuid, tags and 包联), inspectors."""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import date

from service_world import World, make_world
from sqlmodel import Session

from storage.tables import Business
from workbench.domain.inspection_rules import load_inspection_rules
from workbench.services.inspection_tasks import TaskSpec, TaskView, create_task
from workbench.services.inspectors import add_inspector

RULES = load_inspection_rules(None).rules
STARTS, ENDS = date(2026, 12, 1), date(2026, 12, 31)


@dataclass(frozen=True)
class InspectionWorld:
    world: World
    business_uuids: list[str]
    inspector_uuids: dict[str, str]


def fixed_uuid(text: str) -> str:
    return str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, text))


def add_businesses(session: Session, world: World, count: int, *, prefix: str = "店", tags: str = "") -> list[str]:
    made = []
    for number in range(count):
        row = Business(
            office_id=world.actor.office_id, uuid=fixed_uuid(f"{prefix}{number}"), name=f"{prefix}{number:04d}",
            uscc=None, reg_no=f"330302{number:09d}", officer_id=world.officer_id if number % 3 == 0 else None,
            tags=tags,
        )  # fmt: skip
        session.add(row)
        made.append(row.uuid)
    session.flush()
    return made


def make_inspection_world(session: Session, businesses: int = 60) -> InspectionWorld:
    world = make_world(session)
    uuids = add_businesses(session, world, businesses)
    people = {}
    for name, officer, cert, expires, own, unit in (
        ("张伟", "张伟", "ZJ001", "2028-12-31", True, ""),
        ("单丽", "单丽", "ZJ002", "2028-12-31", True, ""),
        ("李强", None, "ZJ003", "2028-06-30", True, ""),
        ("赵敏", None, "WJ001", "2027-12-31", False, "鹿城区卫生健康局"),
        ("钱过期", None, "ZJ009", "2026-12-30", True, ""),  # expires the day before the task's end
        ("孙无证", None, "", None, True, ""),
    ):
        line = add_inspector(session, actor=world.actor, data={
            "name": name, "officer": officer, "cert_no": cert, "cert_expires_on": expires, "own_office": own,
            "unit": unit,
        })  # fmt: skip
        people[name] = line.uuid
    session.commit()
    return InspectionWorld(world, uuids, people)


def make_task(session: Session, world: World, name: str = "2026 年度抽查", **changes: object) -> TaskView:
    fields: dict[str, object] = {
        "name": name, "source": "年度计划", "items": RULES.items[:2], "starts_on": STARTS, "ends_on": ENDS,
        "ratio": "10",
    }  # fmt: skip
    fields.update(changes)
    task = create_task(session, actor=world.actor, spec=TaskSpec(**fields))  # type: ignore[arg-type]
    session.commit()
    return task
