"""Databases made by older versions upgrade with their data, and the `db` commands work on both engines."""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pg_server as pg
import pytest
from sqlalchemy import Connection, Engine, select, text
from sqlmodel import Session
from typer.testing import CliRunner

from storage import backup
from storage.audit import Actor
from storage.engine import make_engine
from storage.schema import (
    SCHEMA_HEAD,
    alembic_head_revision,
    current_revision,
    ensure_current,
    head_revision,
    upgrade,
)
from storage.search import match_ids_clause
from storage.tables import Business
from workbench import cli
from workbench.services.detail import business_detail

FIRST_REVISION = "0001"
BUSINESS_UUID = "6f1c1d2e-0001-4000-8000-000000000001"
# What 0001's search_fields wrote: one token per character of name, operator and address; no pinyin.
FIRST_SCHEMA_SEARCH_CHARS = " ".join("老街兰州拉面馆马六温州市鹿城区五马街1号")
_blank_numbers = itertools.count(1)
runner = CliRunner()


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="pg", marks=pytest.mark.pg)])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "old" / "workbench.db"
        path.parent.mkdir()
        path.touch()  # SQLite reads an empty file as an empty database; a missing one is refused, not created
        yield str(path)
        return
    server, admin = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_admin")
    name = f"wb_blank_{next(_blank_numbers)}"
    pg.create_database(admin, name)
    yield server.url(name)
    pg.drop_database(admin, name)


@pytest.fixture
def old_engine(blank_url: str) -> Iterator[Engine]:
    engine = open_old_database(blank_url)
    yield engine
    engine.dispose()


@pytest.fixture
def old_sqlite(tmp_path: Path) -> Iterator[Engine]:
    engine = open_old_database(str(tmp_path / "old.db"))
    yield engine
    engine.dispose()


def open_old_database(url: str) -> Engine:
    """A database at the first schema holding one office's rows, written with plain SQL as 0001 knew them."""
    engine = make_engine(url)
    upgrade(engine, FIRST_REVISION)
    with engine.begin() as connection:
        insert_first_schema_rows(connection)
    return engine


def insert_first_schema_rows(connection: Connection) -> None:
    at = "2024-01-02 03:04:05.678901" + ("" if connection.dialect.name == "sqlite" else "+00")
    travelling = {"version": 1, "by": "张三", "device": "一号机", "at": at}
    office_id = _insert(connection, "INSERT INTO office (uuid, version, updated_at, updated_by, device, code, name, "
                        "region_code) VALUES ('office-1', :version, :at, :by, :device, '330302001', '五马所', '330302')",
                        travelling)
    business_id = _insert(connection, (
        "INSERT INTO business (uuid, version, updated_at, updated_by, device, office_id, uscc, name, kind, operator, "
        "phone, address, industry_code_version, registered_on, status, suspended, abnormal, capital, tags, "
        "name_pinyin, search_chars) VALUES (:uuid, 3, :at, :by, :device, :office_id, '92340602MA2PBMEM24', "
        "'老街兰州拉面馆', 'individual', '马六', '13812345678', '温州市鹿城区五马街1号', '2017', :registered_on, "
        "'active', :no, :yes, 500000, '餐饮', '', :chars)"
    ), {**travelling, "uuid": BUSINESS_UUID, "office_id": office_id, "registered_on": date(2019, 5, 6),
        "no": False, "yes": True, "chars": FIRST_SCHEMA_SEARCH_CHARS})
    _insert(connection, "INSERT INTO license (uuid, version, updated_by, device, office_id, business_id, kind, number, "
            "expires_on) VALUES ('license-1', 1, '', '', :office_id, :business_id, '食品经营许可证', 'JY1', :expires)",
            {"office_id": office_id, "business_id": business_id, "expires": date(2026, 4, 30)})
    _insert(connection, "INSERT INTO change_log (office_id, entity, entity_uuid, action, field, old, new, who, at, "
            "device) VALUES (:office_id, 'business', :uuid, 'update', 'name', '兰州拉面', '老街兰州拉面馆', :by, :at, "
            ":device)", {**travelling, "office_id": office_id, "uuid": BUSINESS_UUID})


def _insert(connection: Connection, statement: str, values: dict[str, object]) -> int:
    return int(connection.execute(text(statement + " RETURNING id"), values).scalar_one())


