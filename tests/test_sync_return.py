"""The laptop's own work goes back as a return package (回传包), and a refresh keeps what has not gone back
(issue 19). The office on both engines, the laptop a real SQLite file."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from sync_world import SyncWorld, laptop_engine, make_sync_world
from test_sync_packages import make_package

from imports.sync_back import read_return_package, write_return_package
from imports.sync_read import PackageRefused, read_field_package
from storage.audit import Actor
from storage.tables import Business, Officer
from storage.tables_service import VisitFollowUp
from workbench.services.appeals import add_note
from workbench.services.register import create_business, update_business
from workbench.services.support import delete_support, record_support
from workbench.services.sync_laptop import receive_field_package
from workbench.services.sync_pending import pending_changes
from workbench.services.visits import complete_follow_up, record_visit


@pytest.fixture
def office(engine: Engine) -> SyncWorld:
    with Session(engine) as session:
        return make_sync_world(session)


@pytest.fixture
def laptop(sqlite_template: Path, tmp_path: Path) -> Engine:
    folder = tmp_path / "laptop"
    folder.mkdir()
    engine = laptop_engine(sqlite_template, folder)
    yield engine  # type: ignore[misc]
    engine.dispose()


def _take(laptop: Engine, package: Path) -> Actor:
    with Session(laptop) as session:
        result = receive_field_package(session=session, package=read_field_package(package), who="张伟", device="笔记本")
        session.commit()
        assert not result.kept
        officer = session.exec(select(Officer).where(Officer.name == "张伟")).one()
        return Actor(who="张伟", device="笔记本", office_id=officer.office_id, officer_id=officer.id)


def _version(session: Session, model: type, uuid: str) -> int:
    return session.exec(select(model).where(model.uuid == uuid)).one().version  # type: ignore[attr-defined, no-any-return]


def test_laptop_work_goes_back_as_row_changes(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    w = office.world
    me = _take(laptop, make_package(engine, office, tmp_path))
    today = date.today()
    with Session(laptop) as session:
        noodle_version = _version(session, Business, w.noodle_uuid)
        update_business(session=session, actor=me, business_uuid=w.noodle_uuid, base_version=noodle_version,
                        changes={"phone": "13912345678", "employees": 6})
        visit = record_visit(session, actor=me, business_uuid=w.tea_uuid, data={
            "visited_on": today, "officer_id": me.officer_id, "officers_present": "张伟", "purpose": "回访",
            "finding": "正常经营", "follow_ups": [{"action": "送达告知书", "due_on": today + timedelta(days=5)}],
        })
        support = record_support(session, actor=me, business_uuid=w.noodle_uuid, data={
            "kind": "法律服务", "given_on": today, "officer_id": me.officer_id, "content": "合同审查"})
        delete_support(session, actor=me, support_uuid=office.support_uuid, base_version=1)
        follow_up = session.exec(select(VisitFollowUp)).first()
        assert follow_up is not None
        complete_follow_up(session, actor=me, follow_up_uuid=follow_up.uuid, base_version=follow_up.version,
                           done_on=today)
        appeal_version = session.execute(text("SELECT version FROM appeal")).scalar_one()
        add_note(session, actor=me, appeal_uuid=office.appeal_uuid, base_version=appeal_version, note="已联系银行")
        new = create_business(session=session, actor=me, data={
            "name": "新开早餐店", "operator": "李娜", "address": "温州市鹿城区五马街9号", "officer_id": me.officer_id})
        session.commit()
        visit_uuid, support_uuid, new_uuid, follow_up_uuid = visit.uuid, support.uuid, new.uuid, follow_up.uuid
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="laptop·1", device="笔记本",
                                       path=tmp_path / "回传包.xlsx")
    package = read_return_package(written.path)
    assert package.manifest.kind == "return" and package.manifest.officer == "张伟"
    assert package.manifest.device == "laptop·1"
    by_uuid = {change.uuid: change for change in package.changes}
    noodle = by_uuid[w.noodle_uuid]
    assert (noodle.table, noodle.base_version, noodle.deleted) == ("business", 2, False)
    assert noodle.values == {"phone": "13912345678", "employees": 6}
    assert noodle.base == {"phone": "13800000001", "employees": 4}
    assert noodle.changed_by == "张伟" and noodle.changed_at.startswith(today.isoformat()[:4])
    made = by_uuid[visit_uuid]
    assert (made.table, made.base_version, made.business_uuid) == ("visit", None, w.tea_uuid)
    assert made.values["visited_on"] == today.isoformat() and made.values["purpose"] == "回访"
    assert made.values["business_id"] == w.tea_uuid
    steps = [c for c in package.changes if c.table == "visit_follow_up" and c.base_version is None]
    assert [(c.values["action"], c.values["visit_id"], c.business_uuid) for c in steps] == [
        ("送达告知书", visit_uuid, w.tea_uuid)]
    assert by_uuid[support_uuid].values["content"] == "合同审查"
    gone = by_uuid[office.support_uuid]
    assert (gone.deleted, gone.base_version, gone.business_uuid) == (True, 1, w.noodle_uuid)
    done = by_uuid[follow_up_uuid]
    assert (done.values, done.base) == ({"done_on": today.isoformat()}, {"done_on": None})
    notes = [c for c in package.changes if c.table == "appeal_step" and c.base_version is None]
    assert [(c.values["note"], c.values["appeal_id"], c.business_uuid) for c in notes] == [
        ("已联系银行", office.appeal_uuid, w.noodle_uuid)]
    born = by_uuid[new_uuid]
    assert (born.base_version, born.values["name"], born.values["operator"]) == (None, "新开早餐店", "李娜")
    # exactly these rows: the business, the visit and its follow-up, the support made and the one deleted,
    # the old follow-up done, the note (the appeal itself changed no value)
    assert len(package.changes) == 8
    with laptop.connect() as connection:
        office_id = connection.execute(text("SELECT id FROM office")).scalar_one()
        assert package.changes == tuple(pending_changes(connection, office_id))


def test_a_change_made_and_undone_travels_nowhere(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    me = _take(laptop, make_package(engine, office, tmp_path))
    with Session(laptop) as session:
        version = _version(session, Business, office.world.tea_uuid)
        update_business(session=session, actor=me, business_uuid=office.world.tea_uuid, base_version=version,
                        changes={"phone": "13700000000"})
        update_business(session=session, actor=me, business_uuid=office.world.tea_uuid, base_version=version + 1,
                        changes={"phone": "13800000001"})
        session.commit()
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="l", device="笔记本", path=tmp_path / "r.xlsx")
    assert written.changes == 0 and read_return_package(written.path).changes == ()


def test_a_refresh_keeps_laptop_changes_until_the_office_has_them(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    w = office.world
    me = _take(laptop, make_package(engine, office, tmp_path, name="第一次.xlsx"))
    with Session(laptop) as session:
        update_business(session=session, actor=me, business_uuid=w.noodle_uuid,
                        base_version=_version(session, Business, w.noodle_uuid), changes={"phone": "13912345678"})
        session.commit()
    with Session(engine) as session:  # meanwhile at the office: the tea shop's address changes
        update_business(session=session, actor=w.actor, business_uuid=w.tea_uuid,
                        base_version=_version(session, Business, w.tea_uuid), changes={"address": "五马街2号"})
        session.commit()
    second = read_field_package(make_package(engine, office, tmp_path, name="第二次.xlsx"))
    with Session(laptop) as session:
        result = receive_field_package(session=session, package=second, who="张伟", device="笔记本")
        session.commit()
    assert [(kept.what, kept.fields) for kept in result.kept] == [("市场主体「老街兰州拉面馆」", ("phone",))]
    with Session(laptop) as session:
        noodle = session.exec(select(Business).where(Business.uuid == w.noodle_uuid)).one()
        tea = session.exec(select(Business).where(Business.uuid == w.tea_uuid)).one()
        assert noodle.phone == "13912345678" and noodle.version == 3  # the laptop's, on its own base (2)
        assert tea.address == "五马街2号" and tea.version == 2  # the office's change arrived
        office_id = noodle.office_id
    with laptop.connect() as connection:
        (change,) = pending_changes(connection, office_id)
        assert (change.uuid, change.base_version, change.values) == (w.noodle_uuid, 2, {"phone": "13912345678"})
    with Session(engine) as session:  # the office takes the laptop's phone in (its apply step)
        update_business(session=session, actor=w.actor, business_uuid=w.noodle_uuid,
                        base_version=_version(session, Business, w.noodle_uuid), changes={"phone": "13912345678"})
        session.commit()
    third = read_field_package(make_package(engine, office, tmp_path, name="第三次.xlsx"))
    with Session(laptop) as session:
        result = receive_field_package(session=session, package=third, who="张伟", device="笔记本")
        session.commit()
    assert result.kept == []
    with laptop.connect() as connection:
        assert pending_changes(connection, office_id) == []


def test_a_return_package_is_refused_when_torn_or_newer(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    me = _take(laptop, make_package(engine, office, tmp_path))
    with Session(laptop) as session:
        update_business(session=session, actor=me, business_uuid=office.world.tea_uuid,
                        base_version=_version(session, Business, office.world.tea_uuid),
                        changes={"phone": "13700000000", "employees": 3})
        session.commit()
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="l", device="笔记本", path=tmp_path / "回传.xlsx")
    assert written.lines == 2
    book = load_workbook(written.path)
    book["变更"].delete_rows(3)
    book.save(tmp_path / "缺行.xlsx")
    with pytest.raises(PackageRefused, match="「缺行.xlsx」不完整：「变更」表应有 2 行，实有 1 行") as torn:
        read_return_package(tmp_path / "缺行.xlsx")
    assert torn.value.message.endswith("请重新拷贝这个文件，或在笔记本上重新生成回传包")  # the office cannot make it
    book = load_workbook(written.path)
    for row in book["清单"].iter_rows(min_row=2):
        if row[2].value == "schema_version":
            row[1].value = "9999"
    book.save(tmp_path / "新版.xlsx")
    with pytest.raises(PackageRefused, match="更新版本的工作台"):
        read_return_package(tmp_path / "新版.xlsx")
    with pytest.raises(PackageRefused, match="是回传包，不是外业包"):
        read_field_package(written.path)


def test_an_older_package_is_refused_on_a_refreshed_laptop(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    from workbench.services.sync_laptop import LaptopRefused

    first = make_package(engine, office, tmp_path, name="旧的.xlsx")
    second = make_package(engine, office, tmp_path, name="新的.xlsx")
    _take(laptop, second)
    with Session(laptop) as session, pytest.raises(LaptopRefused, match="「旧的.xlsx」比本机已读入的外业包「新的.xlsx」旧"):
        receive_field_package(session=session, package=read_field_package(first), who="张伟", device="笔记本")
    assert issubclass(PackageRefused, ValueError)  # the office's apply step refuses on any ValueError


def test_a_classification_decision_on_the_laptop_goes_back(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    from storage.tables_classification import ClassificationResult
    from workbench.services.classification import load_rules
    from workbench.services.classification_override import override_tier

    me = _take(laptop, make_package(engine, office, tmp_path))
    rules, error = load_rules(tmp_path / "no-overrides")
    assert error is None
    with Session(laptop) as session:
        override_tier(session, actor=me, business_uuid=office.world.noodle_uuid, tier="成长型", reason="复核后调整",
                      rules=rules)
        session.commit()
        result_uuid = session.exec(select(ClassificationResult.uuid)).one()
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="l", device="笔记本", path=tmp_path / "r.xlsx")
    decisions = [c for c in read_return_package(written.path).changes if c.table == "classification_result"]
    (decision,) = decisions
    assert (decision.uuid, decision.base_version, decision.business_uuid) == (result_uuid, 1, office.world.noodle_uuid)
    assert (decision.values["override_tier"], decision.values["override_reason"]) == ("growth", "复核后调整")
    assert (decision.base["override_tier"], decision.base["override_reason"]) == ("development", "带动就业")
