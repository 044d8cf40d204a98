"""The installed command leaves at once when a command is done (workbench.cli_exit): its output whole, its
exit status kept, atexit's functions run; a thread still at work gets the ordinary exit. Each case is a
process of its own running the console script's entry point, as `workbench …` does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from import_helpers import cli_office, row, write_list
from typer.testing import CliRunner

runner = CliRunner()
# A marker whose __del__ runs only when the interpreter is taken apart (the ordinary exit), and an atexit
# function, which runs either way.
RUN = textwrap.dedent(
    """
    import atexit, os, sys, threading, time
    class Marker:
        def __del__(self, write=os.write):
            write(1, b"taken apart\\n")
    marker = Marker()
    atexit.register(lambda: print("atexit ran", flush=True))
    if sys.argv[1] == "busy":
        threading.Thread(target=time.sleep, args=(2,)).start()  # not a daemon, alive when the command ends
    sys.argv = ["workbench", *sys.argv[2:]]
    from workbench.cli import console_main
    console_main()
    """
)


def _run(*args: str, busy: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUN, "busy" if busy else "idle", *args],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.fixture
def office(tmp_path: Path) -> str:
    return cli_office(str(tmp_path / "office.db"))


def test_an_import_ends_at_once_with_its_whole_output_and_status(office: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2), row(3, {"联系电话": "12345"})])
    done = _run("--db", office, "import", str(path), "--json")
    assert done.returncode == 3, done.stderr  # a row left out, as `workbench import` says
    output, _, last = done.stdout.rpartition("atexit ran")
    summary = json.loads(output)
    assert summary["committed"]["inserted"] == 2 and summary["counts"]["invalid"] == 1
    assert last.strip() == ""  # atexit's functions ran, and nothing was taken apart after them
    assert "taken apart" not in done.stdout and "Traceback" not in done.stderr


def test_a_mistake_keeps_its_message_and_status(office: str, tmp_path: Path) -> None:
    done = _run("--db", office, "import", str(tmp_path / "没有这个文件.xlsx"))
    assert done.returncode == 2
    assert "没有这个文件.xlsx" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.strip() == "atexit ran"


def test_with_another_thread_at_work_the_ordinary_exit_waits_for_it(office: str) -> None:
    done = _run("--db", office, "staff", "list", busy=True)
    assert done.returncode == 0, done.stderr
    assert "陈晓东" in done.stdout
    assert done.stdout.strip().endswith("taken apart")  # the ordinary exit: atexit, then the teardown
    assert "atexit ran" in done.stdout
