"""干部与网格 after init: add, edit, 调离 and back, grids; logged, versioned, office-scoped (both engines)."""

from __future__ import annotations

import pytest
from service_world import make_world
from sqlmodel import Session, col, select

from storage.tables import ChangeLog, Officer
from workbench.services.errors import NotFound, SaveConflict, ValidationFailed
from workbench.services.staff import add_grid, add_officer, rename_grid, staff_overview, update_officer


def test_a_new_officer_is_logged_and_listed_with_their_grid(session: Session) -> None:
    world = make_world(session)
    officer = add_officer(
        session,
        actor=world.actor,
        data={"name": " 李　明 ", "phone": "138 1234 5678", "grid_id": world.grid_id},
    )
    session.commit()
    assert (officer.name, officer.phone, officer.office_id) == ("李 明", "13812345678", world.actor.office_id)
    officers, grids = staff_overview(session, actor=world.actor)
    line = next(line for line in officers if line.uuid == officer.uuid)
    assert (line.grid_name, line.active, line.businesses) == ("五马东片区", True, 0)
    assert [grid.name for grid in grids] == ["五马东片区", "五马西片区"]
    assert next(grid for grid in grids if grid.id == world.grid_id).officers == 2  # 张伟 and 李 明
    logged = session.exec(
        select(ChangeLog.field, ChangeLog.new).where(col(ChangeLog.entity_uuid) == officer.uuid)
    )
    assert ("name", "李 明") in set(logged)


def test_bad_input_names_each_field_in_chinese(session: Session) -> None:
    world = make_world(session)
    with pytest.raises(ValidationFailed) as refused:
        add_officer(
            session,
            actor=world.actor,
            data={"name": "张伟", "phone": "12345", "grid_id": world.other_officer_id + 99},
        )
    errors = refused.value.errors
    assert "本所已有在岗干部「张伟」" in errors["name"] and "（东片）" in errors["name"]
    assert "12345" in errors["phone"]
    assert errors["grid_id"] == "所选网格不属于本所，请重新选择"
    with pytest.raises(ValidationFailed, match="请填写姓名"):
        add_officer(session, actor=world.actor, data={"name": "  "})
    assert (
        add_officer(session, actor=world.other_actor, data={"name": "张伟"}).office_id
        == world.other_actor.office_id
    )


def test_leaving_keeps_the_officer_and_their_businesses_and_frees_the_name(session: Session) -> None:
    world = make_world(session)
    officer = session.get(Officer, world.officer_id)
    assert officer is not None
    before = next(
        line for line in staff_overview(session, actor=world.actor)[0] if line.id == world.officer_id
    )
    assert before.businesses > 0
    left = update_officer(
        session,
        actor=world.actor,
        officer_uuid=officer.uuid,
        base_version=officer.version,
        data={"active": False},
    )
    session.commit()
    assert left.active is False and left.version == before.version + 1
    after = next(
        line for line in staff_overview(session, actor=world.actor)[0] if line.id == world.officer_id
    )
    assert after.businesses == before.businesses and not after.active
    namesake = add_officer(session, actor=world.actor, data={"name": "张伟"})  # a new 张伟 may join
    with pytest.raises(ValidationFailed, match="本所已有在岗干部「张伟」"):
        update_officer(
            session,
            actor=world.actor,
            officer_uuid=officer.uuid,
            base_version=left.version,
            data={"active": True},
        )
    assert namesake.active
    with pytest.raises(SaveConflict):
        update_officer(
            session,
            actor=world.actor,
            officer_uuid=officer.uuid,
            base_version=before.version,
            data={"phone": "13900001111"},
        )


def test_grids_are_unique_per_office_and_renames_are_logged(session: Session) -> None:
    world = make_world(session)
    grid = add_grid(session, actor=world.actor, data={"name": "五马南片区"})
    with pytest.raises(ValidationFailed, match="本所已有网格「五马东片区」"):
        add_grid(session, actor=world.actor, data={"name": "五马东片区"})
    renamed = rename_grid(
        session, actor=world.actor, grid_uuid=grid.uuid, base_version=grid.version, data={"name": "南片"}
    )
    session.commit()
    assert renamed.name == "南片" and renamed.version == 2
    log = session.exec(
        select(ChangeLog.old, ChangeLog.new).where(col(ChangeLog.entity_uuid) == grid.uuid)
    ).all()
    assert ("五马南片区", "南片") in log
    with pytest.raises(NotFound):
        rename_grid(
            session, actor=world.other_actor, grid_uuid=grid.uuid, base_version=2, data={"name": "偷改"}
        )
