"""The real app in a real terminal (tmux), keys sent as one send-keys: the search, ↓↓↓ and Enter arrive in one
read, as from the fastest typist, and Enter opens the third match of the new search (issue 16).

Skipped only where tmux is not installed. Each wait polls the screen until what it waits for is drawn; the
limit is generous (a loaded machine), and only stops a broken run from hanging.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from test_tui_support import build_office

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

GIVE_UP_AFTER_SECONDS = 60.0
ENVIRONMENT = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "PATH", "LANG")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def screen_of(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, text: str, gone: str = "") -> str:
    """The screen once `text` is drawn (and `gone`, if given, no longer is)."""
    deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
    while True:
        shown = screen_of(session)
        if text in shown and not (gone and gone in shown):
            return shown
        if time.monotonic() > deadline:
            raise AssertionError(f"「{text}」 never appeared; the screen was:\n{shown}")
        time.sleep(0.1)


def test_search_arrows_and_enter_sent_at_once_open_the_third_match(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    build_office(sqlite_engine)
    workbench = Path(sys.executable).parent / "workbench"
    environment = {name: os.environ[name] for name in ENVIRONMENT if name in os.environ}
    environment.setdefault("LANG", "C.UTF-8")
    command = " ".join([
        "env", *(f"{name}={shlex.quote(value)}" for name, value in environment.items()),
        shlex.quote(str(workbench)), "--db", shlex.quote(sqlite_url),
    ])
    session = f"wb-type-ahead-{os.getpid()}"
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    try:
        wait_for(session, "陈静")  # first start on this device: who is at the keyboard
        tmux("send-keys", "-t", session, "Enter")  # 王芳, the first
        wait_for(session, "待办")
        tmux("send-keys", "-t", session, "Escape")
        wait_for(session, "共 5 条")
        # Newest first, 「鹿城区」 matches 李家便利店, 张记小吃店, 陈氏五金店; the whole list's third is 绿野合作社.
        tmux("send-keys", "-t", session, "鹿城区", "Down", "Down", "Down", "Enter")
        shown = wait_for(session, "基本信息", gone="正在读取")  # the detail, its values read
        assert "鹿城区陈氏五金店" in shown
        assert "绿野" not in shown and "李家" not in shown
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)
