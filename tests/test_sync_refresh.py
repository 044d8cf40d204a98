"""Issue 19: a laptop refreshed by a newer 外业包 lets go of what the office no longer sends it (a business
reassigned to another officer with its rows, a record deleted at the office), as tombstones that never travel
back; what still has unsent laptop work stays and is listed with its reason; a later package that carries a
row again brings it back. The office on both engines, the laptop a real SQLite file, real workbooks."""

from __future__ import annotations

import uuid as uuid_module
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from sync_world import SyncWorld, laptop_engine, make_sync_world
from test_sync_packages import make_package
from typer.testing import CliRunner

from imports.sync_back import read_return_package, write_return_package
from imports.sync_read import read_field_package
from storage.audit import Actor
from storage.tables import Business, Officer
from workbench import cli
from workbench.services.register import update_business
from workbench.services.support import delete_support
from workbench.services.sync_apply import apply_package
from workbench.services.sync_laptop import ReceiveResult, receive_field_package
from workbench.services.sync_pending import pending_changes
from workbench.services.sync_refresh import REMOVED_NOTE
from workbench.services.visits import record_visit

runner = CliRunner()


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


def _receive(laptop: Engine, package: Path) -> ReceiveResult:
    with Session(laptop) as session:
        result = receive_field_package(session=session, package=read_field_package(package), who="张伟", device="笔记本")
        session.commit()
    return result


def _me(laptop: Engine) -> Actor:
    with Session(laptop) as session:
        officer = session.exec(select(Officer).where(Officer.name == "张伟")).one()
        return Actor(who="张伟", device="笔记本", office_id=officer.office_id, officer_id=officer.id)


def _office_moves(engine: Engine, office: SyncWorld) -> None:
    """At the office: the tea shop goes to 单丽 (with its visit and follow-up); the noodle shop's support
    record is deleted (entered by mistake)."""
    w = office.world
    with Session(engine) as session:
        tea = session.exec(select(Business).where(Business.uuid == w.tea_uuid)).one()
        update_business(session=session, actor=w.actor, business_uuid=w.tea_uuid, base_version=tea.version,
                        changes={"officer_id": w.second_officer_id})
        delete_support(session, actor=w.actor, support_uuid=office.support_uuid, base_version=1)
        session.commit()


def _live(laptop: Engine, table: str) -> set[str]:
    with laptop.connect() as connection:
        return set(connection.execute(text(f"SELECT uuid FROM {table} WHERE deleted_at IS NULL")).scalars())


def _version(laptop: Engine, business_uuid: str) -> int:
    with laptop.connect() as connection:
        return int(connection.execute(text("SELECT version FROM business WHERE uuid = :u"), {"u": business_uuid}).scalar_one())


def _tea_rows(engine: Engine, office: SyncWorld) -> tuple[set[str], set[str]]:
    """The tea shop's visits of the last year and their follow-ups, as the office holds them (plain SQL)."""
    since = date.today() - timedelta(days=365)
    with engine.connect() as connection:
        visits = set(connection.execute(text(
            "SELECT v.uuid FROM visit v JOIN business b ON b.id = v.business_id WHERE b.uuid = :u AND v.visited_on >= :s"
        ), {"u": office.world.tea_uuid, "s": since}).scalars())
        follow_ups = set(connection.execute(text(
            "SELECT f.uuid FROM visit_follow_up f JOIN visit v ON v.id = f.visit_id JOIN business b ON b.id = v.business_id"
            " WHERE b.uuid = :u AND v.visited_on >= :s"), {"u": office.world.tea_uuid, "s": since}).scalars())
    return visits, follow_ups


def test_a_refresh_takes_off_what_the_office_no_longer_sends(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    w = office.world
    _receive(laptop, make_package(engine, office, tmp_path, name="第一次.xlsx"))
    visits, follow_ups = _tea_rows(engine, office)
    assert len(visits) == 1 and len(follow_ups) == 1  # the visit of 10 days ago travels; the one of 400 does not
    assert _live(laptop, "business") == {w.noodle_uuid, w.tea_uuid}
    tea_version = _version(laptop, w.tea_uuid)
    _office_moves(engine, office)
    result = _receive(laptop, make_package(engine, office, tmp_path, name="第二次.xlsx"))
    assert result.removed == {"business": 1, "visit": 1, "visit_follow_up": 1, "support_record": 1}
    assert (result.held, result.kept, result.not_in_package) == ([], [], 0)
    assert _live(laptop, "business") == {w.noodle_uuid}
    assert _live(laptop, "visit") == set() and _live(laptop, "visit_follow_up") == set()
    assert _live(laptop, "support_record") == set()
    with laptop.connect() as connection:  # tombstones, never physical deletes, each in the change log
        tea = connection.execute(text("SELECT deleted_at, version FROM business WHERE uuid = :u"),
                                 {"u": w.tea_uuid}).one()
        assert tea.deleted_at is not None and tea.version == tea_version + 1
        logged = connection.execute(text(
            "SELECT entity, entity_uuid FROM change_log WHERE action = 'delete' AND new = :n"), {"n": REMOVED_NOTE}).all()
        assert sorted(logged) == sorted([("business", w.tea_uuid), ("support_record", office.support_uuid),
                                         *(("visit", uuid) for uuid in visits),
                                         *(("visit_follow_up", uuid) for uuid in follow_ups)])
        office_id = connection.execute(text("SELECT id FROM office")).scalar_one()
        assert pending_changes(connection, office_id) == []  # the office's doing: nothing goes back
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="l", device="笔记本", path=tmp_path / "回传.xlsx")
    assert written.changes == 0 and read_return_package(written.path).changes == ()

    # The office gives the tea shop back: the next package brings it, its visit and follow-up back to life.
    with Session(engine) as session:
        tea_now = session.exec(select(Business).where(Business.uuid == w.tea_uuid)).one()
        update_business(session=session, actor=w.actor, business_uuid=w.tea_uuid, base_version=tea_now.version,
                        changes={"officer_id": w.officer_id})
        session.commit()
        office_version = session.exec(select(Business).where(Business.uuid == w.tea_uuid)).one().version
    again = _receive(laptop, make_package(engine, office, tmp_path, name="第三次.xlsx"))
    assert again.removed == {} and again.held == []
    assert _live(laptop, "business") == {w.noodle_uuid, w.tea_uuid}
    assert _live(laptop, "visit") == visits and _live(laptop, "visit_follow_up") == follow_ups
    with laptop.connect() as connection:
        assert _version(laptop, w.tea_uuid) == office_version
        assert pending_changes(connection, office_id) == []


