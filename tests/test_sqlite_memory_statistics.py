"""SQLite's memory statistics are off in the installed command's process, and SQLite answers as before.

Each case is a process of its own: the switch is made once per process, before any connection."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")

# Five threads each filling a trigram table of its own file while this thread builds an index: the shape of
# an import's side builds. Prints whether the switch was made, SQLite's count of its memory, and the answers.
RUN = textwrap.dedent(
    """
    import ctypes, json, sqlite3, sys, threading
    from storage.sqlite_memory_statistics import turn_off_memory_statistics, _linked_library
    switched = turn_off_memory_statistics() if sys.argv[1] == "off" else False
    folder = sys.argv[2]
    found = {}
    def build(number):
        connection = sqlite3.connect(f"{folder}/side{number}.db")
        connection.execute("CREATE VIRTUAL TABLE t USING fts5(name, tokenize='trigram')")
        connection.executemany("INSERT INTO t(name) VALUES (?)", [(f"鹿城区第{i}号水果店",) for i in range(3000)])
        connection.commit()
        found[number] = connection.execute("SELECT count(*) FROM t WHERE t MATCH '第2999号'").fetchone()[0]
        connection.close()
    threads = [threading.Thread(target=build, args=(number,)) for number in range(5)]
    for thread in threads:
        thread.start()
    main = sqlite3.connect(f"{folder}/main.db")
    main.execute("CREATE TABLE business (id INTEGER PRIMARY KEY, name TEXT)")
    main.executemany("INSERT INTO business(name) VALUES (?)", [(f"店{i}",) for i in range(20000)])
    main.execute("CREATE INDEX ix_name ON business(name)")
    rows = main.execute("SELECT count(*) FROM business WHERE name >= '店1999'").fetchone()[0]
    for thread in threads:
        thread.join()
    library = _linked_library()
    library.sqlite3_memory_used.restype = ctypes.c_int64
    print(json.dumps([switched, library.sqlite3_memory_used() > 0, sorted(found.values()), rows]))
    """
)


def _run(mode: str, folder: Path) -> list[Any]:
    done = subprocess.run([sys.executable, "-c", RUN, mode, str(folder)], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer: list[Any] = json.loads(done.stdout)
    return answer


def test_the_statistics_are_off_and_the_answers_the_same(tmp_path: Path) -> None:
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    counted = _run("on", tmp_path / "on")
    quiet = _run("off", tmp_path / "off")
    assert counted[:2] == [False, True]  # as SQLite is built: every allocation counted
    assert quiet[:2] == [True, False]  # switched off: nothing counted any more
    in_order = sum(f"店{number}" >= "店1999" for number in range(20000))  # what the index must find
    assert counted[2:] == quiet[2:] == [[1, 1, 1, 1, 1], in_order]


def test_the_switch_is_not_made_once_sqlite_holds_memory(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sqlite3
        from storage.sqlite_memory_statistics import turn_off_memory_statistics
        connection = sqlite3.connect(":memory:")
        connection.execute("CREATE TABLE t (x)")
        print(turn_off_memory_statistics(), connection.execute("SELECT count(*) FROM t").fetchone()[0])
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "0"]  # a connection was open: left as it was, still working


def test_the_installed_command_turns_them_off_first(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        import storage.sqlite_memory_statistics as statistics
        sys.argv = ["workbench", "--db", sys.argv[1], "init", "--office", "五马市场监管所", "--officer", "陈晓东"]
        import atexit
        atexit.register(lambda: print("off:", statistics._turned_off, flush=True))
        from workbench.cli import console_main
        console_main()
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "office.db")], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "off: True" in done.stdout and (tmp_path / "office.db").exists()
