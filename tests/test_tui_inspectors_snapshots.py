"""检查人员名录 at 80x24: the list (已过期 / 即将到期 marked, a partner department's person, a relation below) and
the form editing a person, in the snapshot office with the clock stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from snapshot_world import build_world, frozen_clock, keys  # noqa: F401  (frozen_clock: a fixture)
from sqlalchemy import Engine
from sqlmodel import Session, select
from test_tui_support import build_app
from tui_inspection_world import add_inspectors, fix_business_uuids

from screens.app import WorkbenchApp
from storage.audit import Actor
from storage.tables import Business
from storage.tables_inspection import Inspector
from workbench.services.inspectors import add_recusal

SIZE = (80, 24)


@pytest.fixture
def app(sqlite_engine: Engine, tmp_path: Path, frozen_clock: None) -> WorkbenchApp:  # noqa: F811
    office = build_world(sqlite_engine)
    add_inspectors(sqlite_engine, office)
    fix_business_uuids(sqlite_engine)
    with Session(sqlite_engine) as session:
        actor = Actor("王芳", "测试终端", office.office_id)
        soon = session.exec(select(Inspector).where(Inspector.name == "李强")).one()
        soon.cert_expires_on = soon.cert_expires_on.replace(year=2025, month=6, day=20)  # within 30 days of 06-01
        session.add(soon)
        wang = session.exec(select(Inspector).where(Inspector.name == "王芳")).one()
        shop = session.exec(select(Business).where(Business.name == "鹿城区张记小吃店")).one()
        session.flush()
        add_recusal(session, actor=actor, inspector_uuid=wang.uuid, business_uuid=shop.uuid, kind="亲属", note="其表弟经营")
        session.commit()
    return build_app(sqlite_engine, tmp_path, remember="王芳")


def test_inspectors_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+z", "i", "down"))


def test_inspector_form_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+z", "i", "enter"))


@pytest.fixture
def empty_list_app(sqlite_engine: Engine, tmp_path: Path, frozen_clock: None, monkeypatch: pytest.MonkeyPatch) -> WorkbenchApp:  # noqa: F811
    from datetime import date

    from workbench.domain.inspection_rules import load_inspection_rules
    from workbench.services.inspection_tasks import TaskSpec, create_task

    office = build_world(sqlite_engine)
    fix_business_uuids(sqlite_engine)
    rules = load_inspection_rules(None).rules
    with Session(sqlite_engine) as session:
        create_task(session, actor=Actor("王芳", "测试终端", office.office_id), spec=TaskSpec(
            "六月个体户双随机抽查", "年度计划", rules.items[:1], date(2025, 6, 1), date(2025, 6, 30), ("市场监管",), None,
            "50",
        ))  # fmt: skip
        session.commit()
    monkeypatch.setattr("workbench.services.inspection_draws.task_seed", lambda *_args: "612025")
    return build_app(sqlite_engine, tmp_path, remember="王芳")


def test_draw_with_an_empty_list_80x24(empty_list_app: WorkbenchApp, snap_compare: Any) -> None:
    """The reason said once, with the way out (I), not a sentence per business."""
    assert snap_compare(empty_list_app, terminal_size=SIZE, run_before=keys("ctrl+z", "d"))
