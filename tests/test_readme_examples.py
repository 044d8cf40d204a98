"""The README's 「Try it on the demo office」 block, run as written and in order, on the demo it builds.

A newcomer copies these lines: each must work on the demo database (names that exist there, files the
earlier lines wrote). Only the size is made smaller, so the test builds its demo quickly.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench import cli, locations

README = Path(__file__).resolve().parent.parent / "README.md"
runner = CliRunner()


def demo_block() -> list[str]:
    """The commands of the block: each `workbench …` line, its comment cut off (the prompt shows none)."""
    section = README.read_text(encoding="utf-8").split("## Try it on the demo office", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line.startswith(("workbench", "export ", "source "))]


def test_the_block_builds_the_demo_first_and_opens_the_app_last() -> None:
    lines = demo_block()
    assert lines[0] == "source .venv/bin/activate" and lines[1].startswith("workbench demo ")
    assert "--sample-register 登记名录.xlsx" in lines[1] and lines[-1] == "workbench"
    assert lines[2] == 'export WORKBENCH_DB="$HOME/.local/share/workbench/demo.db"'


def test_every_demo_example_works_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    ran = 0
    for line in demo_block():
        if line.startswith("source ") or line == "workbench":  # the shell's, and the app itself
            continue
        if line.startswith("export WORKBENCH_DB="):
            # The README's path is where `workbench demo` wrote: the demo database of this (test) home.
            path = os.path.expandvars(line.split("=", 1)[1].strip('"'))
            assert Path(path) == locations.demo_database_path()
            monkeypatch.setenv("WORKBENCH_DB", path)
            continue
        arguments = shlex.split(line)[1:]
        if arguments[0] == "demo":
            arguments[arguments.index("--size") + 1] = "400"
        result = runner.invoke(cli.app, arguments)
        # import: 3 = done, with the sample's damaged rows left out (as its --help says)
        allowed = (0, 3) if arguments[0] == "import" else (0,)
        assert result.exit_code in allowed, (line, result.output)
        assert "Traceback" not in result.output, line
        ran += 1
    assert ran >= 15
    assert (tmp_path / "登记名录.xlsx").exists() and (tmp_path / "市场主体.xlsx").exists()
    assert (tmp_path / "错误.xlsx").exists() and (tmp_path / "帮扶台账.xlsx").exists()
