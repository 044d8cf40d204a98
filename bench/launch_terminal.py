"""Launch in a real terminal, as a person meets it: `workbench` started in a tmux pane (120x36), timed from
before the process starts until the screen shows (a) the to-do with its counts, the first useful screen, and
(b) business rows, after Esc (the status line「第 1-…条」). Paired with a minimal Textual app started the same
way in the same loop (time to its one line on screen), since this 2-CPU machine is shared and its speed moves
by 2x within minutes: the ratio of a pair is the figure to compare. Also the CPU seconds of each process
(/proc, read just before it is stopped) and the load averages around each pair.

    .venv/bin/python bench/launch_terminal.py --db /tmp/listspeed/demo1m.db --runs 5

The screen is read with `tmux capture-pane` every 10 ms. The officer is remembered beforehand (in a temporary
XDG data folder), so the app opens on the to-do as it does every day after the first.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SESSION = "listspeed-launch-bench"
MINIMAL = (
    "from textual.app import App\nfrom textual.widgets import Static\n"
    "class Minimal(App):\n    def compose(self):\n        yield Static('最小应用已显示')\nMinimal().run()\n"
)
TICKS = os.sysconf("SC_CLK_TCK")


def _screen() -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True).stdout


def _wait_for(text: str, started: float, timeout: float = 120) -> float:
    while time.perf_counter() - started < timeout:
        if text in _screen():
            return time.perf_counter() - started
        time.sleep(0.01)
    raise TimeoutError(f"{text!r} not on screen after {timeout} s:\n{_screen()}")


def _cpu_seconds() -> float:
    """CPU of the pane's process and its children so far (utime + stime + waited-for children)."""
    pid = subprocess.run(["tmux", "display", "-p", "-t", SESSION, "#{pane_pid}"], capture_output=True,
                         text=True).stdout.strip()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def _start(command: str, environment: dict[str, str]) -> float:
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in environment.items())
    started = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "120", "-y", "36",
                    f"env {exports} {command}"], check=True)
    return started


def _stop() -> float:
    cpu = _cpu_seconds()
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    return cpu


def _minimal(environment: dict[str, str]) -> tuple[float, float]:
    started = _start(f"{shlex.quote(sys.executable)} -c {shlex.quote(MINIMAL)}", environment)
    shown = _wait_for("最小应用已显示", started)
    return shown, _stop()


def _workbench(db: str, environment: dict[str, str]) -> tuple[float, float, float]:
    workbench = Path(sys.executable).with_name("workbench")
    started = _start(f"{shlex.quote(str(workbench))} --db {shlex.quote(db)}", environment)
    todo = _wait_for("今日待办  ", started)  # the title with the officer and date: the to-do was read
    subprocess.run(["tmux", "send-keys", "-t", SESSION, "Escape"], check=True)
    rows = _wait_for("第 1-", started)
    return todo, rows, _stop()


def _remember_officer(db: str, data_home: Path) -> None:
    """What the first launch does once: remember who uses this computer (the app then opens on the to-do)."""
    os.environ["XDG_DATA_HOME"] = str(data_home)
    from sqlmodel import Session

    from storage.engine import make_engine
    from workbench import locations
    from workbench.services.office import DeviceMemory, officers, offices

    engine = make_engine(db)
    with Session(engine) as session:
        office = offices(session=session)[0]
        officer = officers(session=session, office_id=office.id)[0]
    DeviceMemory(locations.device_memory_path()).remember_officer(
        engine.url.render_as_string(hide_password=True), officer.uuid)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        environment = {"XDG_DATA_HOME": f"{folder}/data", "XDG_CONFIG_HOME": f"{folder}/config",
                       "TERM": "xterm-256color", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        _remember_officer(arguments.db, Path(f"{folder}/data"))
        pairs = []
        for number in range(1, arguments.runs + 1):
            load = os.getloadavg()[0]
            minimal, minimal_cpu = _minimal(environment)
            todo, rows, cpu = _workbench(arguments.db, environment)
            pairs.append((minimal, todo, rows, minimal_cpu, cpu))
            print(f"pair {number} (load {load:.1f} → {os.getloadavg()[0]:.1f}): minimal Textual app {minimal * 1000:.0f} ms "
                  f"(CPU {minimal_cpu:.2f} s); workbench to-do {todo * 1000:.0f} ms = {todo / minimal:.1f}x, rows after "
                  f"Esc {rows * 1000:.0f} ms (CPU {cpu:.2f} s to then)", flush=True)
    for label, index in (("minimal app", 0), ("to-do shown", 1), ("rows shown", 2)):
        values = [pair[index] * 1000 for pair in pairs]
        print(f"{label}: median {statistics.median(values):.0f} ms, worst {max(values):.0f} ms")
    ratios = [pair[1] / pair[0] for pair in pairs]
    print(f"to-do / minimal app, per pair: median {statistics.median(ratios):.1f}x, worst {max(ratios):.1f}x")


if __name__ == "__main__":
    main()
