"""An import into an empty register builds its search tables beside the database (imports.commit_search):
found by name, pinyin, code fragments and initials; FTS5's integrity-check passes; a failure or a cancel at
any point leaves the database exactly as it was, search tables included, and no scratch file behind."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from import_helpers import office, row, snapshot, uscc, write_list
from sqlalchemy import Engine
from sqlmodel import Session

import imports.commit
import imports.commit_search
from imports.commit import commit_import
from imports.errors import ImportCancelled
from imports.plan import plan_import
from storage import search_side_index
from storage.queries import BusinessFilter, count_businesses
from storage.search_side_index import FTS_COLUMNS, SideIndex

SEARCH_TABLES = tuple(FTS_COLUMNS)
ROWS = 12


def _list(tmp_path: Path) -> Path:
    rows = [
        row(serial, {"名称": f"藤桥镇第{serial}号超市" if serial % 3 == 0 else f"鹿城区第{serial}号水果店",
                     "注册号": f"330302600{serial:06d}", "联系电话": f"1390000{serial:04d}"})
        for serial in range(1, ROWS + 1)
    ]  # fmt: skip
    return write_list(tmp_path / "名录.xlsx", rows)


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every import here is a bulk one; what each SideIndex.finish said (copied in or not)."""
    monkeypatch.setattr(imports.commit, "BULK_FROM", 2)
    monkeypatch.setattr(imports.commit, "BATCH", 5)
    said: list[bool] = []
    original_finish = SideIndex.finish

    def finish(self: SideIndex, connection: Any) -> bool:
        said.append(original_finish(self, connection))
        return said[-1]

    monkeypatch.setattr(SideIndex, "finish", finish)
    return said


def _search_state(engine: Engine) -> dict[str, Any]:
    """The search tables' stored rows (SQLite), so that 'exactly as before' covers them too."""
    if engine.dialect.name != "sqlite":
        return {}
    with engine.connect() as connection:
        return {
            f"{name}_{shadow}": connection.exec_driver_sql(f"SELECT * FROM {name}_{shadow} ORDER BY 1").all()
            for name in SEARCH_TABLES
            for shadow in ("data", "idx")
        }


def _found(engine: Engine, office_id: int) -> dict[str, int]:
    terms = ("藤桥镇", "超市", "水果店", "桥", "tqz", "lcq", "cs", "sg", "0000007", "600000011", "13900000005")
    with Session(engine) as session:
        return {term: count_businesses(session, BusinessFilter(office_id=office_id, text=term)) for term in terms}


EXPECTED = {
    "藤桥镇": 4, "超市": 4, "水果店": 8, "桥": 4, "tqz": 4, "lcq": 8, "cs": 4, "sg": 8,
    "0000007": 1,  # the end of a credit code
    "600000011": 1,  # inside a 注册号
    "13900000005": 1,
}  # fmt: skip


def _integrity_check(engine: Engine) -> None:
    with engine.connect() as connection:
        for name in SEARCH_TABLES:
            connection.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")


