"""A dry run that a commit will follow derives the new rows' uuids and search columns ahead, in a worker."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from pathlib import Path

import pytest
from import_helpers import office, row, snapshot, write_list
from sqlalchemy import Engine, text
from sqlmodel import Session

import imports.commit_writes
import imports.pending
import imports.planner
import imports.prepare
from imports.commit import commit_import
from imports.commit_rows import derived_pack
from imports.errors import ImportCancelled
from imports.pending import PendingInserts
from imports.plan import ImportPlan, RowKind, plan_import
from storage.audit import Actor
from storage.queries import BusinessFilter, count_businesses
from storage.search import search_fields

ROWS = 220


@pytest.fixture
def small_packs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker for a small file, and packs of 40 rows: 5 full ones and a short one."""
    monkeypatch.setattr(imports.planner, "worker_count", lambda rows: 1)
    monkeypatch.setattr(imports.pending, "PACK", 40)
    monkeypatch.setattr(imports.commit_writes, "PACK", 40)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, ROWS + 1)])


def _commit_and_check(engine: Engine, plan: ImportPlan, actor: Actor) -> None:
    commit_import(engine, plan, actor=actor)
    _check_every_row_written_once(engine, actor.office_id)


def _commit_made_nothing_itself(stamp: object, pack: bytes) -> object:
    raise AssertionError("the commit made rows the dry run had derived")


def _dies_at_row_100(pack: bytes) -> bytes:
    if any(number >= 100 for number, _values in pickle.loads(pack)):
        os._exit(1)  # the worker process dies, as an out-of-memory kill would
    return derived_pack(pack)


def _written(engine: Engine) -> list[tuple[str, ...]]:
    with engine.connect() as connection:
        return [
            tuple(item)
            for item in connection.execute(
                text(
                    "SELECT b.uuid, b.name, b.operator, b.address, b.name_pinyin, b.search_chars, c.new "
                    "FROM business b JOIN change_log c ON c.entity_uuid = b.uuid AND c.entity = 'business' "
                    "ORDER BY b.id"
                )
            ).all()
        ]


def _check_every_row_written_once(engine: Engine, office_id: int) -> None:
    made = _written(engine)
    assert len(made) == ROWS
    assert len({item[0] for item in made}) == ROWS  # one uuid each
    for serial, (_uuid, name, operator, address, pinyin, chars, note) in enumerate(made, start=1):
        assert (name, note) == (f"鹿城区第{serial}号水果店", f"导入自「名录.xlsx」第 {serial + 2} 行")
        assert (pinyin, chars) == tuple(search_fields(name, operator, address).values())
    with Session(engine) as session:
        assert count_businesses(session, BusinessFilter(office_id=office_id, text="第220号")) == 1
        assert count_businesses(session, BusinessFilter(office_id=office_id, text="lcqd")) == ROWS


@pytest.mark.usefixtures("small_packs")
def test_the_commit_assembles_what_the_dry_run_derived(
    engine: Engine, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = office(engine)
    plan = plan_import(engine, path, actor=actor, prepare_commit=True)
    assert len(plan.inserts.prepared) == 6  # every pack, the short last one too
    assert multiprocessing.active_children() == []  # the worker is gone once the dry run is done
    monkeypatch.setattr(imports.commit_writes, "business_rows", _commit_made_nothing_itself)
    result = commit_import(engine, plan, actor=actor)
    assert result.inserted == ROWS
    _check_every_row_written_once(engine, actor.office_id)
    assert plan.inserts.take_prepared() == []  # taken once: a uuid is never handed out twice


@pytest.mark.usefixtures("small_packs")
def test_a_dry_run_in_a_worker_thread_derives_through_a_fork_server(engine: Engine, path: Path) -> None:
    """The TUI's wizard plans in a thread: its worker comes from a fork server, not a fork of this process."""
    actor = office(engine)
    planned: list[ImportPlan] = []
    thread = threading.Thread(
        target=lambda: planned.append(plan_import(engine, path, actor=actor, prepare_commit=True))
    )
    thread.start()
    thread.join()
    assert len(planned[0].inserts.prepared) == 6
    _commit_and_check(engine, planned[0], actor)


@pytest.mark.usefixtures("small_packs")
def test_only_the_first_rows_are_derived_ahead_of_a_big_commit(
    engine: Engine, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a plan holds for its commit is bounded; the commit's own workers make the rest."""
    monkeypatch.setattr(imports.prepare, "PREPARED_ROWS", 100)
    actor = office(engine)
    plan = plan_import(engine, path, actor=actor, prepare_commit=True)
    assert len(plan.inserts.prepared) == 3  # 3 packs of 40 reach 100 rows
    _commit_and_check(engine, plan, actor)


@pytest.mark.usefixtures("small_packs")
def test_a_dry_run_without_a_commit_to_follow_derives_nothing(engine: Engine, path: Path) -> None:
    actor = office(engine)
    plan = plan_import(engine, path, actor=actor)
    assert plan.inserts.prepared == []
    _commit_and_check(engine, plan, actor)


@pytest.mark.usefixtures("small_packs")
def test_a_worker_dying_while_it_derives_costs_only_time(
    engine: Engine, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports.prepare, "derived_pack", _dies_at_row_100)
    actor = office(engine)
    plan = plan_import(engine, path, actor=actor, prepare_commit=True)
    assert len(plan.inserts.prepared) == 2  # rows 3-42 and 43-82; the pack holding row 100 killed it
    assert plan.counts[RowKind.NEW] == ROWS  # the dry run itself is whole
    _commit_and_check(engine, plan, actor)


@pytest.mark.usefixtures("small_packs")
def test_cancelling_the_dry_run_stops_the_worker(
    engine: Engine, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports.planner, "CHUNK", 50)
    actor = office(engine)
    before = snapshot(engine)
    cancel = threading.Event()

    def progress(done: int, total: int | None, stage: str) -> None:
        if stage == "核对登记簿" and done >= 100:
            cancel.set()  # 取消 while the worker derives

    with pytest.raises(ImportCancelled):
        plan_import(engine, path, actor=actor, prepare_commit=True, progress=progress, cancel=cancel)
    assert multiprocessing.active_children() == []
    assert snapshot(engine) == before


def test_a_sealed_short_pack_ends_the_pending_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports.pending, "PACK", 3)
    sealed: list[bytes] = []
    pending = PendingInserts()
    pending.on_pack = sealed.append
    for number in range(1, 6):
        pending.add(number, (f"第{number}户",))
    pending.seal()
    assert [len(pickle.loads(pack)) for pack in sealed] == [3, 2]
    assert [item.row_number for item in pending] == [1, 2, 3, 4, 5]
    assert pending[4].values == ("第5户",)
    with pytest.raises(ValueError):
        pending.add(6, ("第6户",))
