"""A throw-away PostgreSQL server for one test session, plus the admin helpers the fixtures use.

The server lives in a temp dir (in RAM when there is room), listens on a free loopback port and runs without fsync (tests only).
A watchdog process stops it and removes the dir when this process ends, even on Ctrl-C or SIGKILL.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

SERVER_USER = "postgres"
CJK_PROBE = "面馆店"
RAM_DIR_MIN_FREE = 2 * 1024**3
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}

# Runs beside the tests: when the pipe from the test process closes, however it ended, stop and clean up.
_WATCHDOG = """
import shutil, subprocess, sys
sys.stdin.read()
stop_command, temp_dir = sys.argv[1:-1], sys.argv[-1]
subprocess.run(stop_command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
shutil.rmtree(temp_dir, ignore_errors=True)
"""


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def pg_required() -> bool:
    """CI (and anyone who asks) must not silently skip the PostgreSQL half of the suite."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("WORKBENCH_REQUIRE_PG") == "1"


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH first, then the newest /usr/lib/postgresql/N/bin."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    candidates.sort(key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.name)] or [0])
    return candidates[-1] if candidates else None


@dataclass
class PgServer:
    """A running server; `url(db)` gives a postgresql:// URL for a database on it."""

    host: str
    port: int
    user: str = SERVER_USER
    password: str | None = None
    admin_database: str = "postgres"
    temp_dir: Path | None = None
    _watchdog: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> PgServer:
        info = psycopg.conninfo.conninfo_to_dict(url.replace("postgresql+psycopg://", "postgresql://"))
        return cls(
            host=str(info.get("host", "127.0.0.1")),
            port=int(str(info.get("port") or 5432)),
            user=str(info.get("user", SERVER_USER)),
            password=None if info.get("password") is None else str(info["password"]),
            admin_database=str(info.get("dbname", "postgres")),
        )

    def url(self, database: str) -> str:
        auth = self.user if self.password is None else f"{self.user}:{self.password}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{database}"

    def connect(self, database: str | None = None) -> psycopg.Connection:
        return psycopg.connect(self.url(database or self.admin_database), autocommit=True)

    def stop(self) -> None:
        """Stop the server and remove its dir (idempotent; the watchdog does the work)."""
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            assert watchdog.stdin is not None
            watchdog.stdin.close()
            watchdog.wait(timeout=60)


def start_server() -> PgServer:
    """initdb + start a fresh server with a UTF-8 locale and pg_trgm in template1."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin; "
            "install them (Debian: apt-get install postgresql) or set WORKBENCH_TEST_PG_URL"
        )
    temp_dir = Path(tempfile.mkdtemp(prefix="workbench-pg-", dir=_fast_temp_root()))
    if os.geteuid() == 0:
        _ensure_server_user()
        shutil.chown(temp_dir, user=SERVER_USER)
    data_dir = temp_dir / "data"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data_dir)]
    watchdog = _start_watchdog(_as_server_user([*pg_ctl, "-m", "immediate", "stop"]), temp_dir)
    server = PgServer("127.0.0.1", 0, temp_dir=temp_dir, _watchdog=watchdog)
    atexit.register(server.stop)
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data_dir),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            temp_dir,
        )
        server.port = _start_on_free_port(pg_ctl, data_dir, temp_dir)
        _wait_ready(server)
        with server.connect("template1") as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            check_database(conn)
    except BaseException:
        server.stop()
        raise
    return server


def check_database(conn: psycopg.Connection) -> None:
    """Fail loudly unless the database is UTF-8 and pg_trgm keeps CJK characters (not so under LC_CTYPE=C)."""
    encoding, ctype = conn.execute(
        "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database WHERE datname = current_database()"
    ).fetchone()  # type: ignore[misc]
    trigrams = conn.execute("SELECT show_trgm(%s)", [CJK_PROBE]).fetchone()[0]  # type: ignore[index]
    if encoding != "UTF8" or not trigrams:
        raise RuntimeError(
            f"test PostgreSQL database is unusable: encoding {encoding}, LC_CTYPE {ctype}, "
            f"show_trgm({CJK_PROBE!r}) = {trigrams!r}; Chinese search needs UTF8 and a UTF-8 LC_CTYPE"
        )


def create_database(admin: psycopg.Connection, name: str, template: str | None = None) -> None:
    drop_database(admin, name)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    admin.execute(statement)


def drop_database(admin: psycopg.Connection, name: str) -> None:
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _ensure_server_user() -> None:
    """initdb refuses root: as root, the server runs as the postgres system user, made if missing."""
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                SERVER_USER,
            ],
            check=True,
        )


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return ["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(command)]


def _start_on_free_port(pg_ctl: list[str], data_dir: Path, temp_dir: Path, attempts: int = 3) -> int:
    """Pick a free port and start; another process may grab the port in between, so retry."""
    log = temp_dir / "server.log"
    attempt = 0
    while True:
        attempt += 1
        port = _free_port()
        _write_settings(data_dir, temp_dir, port)
        try:
            _run([*pg_ctl, "-l", str(log), "-w", "-t", "60", "start"], temp_dir, log)
            return port
        except RuntimeError:
            if attempt == attempts:
                raise


def _run(command: list[str], cwd: Path, log: Path | None = None) -> None:
    result = subprocess.run(_as_server_user(command), cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        server_log = log.read_text(errors="replace") if log and log.exists() else ""
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}{server_log}"
        )


def _fast_temp_root() -> str | None:
    """RAM (/dev/shm) when it is roomy: creating a database writes ~1,000 small files, slow on some disks."""
    shm = Path("/dev/shm")
    try:
        roomy = shutil.disk_usage(shm).free >= RAM_DIR_MIN_FREE and os.access(shm, os.W_OK | os.X_OK)
    except OSError:
        return None
    return str(shm) if roomy else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_settings(data_dir: Path, temp_dir: Path, port: int) -> None:
    settings = {**SERVER_SETTINGS, "port": str(port), "unix_socket_directories": f"'{temp_dir}'"}
    with (data_dir / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())


def _start_watchdog(stop_command: list[str], temp_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, *stop_command, str(temp_dir)],
        stdin=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_ready(server: PgServer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.connect().close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
