"""While `workbench import` reads a large file, its idle main thread builds the pinyin tables a registration
list's new rows need; they are let go when the file is another department's list, and a dry run builds none.

The read is held until the tables are built (or a second has passed), so that each case sees a read still
under way, as a large file's read is; the file itself is small."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from import_helpers import cli_office, row, write_list
from list_helpers import write_sheet
from test_import_figures import HEADER as FIGURES_HEADER
from test_import_figures import TITLE, tax_office_rows
from typer.testing import CliRunner

import storage.search_pinyin as search_pinyin
import workbench.cli_import as cli_import
from workbench import cli

runner = CliRunner()


def _built() -> bool:
    return search_pinyin._readings.cache_info().currsize == 1


@pytest.fixture
def slow_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Every file counts as large, and its read waits for the tables (at most a second); yields, per read,
    whether the tables were built by the time the read ended."""
    seen: list[bool] = []
    read = cli_import._read

    def held(*args: Any) -> Any:
        for _ in range(100):
            if _built():
                break
            threading.Event().wait(0.01)
        seen.append(_built())
        return read(*args)

    monkeypatch.setattr(cli_import, "PINYIN_AHEAD_FROM_BYTES", 0)
    monkeypatch.setattr(cli_import, "_read", held)
    search_pinyin.unload_tables()
    yield seen
    search_pinyin.unload_tables()


@pytest.fixture
def database(tmp_path: Path) -> str:
    return cli_office(str(tmp_path / "office.db"))


def test_a_registration_list_finds_its_tables_built_during_the_read(
    database: str, tmp_path: Path, slow_read: list[bool]
) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 6)])
    result = runner.invoke(cli.app, ["--db", database, "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["committed"]["inserted"] == 5
    assert slow_read == [True] and _built()  # built while the file was read, and used by the commit


def test_another_departments_list_lets_them_go(database: str, tmp_path: Path, slow_read: list[bool]) -> None:
    path = write_sheet(tmp_path / "纳税情况.xlsx", FIGURES_HEADER, tax_office_rows(), title=TITLE)
    result = runner.invoke(cli.app, ["--db", database, "import", str(path), "--json"])
    assert json.loads(result.stdout)["kind"] == "figures", result.output
    assert slow_read == [True] and not _built()  # built during the read, let go once the kind was known


def test_a_dry_run_builds_none(database: str, tmp_path: Path, slow_read: list[bool]) -> None:
    path = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 6)])
    result = runner.invoke(cli.app, ["--db", database, "import", str(path), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert slow_read == [False] and not _built()
