"""An office that has drawn a 双随机 task (issue 20) and the field package of an inspector officer (张伟, who is
also the inspector 张伟), for the field-sync tests of results recorded on a laptop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from inspection_world import RULES, InspectionWorld, make_inspection_world, make_task
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_sync_packages import DEVICE

from imports.sync_out import write_field_package
from storage.audit import Actor
from storage.tables import Officer
from storage.tables_inspection import InspectionRecusal, Inspector
from workbench.domain.service_lists import DEFAULT_LISTS
from workbench.domain.working_days import DEFAULT_CALENDAR
from workbench.services.inspection_draws import DrawnLine, draw_task
from workbench.services.inspection_results import ResultInput, record_result
from workbench.services.inspection_tasks import TaskView, find_task
from workbench.services.sync_select import select_field_rows

TASK = "2026 年度抽查"
SEED = "2026"


@dataclass(frozen=True)
class DrawnOffice:
    world: InspectionWorld
    task: TaskView
    mine: list[DrawnLine]  # the pairs 张伟 inspects
    others: list[DrawnLine]  # the pairs without 张伟
    office_result: str  # the uuid of a result recorded at the office for mine[1]


def make_drawn_office(engine: Engine) -> DrawnOffice:
    """60 plain businesses (every third 张伟's), a task drawing half of them, drawn and confirmed; a result
    recorded at the office for the second business 张伟 inspects; a recusal relation of another inspector."""
    with Session(engine) as session:
        world = make_inspection_world(session)
        actor = world.world.actor
        task = make_task(session, world.world, TASK, ratio="50")
        report = draw_task(session, actor=actor, task=task, rules=RULES, seed=SEED)
        mine = [line for line in report.lines if "张伟" in line.inspectors]
        others = [line for line in report.lines if "张伟" not in line.inspectors]
        assert len(mine) >= 3 and others, [line.inspectors for line in report.lines]
        row = record_result(session, actor=actor, task=task, business_uuid=mine[1].business.uuid,
                            entry=ResultInput(["1"], date(2026, 12, 2), mine[1].inspectors, "证照齐全"),
                            rules=RULES, calendar=DEFAULT_CALENDAR)
        # 单丽 is related to a business drawn for 张伟: the relation is hers, personal, and stays at the office
        li = session.exec(select(Inspector).where(Inspector.name == "单丽")).one()
        assert li.id is not None and mine[0].business.id is not None
        session.add(InspectionRecusal(office_id=actor.office_id, inspector_id=li.id, business_id=mine[0].business.id,
                                      kind="亲属", note="单丽的表哥"))
        session.commit()
        return DrawnOffice(world, task, mine, others, row.uuid)


def write_package(engine: Engine, office: DrawnOffice, folder: Path, name: str = "外业包-张伟.xlsx") -> Path:
    w = office.world.world
    with Session(engine) as session:
        selection = select_field_rows(session=session, office_id=w.actor.office_id, officer_id=w.officer_id,
                                      officer="张伟")
        return write_field_package(session=session, actor=w.actor, selection=selection, path=folder / name,
                                   device_id=DEVICE, lists=DEFAULT_LISTS).path


def laptop_actor(session: Session) -> Actor:
    officer = session.exec(select(Officer).where(Officer.name == "张伟")).one()
    return Actor(who="张伟", device="笔记本", office_id=officer.office_id, officer_id=officer.id)


def laptop_task(session: Session, actor: Actor) -> TaskView:
    return find_task(session, actor=actor, which=TASK)
