"""SVG snapshot of 今日待办 at 80x24 (update: --snapshot-update).

Only the to-do: it is computed against the app's fixed `today`. The appeal steps and the timeline show when
things were recorded (the wall clock), so they are checked by Pilot tests instead of pictures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from test_tui_snapshots import keys
from test_tui_support import build_app, build_office

from screens.app import WorkbenchApp
from storage.audit import Actor
from workbench.services.appeals import open_appeal
from workbench.services.support import record_support


@pytest.fixture
def app(sqlite_engine: Engine, tmp_path: Path) -> WorkbenchApp:
    office = build_office(sqlite_engine)
    with Session(sqlite_engine) as session:
        actor = Actor("王芳", "测试终端", office.office_id)
        open_appeal(
            session,
            actor=actor,
            data={
                "business_uuid": office.business_uuids["鹿城区李家便利店"],
                "channel": "电话",
                "category": "政策咨询",
                "description": "咨询歇业到期后怎么办",
                "received_on": "2025-05-06",
                "officer_id": office.officer_ids["王芳"],
            },
        )
        open_appeal(
            session,
            actor=actor,
            data={
                "business_uuid": office.business_uuids["鹿城区张记小吃店"],
                "channel": "12345转办",
                "category": "投诉纠纷",
                "description": "顾客投诉食品变质",
                "received_on": "2025-05-27",
                "officer_id": office.officer_ids["王芳"],
            },
        )
        record_support(
            session,
            actor=actor,
            business_uuid=office.business_uuids["鹿城区张记小吃店"],
            data={
                "kind": "培训/入市第一课",
                "given_on": "2025-05-20",
                "content": "入市第一课：食品安全与年报",
                "officer_id": office.officer_ids["王芳"],
            },
        )
        session.commit()
    return build_app(sqlite_engine, tmp_path, remember="王芳")


def test_todo_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys())
