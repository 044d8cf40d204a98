"""Ctrl+C during `workbench import` says in one sentence what it left: nothing (the one transaction rolled
back), or, when it landed just after the COMMIT, that the import had been written whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import text
from test_orphan_workers import RUN_IMPORT, big_list

import workbench.cli_import as cli_import
from storage.audit import utc_now
from storage.engine import make_engine


def _office(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    database = tmp_path / "office.db"
    environment = {**os.environ, "WORKBENCH_DB": str(database)}
    made = subprocess.run([sys.executable, "-c", RUN_IMPORT, "init", "--office", "五马市场监管所", "--officer",
                           "陈晓东"], env=environment, capture_output=True, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr.decode()
    return database, environment


# Ctrl+C at a chosen moment, delivered as the terminal delivers it (SIGINT to the process, Python's own
# handler): while the main thread waits for the file's read, or in the bulk write (the third batch handed to
# SQLite, the commit's worker processes running, the rollback journal in use).
RUN_INTERRUPTED = """
import os, signal, sys
from pathlib import Path
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal (a background job inherits it ignored)
moment = sys.argv[1]
if moment == "read":
    import workbench.cli_import as command
    wait_for_read = command.ReadAhead.result
    def result(self):
        signal.raise_signal(signal.SIGINT)
        return wait_for_read(self)
    command.ReadAhead.result = result
else:
    import workbench.services.bulk_write as bulk
    insert = bulk.BulkWriter.insert
    calls = []
    def counted(self, *args):
        calls.append(1)
        if len(calls) == 3:
            print("journal:", Path(os.environ["WORKBENCH_DB"] + "-journal").exists(), flush=True)
            signal.raise_signal(signal.SIGINT)
        return insert(self, *args)
    bulk.BulkWriter.insert = counted
sys.argv = ["workbench", *sys.argv[2:]]
from workbench.cli import main
main()
"""


def _interrupted_at(moment: str, environment: dict[str, str], source: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUN_INTERRUPTED, moment, "import", str(source)], env=environment,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


def _businesses(database: Path) -> int:
    engine = make_engine(str(database))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM business")).scalar_one())
    finally:
        engine.dispose()


def test_ctrl_c_during_the_bulk_write_says_nothing_was_written(tmp_path: Path) -> None:
    database, environment = _office(tmp_path)
    done = _interrupted_at("write", environment, big_list(tmp_path / "名录.csv"))
    assert done.returncode == 130
    assert "journal: True" in done.stdout  # the bulk write was under way, with its rollback journal
    assert done.stderr.strip().splitlines()[-1] == "已中断：这次导入没有写入任何内容。", done.stderr
    assert "Traceback" not in done.stderr
    assert _businesses(database) == 0 and not Path(f"{database}-journal").exists()


def test_ctrl_c_during_the_read_says_nothing_was_written(tmp_path: Path) -> None:
    database, environment = _office(tmp_path)
    done = _interrupted_at("read", environment, big_list(tmp_path / "名录.csv"))
    assert done.returncode == 130
    assert done.stderr.strip().splitlines()[-1] == "已中断：这次导入没有写入任何内容。", done.stderr
    assert "Traceback" not in done.stderr and _businesses(database) == 0


def test_an_interrupt_just_after_the_commit_says_the_import_was_written(tmp_path: Path) -> None:
    database, environment = _office(tmp_path)
    engine = make_engine(str(database))
    try:
        started = utc_now()
        with engine.begin() as connection:  # the import record the commit wrote just before Ctrl+C
            connection.execute(text(
                "INSERT INTO import_record (uuid, version, updated_at, updated_by, device, office_id, file_name, "
                "sha256, sheet, kind, mode, who, imported_at, rows_read, inserted, updated, unchanged, skipped, "
                "invalid, duplicates, milliseconds) SELECT 'u-1', 1, :at, '陈晓东', 'pc', min(id), '名录.csv', "
                "'abc', '', 'register', 'insert_and_update', '陈晓东', :at, 1, 1, 0, 0, 0, 0, 0, 5 FROM office"
            ), {"at": utc_now()})  # fmt: skip
        read = SimpleNamespace(finished=lambda: SimpleNamespace(source=SimpleNamespace(sha256="abc")))
        told = cli_import._interrupted(engine, read, started)  # type: ignore[arg-type]
        other = SimpleNamespace(finished=lambda: SimpleNamespace(source=SimpleNamespace(sha256="other")))
        untouched = cli_import._interrupted(engine, other, started)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    assert told == "已中断，但这次导入在中断前已经全部写入（可再用 --dry-run 预览核对）。"
    assert untouched == "已中断：这次导入没有写入任何内容。"
