"""A command-line import that loads in bulk into SQLite writes with a rollback journal, then the file is WAL
again; with the file open elsewhere, into a full register, from the wizard or on PostgreSQL it writes as always.

Each case runs `workbench import` on a real file and reads what the import's own transaction saw."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from import_helpers import cli_office, one_value, row, write_list
from sqlalchemy import text
from test_orphan_workers import RUN_IMPORT, big_list, children_of
from typer.testing import CliRunner

import imports.commit as commit_module
from imports.commit import BULK_FROM, commit_import
from imports.plan import plan_import
from storage.audit import Actor
from storage.engine import make_engine
from workbench import cli

runner = CliRunner()
BULK_ROWS = BULK_FROM + 100


def _office(url: str) -> None:
    cli_office(url)
    gc.collect()  # the init command's engine and its open connection go, as they do when its process ends


@pytest.fixture
def seen_modes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The journal mode inside each import's transaction, read where the commit checks for conflicts."""
    modes: list[str] = []
    check = commit_module.find_conflicts

    def spying(connection: Any, plan: Any) -> Any:
        if connection.dialect.name == "sqlite":
            modes.append(str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()))
        return check(connection, plan)

    monkeypatch.setattr(commit_module, "find_conflicts", spying)
    return modes


@pytest.fixture(scope="module")
def bulk_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("journal")
    return write_list(folder / "名录.xlsx", [row(serial) for serial in range(1, BULK_ROWS + 1)])


def _file_state(path: str) -> tuple[str, str, int]:
    with sqlite3.connect(path) as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        found = connection.execute(
            "SELECT count(*) FROM business_fts WHERE business_fts MATCH '\"第2050号水果\"'"
        ).fetchone()[0]
    return mode, check, found


def test_a_first_import_in_bulk_writes_once_with_a_rollback_journal(
    tmp_path: Path, bulk_list: Path, seen_modes: list[str]
) -> None:
    database = str(tmp_path / "office.db")
    _office(database)
    result = runner.invoke(cli.app, ["--db", database, "import", str(bulk_list), "--json"])
    assert result.exit_code == 0, result.output
    assert seen_modes == ["delete"]
    assert _file_state(database) == ("wal", "ok", 1)  # WAL again, whole, and the search finds the rows
    assert one_value(database, "SELECT count(*) FROM business") == BULK_ROWS
    assert not Path(database + "-journal").exists()


def test_with_the_file_open_in_another_window_the_import_keeps_wal(
    tmp_path: Path, bulk_list: Path, seen_modes: list[str]
) -> None:
    database = str(tmp_path / "office.db")
    _office(database)
    elsewhere = sqlite3.connect(database)  # the interface, open on the same office in another window
    try:
        assert elsewhere.execute("SELECT count(*) FROM business").fetchone()[0] == 0
        result = runner.invoke(cli.app, ["--db", database, "import", str(bulk_list), "--json"])
        assert result.exit_code == 0, result.output
        assert seen_modes == ["wal"]
        assert elsewhere.execute("SELECT count(*) FROM business").fetchone()[0] == BULK_ROWS
    finally:
        elsewhere.close()
    assert _file_state(database) == ("wal", "ok", 1)


def test_a_small_import_and_the_wizard_keep_wal(
    tmp_path: Path, bulk_list: Path, seen_modes: list[str]
) -> None:
    database = str(tmp_path / "office.db")
    _office(database)
    small = write_list(tmp_path / "少量.xlsx", [row(serial) for serial in range(1, 51)])
    result = runner.invoke(cli.app, ["--db", database, "import", str(small), "--json"])
    assert result.exit_code == 0, result.output
    engine = make_engine(database)  # the wizard commits through the same function, sharing its engine
    try:
        with engine.connect() as connection:
            office_id = connection.execute(text("SELECT min(id) FROM office")).scalar_one()
        actor = Actor(who="陈晓东", device="办公室电脑", office_id=office_id)
        plan = plan_import(engine, bulk_list, actor=actor)
        done = commit_import(engine, plan, actor=actor)
    finally:
        engine.dispose()
    assert seen_modes == ["wal", "wal"]
    assert done.inserted == BULK_ROWS - 50 and _file_state(database) == ("wal", "ok", 1)


def test_a_bulk_import_that_fails_leaves_the_office_as_it_was_and_in_wal(
    tmp_path: Path, bulk_list: Path, seen_modes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = str(tmp_path / "office.db")
    _office(database)

    def broken(*_args: Any, **_kwargs: Any) -> str:
        raise RuntimeError("写入导入记录时出错")

    monkeypatch.setattr(commit_module, "_record", broken)  # the last write of the transaction fails
    result = runner.invoke(cli.app, ["--db", database, "import", str(bulk_list), "--json"])
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    assert seen_modes == ["delete"]
    assert one_value(database, "SELECT count(*) FROM business") == 0
    assert one_value(database, "SELECT count(*) FROM change_log WHERE entity = 'business'") == 0
    mode, check, found = _file_state(database)
    assert (mode, check, found) == ("wal", "ok", 0)


def test_the_bulk_import_on_postgresql_writes_as_always(pg_url: str, bulk_list: Path, seen_modes: list[str]) -> None:
    _office(pg_url)
    result = runner.invoke(cli.app, ["--db", pg_url, "import", str(bulk_list), "--json"])
    assert result.exit_code == 0, result.output
    assert seen_modes == []  # nothing to switch on PostgreSQL
    assert one_value(pg_url, "SELECT count(*) FROM business") == BULK_ROWS


def test_an_import_killed_while_writing_leaves_the_office_as_it_was(tmp_path: Path) -> None:
    """SIGKILL in the middle of the bulk write (the commit's workers running, the rollback journal in use):
    the next opening rolls the journal back and returns to WAL; nothing of the import is left."""
    database = tmp_path / "office.db"
    environment = {**os.environ, "WORKBENCH_DB": str(database)}
    made = subprocess.run([sys.executable, "-c", RUN_IMPORT, "init", "--office", "五马市场监管所", "--officer",
                           "陈晓东"], env=environment, capture_output=True, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr.decode()
    source = big_list(tmp_path / "名录.csv")
    importing = subprocess.Popen([sys.executable, "-c", RUN_IMPORT, "import", str(source), "--json"],
                                 env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    journal = Path(f"{database}-journal")
    try:
        while importing.poll() is None and not (journal.exists() and children_of(importing.pid)):
            time.sleep(0.02)
        assert importing.poll() is None, "the import ended before its bulk write: make the list larger"
        os.kill(importing.pid, signal.SIGKILL)
    finally:
        importing.kill()
        importing.wait()
    assert one_value(str(database), "SELECT count(*) FROM business") == 0
    assert one_value(str(database), "SELECT count(*) FROM import_record") == 0
    assert _file_state(str(database)) == ("wal", "ok", 0) and not journal.exists()
