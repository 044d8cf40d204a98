"""Issue 19: a return package applied by a process killed with SIGKILL midway leaves all of it or none of it,
a database that passes integrity_check, and a second import that completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from service_world import make_world
from sqlalchemy import Engine, text
from sqlmodel import Session
from sync_laptops import Laptop, rows_of, snapshot

from workbench.domain.sync_json import package_to_json

VISITS = 3000
ENTRY = [sys.executable, "-m", "workbench.services.sync_apply_json"]


def test_a_kill_midway_leaves_none_and_the_next_import_completes(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    with Session(sqlite_engine) as session:
        world = make_world(session)
    laptop = Laptop(snapshot(sqlite_engine, world.actor.office_id), "张伟", "笔记本A")
    laptop.edit(world.noodle_uuid, tags="夜宵", employees=4)
    for number in range(VISITS):
        laptop.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营", "notes": f"第{number}次"},
                       (world.noodle_uuid, world.tea_uuid)[number % 2])
    package_file = tmp_path / "回传包.json"
    package_file.write_text(package_to_json(laptop.package()), encoding="utf-8")
    sqlite_engine.dispose()
    command = [*ENTRY, "--db", sqlite_url, "--who", "李主任", str(package_file)]

    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("已写入") and int(line.split()[1].split("/")[0]) >= VISITS // 3:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL  # killed, not finished

    with sqlite_engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert rows_of(sqlite_engine, "SELECT count(*) AS n FROM visit") == [{"n": 0}]
    assert rows_of(sqlite_engine, "SELECT tags FROM business WHERE uuid = :u", u=world.noodle_uuid) == [{"tags": ""}]
    assert rows_of(sqlite_engine, "SELECT count(*) AS n FROM sync_package_applied") == [{"n": 0}]
    sqlite_engine.dispose()

    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "的回传包已导入，共 3001 条：新增 3000 条，直接更新 1 条" in finished.stdout
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert rows_of(sqlite_engine, "SELECT count(*) AS n FROM visit") == [{"n": VISITS}]
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "已于" in again.stdout and "导入过，本次没有任何更改" in again.stdout
    assert rows_of(sqlite_engine, "SELECT count(*) AS n FROM visit") == [{"n": VISITS}]


def test_a_refused_package_says_why_in_one_line(sqlite_engine: Engine, sqlite_url: str, tmp_path: Path) -> None:
    with Session(sqlite_engine) as session:
        world = make_world(session)
    laptop = Laptop(snapshot(sqlite_engine, world.actor.office_id), "张伟", "笔记本A", office_code="W9")
    laptop.edit(world.noodle_uuid, tags="夜宵")
    package_file = tmp_path / "回传包.json"
    package_file.write_text(package_to_json(laptop.package()), encoding="utf-8")
    done = subprocess.run([*ENTRY, "--db", sqlite_url, str(package_file)], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip() == "本数据库中没有所代码为 W9 的所，回传包未导入"
