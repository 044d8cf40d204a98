"""SVG snapshot of the import wizard's dry-run summary at 80x24 (update: --snapshot-update)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from test_tui_import import settle, walk_to_the_review, write_county_list
from test_tui_support import build_app, build_office
from textual.pilot import Pilot


def test_dry_run_summary_80x24(sqlite_engine: Engine, tmp_path: Path, snap_compare: Any) -> None:
    build_office(sqlite_engine)
    downloads = Path.home() / "Downloads"
    downloads.mkdir(parents=True)
    write_county_list(downloads / "五月名录.xlsx")
    app = build_app(sqlite_engine, tmp_path, remember="王芳")

    async def run_before(pilot: Pilot[Any]) -> None:
        await walk_to_the_review(pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
