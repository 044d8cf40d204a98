"""A worker that fails is never silent: Worker.StateChanged does not bubble, so every class that starts a
worker must say its failure itself (WorkbenchScreen does for screens, ShowsWorkerErrors for tabs and
dialogs). The classification tab used to keep saying 正在读取 with no word of what went wrong."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest
from service_tui_helpers import open_business
from sqlalchemy import Engine
from test_tui_support import build_app, build_office, settle
from textual.widgets import Static

from screens.base import WorkbenchScreen
from screens.widgets.dialogs import ErrorDialog
from screens.widgets.worker_errors import ShowsWorkerErrors

SCREENS = Path(__file__).resolve().parent.parent / "screens"


def _starts_workers(node: ast.ClassDef) -> bool:
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            for decorator in item.decorator_list:
                called = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(called, ast.Name) and called.id == "work":
                    return True
    return False


def _classes_with_workers() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SCREENS.rglob("*.py")):
        module = ".".join(path.relative_to(SCREENS.parent).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and _starts_workers(node):
                found.append((module, node.name))
    return found


def test_there_are_workers_to_check() -> None:
    assert len(_classes_with_workers()) >= 20


@pytest.mark.parametrize(("module", "name"), _classes_with_workers())
def test_every_class_that_starts_a_worker_says_when_it_fails(module: str, name: str) -> None:
    cls: Any = getattr(importlib.import_module(module), name)
    own_handler = any(
        "on_worker_state_changed" in vars(klass) for klass in cls.__mro__ if klass.__module__.startswith("screens")
    )
    assert issubclass(cls, (WorkbenchScreen, ShowsWorkerErrors)) or own_handler, (
        f"{module}.{name} starts workers but nothing tells the person when one fails"
    )


async def test_a_failed_classification_read_is_said_not_left_reading(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_office(sqlite_engine)
    app = build_app(sqlite_engine, tmp_path, remember="王芳")

    def disk_full(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(app.gateway.classification, "of_business", disk_full)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_business(pilot, "张记")
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "No space left on device" in app.screen.message
        await pilot.press("enter")
        await settle(pilot)
        summary = app.screen.query_one("#classification-summary", Static)
        assert str(summary.render()) == "分型记录没有读出来：请关闭这户后重新打开再试。"
