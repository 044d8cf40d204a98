"""Every database a person can point Workbench at by mistake gets one Chinese sentence, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from pg_server import PgServer, create_database, drop_database

from storage.connection_errors import explain_database_error
from workbench import cli


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the console script's entry point in-process, as `workbench ARGS` would."""
    monkeypatch.setattr("sys.argv", ["workbench", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    captured = capsys.readouterr()
    return int(stopped.value.code or 0), captured.err + captured.out


def refused(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: str, *args: str) -> str:
    code, output = run_main(monkeypatch, capsys, "--db", db, *(args or ("todo",)))
    assert code == 2, output
    assert "Traceback" not in output and "Error" not in output, output
    assert len(output.strip().splitlines()) == 1, output
    return output.strip()


def test_unknown_host(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    message = refused(monkeypatch, capsys, "postgresql://clerk:pw@no-such-host.invalid/workbench")
    assert message.startswith("找不到数据库服务器 no-such-host.invalid：")


def test_connection_refused(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    message = refused(monkeypatch, capsys, "postgresql://clerk:pw@127.0.0.1:1/workbench")
    assert message.startswith("无法连接到数据库服务器 127.0.0.1:1：连接被拒绝")


def test_database_missing_on_a_real_server(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    message = refused(monkeypatch, capsys, pg_server.url("no_such_database"))
    assert "上没有数据库 no_such_database：" in message


def test_role_missing_on_a_real_server(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql://nobody_here@{pg_server.host}:{pg_server.port}/postgres"
    message = refused(monkeypatch, capsys, url)
    assert "上没有用户 nobody_here：" in message


def test_a_database_of_another_program_on_a_real_server(
    pg_server: PgServer, pg_admin: psycopg.Connection, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    create_database(pg_admin, "someone_elses")
    try:
        with pg_server.connect("someone_elses") as connection:
            connection.execute("CREATE TABLE payroll (id int)")
        message = refused(monkeypatch, capsys, pg_server.url("someone_elses"))
        assert "不是工作台的数据库" in message and "payroll" in message
        with pg_server.connect("someone_elses") as connection:
            tables = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        assert tables == [("payroll",)]  # nothing was written into it
    finally:
        drop_database(pg_admin, "someone_elses")


def test_wrong_password_is_explained() -> None:
    # The test server trusts loopback, so the server's own sentence is fed in as libpq relays it.
    error = psycopg.OperationalError(
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
        'password authentication failed for user "clerk"'
    )
    message = explain_database_error(error, "postgresql+psycopg://clerk:secret@10.0.0.5/workbench")
    assert message == "用户名或密码错误：服务器拒绝了用户 clerk 的登录。"
    assert "secret" not in message


def test_unsupported_scheme(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(monkeypatch, capsys, "mysql://clerk@server/workbench").startswith("不支持这种数据库地址「mysql://…」")


def test_sqlite_parent_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "名录.xlsx").write_bytes(b"PK")
    message = refused(monkeypatch, capsys, str(tmp_path / "名录.xlsx" / "office.db"))
    assert "是一个文件，不是文件夹" in message


def test_sqlite_path_is_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert "是一个文件夹，不是数据库文件" in refused(monkeypatch, capsys, str(tmp_path))


def test_a_file_that_is_not_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("这不是数据库\n" * 200, encoding="utf-8")
    before = notes.read_bytes()
    assert "不是 SQLite 数据库" in refused(monkeypatch, capsys, str(notes))
    assert notes.read_bytes() == before


def test_a_sqlite_database_of_another_program_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "attendance.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE punch (who TEXT)")
    message = refused(monkeypatch, capsys, str(other))
    assert "不是工作台的数据库" in message and "punch" in message
    with sqlite3.connect(other) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert names == ["punch"]


@pytest.mark.parametrize("command", [["todo"], ["export", "-o", "x.xlsx"], ["db", "upgrade"],
                                     ["db", "backup"], ["staff", "list"], ["classify", "--dry-run"], []])
def test_everyday_commands_never_create_a_missing_database(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo" / "offce.db"
    message = refused(monkeypatch, capsys, str(missing), *command) if command else None
    if not command:  # the app itself
        code, output = run_main(monkeypatch, capsys, "--db", str(missing))
        assert code == 2
        message = output.strip()
    assert message is not None and message.startswith(f"数据库文件不存在：{missing}")
    assert "workbench init" in message and "workbench demo" in message
    assert not missing.exists() and not missing.parent.exists()


def test_init_creates_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new" / "office.db"
    code, output = run_main(monkeypatch, capsys, "--db", str(target), "init", "--office", "五马市场监管所", "--officer", "张伟")
    assert code == 0, output
    assert target.exists() and "已建所「五马市场监管所」" in output


def test_copy_from_a_missing_file_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copy.db"
    code, output = run_main(monkeypatch, capsys, "db", "copy", "--from", str(tmp_path / "missing.db"), "--to", str(target))
    assert code == 2
    assert output.strip().startswith("数据库文件不存在：")
    assert not target.exists()
