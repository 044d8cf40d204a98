"""The business timeline on both engines: everything that happened, newest first, filterable, office-scoped."""

from __future__ import annotations

from datetime import date

import pytest
from service_world import World, make_world
from sqlalchemy import insert
from sqlmodel import Session, SQLModel

from storage.audit import log_changes, utc_now
from storage.tables import new_uuid
from workbench.services.appeals import Appeal, assign_appeal, open_appeal
from workbench.services.errors import NotFound
from workbench.services.register import get_business, update_business
from workbench.services.support import record_support
from workbench.services.timeline import business_timeline
from workbench.services.visits import record_visit


def _fill(session: Session) -> tuple[World, str]:
    world = make_world(session)
    uuid = world.noodle_uuid
    update_business(
        session=session,
        actor=world.actor,
        business_uuid=uuid,
        base_version=1,
        changes={"address": "温州市鹿城区五马街5号"},
    )
    record_support(
        session,
        actor=world.actor,
        business_uuid=uuid,
        data={
            "kind": "法律服务",
            "given_on": "2026-11-02",
            "content": "合同审查",
            "officer_id": world.officer_id,
        },
    )
    appeal = open_appeal(
        session,
        actor=world.actor,
        today=date(2026, 11, 23),
        data={"business_uuid": uuid, "channel": "窗口", "category": "经营场所", "description": "店招审批"},
    )
    assert isinstance(appeal, Appeal)
    assign_appeal(
        session, actor=world.actor, appeal_uuid=appeal.uuid, base_version=1, officer_id=world.officer_id
    )
    record_visit(
        session,
        actor=world.actor,
        business_uuid=uuid,
        data={"visited_on": "2026-11-20", "finding": "正常经营"},
        observed_changes={"phone": "13957712345"},
    )
    distinction = new_uuid()
    business_id = get_business(session=session, actor=world.actor, business_uuid=uuid).id
    session.execute(
        insert(SQLModel.metadata.tables["distinction"]).values(
            uuid=distinction,
            version=1,
            updated_at=utc_now(),
            updated_by="张伟",
            device="一号机",
            office_id=world.actor.office_id,
            business_id=business_id,
            category="distinctive",
            level="county",
            source="self_applied",
            step="applied",
            applied_on=date(2026, 11, 1),
            needs_review=False,
            review_reason="",
            last_reason="",
            eligibility="",
            rules_version="",
        )
    )
    log_changes(session, world.actor, "distinction", distinction, "create", {"step": (None, "applied")})
    session.commit()
    return world, uuid


def test_everything_shows_newest_first(session: Session) -> None:
    world, uuid = _fill(session)
    entries = business_timeline(session, actor=world.actor, business_uuid=uuid)
    kinds = {entry.kind for entry in entries}
    assert kinds == {"registration", "edit", "support", "appeal", "visit", "classification"}
    assert entries == sorted(entries, key=lambda entry: entry.on, reverse=True)
    assert entries[-1].title == "成立登记" and entries[-1].on == date(2020, 5, 3)
    titles = [entry.title for entry in entries]
    assert "帮扶：法律服务" in titles and "走访：正常经营" in titles and "名特优新登记" in titles
    assert any(title.startswith("诉求登记：经营场所") for title in titles)
    assert any(title.startswith("诉求分派：经营场所") for title in titles)
    phone = next(entry for entry in entries if entry.kind == "edit" and "联系电话" in entry.detail)
    assert phone.detail == "联系电话：13800000001 改为 13957712345" and phone.who == "张伟"
    visit = next(entry for entry in entries if entry.kind == "visit")
    assert "变化：联系电话：13800000001 改为 13957712345" in visit.detail


@pytest.mark.parametrize("kind", ["support", "appeal", "visit", "classification", "edit", "registration"])
def test_filtering_by_kind(session: Session, kind: str) -> None:
    world, uuid = _fill(session)
    entries = business_timeline(session, actor=world.actor, business_uuid=uuid, kinds=[kind])
    assert entries and {entry.kind for entry in entries} == {kind}


def test_another_office_cannot_read_the_timeline(session: Session) -> None:
    world, uuid = _fill(session)
    with pytest.raises(NotFound):
        business_timeline(session, actor=world.other_actor, business_uuid=uuid)
