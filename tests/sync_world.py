"""An office with one officer's businesses and everything a field package carries, and a laptop database."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from service_world import World, make_world
from sqlalchemy import Engine
from sqlmodel import Session, select

from storage.engine import make_engine
from storage.tables import Business, License, YearFigures
from storage.tables_classification import ClassificationResult
from workbench.services.appeals import open_appeal
from workbench.services.register import update_business
from workbench.services.support import record_support
from workbench.services.visits import record_visit

ID_NUMBER = "330302198001011230"
ID_MASKED = "330302********1230"  # the first 6 and the last 4 (docs: export masks)


@dataclass(frozen=True)
class SyncWorld:
    world: World
    appeal_uuid: str
    visit_uuid: str
    support_uuid: str


def make_sync_world(session: Session) -> SyncWorld:
    world = make_world(session)
    actor = world.actor
    noodle = session.exec(select(Business).where(Business.uuid == world.noodle_uuid)).one()
    update_business(session=session, actor=actor, business_uuid=world.noodle_uuid, base_version=noodle.version,
                    changes={"id_number": ID_NUMBER, "uscc": "92330302MA23MA1H69", "capital": 300000,
                             "employees": 4, "tags": "夜市 =老字号"})
    assert noodle.id is not None
    session.add(License(office_id=actor.office_id, business_id=noodle.id, kind="食品经营许可证", number="JY13303020012345",
                        issued_on=date(2022, 3, 1), expires_on=date(2027, 2, 28), scope="热食类食品制售"))
    session.add(YearFigures(office_id=actor.office_id, business_id=noodle.id, year=2025, revenue=1_200_000,
                            tax_paid=3_200, employees=4, insured_staff=2, source="手工录入"))
    session.add(ClassificationResult(
        office_id=actor.office_id, business_id=noodle.id, tier="growth", size_class="micro", rule_version="2026.1",
        inputs='{"revenue": 1200000}', explanation="营业收入 120 万元", computed_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        override_tier="development", override_reason="带动就业", override_by="张伟",
        override_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
    ))
    appeal = open_appeal(session, actor=actor, data={
        "business_uuid": world.noodle_uuid, "channel": "电话", "category": "融资需求", "description": "想申请贷款",
        "received_on": date.today() - timedelta(days=3), "officer_id": world.officer_id,
    })
    visit = record_visit(session, actor=actor, business_uuid=world.tea_uuid, data={
        "visited_on": date.today() - timedelta(days=10), "officer_id": world.officer_id, "officers_present": "张伟",
        "purpose": "日常走访", "finding": "正常经营", "notes": "证照齐全",
        "follow_ups": [{"action": "复查消防通道", "due_on": date.today() + timedelta(days=20)}],
    })
    support = record_support(session, actor=actor, business_uuid=world.noodle_uuid, data={
        "kind": "信用贷款", "given_on": date.today() - timedelta(days=30), "officer_id": world.officer_id,
        "content": "对接农商行", "amount_yuan": 200000, "partner": "鹿城农商行",
    })
    # An old visit (over a year ago) stays at the office: only the last year travels.
    record_visit(session, actor=actor, business_uuid=world.tea_uuid, data={
        "visited_on": date.today() - timedelta(days=400), "officer_id": world.officer_id, "finding": "正常经营",
    })
    session.commit()
    return SyncWorld(world, appeal.uuid, visit.uuid, support.uuid)  # type: ignore[union-attr]


def laptop_engine(sqlite_template: Path, folder: Path) -> Engine:
    """A migrated, empty SQLite file: the laptop's database before its first field package."""
    path = folder / "laptop.db"
    shutil.copyfile(sqlite_template, path)
    return make_engine(f"sqlite:///{path}")
