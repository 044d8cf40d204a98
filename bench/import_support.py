"""bench/import_export.py's helpers: its printed table and ratios, and the throw-away PostgreSQL server of --pg."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def print_figures(rows: int, best: dict[str, dict[str, float]]) -> None:
    print(
        f"\n{rows:,} messy rows; Python {platform.python_version()}; {platform.machine()}, {os.cpu_count()} CPUs; "
        f"load average {' / '.join(f'{load:.1f}' for load in os.getloadavg())} "
        "(shared machine: ratios within one run are what count)"
    )
    print("| contender | wall s | CPU s (with workers) | CPU s (main process) | peak MB | rows written |")
    print("|---|---:|---:|---:|---:|---:|")
    names = {
        "raw": "(a) calamine + sqlite3 executemany",
        "import": "(b) workbench import (SQLite)",
        "import_before": "(b) workbench import (SQLite), --compare-tree checkout",
        "pandas": "(c) pandas read_excel(calamine) + to_sql",
        "import_pg": "(b) workbench import (PostgreSQL)",
    }
    for key, figures in best.items():
        print(
            f"| {names[key]} | {figures['seconds']:.2f} | {figures['cpu']:.2f} | {figures['cpu_main']:.2f} | "
            f"{figures['peak_mb']:.0f} | "
            f"{int(figures['rows']):,} |"
        )
    if "raw" in best:
        floor = best["raw"]
        print(
            f"\n(b)/(a) CPU: {best['import']['cpu'] / floor['cpu']:.2f}x (target <= 3x), main process only "
            f"{best['import']['cpu_main'] / floor['cpu']:.2f}x; wall: {best['import']['seconds'] / floor['seconds']:.2f}x"
        )
        print(
            f"(b)/(c) CPU: {best['import']['cpu'] / best['pandas']['cpu']:.2f}x; "
            f"wall: {best['import']['seconds'] / best['pandas']['seconds']:.2f}x (below 1 beats pandas)"
        )
        if "import_before" in best:
            earlier = best["import_before"]
            print(
                f"(b, --compare-tree checkout)/(a) CPU: {earlier['cpu'] / floor['cpu']:.2f}x; "
                f"wall: {earlier['seconds'] / floor['seconds']:.2f}x"
            )
        if "import_pg" in best:
            print(f"(b on PostgreSQL)/(a) wall: {best['import_pg']['seconds'] / floor['seconds']:.2f}x")


def pg_server_for(wanted: bool) -> tuple[str | None, Any]:
    if not wanted:
        return None, None
    sys.path.insert(0, str(ROOT / "tests"))
    import pg_server

    server = pg_server.start_server()
    with server.connect() as admin:
        pg_server.create_database(admin, "bench_import")
    return server.url("bench_import"), server


def reset_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    from storage.engine import normalise_url

    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    engine.dispose()
