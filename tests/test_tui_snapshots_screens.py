"""Every screen at 80x24, the smallest supported terminal (update new ones with --snapshot-update).

The list, detail, form, help, to-do and the import wizard have their pictures in test_tui_snapshots.py,
test_tui_service_snapshots.py and test_tui_import_snapshots.py; these are the others, in one office
(snapshot_world) with the clock stopped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from snapshot_world import build_world, frozen_clock, keys  # noqa: F401  (frozen_clock: a fixture)
from sqlalchemy import Engine
from test_tui_support import build_app

from screens.app import WorkbenchApp

SIZE = (80, 24)
APPLY_AS_DISTINCTIVE = ("n", "enter", "down", "enter", "ctrl+s")  # 申报名特优新, 类别 名 -> 特


@pytest.fixture
def app(sqlite_engine: Engine, tmp_path: Path, frozen_clock: None) -> WorkbenchApp:  # noqa: F811
    build_world(sqlite_engine)
    return build_app(sqlite_engine, tmp_path, remember="王芳")


def test_support_list_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("f7"))


def test_appeal_list_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("f8"))


def test_appeal_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("f8", "enter"))


def test_visit_route_80x24(app: WorkbenchApp, sqlite_engine: Engine, snap_compare: Any) -> None:
    """Two doors due on 王芳's route: a follow-up at 张记 (五马街) and one at 李家 (人民路), each under its street."""
    from sqlmodel import Session, select

    from storage.audit import Actor
    from storage.tables import Business, Office, Officer
    from workbench.services.visits import record_visit

    with Session(sqlite_engine) as session:
        office_id = session.exec(select(Office.id)).one()
        officer_id = session.exec(select(Officer.id).where(Officer.name == "王芳")).one()
        actor = Actor("王芳", "测试终端", office_id, officer_id)
        for name, action in (("鹿城区张记小吃店", "复查灭蝇设施"), ("鹿城区李家便利店", "核实是否恢复营业")):
            uuid = session.exec(select(Business.uuid).where(Business.name == name)).one()
            record_visit(session, actor=actor, business_uuid=uuid, data={
                "visited_on": "2025-05-20", "finding": "正常经营", "follow_ups": [{"action": action, "due_on": "2025-05-30"}],
            })  # fmt: skip
        session.commit()
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("f6"))


def test_distinctions_of_a_business_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    steps = keys(*"张记", "enter", "ctrl+b", *APPLY_AS_DISTINCTIVE)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


def test_pools_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+g"))


def test_candidates_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+y"))


def test_classify_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+f"))


def test_staff_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+k"))


def test_detail_timeline_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys(*"张记", "enter", "6"))


def test_detail_classification_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys(*"张记", "enter", "5"))


def test_dashboard_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    """统计看板 on last month (May 2025): the indicators against their targets, and 新设与注销 over 24 months."""
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+j", "pageup"))


def test_dashboard_wide_120x36(app: WorkbenchApp, snap_compare: Any) -> None:
    """A larger terminal shows all four charts beside the indicators."""
    assert snap_compare(app, terminal_size=(120, 36), run_before=keys("ctrl+j", "pageup"))
