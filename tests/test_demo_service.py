"""The demo's year of service work, on both engines: a living office, consistent with the services' rules."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from storage.audit import Actor
from workbench.domain import appeal_states as states
from workbench.services import demo_service
from workbench.services.demo import build_demo
from workbench.services.reminders import todo_list
from workbench.services.timeline import business_timeline

TODAY = date(2026, 11, 23)
SIZE = 2000


@pytest.fixture
def built(engine: Engine) -> Engine:
    summary = build_demo(engine, size=SIZE, seed=11, today=TODAY)
    assert "帮扶记录 133 条" in str(summary) and "诉求 50 件" in str(summary)  # what `workbench demo` prints
    return engine


def _rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql)).all()]


def test_support_records_and_first_loans(built: Engine) -> None:
    kinds = Counter(kind for (kind,) in _rows(built, "SELECT kind FROM support_record"))
    assert sum(kinds.values()) == SIZE // 15 and len(kinds) >= 7
    loans = _rows(
        built,
        "SELECT s.given_on, s.partner, b.first_loan_on, b.first_loan_bank FROM support_record s "
        "JOIN business b ON b.id = s.business_id WHERE s.kind = '融资/首贷'",
    )
    assert loans and all(
        str(given) == str(marked) and bank == marked_bank for given, bank, marked, marked_bank in loans
    )


def test_appeals_in_every_state_with_steps_that_obey_the_machine(built: Engine) -> None:
    appeals = _rows(built, "SELECT id, state, deadline, reply, closed_on, satisfaction, version FROM appeal")
    by_state = Counter(row[1] for row in appeals)
    assert set(by_state) == set(states.STATE_LABELS)
    assert by_state[states.CLOSED] + by_state[states.FOLLOWED_UP] > len(appeals) / 2
    overdue = [row for row in appeals if row[1] in states.OPEN_STATES and str(row[2]) < TODAY.isoformat()]
    assert overdue, "the demo has overdue open appeals"
    steps: dict[int, list[tuple]] = {}
    for appeal_id, action, before, after in _rows(
        built, "SELECT appeal_id, action, from_state, to_state FROM appeal_step ORDER BY id"
    ):
        steps.setdefault(appeal_id, []).append((action, before, after))
    for appeal_id, state, _deadline, reply, closed_on, satisfaction, version in appeals:
        walk = steps[appeal_id]
        assert (
            walk[0] == (states.INTAKE, "", states.RECEIVED) and walk[-1][2] == state and version == len(walk)
        )
        for action, before, after in walk[1:]:
            assert states.next_state(before, action) == after
        assert (closed_on is not None) == (state in (states.CLOSED, states.FOLLOWED_UP))
        assert bool(reply) == (state not in (states.RECEIVED, states.HANDLING))
        assert (satisfaction is not None) == (state == states.FOLLOWED_UP)


def test_visits_with_follow_ups(built: Engine) -> None:
    findings = Counter(finding for (finding,) in _rows(built, "SELECT finding FROM visit"))
    assert sum(findings.values()) == SIZE // 12 and findings.most_common(1)[0][0] == "正常经营"
    open_follow_ups = _rows(built, "SELECT due_on FROM visit_follow_up WHERE done_on IS NULL")
    assert open_follow_ups


def test_a_new_user_sees_a_living_office(built: Engine) -> None:
    with Session(built) as session:
        office_id = _rows(built, "SELECT id FROM office")[0][0]
        actor = Actor(who="新同事", device="演示", office_id=office_id)
        kinds = Counter(item.kind for item in todo_list(session, actor=actor, today=TODAY))
        assert {"appeal", "licence", "follow_up"} <= set(kinds)
        (business_uuid,) = _rows(
            built,
            "SELECT b.uuid FROM business b JOIN support_record s ON s.business_id = b.id "
            "ORDER BY b.id LIMIT 1",
        )[0]
        timeline = business_timeline(session, actor=actor, business_uuid=business_uuid)
        assert "support" in {entry.kind for entry in timeline}


def test_records_grow_with_the_office_but_are_capped() -> None:
    assert demo_service._scaled(300, 15, 20, 3000) == 20
    assert demo_service._scaled(5000, 15, 20, 3000) == 333
    assert demo_service._scaled(1_000_000, 15, 20, 3000) == 3000
