"""A PostgreSQL server for search benchmarks that outlives one run: building 1,000,000 businesses
into PostgreSQL takes minutes, so the data dir is kept (default .bench/pg-search) and reused.

    .venv/bin/python bench/pg_bench_server.py            # starts (or restarts) it, prints the URL, waits
    .venv/bin/python bench/pg_bench_server.py --stop     # stops it
    .venv/bin/python bench/search.py --db $(cat .bench/pg-search/url) [--reuse --warm]

Settings are those of tests/pg_server.py (UTF-8, C.UTF-8 locale, no fsync) plus shared_buffers 1 GB,
as the figures in docs/benchmarks.md were measured. The server keeps running when this script is
killed; --stop (or `pg_ctl -D .bench/pg-search/data stop`) ends it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pg_server  # noqa: E402  (tests/pg_server.py: the same initdb options the test suite uses)

DEFAULT_DIR = ROOT / ".bench" / "pg-search"
PORT = 55439
EXTRA_SETTINGS = {"shared_buffers": "'1GB'"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--stop", action="store_true")
    args = parser.parse_args()
    bin_dir = pg_server.find_pg_bin()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL server binaries")
    data = args.dir / "data"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
    if args.stop:
        pg_server._run([*pg_ctl, "-m", "fast", "stop"], args.dir)
        return
    if not (data / "PG_VERSION").exists():
        _init(bin_dir, args.dir, data, args.port)
    if pg_server.subprocess.run(
        pg_server._as_server_user([*pg_ctl, "status"]), capture_output=True
    ).returncode:
        pg_server._run([*pg_ctl, "-l", str(args.dir / "server.log"), "-w", "-t", "120", "start"], args.dir)
    server = pg_server.PgServer("127.0.0.1", args.port)
    pg_server._wait_ready(server)
    with server.connect() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = 'bench'").fetchone()
        if not exists:
            pg_server.create_database(admin, "bench")
    url = server.url("bench")
    (args.dir / "url").write_text(url)
    print(url, flush=True)


def _init(bin_dir: Path, folder: Path, data: Path, port: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if pg_server.os.geteuid() == 0:
        pg_server._ensure_server_user()
        shutil.chown(folder, user=pg_server.SERVER_USER)
    pg_server._run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            pg_server.SERVER_USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        folder,
    )
    settings = {
        **pg_server.SERVER_SETTINGS,
        **EXTRA_SETTINGS,
        "port": str(port),
        "unix_socket_directories": f"'{folder}'",
    }
    with (data / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
    pg_server._run([*pg_ctl, "-l", str(folder / "server.log"), "-w", "-t", "120", "start"], folder)
    server = pg_server.PgServer("127.0.0.1", port)
    pg_server._wait_ready(server)
    with server.connect("template1") as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


if __name__ == "__main__":
    main()
