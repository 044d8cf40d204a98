"""The import's worker processes give what one process gives: same rows, same order, fork or spawn."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from import_helpers import office, row, snapshot, uscc, write_list
from sqlalchemy import Engine, text
from sqlmodel import Session

import imports.commit_writes
import imports.parallel
import imports.pending
from imports.commit import commit_import
from imports.commit_rows import RowStamp, business_rows
from imports.errors import ImportCancelled
from imports.parallel import ordered_map, worker_count
from imports.plan import plan_import
from storage.queries import BusinessFilter, count_businesses
from storage.search import search_fields
from workbench.domain.business_fields import IMPORTED_FIELDS
from workbench.services import process_start

START_METHODS = ["spawn", *(["fork"] if sys.platform.startswith("linux") else [])]


def _scaled(factor: int, item: int) -> int:
    return factor * item


def _dies_in_a_worker(factor: int, item: int) -> int:
    if multiprocessing.parent_process() is not None:
        os._exit(1)
    return factor * item


@pytest.mark.parametrize("start_method", START_METHODS)
def test_ordered_map_keeps_the_order_of_the_items(start_method: str) -> None:
    items = list(range(40))
    expected = [3 * item for item in items]
    assert list(ordered_map(_scaled, 3, items, 0)) == expected
    assert list(ordered_map(_scaled, 3, items, 2, start_method=start_method)) == expected


def test_workers_started_from_another_thread_come_from_a_fork_server() -> None:
    """The TUI's import wizard commits in a worker thread: no fork of a process with threads there."""
    made: list[tuple[str, list[int]]] = []

    def in_a_thread() -> None:
        made.append((process_start.start_method(), list(ordered_map(_scaled, 5, range(12), 2))))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    expected_method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    assert made == [(expected_method, [5 * item for item in range(12)])]
    assert process_start.start_method() == imports.parallel.START_METHOD  # this test's main thread


_UNDER_THE_TUI = """
import operator, sys, threading
from imports.parallel import ordered_map


class Capture:  # what Textual puts in sys.stderr while the app runs
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1


sys.stderr = Capture()
made = []
thread = threading.Thread(target=lambda: made.append(list(ordered_map(operator.mul, 7, range(20), 2))))
thread.start()
thread.join()
sys.stdout.write(repr(made))
"""


