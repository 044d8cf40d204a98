"""The 双随机 desk a screen will call: the preview is what the confirmation records, each call one unit of work."""

from __future__ import annotations

from datetime import date

import pytest
from inspection_world import RULES, make_inspection_world, make_task
from sqlalchemy import Engine
from sqlmodel import Session, select

from storage.tables_inspection import InspectionDraw, InspectionResult
from workbench.domain.working_days import DEFAULT_CALENDAR
from workbench.services.errors import ValidationFailed
from workbench.services.gateway import Gateway
from workbench.services.inspection_results import ResultInput


def test_preview_then_confirm_records_what_was_shown(engine: Engine) -> None:
    with Session(engine) as session:
        world = make_inspection_world(session, 30)
        task = make_task(session, world.world)
    desk = Gateway(engine).inspection
    actor = world.world.actor
    assert [t.name for t in desk.tasks(actor)] == ["2026 年度抽查"]
    shown = desk.preview(actor, task.id, RULES)
    with Session(engine) as session:
        assert session.exec(select(InspectionDraw)).first() is None
    confirmed = desk.confirm(actor, task.id, RULES, shown.seed)
    assert [(line.business.uuid, line.inspectors) for line in confirmed.lines] == [
        (line.business.uuid, line.inspectors) for line in shown.lines
    ]
    assert desk.verify(actor, task.id, RULES).ok
    first = confirmed.lines[0].business.uuid
    entry = ResultInput(["1"], date(2026, 12, 1), ["李强"])
    uuid = desk.record_result(actor, task.id, first, entry, RULES, DEFAULT_CALENDAR)
    with pytest.raises(ValidationFailed):  # a second result for the same business: refused, nothing written
        desk.record_result(actor, task.id, first, entry, RULES, DEFAULT_CALENDAR)
    with Session(engine) as session:
        assert [row.uuid for row in session.exec(select(InspectionResult))] == [uuid]
    lines = desk.results(actor, task.id, RULES)
    assert next(line for line in lines if line.business_uuid == first).result == "未发现问题"
