"""`copy_database` moves a whole office SQLite -> PostgreSQL -> SQLite with every row as it was."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pg_server as pg
import psycopg
import pytest
from pg_server import PgServer
from sqlalchemy import Connection, Engine, Table, select, text
from sqlmodel import Session
from typer.testing import CliRunner

from storage.audit import Actor
from storage.check import check_database
from storage.copy import CopyError, copied_tables, copy_database
from storage.engine import make_engine
from storage.schema import current_revision, head_revision
from storage.search import match_ids_clause
from storage.tables import Business, Division, Grid, IndustryCode, License, Office, Officer, YearFigures
from workbench import cli
from workbench.services.register import create_business, delete_business, update_business

USCCS = ["92340602MA2PBMEM24", "92340603MA2UK3DT5H", "91330100799655058B", "92340621MA2UK3PJXE"]


def build_office(engine: Engine) -> dict[str, Any]:
    """A small office: grid, officer, four businesses (two edited, one deleted), licenses, year figures."""
    with Session(engine) as session:
        office = Office(code="330302001", name="鹿城区五马所 𠮷", region_code="330302")
        session.add(office)
        session.flush()
        assert office.id is not None
        actor = Actor(who="张三", device="所里一号机", office_id=office.id)
        grid = Grid(office_id=office.id, name="五马片区", township_code="330302001")
        session.add(grid)
        session.flush()
        officer = Officer(office_id=office.id, name="李四", phone="13900001111", grid_id=grid.id)
        session.add(officer)
        session.flush()
        businesses = [_business(session, actor, index, grid.id, officer.id) for index in range(4)]
        session.add_all([IndustryCode(version="2017", code="H6210", name="正餐服务", level=4, parent="H621"),
                         Division(code="330302", start_year=1981, name="鹿城区", parent="330300")])
        session.commit()
        uuids = [business.uuid for business in businesses]
    with Session(engine) as session:
        update_business(session=session, actor=actor, business_uuid=uuids[0], base_version=1,
                        changes={"name": "五马面馆新店", "capital": "12万", "abnormal": True})
        update_business(session=session, actor=actor, business_uuid=uuids[0], base_version=2,
                        changes={"suspended": True, "suspended_from": date(2025, 3, 1)})
        delete_business(session=session, actor=actor, business_uuid=uuids[3], base_version=1)
        session.commit()
    return {"office_id": actor.office_id, "uuids": uuids}


def _business(session: Session, actor: Actor, index: int, grid_id: int | None, officer_id: int | None) -> Business:
    business = create_business(session=session, actor=actor, data={
        "uscc": USCCS[index], "name": f"五马面馆{index}号店", "operator": "王五", "phone": "13812345678",
        "address": f"温州市鹿城区五马街{index}号", "registered_on": date(2020, 1, index + 1),
        "capital": str(50_000 * (index + 1)), "grid_id": grid_id, "officer_id": officer_id,
        "industry_code": "H6210", "tags": "餐饮 重点",
    })
    assert business.id is not None
    session.add(License(office_id=actor.office_id, business_id=business.id, kind="食品经营许可证",
                        number=f"JY1330302{index:06d}", issued_on=date(2021, 5, 1), expires_on=date(2026, 4, 30),
                        updated_at=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)))
    session.add(YearFigures(office_id=actor.office_id, business_id=business.id, year=2024,
                            revenue=1_234_567_890_123, tax_paid=45_678, employees=3, insured_staff=2))
    return business


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every copied table, as Python values, in key order."""
    with engine.connect() as connection:
        return {table.name: _rows(connection, table) for table in copied_tables()}


def _rows(connection: Connection, table: Table) -> list[dict[str, Any]]:
    keys = [column.name for column in table.primary_key.columns]
    rows = [dict(row._mapping) for row in connection.execute(select(table))]
    return sorted(rows, key=lambda row: [row[key] for key in keys])


