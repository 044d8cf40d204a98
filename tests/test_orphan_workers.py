"""An import's worker processes leave when the import's process is killed with SIGKILL (issue 14: 9 of 59
trials left a worker holding the database open for minutes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from import_helpers import uscc

from workbench.services.process_start import WATCH_EVERY

ROOT = Path(__file__).resolve().parent.parent
ROWS = 60_000
# A real `workbench import`, with the CPU count pinned so the commit starts two workers on any machine.
RUN_IMPORT = """
import os, sys
os.process_cpu_count = lambda: 3
from workbench.cli import main
sys.argv = ["workbench", *sys.argv[1:]]
main()
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (a container's init may never reap a reparented child)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def big_list(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("名称,统一社会信用代码,经营者,经营场所,成立日期\n")
        for serial in range(1, ROWS + 1):
            out.write(f"鹿城区第{serial}号商店,{uscc(serial)},王{serial},五马街{serial}号,2019-05-03\n")
    return path


def test_workers_leave_when_the_import_is_killed(tmp_path: Path) -> None:
    database = tmp_path / "office.db"
    environment = {**os.environ, "WORKBENCH_DB": str(database)}
    made = subprocess.run(
        [sys.executable, "-c", RUN_IMPORT, "init", "--office", "五马市场监管所", "--officer", "陈晓东"],
        env=environment, cwd=ROOT, capture_output=True, check=False,
    )
    assert made.returncode == 0, made.stderr.decode()
    source = big_list(tmp_path / "名录.csv")
    main = subprocess.Popen(
        [sys.executable, "-c", RUN_IMPORT, "import", str(source), "--json"],
        env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        while main.poll() is None and len(workers) < 2:  # the commit's workers start after the dry run
            workers = [pid for pid in children_of(main.pid) if running(pid)]
            time.sleep(0.02)
        assert len(workers) >= 2, "the import ended before its workers started: make ROWS larger"
        os.kill(main.pid, signal.SIGKILL)
    finally:
        main.kill()
        main.wait()
    # On Linux the kernel ends them at once; the watchdog (every WATCH_EVERY s) is the second guard.
    deadline = time.monotonic() + 60 * WATCH_EVERY
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if running(pid)] == []
