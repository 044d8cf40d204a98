"""Launch in a real terminal, as a person meets it: `workbench` started in a tmux pane (120x36), timed from
before the process starts until the screen shows (a) the first useful screen: the last to-do painted from its
summary (「上次的待办（…），正在更新……」with its counts, session 11) or today's to-do with its counts, whichever
comes first, (b) today's to-do with its counts, and (c) business rows, after Esc (the status line「第 1-…条」).
Each tree is launched once before the rounds, not counted, so that the officer's to-do has been read (and
saved, where the tree saves it) as after any day's first launch. Paired with a minimal Textual app started the same
way in the same loop (time to its one line on screen), since this 2-CPU machine is shared and its speed moves
by 2x within minutes: the ratio of a pair is the figure to compare. Also the CPU seconds of each process
(/proc, read just before it is stopped) and the load averages around each pair.

    .venv/bin/python bench/launch_terminal.py --db /tmp/listspeed/demo1m.db --runs 5
    .venv/bin/python bench/launch_terminal.py --db … --tree /work/main --tree /work/wt/launch  # before / after

The screen is read with `tmux capture-pane` every 10 ms. The officer is remembered beforehand (in a temporary
XDG config folder), so the app opens on the to-do as it does every day after the first.
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

SESSION = f"launch-bench-{os.getpid()}"
MINIMAL = (
    "from textual.app import App\nfrom textual.widgets import Static\n"
    "class Minimal(App):\n    def compose(self):\n        yield Static('最小应用已显示')\nMinimal().run()\n"
)
TICKS = os.sysconf("SC_CLK_TCK")


def _screen() -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True).stdout


def _wait_for(*texts: str, started: float, timeout: float = 120) -> float:
    """Until one line of the screen holds all of texts."""
    return _wait_for_either(texts, started=started, timeout=timeout)


def _wait_for_either(*alternatives: tuple[str, ...], started: float, timeout: float = 120) -> float:
    """Until one line of the screen holds all the texts of one of the alternatives."""
    while time.perf_counter() - started < timeout:
        lines = _screen().splitlines()
        if any(all(text in line for text in texts) for texts in alternatives for line in lines):
            return time.perf_counter() - started
        time.sleep(0.01)
    raise TimeoutError(f"{alternatives!r} not on one line of the screen after {timeout} s:\n{_screen()}")


def _cpu_seconds() -> float:
    """CPU of the pane's process and its children so far (utime + stime + waited-for children)."""
    pid = subprocess.run(["tmux", "display", "-p", "-t", SESSION, "#{pane_pid}"], capture_output=True,
                         text=True).stdout.strip()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def _start(command: str, environment: dict[str, str]) -> float:
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in environment.items())
    for _attempt in range(5):  # the tmux server may still be exiting after the last session was killed
        started = time.perf_counter()
        made = subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "120", "-y", "36",
                               f"env {exports} {command}"], capture_output=True)
        if made.returncode == 0:
            return started
        time.sleep(0.2)
    raise RuntimeError(f"tmux new-session failed: {made.stderr.decode(errors='replace')}")


def _stop() -> float:
    cpu = _cpu_seconds()
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    return cpu


def _minimal(environment: dict[str, str]) -> tuple[float, float]:
    started = _start(f"{shlex.quote(sys.executable)} -c {shlex.quote(MINIMAL)}", environment)
    shown = _wait_for("最小应用已显示", started=started)
    return shown, _stop()


def _workbench(db: str, environment: dict[str, str]) -> tuple[float, float, float, float]:
    """(first useful screen, fresh to-do, rows after Esc, CPU)."""
    workbench = Path(sys.executable).with_name("workbench")
    started = _start(f"{shlex.quote(str(workbench))} --db {shlex.quote(db)}", environment)
    # The first useful screen: the last to-do painted from its summary (「上次的待办（12-07 10:31），正在更新……
    # 张伟  已逾期 0 …」, session 11) or today's, whichever shows first. The title painted before the counts
    # (「今日待办  正在计算」) is not yet useful.
    first = _wait_for_either(("上次的待办", "已逾期 "), ("今日待办  ", "已逾期 "), started=started)
    # The fresh to-do, the title with today's counts (「今日待办  张伟  2026-12-07（周一）  已逾期 0 …」).
    todo = _wait_for("今日待办  ", "已逾期 ", started=started)
    subprocess.run(["tmux", "send-keys", "-t", SESSION, "Escape"], check=True)
    rows = _wait_for("第 1-", started=started)
    return first, todo, rows, _stop()


def _remember_officer(db: str, environment: dict[str, str]) -> None:
    """What the first launch does once: remember who uses this computer (the app then opens on the to-do).
    The device memory is in the config folder, so both XDG folders are the pane's."""
    os.environ["XDG_DATA_HOME"] = environment["XDG_DATA_HOME"]
    os.environ["XDG_CONFIG_HOME"] = environment["XDG_CONFIG_HOME"]
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
    parser.add_argument("--tree", action="append", default=[], help=(
        "a source tree to launch (PYTHONPATH); give two (before, after) to interleave them in every round, "
        "their order alternating; default: this bench's tree"))
    arguments = parser.parse_args()
    trees = arguments.tree or [str(Path(__file__).resolve().parents[1])]
    with tempfile.TemporaryDirectory() as folder:
        environment = {"XDG_DATA_HOME": f"{folder}/data", "XDG_CONFIG_HOME": f"{folder}/config",
                       "TERM": "xterm-256color"}
        _remember_officer(arguments.db, environment)
        for tree in trees:  # once, not counted: the officer's to-do read and (where the tree saves it) saved
            _workbench(arguments.db, {**environment, "PYTHONPATH": tree})
        pairs: dict[str, list[tuple[float, float, float, float, float, float]]] = {tree: [] for tree in trees}
        for number in range(1, arguments.runs + 1):
            load = os.getloadavg()[0]
            minimal, minimal_cpu = _minimal(environment)
            for tree in trees if number % 2 else trees[::-1]:
                first, todo, rows, cpu = _workbench(arguments.db, {**environment, "PYTHONPATH": tree})
                pairs[tree].append((minimal, first, todo, rows, minimal_cpu, cpu))
                print(f"round {number} (load {load:.1f} → {os.getloadavg()[0]:.1f}) {tree}: minimal Textual app "
                      f"{minimal * 1000:.0f} ms (CPU {minimal_cpu:.2f} s); workbench first useful screen "
                      f"{first * 1000:.0f} ms = {first / minimal:.1f}x, fresh to-do {todo * 1000:.0f} ms = "
                      f"{todo / minimal:.1f}x, rows after Esc {rows * 1000:.0f} ms (CPU {cpu:.2f} s to then)", flush=True)
    for tree, measured in pairs.items():
        print(tree)
        for label, index in (("minimal app", 0), ("first useful screen", 1), ("fresh to-do", 2), ("rows shown", 3),
                             ("CPU to rows", 5)):
            values = [pair[index] * 1000 for pair in measured]
            print(f"  {label}: median {statistics.median(values):.0f} ms, worst {max(values):.0f} ms")
        for label, index in (("first useful screen", 1), ("fresh to-do", 2)):
            ratios = [pair[index] / pair[0] for pair in measured]
            print(f"  {label} / minimal app, per pair: median {statistics.median(ratios):.1f}x, "
                  f"worst {max(ratios):.1f}x")
    print(f"load average at the end: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
