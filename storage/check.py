"""`workbench db check`: is this database healthy, current, and able to search Chinese? Lines in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on the metadata)
from storage.connection_errors import explain_database_error
from storage.engine import is_sqlite
from storage.schema import head_revision

CJK_PROBE = "面馆店"
OK, WARN, FAIL = "正常", "提示", "异常"
TABLE_LABELS = {
    "office": ("市场监管所", "个"),
    "grid": ("网格", "个"),
    "officer": ("包联干部", "人"),
    "business": ("市场主体", "户"),
    "license": ("许可证", "张"),
    "year_figures": ("年度数据", "条"),
    "period_figures": ("分期经营数据", "条"),
    "change_log": ("变更记录", "条"),
    "industry_code": ("行业代码", "条"),
    "division": ("行政区划", "条"),
}
# Copies of the shipped GB/T 4754 and division CSVs that earlier versions loaded at every start. The code
# reads the CSVs (workbench.domain.reference), never these tables, so their rows are not the office's data:
# not counted here, replaced rather than refused by a copy (storage.copy).
REFERENCE_TABLES = frozenset({"industry_code", "division"})


@dataclass(frozen=True)
class CheckReport:
    """ok is False when anything needs a person's attention before the database is used."""

    ok: bool
    lines: list[str]


@dataclass(frozen=True)
class Finding:
    level: str
    text: str

    @property
    def line(self) -> str:
        return f"[{self.level}] {self.text}"


Step = Callable[[Connection], list[Finding]]


def check_database(engine: Engine) -> CheckReport:
    """Run every check for this engine's kind; a failing step is reported and the others still run."""
    missing = _missing_sqlite_file(engine)
    if missing:
        return _report([missing])
    steps = _SQLITE_STEPS if is_sqlite(engine) else _POSTGRES_STEPS
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            findings = [finding for step in steps for finding in _run_step(step, connection, engine)]
    except SQLAlchemyError as error:
        findings = [Finding(FAIL, explain_connection_error(engine, error))]
    return _report(findings)


def _report(findings: list[Finding]) -> CheckReport:
    return CheckReport(all(f.level != FAIL for f in findings), [f.line for f in findings])


def _run_step(step: Step, connection: Connection, engine: Engine) -> list[Finding]:
    try:
        return step(connection)
    except DBAPIError as error:
        return [Finding(FAIL, explain_connection_error(engine, error))]


def _missing_sqlite_file(engine: Engine) -> Finding | None:
    """Connecting would create an empty file: a mistyped path must not look like a healthy empty database."""
    database = engine.url.database if is_sqlite(engine) else None
    if not database or database == ":memory:" or Path(database).exists():
        return None
    return Finding(
        FAIL, f"找不到数据库文件：{database}。请确认路径（可运行 workbench locate 查看默认位置）。"
    )


def explain_connection_error(engine: Engine, error: BaseException) -> str:
    """A Chinese sentence a person can act on, with the driver's own first line for the administrator."""
    return explain_database_error(error, engine.url, with_detail=True)


# Both engines


def _migration_level(connection: Connection) -> list[Finding]:
    current = MigrationContext.configure(connection).get_current_revision()
    head = head_revision()
    if current == head:
        return [Finding(OK, f"数据库版本：{current}，与程序一致")]
    if current is None:
        return [Finding(WARN, "数据库是空的（尚未建表）：打开工作台或运行 workbench db upgrade 会建表")]
    if not _is_known_revision(current):
        return [
            Finding(FAIL, f"数据库版本 {current} 不是本程序认识的版本（程序为 {head}）：请先升级工作台程序")
        ]
    return [
        Finding(
            WARN,
            f"数据库版本 {current} 较旧（程序为 {head}）：运行 workbench db upgrade 升级，升级前自动备份",
        )
    ]


def _is_known_revision(revision: str) -> bool:
    script = ScriptDirectory(str(resources.files("storage") / "migrations"))
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def _row_counts(connection: Connection) -> list[Finding]:
    present = set(inspect(connection).get_table_names())
    parts = [
        _count_text(connection, name) for name in TABLE_LABELS if name in present and name not in REFERENCE_TABLES
    ]
    return [Finding(OK, "数据量：" + "，".join(parts))] if parts else []


def _count_text(connection: Connection, name: str) -> str:
    table = SQLModel.metadata.tables[name]
    label, unit = TABLE_LABELS[name]
    total = connection.execute(select(func.count()).select_from(table)).scalar_one()
    if "deleted_at" not in table.c:
        return f"{label} {total:,} {unit}"
    deleted = connection.execute(
        select(func.count()).select_from(table).where(table.c.deleted_at.is_not(None))
    ).scalar_one()
    return f"{label} {total - deleted:,} {unit}" + (f"（另有已删除 {deleted:,}）" if deleted else "")


