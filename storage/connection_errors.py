"""Why a database could not be opened, as one Chinese sentence that says what to do.

The drivers speak English (psycopg relays libpq's and the server's messages; sqlite3 its own), and the
server's wording is stable across versions, so the cause is recognised by pattern. A cause no pattern
knows still gets a Chinese sentence, with the driver's first line after it for whoever helps.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class DatabaseUnavailable(Exception):
    """The database cannot be used; str() is the Chinese sentence to show."""


# (pattern in the driver's message, Chinese sentence); {host} {port} {where} {database} {user} {path} are filled in.
_CAUSES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), sentence)
    for pattern, sentence in (
        (
            r"file is not a database|file is encrypted",
            "文件「{path}」不是 SQLite 数据库，或文件头已损坏：请检查路径是否写对；若是工作台的库，请从备份恢复",
        ),
        (r"malformed", "数据库文件「{path}」已损坏：请停止使用，从备份恢复"),
        (r"unable to open database file", "无法打开数据库文件「{path}」：文件夹不存在或没有读写权限"),
        (r"database is locked", "数据库「{path}」正被其他程序锁定：请稍后再试"),
        (r"readonly database|read-only file", "数据库文件「{path}」是只读的：请检查文件权限，或换一个可写的位置"),
        (r"disk i/o error|database or disk is full|no space left", "写数据库「{path}」时磁盘出错或已满：请腾出空间后再试"),
        (
            r"connection refused",
            "无法连接到数据库服务器 {host}:{port}：连接被拒绝。请确认服务器已启动、地址和端口正确、防火墙已放行",
        ),
        (r"password authentication failed", "用户名或密码错误：服务器拒绝了用户 {user} 的登录"),
        (r"no password supplied", "服务器要求密码：请在连接地址中写上用户 {user} 的密码"),
        (r'database ".*" does not exist', "服务器 {host}:{port} 上没有数据库 {database}：请检查库名，或请管理员先创建"),
        (r'role ".*" does not exist', "服务器 {host}:{port} 上没有用户 {user}：请检查用户名，或请管理员先创建"),
        (r"permission denied|must be owner", "数据库用户 {user} 没有足够的权限：请管理员授予这个库的读写和建表权限"),
        (
            r"failed to resolve host|could not translate host name|name or service not known"
            r"|nodename nor servname|temporary failure in name resolution",
            "找不到数据库服务器 {host}：请检查地址拼写和网络",
        ),
        (
            r"timeout expired|timed out|no route to host|network is unreachable",
            "连接数据库服务器 {host}:{port} 超时：请检查网络和防火墙",
        ),
    )
)


def explain_database_error(error: BaseException, url: str | URL, *, with_detail: bool = False) -> str:
    """The Chinese sentence for an error raised while opening, checking or upgrading the database at url.

    with_detail appends the driver's own first line (for an administrator reading `workbench db check`).
    """
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    detail = lines[0].strip() if lines else type(original).__name__
    details = _url_details(url)
    for pattern, sentence in _CAUSES:
        if pattern.search(str(original)):
            message = sentence.format(**details)
            return f"{message}（{detail}）" if with_detail else f"{message}。"
    return f"无法使用数据库 {details['where']}：请检查 --db 或 WORKBENCH_DB 的写法（{detail}）"


def _url_details(url: str | URL) -> dict[str, str]:
    parsed = make_url(url) if isinstance(url, str) else url
    path = parsed.database or ""
    if parsed.get_backend_name() == "sqlite":
        return {"host": "", "port": "", "database": path, "user": "", "path": path, "where": path}
    host = parsed.host or "localhost"
    port = str(parsed.port or 5432)
    return {
        "host": host,
        "port": port,
        "database": path,
        "user": parsed.username or "",
        "path": path,
        "where": parsed.render_as_string(hide_password=True),
    }


def sqlite_path_problem(path: Path, *, create: bool) -> str | None:
    """Why a SQLite file cannot be used at path (None: it can); only init, demo and copy targets create."""
    parent = next((folder for folder in path.parents if folder.exists()), None)
    if parent is not None and not parent.is_dir():
        return f"「{parent}」是一个文件，不是文件夹：数据库放不进去，请换一个位置（--db）。"
    if path.is_dir():
        return f"「{path}」是一个文件夹，不是数据库文件：请在 --db 里写到文件名，如 {path / 'workbench.db'}。"
    if not path.exists() and not create:
        return (
            f"数据库文件不存在：{path}。新建所的库请运行 workbench init --office 所名 --officer 姓名；"
            "外业笔记本上用外业包建库请运行 workbench sync in 外业包.xlsx --db 文件名；试用演示库请运行 workbench demo --open。"
        )
    return None