@pytest.fixture
def office_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """The office to move, in its own SQLite file (the `engine` fixture may be another SQLite file)."""
    path = tmp_path / "source" / "office.db"
    path.parent.mkdir()
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(str(path))
    build_office(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def blank_pg_url(pg_server: PgServer, pg_admin: psycopg.Connection) -> Iterator[str]:
    """A PostgreSQL database with no tables at all, as an administrator creates it for an office."""
    pg.create_database(pg_admin, "wb_blank_copy")
    yield pg_server.url("wb_blank_copy")
    pg.drop_database(pg_admin, "wb_blank_copy")


def test_copy_sqlite_to_postgresql_and_back_keeps_every_row(
    office_db: Engine, pg_engine: Engine, tmp_path: Path,
) -> None:
    original = dump(office_db)
    to_pg = copy_database(office_db, pg_engine)
    assert to_pg.verified
    assert to_pg.counts["business"] == 4 and to_pg.counts["change_log"] == len(original["change_log"])
    assert dump(pg_engine) == original

    back = make_engine(str(tmp_path / "back" / "workbench.db"))
    try:
        assert copy_database(pg_engine, back).counts == to_pg.counts
        assert current_revision(back) == head_revision()
        assert dump(back) == original
    finally:
        back.dispose()


def test_copy_keeps_tombstones_versions_and_history(office_db: Engine, pg_engine: Engine) -> None:
    copy_database(office_db, pg_engine)
    rows = {row["name"]: row for row in dump(pg_engine)["business"]}
    edited, deleted = rows["五马面馆新店"], rows["五马面馆3号店"]
    assert edited["version"] == 3 and edited["capital"] == 120_000 and edited["suspended"] is True
    assert deleted["deleted_at"] is not None and deleted["deleted_at"].tzinfo is not None
    history = [row for row in dump(pg_engine)["change_log"] if row["entity_uuid"] == edited["uuid"]]
    assert {row["action"] for row in history} == {"create", "update"}


def test_postgresql_hands_out_new_ids_after_the_copy(office_db: Engine, pg_engine: Engine) -> None:
    copy_database(office_db, pg_engine)
    with Session(pg_engine) as session:
        office_id: int = session.exec(select(Office.id)).scalar_one()  # type: ignore[call-overload]
        actor = Actor(who="张三", device="服务器", office_id=office_id)
        business = create_business(session=session, actor=actor, data={"name": "新开的店"})
        session.commit()
        assert business.id == 5


def test_copy_into_a_blank_postgresql_database_migrates_it(office_db: Engine, blank_pg_url: str) -> None:
    target = make_engine(blank_pg_url)
    try:
        assert current_revision(target) is None
        copy_database(office_db, target)
        assert current_revision(target) == head_revision()
        assert dump(target) == dump(office_db)
    finally:
        target.dispose()


def test_copy_refuses_a_target_that_holds_businesses(office_db: Engine, engine: Engine) -> None:
    build_office(engine)
    before = dump(engine)
    with pytest.raises(CopyError, match="已有数据"):
        copy_database(office_db, engine)
    assert dump(engine) == before


def test_copy_refuses_a_target_at_another_revision(office_db: Engine, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffff'"))
    with pytest.raises(CopyError, match="版本"):
        copy_database(office_db, engine)


def test_copy_refuses_the_same_database(office_db: Engine) -> None:
    with pytest.raises(CopyError, match="同一个"):
        copy_database(office_db, office_db)


def test_a_failed_copy_leaves_the_target_as_it_was(office_db: Engine, engine: Engine) -> None:
    """A license pointing at a missing business (an old file with foreign keys off) fails on the target."""
    with office_db.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.execute(License.__table__.insert().values(  # type: ignore[attr-defined]
            uuid="00000000-0000-4000-8000-00000000dead", office_id=1, business_id=999, kind="孤儿许可证",
            number="", updated_by="", device="", version=1))
        connection.commit()
    search_index = _search_index_objects(engine)
    with pytest.raises(CopyError, match="目标库未作任何改动.*workbench db check"):
        copy_database(office_db, engine)
    assert all(rows == [] for rows in dump(engine).values())
    assert _search_index_objects(engine) == search_index and search_index


def _search_index_objects(engine: Engine) -> set[str]:
    """SQLite's FTS triggers, PostgreSQL's GIN indexes: the copy drops them while loading."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'business'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE tablename = 'business' AND starts_with(indexname, 'ix_business_search')"
        return set(connection.exec_driver_sql(query).scalars())


@pytest.mark.parametrize("query", ["面馆", "五马街2号", "wmmg", "92340603"])
def test_the_copy_is_searchable_on_both_engines(office_db: Engine, pg_engine: Engine, tmp_path: Path, query: str) -> None:
    copy_database(office_db, pg_engine)
    back = make_engine(str(tmp_path / "back.db"))
    try:
        copy_database(pg_engine, back)
        for engine in (office_db, pg_engine, back):
            assert _found(engine, query) == _found(office_db, query) != []
        assert check_database(back).ok and check_database(pg_engine).ok
        assert any("检索索引 business_fts：完好" in line for line in check_database(back).lines)
    finally:
        back.dispose()


def _found(engine: Engine, query: str) -> list[str]:
    with engine.connect() as connection:
        clause = match_ids_clause(connection, query)
        assert clause is not None
        uuid: Any = Business.uuid
        return sorted(connection.execute(select(uuid).where(clause, Business.deleted_at.is_(None))).scalars())  # type: ignore[union-attr]


def test_cli_copy_reports_verified_counts(office_db: Engine, pg_url: str) -> None:
    source = str(office_db.url.database)
    result = CliRunner().invoke(cli.app, ["db", "copy", "--from", source, "--to", pg_url])
    assert result.exit_code == 0, result.output
    assert "business: 4 行，已核对一致" in result.output
    target = make_engine(pg_url)
    try:
        assert dump(target) == dump(office_db)
    finally:
        target.dispose()


def test_cli_copy_refusal_is_one_chinese_line(office_db: Engine) -> None:
    source = str(office_db.url.database)
    result = CliRunner().invoke(cli.app, ["db", "copy", "--from", source, "--to", source])
    assert result.exit_code == 1
    assert "同一个" in result.output and "Traceback" not in result.output


def test_a_living_demo_office_moves_with_every_feature_table(sqlite_template: Path, pg_engine: Engine,
                                                             tmp_path: Path) -> None:
    """Service work, classification results and the change log of a demo office survive the move."""
    from workbench.services.classification import load_rules
    from workbench.services.classification_recompute import recompute
    from workbench.services.demo import build_demo

    path = tmp_path / "demo" / "demo.db"
    path.parent.mkdir()
    shutil.copyfile(sqlite_template, path)
    source = make_engine(str(path))
    try:
        build_demo(source, size=300, seed=3, workers=1)
        with Session(source) as session:
            office_id = session.execute(select(Office.id)).scalar_one()
            recompute(session, actor=Actor(who="测试", device="测试机", office_id=office_id),
                      rules=load_rules(None)[0], today=date(2026, 11, 23))
            session.commit()
        original = dump(source)
        filled = {name for name, rows in original.items() if rows}
        assert {"support_record", "appeal", "appeal_step", "visit", "classification_result"} <= filled
        result = copy_database(source, pg_engine)
        assert result.verified and dump(pg_engine) == original
    finally:
        source.dispose()
