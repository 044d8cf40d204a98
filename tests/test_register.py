"""The register service on both engines: every status fits, creating needs a name, reference data seeds."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from storage.audit import Actor
from storage.tables import Office
from workbench.cli import app
from workbench.domain.labels import STATUS_LABELS
from workbench.services.errors import ValidationFailed
from workbench.services.register import create_business, get_business


def _actor(session: Session) -> Actor:
    office = Office(code="T1", name="测试市场监管所")
    session.add(office)
    session.flush()
    assert office.id is not None
    return Actor(who="测试员", device="测试终端", office_id=office.id)


@pytest.mark.parametrize("status", list(STATUS_LABELS))
def test_every_status_code_is_stored_and_read_back(session: Session, status: str) -> None:
    actor = _actor(session)
    created = create_business(session=session, actor=actor, data={"name": "阿强水果店", "status": STATUS_LABELS[status]})
    session.commit()
    assert get_business(session=session, actor=actor, business_uuid=created.uuid).status == status


def test_creating_without_a_name_is_refused_in_chinese(session: Session) -> None:
    actor = _actor(session)
    with pytest.raises(ValidationFailed) as refused:
        create_business(session=session, actor=actor, data={"operator": "张三"})
    assert refused.value.errors == {"name": "名称不能为空"}


def test_init_sets_up_a_new_office_that_the_app_can_open(engine_url: str, engine: Engine) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["--db", engine_url, "init", "--office", "五马市场监管所", "--officer", "张伟",
                               "--officer", "单丽", "--grid", "五马片区"])
    assert made.exit_code == 0, made.output
    again = runner.invoke(app, ["--db", engine_url, "init", "--office", "五马市场监管所", "--officer", "张伟"])
    assert again.exit_code == 1 and "已经建过" in again.output
    from workbench.services.office import grids, officers, offices

    with Session(engine) as session:
        office = offices(session=session)[0]
        assert [o.name for o in officers(session=session, office_id=office.id)] == ["张伟", "单丽"]
        assert [g.name for g in grids(session=session, office_id=office.id)] == ["五马片区"]