# SQLite


def _sqlite_integrity(connection: Connection) -> list[Finding]:
    problems = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check").fetchall()]
    if problems == ["ok"]:
        return [Finding(OK, "完整性检查（integrity_check）：通过")]
    shown = "；".join(problems[:5]) + ("……" if len(problems) > 5 else "")
    return [Finding(FAIL, f"完整性检查发现 {len(problems)} 处问题，文件已损坏，请从备份恢复：{shown}")]


def _sqlite_foreign_keys(connection: Connection) -> list[Finding]:
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return [Finding(OK, "外键检查（foreign_key_check）：通过")]
    tables = sorted({str(row[0]) for row in rows})
    return [Finding(FAIL, f"外键检查发现 {len(rows)} 行引用了不存在的记录（表：{'、'.join(tables)}）")]


def _sqlite_journal(connection: Connection) -> list[Finding]:
    mode = str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
    if mode == "wal":
        return [Finding(OK, "日志模式：WAL（一个终端写入时，其他终端照常读取）")]
    return [Finding(WARN, f"日志模式：{mode}（不是 WAL：写入时其他终端可能要等待；网络共享盘上常见）")]


def _sqlite_search_index(connection: Connection) -> list[Finding]:
    names = (
        connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
        )
        .scalars()
        .all()
    )
    return [_fts_integrity(connection, str(name)) for name in names]


def _fts_integrity(connection: Connection, name: str) -> Finding:
    quoted = connection.dialect.identifier_preparer.quote(name)
    try:
        # rank = 1 also compares an external-content index with its table, which is what drifts.
        connection.exec_driver_sql(f"INSERT INTO {quoted}({quoted}, rank) VALUES ('integrity-check', 1)")
    except DBAPIError as error:
        return Finding(
            FAIL, f"检索索引 {name} 与数据不一致：运行 workbench db upgrade 或重建索引（{error.orig}）"
        )
    return Finding(OK, f"检索索引 {name}：完好")


# PostgreSQL


def _pg_server(connection: Connection) -> list[Finding]:
    number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    version = str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    url = connection.engine.url
    where = f"服务器 {url.host or 'localhost'}:{url.port or 5432}，数据库 {url.database}"
    if number < 150000:
        return [Finding(FAIL, f"PostgreSQL {version}（{where}）：本程序需要 15 或更高版本")]
    return [Finding(OK, f"已连接 PostgreSQL {version}（{where}）")]


def _pg_encoding(connection: Connection) -> list[Finding]:
    encoding, collate, ctype = connection.execute(
        text(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()"
        )
    ).one()
    if encoding != "UTF8":
        return [Finding(FAIL, f"数据库编码为 {encoding}，中文需要 UTF8：请用 ENCODING 'UTF8' 重建数据库")]
    return [Finding(OK, f"编码 {encoding}，排序规则 {collate}，字符分类 {ctype}")]


def _pg_trigram(connection: Connection) -> list[Finding]:
    installed = connection.execute(
        text("SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'")
    ).scalar()
    if installed is None:
        return [
            Finding(FAIL, "未安装 pg_trgm 扩展，中文模糊检索无法使用：请管理员执行 CREATE EXTENSION pg_trgm")
        ]
    trigrams = connection.execute(text("SELECT show_trgm(:probe)"), {"probe": CJK_PROBE}).scalar()
    if not trigrams:
        # Search stays correct (Chinese terms go to the character-gram index), only 3+ character terms get slower.
        return [
            Finding(
                WARN,
                f"pg_trgm 丢弃了中文字符（show_trgm('{CJK_PROBE}') 为空）：数据库的字符分类"
                "不是 UTF-8。检索结果仍然正确，但较长的中文检索会变慢；"
                "建议用 LC_CTYPE 'C.UTF-8' 或 'zh_CN.UTF-8' 重建数据库",
            )
        ]
    return [Finding(OK, f"中文检索（pg_trgm {installed}）：可用")]


_SQLITE_STEPS: list[Step] = [
    _sqlite_integrity,
    _sqlite_foreign_keys,
    _sqlite_journal,
    _migration_level,
    _sqlite_search_index,
    _row_counts,
]
_POSTGRES_STEPS: list[Step] = [_pg_server, _migration_level, _pg_encoding, _pg_trigram, _row_counts]
