"""Every file of the hostile corpus (tests/hostile_files.py) through `workbench import`, in a subprocess whose
address space is limited: a file that made the reader allocate without bound fails the test (the process
dies or gets MemoryError) instead of taking the machine down. Each must end with its Chinese message and
exit code, in bounded memory, and leave the database as it was unless it is a valid register."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_files import CORPUS, TOO_LARGE, Hostile, cell_bomb, dimension_bomb
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from storage.engine import make_engine
from workbench import cli

# Address space for one `workbench import` of a small file: the interpreter, SQLAlchemy and python-calamine
# map ~0.6 GB; a reader that allocates from a hostile file's claims would need tens of GB or more.
ADDRESS_SPACE = 1536 << 20
# A million-row sheet legitimately takes calamine ~32 MB per column and the rows in Python.
LARGE_ADDRESS_SPACE = 3 << 30


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = str(tmp_path / "office.db")
    made = CliRunner().invoke(cli.app, ["--db", url, "init", "--office", "五马市场监管所",
                                        "--officer", "陈晓东", "--officer", "林丽丽", "--grid", "五马片区"])
    assert made.exit_code == 0, made.output
    return url


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table: what "the database is unchanged" is checked against."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
                    for name in inspect(connection).get_table_names()}
    finally:
        engine.dispose()


def run_import(url: str, path: Path, *extra: str, address_space: int = ADDRESS_SPACE,
               environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", "--db", url, "import", str(path), "--officer", "陈晓东", *extra],
        capture_output=True, text=True, preexec_fn=limit, env={**os.environ, **(environment or {})},
    )


@pytest.mark.parametrize("hostile", CORPUS, ids=[hostile.name for hostile in CORPUS])
def test_a_hostile_file_ends_in_its_message_in_bounded_memory(database: str, tmp_path: Path, hostile: Hostile) -> None:
    path = tmp_path / hostile.name
    hostile.make(path)
    before = table_counts(database)
    space = LARGE_ADDRESS_SPACE if "1048575" in hostile.name else ADDRESS_SPACE
    result = run_import(database, path, address_space=space)
    output = result.stdout + result.stderr
    assert result.returncode == hostile.exit_code, output[-2000:]
    assert hostile.message in output, output[-2000:]
    assert "Traceback" not in output and "panicked" not in output, output[-2000:]
    after = table_counts(database)
    if hostile.imported:
        assert after["business"] == before["business"] + hostile.imported
    else:
        assert after == before


def test_the_unpacked_ceiling_is_configurable(database: str, tmp_path: Path) -> None:
    path = cell_bomb(20)(tmp_path / "大.xlsx")
    before = table_counts(database)
    lowered = run_import(database, path, environment={"WORKBENCH_IMPORT_MAX_MB": "10"})
    assert lowered.returncode == 1
    assert f"{TOO_LARGE}：压缩包解开后有 20 MB，超过上限 10 MB" in lowered.stderr
    assert table_counts(database) == before


def test_a_dimension_bomb_is_refused_by_the_dry_run_too(database: str, tmp_path: Path) -> None:
    path = dimension_bomb()(tmp_path / "名录.xlsx")
    result = run_import(database, path, "--dry-run", "--json")
    assert result.returncode == 1
    assert "多半是远处的单元格 XFD1048576 有内容" in result.stderr
