"""The list commit's shared values written as literals of the statement (BulkWriter.insert_shared, the year and
result updates), on both engines: the rows hold exactly what bound values would have stored (types included),
for a person, device and file whose names hold quotes and braces; a value no literal can hold is bound."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from import_helpers import office, uscc
from list_helpers import households, rules, write_sheet
from sqlalchemy import Engine, text

from imports import figure_writes
from imports.errors import ImportConflict
from imports.figures_plan import plan_figures
from imports.list_commit import commit_list
from imports.parse import parse_list_file
from storage.audit import Actor
from workbench.services.bulk_write import BulkWriter, sql_literal

WHO, DEVICE = "O'Neil·陈晓东", "陈's 笔记本 {1}"
FILE = "王's {2025} 年报'.xlsx"
COLUMNS = ("office_id", "entity", "entity_uuid", "action", "field", "old", "new", "who", "at", "device")


def test_sql_literal_is_the_bound_value_or_none() -> None:
    assert sql_literal(None) == "NULL" and sql_literal(42) == "42" and sql_literal(-7) == "-7"
    assert sql_literal("O'Neil") == "'O''Neil'" and sql_literal("") == "''" and sql_literal("年报") == "'年报'"
    assert sql_literal("a\x00b") is None and sql_literal(1.5) is None and sql_literal(True) is None


def _stored(engine: Engine, uuid: str) -> list[tuple[Any, ...]]:
    typed = ", ".join(f"{name}, typeof({name})" if engine.dialect.name == "sqlite" else name for name in COLUMNS)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {typed} FROM change_log WHERE entity_uuid = :uuid ORDER BY id"),
                                  {"uuid": uuid})  # fmt: skip
        return [tuple(row) for row in rows]


def test_insert_shared_stores_what_a_bound_insert_stores(engine: Engine) -> None:
    _shared_as_bound(engine, DEVICE)


def test_a_shared_value_holding_a_nul_is_bound_not_written_into_the_sql(sqlite_engine: Engine) -> None:
    """SQLite only: PostgreSQL text holds no NUL at all."""
    _shared_as_bound(sqlite_engine, "终端\x00二")


def _shared_as_bound(engine: Engine, device: str) -> None:
    at = "2026-12-07 10:00:00.000000" if engine.dialect.name == "sqlite" else "2026-12-07T10:00:00"
    shared = [("office_id", 1), ("entity", "year_figures"), ("action", "update"), ("old", None), ("who", WHO),
              ("at", at), ("device", device)]  # fmt: skip
    own = [("bound", "revenue", "1'0{0}"), ("bound", "tax_paid", None)]
    with engine.begin() as connection:
        writer = BulkWriter(connection)
        full = [tuple(dict(shared, entity_uuid=uuid, field=field, new=new)[name] for name in COLUMNS)
                for uuid, field, new in own]  # fmt: skip
        writer.insert("change_log", COLUMNS, full)
        writer.insert_shared("change_log", ("entity_uuid", "field", "new"),
                             [("shared", field, new) for _uuid, field, new in own], shared)  # fmt: skip
    assert _stored(engine, "shared") == [
        tuple("shared" if value == "bound" else value for value in row) for row in _stored(engine, "bound")
    ]
    assert len(_stored(engine, "shared")) == 2


def test_an_import_by_a_person_whose_name_holds_a_quote_is_logged_and_stamped_exactly(
    engine: Engine, tmp_path: Path
) -> None:
    actor = office(engine)
    actor = Actor(who=WHO, device=DEVICE, office_id=actor.office_id)
    households(engine, actor, [1, 2])
    header = ["统一社会信用代码", "名称", "年度", "营业收入（元）", "纳税额（元）"]
    first = write_sheet(tmp_path / "一.xlsx", header, [[uscc(1), "鹿城区第1号水果店", 2025, 300_000, 1_000]], title=None)
    commit_list(engine, plan_figures(engine, parse_list_file(first), office_id=actor.office_id), actor=actor,
                rules=rules())  # fmt: skip
    rows = [[uscc(1), "鹿城区第1号水果店", 2025, 1_500_000, 20_000], [uscc(2), "鹿城区第2号水果店", 2025, 200_000, 3_000]]
    path = write_sheet(tmp_path / FILE, header, rows, title=None)
    with engine.connect() as connection:
        mark = connection.execute(text("SELECT max(id) FROM change_log")).scalar_one()
    result = commit_list(engine, plan_figures(engine, parse_list_file(path), office_id=actor.office_id), actor=actor,
                         rules=rules())  # fmt: skip
    assert result.written == {"新增年度数据": 1, "更新年度数据": 1} and result.reclassified == 2
    with engine.connect() as connection:
        years = connection.execute(text(
            "SELECT b.uscc, y.revenue, y.tax_paid, y.version, y.updated_by, y.device, y.source FROM year_figures y "
            "JOIN business b ON b.id = y.business_id ORDER BY b.uscc")).all()  # fmt: skip
        log = connection.execute(text(
            "SELECT c.entity, c.action, c.field, c.old, c.new, c.who, c.device, c.office_id FROM change_log c "
            "WHERE c.entity IN ('year_figures', 'classification') AND c.id > :mark "
            "ORDER BY c.entity, c.action, c.field"), {"mark": mark}).all()  # fmt: skip
        stamps = connection.execute(text(
            "SELECT DISTINCT updated_by, device, version FROM classification_result "
            "WHERE business_id IN (SELECT business_id FROM year_figures)")).all()  # fmt: skip
        created = connection.execute(text("SELECT new FROM change_log WHERE new LIKE :file"),
                                     {"file": f"导入自「{FILE}」%"}).scalars().all()  # fmt: skip
    assert [tuple(row) for row in years] == [
        (uscc(1), 1_500_000, 20_000, 2, WHO, DEVICE, FILE), (uscc(2), 200_000, 3_000, 1, WHO, DEVICE, FILE),
    ]  # fmt: skip
    assert created == [f"导入自「{FILE}」第 3 行：2025年"]
    office_id = actor.office_id
    assert [tuple(row) for row in log if row[0] == "year_figures"] == [
        ("year_figures", "create", "", None, created[0], WHO, DEVICE, office_id),
        ("year_figures", "update", "revenue", "300000", "1500000", WHO, DEVICE, office_id),
        ("year_figures", "update", "tax_paid", "1000", "20000", WHO, DEVICE, office_id),
    ]
    assert {tuple(row[5:]) for row in log if row[0] == "classification"} == {(WHO, DEVICE, office_id)}
    assert sorted(tuple(row) for row in stamps) == [(WHO, DEVICE, 2), (WHO, DEVICE, 3)]


def _years(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT b.uscc, y.year, y.revenue, y.tax_paid, y.employees, y.insured_staff, y.version, y.source "
            "FROM year_figures y JOIN business b ON b.id = y.business_id ORDER BY b.uscc, y.year")).all()  # fmt: skip
    return [tuple(row) for row in rows]


def test_changed_years_of_different_fields_written_window_by_window(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Years changing different sets of fields, interleaved in id order, written two at a time: each year gets
    its own new values, version + 1 and its log rows; a year changed meanwhile in the last window leaves
    every year as it was."""
    actor = office(engine)
    households(engine, actor, [1, 2, 3, 4, 5])
    header = ["统一社会信用代码", "名称", "年度", "营业收入（元）", "纳税额（元）", "从业人数", "参保人数"]
    first = [[uscc(serial), f"鹿城区第{serial}号水果店", 2025, 100_000, 1_000, 2, 1] for serial in range(1, 6)]
    path = write_sheet(tmp_path / "一.xlsx", header, first, title=None)
    commit_list(engine, plan_figures(engine, parse_list_file(path), office_id=actor.office_id), actor=actor,
                rules=rules())  # fmt: skip
    changes = {1: [200_000, 1_000, 2, 1], 2: [100_000, 2_000, 3, 1], 3: [300_000, 1_000, 2, 4],
               4: [100_000, 1_000, 5, 1], 5: [400_000, 3_000, 2, 1]}  # fmt: skip
    second = [[uscc(serial), f"鹿城区第{serial}号水果店", 2025, *values] for serial, values in changes.items()]
    path = write_sheet(tmp_path / "二.xlsx", header, second, title=None)
    monkeypatch.setattr(figure_writes, "WINDOW", 2)
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    with engine.begin() as connection:  # the last year in id order changed after the dry run
        connection.execute(text("UPDATE year_figures SET version = version + 1 WHERE id = (SELECT max(id) FROM year_figures)"))
    before = _years(engine)
    with pytest.raises(ImportConflict):
        commit_list(engine, plan, actor=actor, rules=rules())
    assert _years(engine) == before
    with engine.connect() as connection:
        mark = connection.execute(text("SELECT max(id) FROM change_log")).scalar_one()
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    commit_list(engine, plan, actor=actor, rules=rules())
    versions = {row[0]: row[6] for row in before}
    assert _years(engine) == [(uscc(serial), 2025, *values, versions[uscc(serial)] + 1, "二.xlsx")
                              for serial, values in changes.items()]  # fmt: skip
    with engine.connect() as connection:
        log = connection.execute(text(
            "SELECT b.uscc, c.field, c.old, c.new FROM change_log c JOIN year_figures y ON y.uuid = c.entity_uuid "
            "JOIN business b ON b.id = y.business_id WHERE c.id > :mark ORDER BY c.id"), {"mark": mark}).all()  # fmt: skip
    assert sorted(tuple(row) for row in log) == sorted([
        (uscc(1), "revenue", "100000", "200000"), (uscc(2), "tax_paid", "1000", "2000"),
        (uscc(2), "employees", "2", "3"), (uscc(3), "revenue", "100000", "300000"),
        (uscc(3), "insured_staff", "1", "4"), (uscc(4), "employees", "2", "5"),
        (uscc(5), "revenue", "100000", "400000"), (uscc(5), "tax_paid", "1000", "3000"),
    ])  # fmt: skip


