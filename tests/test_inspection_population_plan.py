"""The draw's population is read from migration 0018's index alone, already in uuid order (SQLite's plan).

At a million businesses this is what keeps the draw near its five seconds: no table row is read and no
million uuids are sorted. The plan is checked as the app's SQLite chooses it, with and without the planner
statistics an import leaves (ANALYZE business), for the scopes a task can have.
"""

from __future__ import annotations

import pytest
from inspection_world import make_inspection_world, make_task
from sqlalchemy import Engine, text
from sqlmodel import Session

from workbench.services.inspection_population import population_statement


def _plan(session: Session, statement: object) -> str:
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("analyzed", [False, True], ids=["no-statistics", "analyzed"])
@pytest.mark.parametrize(
    "changes",
    [{}, {"class_ratios": {"D": "30"}}, {"scope": {"status": "active", "tag": "食品"}},
     {"scope": {"status": "active", "risk_class": ["D"]}}],
    ids=["whole-office", "classes", "tag", "risk-class-scope"],
)
def test_the_population_is_read_from_the_draw_index_in_uuid_order(
    sqlite_engine: Engine, analyzed: bool, changes: dict[str, object]
) -> None:
    with Session(sqlite_engine) as session:
        world = make_inspection_world(session, 200)
        task = make_task(session, world.world, **changes)
        if analyzed:
            session.connection().execute(text("ANALYZE business"))
        plan = _plan(session, population_statement(world.world.actor, task))
    assert "COVERING INDEX ix_business_draw_population" in plan
    assert "TEMP B-TREE" not in plan  # the index's order is the uuid order asked for: nothing is sorted