def test_an_import_into_an_empty_register_is_found_every_way(
    engine: Engine, tmp_path: Path, bulk: list[bool]
) -> None:
    """By name, a character, full pinyin initials, initials inside the name, a credit code's end, a 注册号's
    middle, a phone; on SQLite the index was built beside and copied in, and it is what a rebuild makes."""
    actor = office(engine)
    result = commit_import(engine, plan_import(engine, _list(tmp_path), actor=actor), actor=actor)
    assert result.inserted == ROWS
    assert _found(engine, actor.office_id) == EXPECTED
    if engine.dialect.name != "sqlite":
        assert bulk == []
        return
    assert bulk == [True]
    assert not list(tmp_path.glob(".workbench-search-*"))
    _integrity_check(engine)
    with engine.connect() as connection:
        triggers = set(connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
    assert {"business_search_insert", "business_fragments_insert"} <= triggers
    with engine.begin() as connection:  # a rebuild in place finds the very same rows
        for name in SEARCH_TABLES:
            connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
    assert _found(engine, actor.office_id) == EXPECTED


@pytest.mark.parametrize("when", ["copying in", "after the copy"])
def test_a_failure_around_the_copy_leaves_the_database_exactly_as_before(
    sqlite_engine: Engine, tmp_path: Path, bulk: list[bool], monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    engine = sqlite_engine
    actor = office(engine)
    plan = plan_import(engine, _list(tmp_path), actor=actor)
    before, searched_before = snapshot(engine), _search_state(engine)
    original_finish, original_order = SideIndex.finish, search_side_index.COPY_ORDER
    if when == "copying in":  # the trigram table's rows refused half-way through the copy
        monkeypatch.setattr(search_side_index, "COPY_ROWS", 1)
        monkeypatch.setattr(search_side_index, "COPY_ORDER", tuple(dict.fromkeys(("business_fts", *FTS_COLUMNS))))

        def finish(self: SideIndex, connection: Any) -> bool:
            connection.exec_driver_sql(
                "CREATE TEMP TRIGGER refuse AFTER INSERT ON business_fts_data WHEN "
                "(SELECT count(*) FROM business_fts_data) > 3 BEGIN SELECT RAISE(ABORT, '磁盘已满'); END"
            )
            return original_finish(self, connection)
    else:

        def finish(self: SideIndex, connection: Any) -> bool:
            original_finish(self, connection)
            raise RuntimeError("磁盘已满")

    monkeypatch.setattr(SideIndex, "finish", finish)
    with pytest.raises(Exception, match="磁盘已满"):
        commit_import(engine, plan, actor=actor)
    assert snapshot(engine) == before
    assert _search_state(engine) == searched_before
    assert not list(tmp_path.glob(".workbench-search-*"))
    monkeypatch.setattr(SideIndex, "finish", original_finish)
    monkeypatch.setattr(search_side_index, "COPY_ORDER", original_order)
    commit_import(engine, plan, actor=actor)  # the same plan still commits afterwards, whole
    assert _found(engine, actor.office_id) == EXPECTED
    _integrity_check(engine)


def test_cancel_while_the_search_builds_beside_writes_nothing(
    sqlite_engine: Engine, tmp_path: Path, bulk: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """取消 pressed while the indexes and the search tables are being built: nothing written, the side
    builds stopped, no scratch file left."""
    engine = sqlite_engine
    actor = office(engine)
    plan = plan_import(engine, _list(tmp_path), actor=actor)
    before, searched_before = snapshot(engine), _search_state(engine)
    cancel = threading.Event()
    sides: list[SideIndex] = []
    original_start = SideIndex.start

    def start(self: SideIndex) -> None:
        sides.append(self)
        original_start(self)
        cancel.set()  # the person presses 取消 as the build begins

    monkeypatch.setattr(SideIndex, "start", start)
    with pytest.raises(ImportCancelled):
        commit_import(engine, plan, actor=actor, cancel=cancel)
    assert snapshot(engine) == before
    assert _search_state(engine) == searched_before
    assert bulk == []  # cancelled before anything was copied in
    assert [thread.is_alive() for side in sides for thread in side.threads.values()] == [False] * len(SEARCH_TABLES)
    assert not list(tmp_path.glob(".workbench-search-*"))


@pytest.mark.parametrize("failing", ["ids", "build"])
def test_a_side_build_that_cannot_be_used_falls_back_to_a_rebuild_in_place(
    sqlite_engine: Engine, tmp_path: Path, bulk: list[bool], monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """Ids other than those counted (never seen: SQLite numbers an empty table's rows from 1), or a side
    build that fails: the search tables are rebuilt in place, whole."""
    engine = sqlite_engine
    if failing == "ids":  # the scratch file numbered its rows from 101
        original_start = imports.commit_search.SideSearch.start

        def start(self: imports.commit_search.SideSearch, connection: Any) -> None:
            self.side.content.execute("UPDATE business SET id = id + 100")
            original_start(self, connection)

        monkeypatch.setattr(imports.commit_search.SideSearch, "start", start)
    else:
        monkeypatch.setattr(imports.commit_search, "HASH_BYTES", "not a number")
    actor = office(engine)
    commit_import(engine, plan_import(engine, _list(tmp_path), actor=actor), actor=actor)
    assert bulk == [False]
    assert _found(engine, actor.office_id) == EXPECTED
    _integrity_check(engine)
    assert not list(tmp_path.glob(".workbench-search-*"))


def test_an_import_into_a_register_with_businesses_rebuilds_in_place(
    sqlite_engine: Engine, tmp_path: Path, bulk: list[bool]
) -> None:
    """The side index knows the new rows only: with businesses already there it is not used."""
    engine = sqlite_engine
    actor = office(engine)
    commit_import(engine, plan_import(engine, _list(tmp_path), actor=actor), actor=actor)
    more = [row(serial, {"注册号": f"330302600{serial:06d}"}) for serial in range(ROWS + 1, ROWS + 9)]
    commit_import(engine, plan_import(engine, write_list(tmp_path / "二.xlsx", more), actor=actor), actor=actor)
    assert bulk == [True]  # the first import only
    with Session(engine) as session:
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text="水果店")) == 16
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text=uscc(ROWS + 3)[-6:])) == 1
    _integrity_check(engine)