def test_a_device_name_no_literal_can_hold_is_bound_in_every_write(sqlite_engine: Engine, tmp_path: Path) -> None:
    """SQLite: a NUL in the device's name cannot be a literal: the years, their log, the results, history and
    log rows of the reclassification bind it with each row, as before, and hold it exactly."""
    engine = sqlite_engine
    actor = office(engine)
    households(engine, actor, [1, 2])
    actor = Actor(who=WHO, device="终端\x00二", office_id=actor.office_id)
    header = ["统一社会信用代码", "名称", "年度", "营业收入（元）", "纳税额（元）"]
    first = write_sheet(tmp_path / "一.xlsx", header, [[uscc(1), "鹿城区第1号水果店", 2025, 300_000, 1_000]], title=None)
    commit_list(engine, plan_figures(engine, parse_list_file(first), office_id=actor.office_id), actor=actor,
                rules=rules())  # fmt: skip
    rows = [[uscc(1), "鹿城区第1号水果店", 2025, 1_500_000, 20_000], [uscc(2), "鹿城区第2号水果店", 2025, 200_000, 3_000]]
    second = write_sheet(tmp_path / "二.xlsx", header, rows, title=None)
    result = commit_list(engine, plan_figures(engine, parse_list_file(second), office_id=actor.office_id),
                         actor=actor, rules=rules())  # fmt: skip
    assert result.reclassified == 2 and result.tier_changes == 2
    with engine.connect() as connection:
        devices = {table: set(connection.execute(text(f"SELECT DISTINCT device FROM {table} WHERE updated_by = :who"),
                                                 {"who": WHO}).scalars())
                   for table in ("year_figures", "classification_result", "classification_history")}  # fmt: skip
        logged = set(connection.execute(text("SELECT DISTINCT device FROM change_log WHERE who = :who"),
                                        {"who": WHO}).scalars())  # fmt: skip
    assert devices == {table: {actor.device} for table in devices} and logged == {actor.device}