def test_rows_with_unsent_laptop_work_stay_and_are_listed(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    w = office.world
    _receive(laptop, make_package(engine, office, tmp_path, name="第一次.xlsx"))
    me = _me(laptop)
    today = date.today()
    with Session(laptop) as session:  # on the laptop, not yet sent back: a new visit, the support's outcome
        new_visit = record_visit(session, actor=me, business_uuid=w.tea_uuid, data={
            "visited_on": today, "officer_id": me.officer_id, "finding": "正常经营", "notes": "笔记本上记的"}).uuid
        session.execute(text("UPDATE support_record SET outcome = '已放款', version = version + 1 WHERE uuid = :u"),
                        {"u": office.support_uuid})
        session.commit()
    _office_moves(engine, office)
    visits, follow_ups = _tea_rows(engine, office)
    result = _receive(laptop, make_package(engine, office, tmp_path, name="第二次.xlsx"))
    # the tea shop stays for the new visit hanging from it; the support record for its own change; the
    # office's visit and follow-up, which nothing unsent needs, go
    assert result.removed == {"visit": len(visits), "visit_follow_up": len(follow_ups)}
    assert [(held.table, held.uuid, held.name) for held in result.held] == [
        ("business", w.tea_uuid, "市场主体「阿香奶茶店」"),
        ("support_record", office.support_uuid, f"帮扶记录「{today - timedelta(days=30)}」"),
    ]
    assert "新记的内容还没有被所里收到，暂时保留" in result.held[0].reason
    assert "对它的修改还没有被所里收到，暂时保留" in result.held[1].reason
    assert result.not_in_package == 1
    assert _live(laptop, "business") == {w.noodle_uuid, w.tea_uuid}
    assert _live(laptop, "visit") == {new_visit}
    assert _live(laptop, "support_record") == {office.support_uuid}
    with laptop.connect() as connection:
        office_id = connection.execute(text("SELECT id FROM office")).scalar_one()
        going_back = {(change.table, change.uuid, change.deleted) for change in pending_changes(connection, office_id)}
    assert going_back == {("visit", new_visit, False), ("support_record", office.support_uuid, False)}


def test_sync_in_says_what_left_the_laptop_and_what_stayed(sqlite_template: Path, tmp_path: Path) -> None:
    import shutil

    from storage.engine import make_engine

    office_db = tmp_path / "office.db"
    shutil.copyfile(sqlite_template, office_db)
    engine = make_engine(str(office_db))
    with Session(engine) as session:
        world = make_sync_world(session)
    first = tmp_path / "外业包-1.xlsx"
    arguments = ["--db", str(office_db), "sync", "out", "--office", "五马市场监管所", "--officer", "张伟", "-o"]
    assert runner.invoke(cli.app, [*arguments, str(first)]).exit_code == 0
    laptop_db = tmp_path / "laptop.db"
    assert runner.invoke(cli.app, ["sync", "in", str(first), "--db", str(laptop_db)]).exit_code == 0
    laptop = make_engine(str(laptop_db))
    me = _me(laptop)
    with Session(laptop) as session:
        record_visit(session, actor=me, business_uuid=world.world.tea_uuid,
                     data={"visited_on": date.today(), "finding": "正常经营"})
        session.commit()
    laptop.dispose()
    _office_moves(engine, world)
    engine.dispose()
    second = tmp_path / "外业包-2.xlsx"
    assert runner.invoke(cli.app, [*arguments, str(second)]).exit_code == 0
    taken = runner.invoke(cli.app, ["sync", "in", str(second), "--db", str(laptop_db)])
    assert taken.exit_code == 0, taken.output
    assert "所里已不再交给本机的 3 条记录（已删除、改派给其他干部，或诉求已办结、走访和帮扶已超过一年）已从本机移除。" in taken.output
    assert "另有 1 条所里已不再交给本机的记录暂时保留，因为本机还有与它们有关、尚未回传的内容：" in taken.output
    assert "  市场主体「阿香奶茶店」：所里新的外业包已不含它（已删除或改派给其他干部），但本机在它名下新记的内容还没有被所里收到" in taken.output


def _add_figures(engine: Engine, business_uuid: str, revenue: int, who: str) -> str:
    """A 2024 经营数据 row typed on this machine (the office's import or the officer at the door), plain SQL."""
    row_uuid = str(uuid_module.uuid4())
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO year_figures (uuid, version, updated_by, device, office_id, business_id, year, revenue, source)"
            " SELECT :u, 1, :who, '', b.office_id, b.id, 2024, :r, '手工录入' FROM business b WHERE b.uuid = :b"
        ), {"u": row_uuid, "who": who, "r": revenue, "b": business_uuid})
    return row_uuid