def _actor(engine: Engine) -> Actor:
    with engine.connect() as connection:
        office_id = connection.execute(text("SELECT id FROM office WHERE uuid = 'office-1'")).scalar_one()
    return Actor(who="李四", device="二号机", office_id=int(office_id))


def _needs_a_newer_head() -> None:
    if head_revision() == FIRST_REVISION:
        pytest.skip("the first schema is still the head: there is nothing to upgrade yet")


# Upgrading


def test_upgrade_from_the_first_schema_keeps_the_data(old_engine: Engine) -> None:
    upgrade(old_engine)
    assert current_revision(old_engine) == head_revision()
    with Session(old_engine) as session:
        detail = business_detail(session=session, actor=_actor(old_engine), business_uuid=BUSINESS_UUID)
    assert detail.version == 3
    assert detail.values["name"] == "老街兰州拉面馆" and detail.values["capital"] == 500_000
    assert detail.values["registered_on"] == date(2019, 5, 6) and detail.values["abnormal"] is True
    assert [line.number for line in detail.licenses] == ["JY1"]
    assert [(line.who, line.new) for line in detail.history] == [("张三", "老街兰州拉面馆")]
    assert detail.history[0].at.microsecond == 678901


@pytest.mark.parametrize("query", ["拉面", "五马街", "lzlm", "92340602", "马六"])
def test_search_finds_rows_written_before_the_upgrade(old_engine: Engine, query: str) -> None:
    """Rows from before the search index existed get their pinyin and grams, and the index holds them."""
    upgrade(old_engine)
    with old_engine.connect() as connection:
        uuid: Any = Business.uuid
        clause = match_ids_clause(connection, query)
        assert clause is not None
        found = connection.execute(select(uuid).where(clause)).scalars()
        assert list(found) == [BUSINESS_UUID]


