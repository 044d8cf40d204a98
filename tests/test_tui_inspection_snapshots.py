"""双随机抽查 at 80x24 (and the task list at 120x36): the tasks, a draw's preview, the results, a result being
recorded and the new-task form, in the snapshot office with the clock stopped and the preview's seed fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from snapshot_world import build_world, frozen_clock, keys  # noqa: F401  (frozen_clock: a fixture)
from sqlalchemy import Engine
from test_tui_support import build_app
from tui_inspection_world import add_inspectors, drawn_task, fix_business_uuids

from screens.app import WorkbenchApp

SIZE = (80, 24)


@pytest.fixture
def app(sqlite_engine: Engine, tmp_path: Path, frozen_clock: None, monkeypatch: pytest.MonkeyPatch) -> WorkbenchApp:  # noqa: F811
    office = build_world(sqlite_engine)
    add_inspectors(sqlite_engine, office)
    fix_business_uuids(sqlite_engine)
    drawn_task(sqlite_engine, office)
    # the preview's seed (made from the task's random uuid), the same every run
    monkeypatch.setattr("workbench.services.inspection_draws.task_seed", lambda *_args: "612025")
    return build_app(sqlite_engine, tmp_path, remember="王芳")


def test_inspection_tasks_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+z"))


def test_inspection_tasks_120x36(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=keys("ctrl+z"))


def test_inspection_draw_preview_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+z", "d"))


def test_inspection_results_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+z", "down", "enter"))


def test_inspection_result_dialog_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+z", "down", "enter", "down", "enter", "b", "space"))


def test_inspection_new_task_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+z", "n", *"五月价格专项"))


def test_inspection_redraw_preview_80x24(app: WorkbenchApp, snap_compare: Any) -> None:
    """重抽 of the drawn task: the reason, then the new preview with its pairs and the 回避 passed over."""
    steps = keys("ctrl+z", "down", "r", *"抽中户已注销", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)
