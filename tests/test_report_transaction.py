"""The report's transaction settings (workbench/services/report_transaction.py), both engines: on PostgreSQL
the report counts with work_mem 256 MB and no JIT until its transaction ends, and GROUP BY hashes only inside
grouped_by_hashing; on SQLite nothing is set and the same calls do nothing."""

from __future__ import annotations

from report_support import HandOffice, build_hand_office
from sqlalchemy import Engine, text
from sqlmodel import Session

from workbench.domain.report_definitions import DEFAULT_TARGETS
from workbench.domain.report_periods import Month
from workbench.services.monthly_report import monthly_report
from workbench.services.report_transaction import grouped_by_hashing, prepare_for_counting


def _setting(session: Session, name: str) -> str:
    return str(session.execute(text(f"SELECT current_setting('{name}')")).scalar_one())


def test_the_report_counts_without_jit_and_with_room_to_hash_on_postgresql(engine: Engine) -> None:
    hand: HandOffice = build_hand_office(engine)
    with Session(engine) as session:
        if engine.dialect.name != "postgresql":
            prepare_for_counting(session)  # nothing to set on SQLite, and nothing fails
            with grouped_by_hashing(session):
                assert session.execute(text("SELECT 1")).scalar_one() == 1
            return
        defaults = (_setting(session, "work_mem"), _setting(session, "jit"), _setting(session, "enable_sort"))
        monthly_report(session=session, actor=hand.actor, month=Month(2026, 10), targets=DEFAULT_TARGETS)
        assert (_setting(session, "work_mem"), _setting(session, "jit")) == ("256MB", "off")
        assert _setting(session, "enable_sort") == defaults[2]  # put back after the stock-and-flow pass
        with grouped_by_hashing(session):
            assert _setting(session, "enable_sort") == "off"
        assert _setting(session, "enable_sort") == defaults[2]
        session.rollback()  # SET LOCAL: the settings end with the report's transaction
        assert (_setting(session, "work_mem"), _setting(session, "jit"), _setting(session, "enable_sort")) == defaults