@pytest.mark.parametrize("bulk", [False, True], ids=["row-by-row", "rebuilt"])
@pytest.mark.parametrize("query", ["lzlfd", "lclfd", "laozeng", "danlei", "shanlei"])
def test_rows_written_before_0010_are_found_by_every_common_reading(
    old_engine: Engine, query: str, bulk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0009 wrote only the first reading (lclfd, and 单 only as shan); 0010 adds the others to old rows."""
    upgrade(old_engine, "0009")
    with old_engine.begin() as connection:
        connection.execute(text("UPDATE business SET name = '老曾理发店', operator = '单磊', "
                                "name_pinyin = 'lclfd sl shanlei laocenglifadian'"))
    if bulk:
        monkeypatch.setattr("storage.search.REINDEX_IN_BULK_FROM", 1)
    upgrade(old_engine)
    with old_engine.connect() as connection:
        stored = connection.execute(text("SELECT name_pinyin FROM business")).scalar_one()
        clause = match_ids_clause(connection, query)
        assert clause is not None
        found = list(connection.execute(select(Business.uuid).where(clause)).scalars())  # type: ignore[arg-type]
    assert stored.split()[:4] == ["lclfd", "lzlfd", "sl", "dl"]
    assert found == [BUSINESS_UUID]


def test_ensure_current_backs_up_an_old_sqlite_file_before_upgrading(old_sqlite: Engine, tmp_path: Path) -> None:
    _needs_a_newer_head()
    result = ensure_current(old_sqlite, tmp_path / "backups")
    assert (result.before, result.after) == (FIRST_REVISION, head_revision())
    assert result.backup is not None and result.backup.parent == tmp_path / "backups"
    assert _sqlite_rows(result.backup, "SELECT version_num FROM alembic_version") == [(FIRST_REVISION,)]
    assert _sqlite_rows(result.backup, "SELECT name FROM business") == [("老街兰州拉面馆",)]


def test_ensure_current_on_a_current_database_does_nothing(engine: Engine, tmp_path: Path) -> None:
    result = ensure_current(engine, tmp_path / "backups")
    assert (result.before, result.after, result.backup) == (head_revision(), head_revision(), None)
    assert not (tmp_path / "backups").exists()


def test_schema_head_is_the_newest_migration() -> None:
    """SCHEMA_HEAD spares the launch Alembic: a new migration must move it too."""
    assert alembic_head_revision() == SCHEMA_HEAD


def test_current_revision_reads_what_alembic_reads(blank_url: str) -> None:
    """Plain SQL gives Alembic's answer on a blank database, an old one and a current one, on each engine."""
    from alembic.runtime.migration import MigrationContext

    def alembic_reads(engine: Engine) -> str | None:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    engine = make_engine(blank_url)
    try:
        assert current_revision(engine) is None and alembic_reads(engine) is None
        for revision in (FIRST_REVISION, "head"):
            upgrade(engine, revision)
            assert current_revision(engine) == alembic_reads(engine)
        assert current_revision(engine) == SCHEMA_HEAD
    finally:
        engine.dispose()


def _sqlite_rows(path: Path, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


# workbench db upgrade


def test_cli_upgrade_creates_the_schema_in_a_blank_database(blank_url: str) -> None:
    result = runner.invoke(cli.app, ["--db", blank_url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"已升级：空库 升到 {head_revision()}" in result.output
    again = runner.invoke(cli.app, ["--db", blank_url, "db", "upgrade"])
    assert f"数据库已是最新版本（{head_revision()}）" in again.output


def test_cli_upgrade_of_an_old_database_keeps_its_rows(old_engine: Engine) -> None:
    _needs_a_newer_head()
    url = old_engine.url.render_as_string(hide_password=False)
    result = runner.invoke(cli.app, ["--db", url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"{FIRST_REVISION} 升到 {head_revision()}" in result.output
    assert "升级前的备份" in result.output  # PostgreSQL too: ensure_current runs pg_dump first
    with old_engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM business")).scalars().all() == ["老街兰州拉面馆"]


# workbench db backup


def test_cli_backup_of_sqlite_is_a_file_that_opens_with_the_rows(old_sqlite: Engine, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["--db", str(old_sqlite.url.database), "db", "backup", "--to", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    [made] = list((tmp_path / "b").glob("workbench-*.db"))
    assert str(made) in result.output.replace("\n", "")
    assert _sqlite_rows(made, "SELECT name FROM business") == [("老街兰州拉面馆",)]


@pytest.mark.pg
def test_cli_backup_of_postgresql_is_a_pg_dump_archive(pg_url: str, tmp_path: Path) -> None:
    pg_dump = backup.find_pg_dump()
    if pg_dump is None:
        pytest.skip("no pg_dump on this machine")
    result = runner.invoke(cli.app, ["--db", pg_url, "db", "backup", "--to", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    [made] = list((tmp_path / "b").glob("workbench-*.dump"))
    assert made.read_bytes()[:5] == b"PGDMP"
    listing = subprocess.run([str(pg_dump.with_name("pg_restore")), "--list", str(made)],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public business" in listing


def test_cli_backup_without_pg_dump_says_what_to_install(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(backup, "find_pg_dump", lambda: None)
    result = runner.invoke(cli.app, ["--db", pg_url, "db", "backup", "--to", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert "未找到 pg_dump" in result.output and "postgresql-client" in result.output


def test_find_pg_dump_looks_in_the_versioned_server_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    found = backup.find_pg_dump()
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_dump")):
        assert found is None
        return
    assert found is not None and found.parent.parent.parent == Path("/usr/lib/postgresql")


# workbench db check


def test_cli_check_of_a_healthy_database_passes(engine_url: str) -> None:
    result = runner.invoke(cli.app, ["--db", engine_url, "db", "check"])
    assert result.exit_code == 0, result.output
    assert f"数据库版本：{head_revision()}，与程序一致" in result.output
    assert "[异常]" not in result.output
    assert "数据量：市场监管所 0 个" in result.output and "行业代码" not in result.output  # not office data
    if engine_url.startswith("sqlite"):
        assert "完整性检查（integrity_check）：通过" in result.output and "WAL" in result.output
    else:
        assert "已连接 PostgreSQL" in result.output and "中文检索（pg_trgm" in result.output
        assert "编码 UTF8" in result.output


def test_cli_check_names_an_older_schema(old_engine: Engine) -> None:
    _needs_a_newer_head()
    result = runner.invoke(cli.app, ["--db", old_engine.url.render_as_string(hide_password=False), "db", "check"])
    assert result.exit_code == 0, result.output
    assert f"数据库版本 {FIRST_REVISION} 较旧" in result.output and "workbench db upgrade" in result.output


def test_cli_check_counts_the_rows(old_engine: Engine) -> None:
    upgrade(old_engine)
    result = runner.invoke(cli.app, ["--db", old_engine.url.render_as_string(hide_password=False), "db", "check"])
    assert "市场主体 1 户" in result.output and "许可证 1 张" in result.output


def test_cli_check_of_a_corrupted_sqlite_file_fails_clearly(sqlite_engine: Engine) -> None:
    path = Path(str(sqlite_engine.url.database))
    sqlite_engine.dispose()
    path.write_bytes(b"this is not a database" * 200)
    result = subprocess.run([str(Path(sys.executable).with_name("workbench")), "--db", str(path), "db", "check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "不是 SQLite 数据库，或文件头已损坏：请检查路径是否写对；若是工作台的库，请从备份恢复" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_check_of_a_damaged_page_fails_clearly(sqlite_engine: Engine) -> None:
    path = Path(str(sqlite_engine.url.database))
    with sqlite_engine.begin() as connection:
        connection.execute(text("INSERT INTO office (uuid, version, updated_by, device, code, name, region_code) "
                                "VALUES ('o', 1, '', '', '1', '五马所', '')"))
        connection.execute(text("INSERT INTO change_log (entity, entity_uuid, action, field, who, at, device) "
                                "VALUES ('business', 'u', 'create', '', '', '2024-01-01 00:00:00', '')"))
    with sqlite_engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        root = connection.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'change_log'").scalar_one()
        page_size = connection.exec_driver_sql("PRAGMA page_size").scalar_one()
    sqlite_engine.dispose()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size + 8)
        file.write(b"\xff" * 200)
    result = runner.invoke(cli.app, ["--db", str(path), "db", "check"])
    assert result.exit_code == 1
    assert "已损坏" in result.output and "从备份恢复" in result.output


def test_cli_check_finds_a_search_index_out_of_step(sqlite_engine: Engine) -> None:
    """A write that bypassed the triggers (an old tool, a hand edit) leaves FTS5 disagreeing with its table."""
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER business_fts_update")
        connection.execute(text("INSERT INTO office (uuid, version, updated_by, device, code, name, region_code) "
                                "VALUES ('o', 1, '', '', '1', '五马所', '')"))
        connection.execute(text("INSERT INTO business (uuid, version, updated_by, device, office_id, name, kind, "
                                "operator, phone, address, industry_code_version, status, suspended, abnormal, "
                                "tags, name_pinyin, search_chars) VALUES ('b', 1, '', '', 1, '五马面馆', "
                                "'individual', '', '', '', '2017', 'active', 0, 0, '', '', '')"))
        connection.execute(text("UPDATE business SET name = '南汇面馆'"))
    result = runner.invoke(cli.app, ["--db", str(sqlite_engine.url.database), "db", "check"])
    assert result.exit_code == 1
    assert "检索索引 business_fts 与数据不一致" in result.output
    assert "检索索引 business_grams：完好" in result.output


def test_cli_check_of_a_missing_file_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    result = runner.invoke(cli.app, ["--db", str(path), "db", "check"])
    assert result.exit_code == 1
    assert "找不到数据库文件" in result.output
    assert not path.exists()


def test_cli_check_of_an_unreachable_server_is_one_chinese_line() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = runner.invoke(cli.app, ["--db", f"postgresql://workbench:secret@127.0.0.1:{port}/office", "db", "check"])
    assert result.exit_code == 1
    assert f"无法连接到数据库服务器 127.0.0.1:{port}：连接被拒绝" in result.output
    assert "secret" not in result.output and "Traceback" not in result.output


@pytest.mark.pg
def test_check_of_a_database_that_does_not_exist_names_it(pg_server: pg.PgServer) -> None:
    result = runner.invoke(cli.app, ["--db", pg_server.url("no_such_office"), "db", "check"])
    assert result.exit_code == 1
    assert "没有数据库 no_such_office" in result.output


def test_a_database_a_newer_workbench_upgraded_is_refused_in_one_sentence(engine: Engine, tmp_path: Path) -> None:
    """Opened by an older copy of the program (a laptop not yet updated): refused before anything is written."""
    from storage.connection_errors import DatabaseUnavailable

    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9001'"))
    with pytest.raises(DatabaseUnavailable) as refused:
        ensure_current(engine, tmp_path / "backups")
    assert str(refused.value) == ("这个数据库已由更新版本的工作台升级过（数据库版本 9001，本程序只到 "
                                  f"{SCHEMA_HEAD}）：请先把工作台升级到最新版本再打开它。")
    assert not (tmp_path / "backups").exists()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9001"
