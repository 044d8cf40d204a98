"""Two terminals on one database: no save is silently lost, and a long import does not stop others reading.

Each terminal is its own engine on the same database, as two office machines would be.
Threads wait on events with timeouts, so a regression fails the test instead of hanging it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import Business, ChangeLog, Office
from workbench.services.errors import SaveConflict
from workbench.services.register import create_business, get_business, update_business

DEADLOCK_GUARD = 30.0
IMPORT_ROWS = 300


@pytest.fixture
def terminals(engine_url: str) -> Iterator[tuple[Engine, Engine]]:
    """Two engines (two machines) on the same fresh database."""
    first, second = make_engine(engine_url), make_engine(engine_url)
    yield first, second
    first.dispose()
    second.dispose()


@pytest.fixture
def office(terminals: tuple[Engine, Engine]) -> tuple[int, str]:
    """An office with one business, 「老街面馆」; returns (office id, business uuid)."""
    with Session(terminals[0]) as session:
        office = Office(code="330302001", name="五马所")
        session.add(office)
        session.flush()
        assert office.id is not None
        actor = Actor(who="建档员", device="所里一号机", office_id=office.id)
        business = create_business(session=session, actor=actor, data={"name": "老街面馆", "phone": "13812345678"})
        session.commit()
        return office.id, business.uuid


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run work in a thread; its result or exception lands in the returned dict."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as error:  # handed to the test thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def finished(thread: threading.Thread, outcome: dict[str, Any]) -> Any:
    thread.join(timeout=DEADLOCK_GUARD)
    assert not thread.is_alive(), "the other terminal is still waiting: a lock was held too long"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def test_second_save_of_the_same_version_gets_a_conflict_and_loses_nothing(
    terminals: tuple[Engine, Engine], office: tuple[int, str],
) -> None:
    office_id, uuid = office
    zhang, li = Actor("张三", "一号机", office_id), Actor("李四", "二号机", office_id)
    with Session(terminals[0]) as first, Session(terminals[1]) as second:
        read_by_zhang = get_business(session=first, actor=zhang, business_uuid=uuid).version
        read_by_li = get_business(session=second, actor=li, business_uuid=uuid).version
        update_business(session=first, actor=zhang, business_uuid=uuid, base_version=read_by_zhang,
                        changes={"name": "老街面馆（张三改）"})
        first.commit()
        with pytest.raises(SaveConflict) as conflict:
            update_business(session=second, actor=li, business_uuid=uuid, base_version=read_by_li,
                            changes={"name": "老街面馆·李四改"})
        second.rollback()
        assert conflict.value.theirs["name"] == "老街面馆(张三改)"
        assert conflict.value.current_version == read_by_li + 1
        assert "张三" in conflict.value.message

        update_business(session=second, actor=li, business_uuid=uuid, base_version=conflict.value.current_version,
                        changes={"name": "老街面馆·李四改"})
        second.commit()
    assert _name_history(terminals[0], uuid) == [
        ("张三", "一号机", "老街面馆", "老街面馆(张三改)"),
        ("李四", "二号机", "老街面馆(张三改)", "老街面馆·李四改"),
    ]
    with Session(terminals[1]) as session:
        assert get_business(session=session, actor=li, business_uuid=uuid).version == read_by_li + 2


def test_a_save_racing_an_uncommitted_save_waits_then_gets_the_conflict(
    terminals: tuple[Engine, Engine], office: tuple[int, str],
) -> None:
    """The second UPDATE starts before the first commits: it waits for the first, then sees its version."""
    office_id, uuid = office
    zhang, li = Actor("张三", "一号机", office_id), Actor("李四", "二号机", office_id)
    with Session(terminals[0]) as first, Session(terminals[1]) as second:
        base = get_business(session=second, actor=li, business_uuid=uuid).version
        second.rollback()
        update_business(session=first, actor=zhang, business_uuid=uuid, base_version=base, changes={"phone": "13900001111"})
        thread, outcome = in_thread(lambda: update_business(
            session=second, actor=li, business_uuid=uuid, base_version=base, changes={"phone": "13700002222"}))
        second_is_waiting = _someone_waits_for_a_lock(first)
        first.commit()  # before any assertion: the waiting thread needs this lock released
        assert second_is_waiting, "the second save never reached the row lock"
        with pytest.raises(SaveConflict) as conflict:
            finished(thread, outcome)
        second.rollback()
    assert conflict.value.theirs["phone"] == "13900001111"
    assert conflict.value.current_version == base + 1


def test_a_long_import_does_not_block_another_terminals_reads(
    terminals: tuple[Engine, Engine], office: tuple[int, str],
) -> None:
    """PostgreSQL MVCC and SQLite WAL: readers see the last committed state while a big write is open."""
    office_id, uuid = office
    importer, clerk = Actor("导入", "一号机", office_id), Actor("李四", "二号机", office_id)
    written, reader_done = threading.Event(), threading.Event()

    def long_import() -> bool:
        with Session(terminals[0]) as session:
            for number in range(IMPORT_ROWS):
                create_business(session=session, actor=importer, data={"name": f"导入商户{number:03d}"})
            update_business(session=session, actor=importer, business_uuid=uuid, base_version=1,
                            changes={"name": "老街面馆（导入更新）"})
            session.flush()
            written.set()
            reader_finished_first = reader_done.wait(timeout=DEADLOCK_GUARD)
            session.commit()
            return reader_finished_first

    thread, outcome = in_thread(long_import)
    assert written.wait(timeout=DEADLOCK_GUARD), outcome.get("error")
    with Session(terminals[1]) as session:
        name_during = get_business(session=session, actor=clerk, business_uuid=uuid).name
        count_during = _business_count(session)
    reader_done.set()
    assert finished(thread, outcome) is True, "the read waited for the import to commit"
    assert (name_during, count_during) == ("老街面馆", 1)
    with Session(terminals[1]) as session:
        assert get_business(session=session, actor=clerk, business_uuid=uuid).name == "老街面馆(导入更新)"
        assert _business_count(session) == 1 + IMPORT_ROWS


def _someone_waits_for_a_lock(session: Session) -> bool:
    """PostgreSQL shows the second UPDATE queued behind the first; SQLite's busy wait is not visible."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    deadline = time.monotonic() + DEADLOCK_GUARD
    waiting = text("SELECT count(*) FROM pg_stat_activity "
                   "WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0")
    while session.execute(waiting).scalar_one() == 0:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _business_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Business)).scalar_one())  # type: ignore[call-overload]


def _name_history(engine: Engine, uuid: str) -> list[tuple[str, str, str | None, str | None]]:
    with Session(engine) as session:
        rows = session.exec(  # type: ignore[call-overload]
            select(ChangeLog)
            .where(ChangeLog.entity_uuid == uuid, ChangeLog.action == "update", ChangeLog.field == "name")  # type: ignore[arg-type]
            .order_by(ChangeLog.id)  # type: ignore[arg-type]
        ).scalars()
        return [(row.who, row.device, row.old, row.new) for row in rows]