def test_a_year_typed_on_both_sides_does_not_stop_the_next_package(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    """The officer types the noodle shop's and the tea shop's 2024 figures at the door while the office imports
    the tax list: the return package is applied (the same figures are one row, different ones a conflict), and
    the next 外业包 must still go in. The laptop's row of the same figures becomes the office's row (nothing left
    to send); its row of different figures stays, unsent, and the office's is not put beside it."""
    w = office.world
    _receive(laptop, make_package(engine, office, tmp_path, name="第一次.xlsx"))
    _add_figures(laptop, w.noodle_uuid, 800_000, "张伟")
    mine = _add_figures(laptop, w.tea_uuid, 1_000_000, "张伟")
    office_noodle = _add_figures(engine, w.noodle_uuid, 800_000, "李主任")
    _add_figures(engine, w.tea_uuid, 1_200_000, "李主任")
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="l", device="笔记本", path=tmp_path / "回传.xlsx")
    with Session(engine) as session:
        applied = apply_package(session, Actor(who="李主任", device="所里", office_id=w.actor.office_id),
                                read_return_package(written.path))
        session.commit()
    assert applied.counts == {"same": 1, "conflict": 1}

    result = _receive(laptop, make_package(engine, office, tmp_path, name="第二次.xlsx"))
    assert [(kept.table, kept.fields) for kept in result.kept] == [("year_figures", ("revenue",))]
    with laptop.connect() as connection:
        rows = connection.execute(text(
            "SELECT b.uuid AS business, f.uuid, f.revenue FROM year_figures f JOIN business b ON b.id = f.business_id"
            " WHERE f.deleted_at IS NULL AND f.year = 2024 ORDER BY f.revenue")).all()
        assert [tuple(row) for row in rows] == [(w.noodle_uuid, office_noodle, 800_000), (w.tea_uuid, mine, 1_000_000)]
        office_id = connection.execute(text("SELECT id FROM office")).scalar_one()
        going_back = [(change.table, change.uuid) for change in pending_changes(connection, office_id)]
    assert going_back == [("year_figures", mine)]


def _classify(engine: Engine, business_uuid: str, tier: str, computed_at: str) -> str:
    """A classification result written on this machine (plain SQL), as `figures set` or `classify` leaves it."""
    row_uuid = str(uuid_module.uuid4())
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO classification_result (uuid, version, updated_by, device, office_id, business_id, tier,"
            " rule_version, inputs, explanation, size_explanation, computed_at)"
            " SELECT :u, 1, '', '', b.office_id, b.id, :t, '2024.1', '{}', '', '', :at FROM business b WHERE b.uuid = :b"
        ), {"u": row_uuid, "t": tier, "at": computed_at, "b": business_uuid})
    return row_uuid


def test_a_business_classified_on_both_sides_does_not_stop_the_next_package(
    engine: Engine, office: SyncWorld, laptop: Engine, tmp_path: Path
) -> None:
    """A business the office imported and had not classified yet: the officer types its figures at the door (the
    laptop classifies it), the office runs 重新分型. The next 外业包 goes in (UNIQUE business_id stopped it), the
    laptop keeps its own result, unsent, and holds one."""
    w = office.world
    _receive(laptop, make_package(engine, office, tmp_path, name="第一次.xlsx"))
    mine = _classify(laptop, w.tea_uuid, "成长型", "2026-12-07 10:00:00")
    _classify(engine, w.tea_uuid, "生存型", "2026-12-07 11:00:00")
    result = _receive(laptop, make_package(engine, office, tmp_path, name="第二次.xlsx"))
    assert ("classification_result", "tier") in {(kept.table, field) for kept in result.kept for field in kept.fields}
    with laptop.connect() as connection:
        live = connection.execute(text(
            "SELECT c.uuid, c.tier FROM classification_result c JOIN business b ON b.id = c.business_id"
            " WHERE b.uuid = :b AND c.deleted_at IS NULL"), {"b": w.tea_uuid}).all()
    assert [tuple(row) for row in live] == [(mine, "成长型")]