def test_workers_start_inside_the_tui_where_stderr_has_no_file_descriptor() -> None:
    """Textual's stderr capture answers fileno() with -1; the resource tracker and the fork server must
    still start (a fresh interpreter: in this one they may run already). The import wizard failed with
    'bad value(s) in fds_to_keep' before."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", _UNDER_THE_TUI], capture_output=True, text=True, cwd=root, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == repr([[7 * item for item in range(20)]])


def test_a_broken_pool_finishes_the_work_in_this_process() -> None:
    assert list(ordered_map(_dies_in_a_worker, 2, range(10), 1)) == [2 * item for item in range(10)]


def test_small_jobs_and_single_cpus_start_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "process_cpu_count", lambda: 8, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert worker_count(10) == 0 and worker_count(4_999) == 0
    assert worker_count(5_000) == 4  # one per CPU besides this process's, but never more than four
    monkeypatch.setattr(os, "process_cpu_count", lambda: 4, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert worker_count(5_000) == 3
    monkeypatch.setattr(os, "process_cpu_count", lambda: 2, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert worker_count(100_000) == 1
    monkeypatch.setattr(os, "process_cpu_count", lambda: 1, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert worker_count(100_000) == 0


def test_cancel_while_workers_make_rows_writes_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports.commit_writes, "worker_count", lambda rows: 1)
    monkeypatch.setattr(imports.pending, "PACK", 10)
    actor = office(engine)
    path = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 61)])
    plan = plan_import(engine, path, actor=actor)
    before = snapshot(engine)
    cancel = threading.Event()

    def progress(done: int, total: int | None, stage: str) -> None:
        if done >= 10:
            cancel.set()  # 取消 after the first pack was written

    with pytest.raises(ImportCancelled):
        commit_import(engine, plan, actor=actor, progress=progress, cancel=cancel)
    assert snapshot(engine) == before


def _pack(first: int, count: int) -> bytes:
    values = dict.fromkeys(IMPORTED_FIELDS)
    rows = []
    for serial in range(first, first + count):
        values |= {
            "uscc": uscc(serial),
            "name": f"鹿城区第{serial}号水果店",
            "operator": f"王{serial}",
            "address": f"五马街{serial}号",
            "registered_on": date(2019, 5, 1 + serial % 28) if serial % 3 else None,
        }
        rows.append((serial + 3, tuple(values[name] for name in IMPORTED_FIELDS)))
    return pickle.dumps(rows)


@pytest.mark.parametrize(
    ("start_method", "bind_dates"), list(zip(START_METHODS, [True, False], strict=False))
)
def test_new_rows_made_by_workers_equal_rows_made_here(start_method: str, bind_dates: bool) -> None:
    stamp = RowStamp(1, "陈晓东", "测试终端", "2026-11-23 08:00:00.000000", "导入自「名录.xlsx」", bind_dates)
    packs = [_pack(start, 300) for start in range(1, 1500, 300)]
    here = list(ordered_map(business_rows, stamp, packs, 0))
    there = list(ordered_map(business_rows, stamp, packs, 2, start_method=start_method))

    def without_uuids(made: list[tuple[list[tuple[object, ...]], list[tuple[object, ...]]]]) -> list[object]:
        return [
            ([item[1:] for item in rows], [item[:2] + item[3:] for item in changes]) for rows, changes in made
        ]

    assert without_uuids(there) == without_uuids(here)
    rows, changes = here[0]
    assert [item[0] for item in rows] == [item[2] for item in changes]  # each change names its business
    assert changes[0][6] == "导入自「名录.xlsx」第 4 行"
    assert rows[0][-2:] == tuple(search_fields("鹿城区第1号水果店", "王1", "五马街1号").values())


def test_a_commit_through_spawned_workers_writes_every_row_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports.commit_writes, "worker_count", lambda rows: 1)
    monkeypatch.setattr(imports.commit_writes, "ordered_map", _spawned_map)
    monkeypatch.setattr(imports.pending, "PACK", 40)  # several packs, in order
    actor = office(engine)
    path = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 221)])
    result = commit_import(engine, plan_import(engine, path, actor=actor), actor=actor)
    assert result.inserted == 220
    with engine.connect() as connection:
        made = connection.execute(
            text(
                "SELECT b.name, b.operator, b.address, b.name_pinyin, b.search_chars, c.new FROM business b "
                "JOIN change_log c ON c.entity_uuid = b.uuid AND c.entity = 'business' ORDER BY b.id"
            )
        ).all()
    assert len(made) == 220
    for serial, (name, operator, address, pinyin, chars, note) in enumerate(made, start=1):
        assert (name, note) == (f"鹿城区第{serial}号水果店", f"导入自「名录.xlsx」第 {serial + 2} 行")
        assert (pinyin, chars) == tuple(search_fields(name, operator, address).values())
    with Session(engine) as session:
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text="第220号")) == 1


def _spawned_map(function, context, items, workers):  # type: ignore[no-untyped-def]
    return ordered_map(function, context, items, workers, start_method="spawn")


def _made_where(parent: int, item: int) -> tuple[int, bool]:
    """(item, done in the calling process); a worker takes its time, so the caller does some items itself."""
    if os.getpid() != parent:
        import time

        time.sleep(0.05)
    return item, os.getpid() == parent


def test_while_a_worker_is_busy_this_process_does_the_next_items_in_order() -> None:
    """ordered_map does the next item here rather than wait for a worker's result (session 13): every item
    once, in order, some of them here; the work shared is the same function on the same items."""
    made = list(ordered_map(_made_where, os.getpid(), range(40), 1))
    assert [item for item, _here in made] == list(range(40))
    here = sum(1 for _item, in_process in made if in_process)
    assert 0 < here < 40


def test_a_pool_that_breaks_while_this_process_helps_still_gives_every_item_once() -> None:
    made = list(ordered_map(_dies_after_a_while, os.getpid(), range(30), 1))
    assert made == [2 * item for item in range(30)]


def _dies_after_a_while(parent: int, item: int) -> int:
    if os.getpid() != parent:
        import time

        time.sleep(0.05)
        if item >= 6:
            os._exit(1)
    return 2 * item
