"""The demo office (workbench.services.demo): realistic, valid, deterministic, on both engines."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import statistics
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from sqlalchemy import Engine, select, text
from sqlmodel import SQLModel

from storage.engine import make_engine
from storage.search import search_fields
from storage.search_fragments import FRAGMENT_TABLES
from storage.search_side_index import FTS_COLUMNS, SideIndex
from storage.search_sqlite import DEFAULT_HASH_BYTES, FTS_TABLES
from workbench.domain import reference
from workbench.domain.identifiers import check_id_number, check_phone, check_uscc
from workbench.services import bulk_write, demo, demo_workers
from workbench.services.bulk_write import Values
from workbench.services.demo import build_demo
from workbench.services.demo_rows import BusinessMaker, Territory
from workbench.services.demo_trades import FOOD, TRADES_BY_KIND
from workbench.services.errors import WorkbenchError

TODAY = date(2025, 6, 15)
SIZE = 3000
TRAVELLING = ("office", "grid", "officer", "business", "year_figures", "license")


def _rows(engine: Engine, sql: str) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(text(sql)).all())


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _fresh_sqlite(template: Path, folder: Path, name: str) -> Engine:
    path = folder / name
    shutil.copyfile(template, path)
    return make_engine(str(path))


@pytest.fixture
def built(engine: Engine) -> Engine:
    calls: list[tuple[int, int, str]] = []
    summary = build_demo(engine, size=SIZE, seed=7, today=TODAY, progress=lambda *call: calls.append(call))
    assert summary.businesses == SIZE and sum(summary.by_kind.values()) == SIZE
    assert calls[-1][:2] == (SIZE, SIZE)
    assert [done for done, _total, what in calls if what == "生成市场主体"][-1] == SIZE
    assert "户" in str(summary)
    return engine


def test_office_grids_and_officers(built: Engine) -> None:
    ((office_id, office_name, region),) = _rows(built, "SELECT id, name, region_code FROM office")
    assert office_name.startswith("温州市鹿城区市场监督管理局") and office_name.endswith("市场监管所")
    assert region == "330302"
    townships = {
        town.code: town.name for town in reference.wenzhou_townships() if town.county_code == "330302"
    }
    grids = _rows(built, "SELECT id, name, township_code, office_id FROM grid")
    assert len(grids) == 6 and {row[3] for row in grids} == {office_id}
    for _id, name, township_code, _office in grids:
        assert name.endswith("片区") and townships[township_code].startswith(name[:2])
    officers = _rows(built, "SELECT grid_id, phone FROM officer")
    assert len(officers) == 6 and sorted(row[0] for row in officers) == sorted(row[0] for row in grids)
    assert all(check_phone(phone).kind == "mobile" for _grid, phone in officers)
    # Every business sits in a grid of its office's townships, and its address is in that township.
    grid_town = {grid_id: townships[code] for grid_id, _name, code, _office in grids}
    rows = _rows(built, "SELECT grid_id, officer_id, address FROM business")
    assert all(f"鹿城区{grid_town[grid_id]}" in address for grid_id, _officer, address in rows)
    assert {officer for _grid, officer, _address in rows} <= {
        row[0] for row in _rows(built, "SELECT id FROM officer")
    }


def test_kinds_statuses_and_flags(built: Engine) -> None:
    rows = _rows(
        built,
        "SELECT kind, status, composition, suspended, suspended_from, suspended_until, abnormal, "
        "abnormal_since, registered_on, capital, employees FROM business",
    )
    kinds = Counter(row[0] for row in rows)
    assert 0.85 < kinds["individual"] / SIZE < 0.91
    assert 0.08 < kinds["enterprise"] / SIZE < 0.12
    assert 0.01 < kinds["cooperative"] / SIZE < 0.03
    statuses = Counter(row[1] for row in rows)
    assert 0.65 < statuses["active"] / SIZE < 0.85
    assert statuses["deregistered"] > 0.1 * SIZE and statuses["revoked"] > 0 and statuses["moved_out"] > 0
    assert set(statuses) <= {"active", "deregistered", "revoked", "moved_out"}
    assert {row[2] for row in rows if row[0] == "individual"} == {"个人经营", "家庭经营"}
    assert {row[2] for row in rows if row[0] != "individual"} == {None}
    suspended = [row for row in rows if row[3]]
    abnormal = [row for row in rows if row[6]]
    assert 0.005 * SIZE < len(suspended) < 0.05 * SIZE and 0.01 * SIZE < len(abnormal) < 0.08 * SIZE
    for row in suspended:
        start, until = _as_date(row[4]), _as_date(row[5])
        assert row[1] == "active" and date(2022, 3, 1) <= start < TODAY < until <= start + timedelta(
            days=3 * 366
        )
    for row in abnormal:
        assert (
            row[1] == "active"
            and _as_date(row[7]) <= TODAY
            and (_as_date(row[7]).month, _as_date(row[7]).day) == (7, 1)
        )
    registered = sorted(_as_date(row[8]) for row in rows)
    assert date(2000, 1, 1) <= registered[0] and registered[-1] < TODAY
    assert sum(day.year >= 2015 for day in registered) > sum(day.year < 2015 for day in registered)
    assert all(isinstance(row[9], int) and row[9] > 0 and row[10] >= 1 for row in rows)


def test_codes_are_valid_and_unique(built: Engine) -> None:
    rows = _rows(built, "SELECT kind, uscc, reg_no, id_number, phone, registered_on FROM business")
    digit = {"enterprise": "1", "individual": "2", "cooperative": "3"}
    usccs = [row[1] for row in rows if row[1]]
    assert len(usccs) == len(set(usccs))
    org_warnings = 0
    for kind, uscc, reg_no, id_number, phone, registered in rows:
        if uscc:
            verdict = check_uscc(uscc)
            assert verdict.valid and verdict.kind == "uscc", (uscc, verdict.reason)
            assert uscc[:2] == "9" + digit[kind] and uscc[2:8] in ("330302", "330300")
            assert uscc[8:10] == "MA" or uscc[8:16].isdigit()
            org_warnings += bool(verdict.warnings)
            if _as_date(registered) >= date(2016, 12, 1):
                assert uscc[8:10] == "MA" and reg_no is None
        if reg_no:
            verdict = check_uscc(reg_no)
            assert verdict.valid and verdict.kind == "reg_no_15", (reg_no, verdict.reason)
            assert (reg_no[6] == "6") == (kind == "individual")
        if id_number:
            id_verdict = check_id_number(id_number, today=TODAY)
            assert id_verdict.valid, (id_number, id_verdict.reason)
            assert id_number.startswith("3303")
            age = TODAY.year - int(id_number[6:10])
            assert 18 <= age <= 90
        if phone:
            assert check_phone(phone).valid, phone
    households = [row for row in rows if row[0] == "individual"]
    assert all(row[3] for row in households[:50]) or sum(bool(row[3]) for row in households) > 0.9 * len(
        households
    )
    assert not any(row[3] for row in rows if row[0] != "individual")
    assert org_warnings < 0.02 * len(usccs)
    both = sum(bool(row[1] and row[2]) for row in rows)
    only_reg_no = sum(bool(row[2] and not row[1]) for row in rows)
    assert both > 0 and only_reg_no > 0 and sum(bool(row[1] and not row[2]) for row in rows) > 0.5 * SIZE
    assert sum(row[4].startswith("0577-") for row in rows) > 0.03 * SIZE


def test_industries_are_real_and_match_the_names(built: Engine) -> None:
    listed = {"2017": reference.industry_codes("2017"), "2011": reference.industry_codes("2011")}
    rows = _rows(built, "SELECT name, kind, industry_code, industry_code_version, status FROM business")
    for name, _kind, code, version, status in rows:
        assert code in listed[version] and listed[version][code].level == 4, (name, code, version)
        if version == "2011":
            assert status != "active"
    codes = Counter(row[2][:2] for row in rows if row[1] == "individual")
    households = sum(codes.values())
    assert (codes["52"] + codes["62"] + codes["80"]) / households > 0.6
    by_ending = {"面馆": "6220", "水果店": "5223", "理发店": "8040", "五金店": "5281", "大药房": "5251"}
    for name, _kind, code, _version, _status in rows:
        for ending, expected in by_ending.items():
            if name.endswith(ending):
                assert code == expected, name
    assert any(name.endswith("有限公司") for name, kind, *_ in rows if kind == "enterprise")
    assert all(name.endswith("专业合作社") for name, kind, *_ in rows if kind == "cooperative")


def test_trade_catalogue_uses_real_classes() -> None:
    classes = reference.industry_codes("2017")
    for trades in TRADES_BY_KIND.values():
        for trade in trades:
            assert classes[trade.code].level == 4, trade


def test_search_columns_and_surnames(built: Engine) -> None:
    rows = _rows(built, "SELECT name, operator, address, name_pinyin, search_chars FROM business")
    for name, operator, address, name_pinyin, search_chars in rows[:300]:
        assert {"name_pinyin": name_pinyin, "search_chars": search_chars} == search_fields(
            name, operator, address
        )
    assert all(row[3] and row[4] for row in rows)
    surnames = Counter(row[1][0] for row in rows)
    assert surnames["陈"] > surnames["刘"]  # Wenzhou, not the national mix
    for surname, reading in (("单", "shan"), ("曾", "zeng"), ("解", "xie"), ("仇", "qiu")):
        holders = [row for row in rows if row[1].startswith(surname)]
        assert holders, surname
        assert all(reading in row[3] for row in holders)


def test_year_figures(built: Engine) -> None:
    status = dict(_rows(built, "SELECT id, status FROM business"))
    kind = dict(_rows(built, "SELECT id, kind FROM business"))
    figures = _rows(
        built, "SELECT business_id, year, revenue, tax_paid, employees, insured_staff FROM year_figures"
    )
    per_business = Counter(row[0] for row in figures)
    assert set(per_business) <= {id_ for id_, value in status.items() if value == "active"}
    assert max(per_business.values()) == 3 and len(per_business) > 0.9 * sum(
        v == "active" for v in status.values()
    )
    assert {row[1] for row in figures} == {2022, 2023, 2024}
    for _id, _year, revenue, tax, employees, insured in figures:
        assert isinstance(revenue, int) and isinstance(tax, int) and 0 <= tax <= revenue
        assert 0 <= insured <= employees and employees >= 1
    households = [row[2] for row in figures if kind[row[0]] == "individual"]
    assert 0.03 < sum(value == 0 for value in households) / len(households) < 0.2  # 零申报
    assert 100_000 < statistics.median(households) < 600_000
    assert max(row[2] for row in figures) > 10_000_000


def test_licenses(built: Engine) -> None:
    rows = _rows(
        built,
        "SELECT l.kind, l.number, l.issued_on, l.expires_on, b.industry_code, b.status "
        "FROM license l JOIN business b ON b.id = l.business_id",
    )
    assert rows and {row[5] for row in rows} == {"active"}
    food_codes = {t.code for trades in TRADES_BY_KIND.values() for t in trades if t.license == FOOD}
    kinds = Counter(row[0] for row in rows)
    assert kinds[FOOD] > kinds["药品经营许可证"] > 0 and kinds["特种行业许可证"] > 0
    expiring = expired = 0
    for kind, number, issued, expires, code, _status in rows:
        issued, expires = _as_date(issued), _as_date(expires)
        assert issued <= TODAY and expires - issued in (timedelta(days=5 * 365 + leap - 1) for leap in (1, 2))
        if kind == FOOD:
            assert code in food_codes and number.startswith("JY") and len(number) == 16
        expiring += TODAY <= expires < TODAY + timedelta(days=90)
        expired += expires < TODAY
    assert 0 < expiring < 0.15 * len(rows) and 0 < expired < 0.25 * len(rows)


def test_travelling_columns_and_change_log(built: Engine) -> None:
    for table in TRAVELLING:
        rows = _rows(built, f"SELECT uuid, version, updated_by, device, updated_at, deleted_at FROM {table}")
        assert len({row[0] for row in rows}) == len(rows)
        assert {(row[1], row[2], row[3], row[5]) for row in rows} == {(1, "演示数据", "demo", None)}
        assert all(row[4] is not None for row in rows)
    # The demo's service work (support, appeals, visits: demo_service) logs its own rows; here the registers'.
    log = _rows(
        built,
        "SELECT entity, entity_uuid, action, field, who, device FROM change_log WHERE entity = 'business'",
    )
    assert len(log) == SIZE
    assert {(row[0], row[2], row[3], row[4], row[5]) for row in log} == {
        ("business", "create", "", "演示数据", "demo")
    }
    assert {row[1] for row in log} == {row[0] for row in _rows(built, "SELECT uuid FROM business")}


def test_a_second_build_is_refused(built: Engine) -> None:
    with pytest.raises(WorkbenchError):
        build_demo(built, size=10, seed=1, today=TODAY)
    assert _rows(built, "SELECT count(*) FROM office")[0][0] == 1


def _dump(engine: Engine) -> dict[str, list[Any]]:
    """Every demo table's rows as SQLAlchemy reads them (typed values, so engines compare equal)."""
    tables = [SQLModel.metadata.tables[name] for name in (*TRAVELLING, "change_log")]
    with engine.connect() as connection:
        return {
            table.name: list(connection.execute(select(table).order_by(table.c.id)).all()) for table in tables
        }


def test_same_seed_same_rows_whatever_the_workers(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "CHUNK", 400)  # several chunks, so that two workers share them
    engines = [_fresh_sqlite(sqlite_template, tmp_path, f"{name}.db") for name in ("a", "b", "c")]
    try:
        build_demo(engines[0], size=1500, seed=3, today=TODAY, workers=0)
        build_demo(engines[1], size=1500, seed=3, today=TODAY, workers=2)
        build_demo(engines[2], size=1500, seed=4, today=TODAY, workers=0)
        first, second, other = (_dump(engine) for engine in engines)
        assert first == second
        assert first["business"] != other["business"]
        assert not {row.uuid for row in first["business"]} & {row.uuid for row in other["business"]}
    finally:
        for engine in engines:
            engine.dispose()


def test_same_rows_on_both_engines(sqlite_url: str, pg_url: str) -> None:
    engines = [make_engine(sqlite_url), make_engine(pg_url)]
    try:
        for engine in engines:
            build_demo(engine, size=400, seed=5, today=TODAY)
        sqlite_rows, pg_rows = (_dump(engine) for engine in engines)
        assert sqlite_rows == pg_rows
        with engines[1].connect() as connection:  # the id sequences moved past the ids the demo gave
            assert (
                connection.execute(text("SELECT nextval(pg_get_serial_sequence('business', 'id'))")).scalar()
                == 401
            )
    finally:
        for engine in engines:
            engine.dispose()


def _maker() -> BusinessMaker:
    grids = [[(1, 1), (2, 2)], [(3, 3), (4, 4)], [(5, 5), (6, 6)]]
    territory = Territory(
        1,
        "鹿城区",
        "330302",
        "330300",
        [
            (name, share, pairs)
            for name, share, pairs in zip(
                ("五马街道", "七都街道", "滨江街道"), (0.6, 0.2, 0.2), grids, strict=True
            )
        ],
        [1, 2, 3, 4, 5, 6],
    )
    days = {
        day: date.fromordinal(day).isoformat()
        for day in range(date(1999, 1, 1).toordinal(), date(2033, 1, 1).toordinal())
    }
    faker = Faker("zh_CN")
    faker.seed_instance(1)
    values = Values(days, 1, 0, "2025-06-15 01:00:00.000000")
    return BusinessMaker(1, random.Random(1), faker, territory, values, TODAY, search_fields, 1)


def _tables(made: list[Any]) -> list[Any]:
    return [[list(rows) for rows in tables] for tables, _kinds, _statuses in made]


def test_spawned_workers_make_the_same_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    maker = _maker()
    here = _tables(list(demo_workers.chunks(maker, 1200, 400, 0, as_copy=False)))
    monkeypatch.setattr(demo_workers, "START_METHOD", "spawn")  # what Windows and macOS use
    assert _tables(list(demo_workers.chunks(maker, 1200, 400, 2, as_copy=False))) == here


def _die() -> None:
    os._exit(3)


def test_a_broken_pool_falls_back_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    maker = _maker()
    here = list(demo_workers.chunks(maker, 1200, 400, 0, as_copy=True))
    monkeypatch.setattr(demo_workers, "_start_worker", lambda *args: _die())  # every worker dies on start
    assert list(demo_workers.chunks(maker, 1200, 400, 2, as_copy=True)) == here
    assert here[0][0][0].count("\n") == 400 and "\t" in here[0][0][0]  # COPY text, one line a business


def test_copy_text_escapes_what_postgresql_would_misread() -> None:
    rows = [("a\tb", None, 3, "x\\N", "1\n2\r"), ("plain", None, 0, "", "面馆")]
    assert bulk_write.copy_text(rows) == "a\\tb\t\\N\t3\tx\\\\N\t1\\n2\\r\nplain\t\\N\t0\t\t面馆\n"
    assert bulk_write.copy_text([]) == ""


def _schema(engine: Engine) -> list[Any]:
    return _rows(
        engine,
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        "ORDER BY type, name",
    )


@pytest.mark.parametrize("side_index", [False, True], ids=["rebuilt-in-place", "built-beside"])
def test_sqlite_build_leaves_the_schema_and_a_whole_search_index(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, side_index: bool
) -> None:
    """Indexes dropped for the load and triggers dropped for the search rebuild all come back as the
    migrations made them; FTS5's integrity-check passes and a rebuild in place finds the same rows, whether
    the index was rebuilt in place or built beside the database and copied in (storage.search_side_index);
    the triggers keep the index whole afterwards; no scratch file is left."""
    monkeypatch.setattr(demo, "CHUNK", 400)
    monkeypatch.setattr(demo, "SIDE_INDEX_FROM", 0 if side_index else 10**9)
    copied: list[bool] = []
    original_finish = SideIndex.finish
    monkeypatch.setattr(
        SideIndex, "finish", lambda self, connection: copied.append(original_finish(self, connection)) or copied[-1]
    )
    engine = _fresh_sqlite(sqlite_template, tmp_path, "built.db")
    try:
        before = _schema(engine)
        build_demo(engine, size=1500, seed=3, today=TODAY, workers=2)
        assert copied == ([True] if side_index else [])
        assert not list(tmp_path.glob(".workbench-search-*"))
        assert _schema(engine) == before
        queries = [
            ("business_fts", '"鹿城区"'),
            ("business_fts", '"面馆"'),
            ("business_grams", '"店"'),
            ("business_grams", '"温州" AND "服"'),
            ("business_pinyin", '"zh"*'),
            ("business_pinyin", '"chen"'),
        ]

        def found() -> list[list[Any]]:
            return [
                _rows(engine, f"SELECT rowid FROM {name} WHERE {name} MATCH '{query}' ORDER BY rowid")
                for name, query in queries
            ]

        streamed = found()
        assert all(streamed[index] for index in (0, 2, 4))
        # The rebuild's larger FTS5 hash (storage.search_sqlite.REBUILD_HASH_BYTES) is for the rebuild only.
        hash_sizes = [_rows(engine, f"SELECT v FROM {name}_config WHERE k = 'hashsize'") for name in FTS_TABLES]
        assert all([tuple(row) for row in sizes] in ([], [(DEFAULT_HASH_BYTES,)]) for sizes in hash_sizes)
        with engine.begin() as connection:
            for name in (*FTS_TABLES, *FRAGMENT_TABLES):
                connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('integrity-check')")
                connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
        assert found() == streamed
        # The triggers are back and keep the copied-in index whole.
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE business SET name = '奥蕾测验甜品店' WHERE id = 7")
            for name in FTS_TABLES:
                connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('integrity-check')")
        assert [
            row[0]
            for row in _rows(engine, "SELECT rowid FROM business_fts WHERE business_fts MATCH '奥蕾测验'")
        ] == [7]
    finally:
        engine.dispose()


def test_side_index_reads_the_columns_each_search_table_is_defined_on(sqlite_template: Path, tmp_path: Path) -> None:
    engine = _fresh_sqlite(sqlite_template, tmp_path, "columns.db")
    try:
        with engine.connect() as connection:
            for name, columns in FTS_COLUMNS.items():
                listed = [row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({name})")]
                assert tuple(listed) == columns
        assert sorted(FTS_COLUMNS) == sorted((*FTS_TABLES, *FRAGMENT_TABLES))
    finally:
        engine.dispose()


@pytest.mark.parametrize("failing", ["build", "scratch file"])
def test_a_failed_side_build_falls_back_to_a_rebuild_in_place(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    monkeypatch.setattr(demo, "CHUNK", 400)
    monkeypatch.setattr(demo, "SIDE_INDEX_FROM", 0)
    if failing == "build":
        monkeypatch.setattr("storage.search_side_index.SIDE_HASH_BYTES", "not a number")  # every build fails
    else:  # the scratch file cannot take the rows (as on a full disk)
        original_init = SideIndex.__init__

        def broken_insert(self: SideIndex, *args: Any) -> None:
            original_init(self, *args)
            self._insert = "INSERT INTO no_such_table VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"

        monkeypatch.setattr(SideIndex, "__init__", broken_insert)
    engine = _fresh_sqlite(sqlite_template, tmp_path, "fallback.db")
    try:
        build_demo(engine, size=900, seed=3, today=TODAY, workers=0)
        with engine.begin() as connection:
            for name in FTS_TABLES:
                connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('integrity-check')")
            found = connection.exec_driver_sql("SELECT count(*) FROM business_grams WHERE business_grams MATCH '店'")
            assert found.scalar_one() > 100
        assert not list(tmp_path.glob(".workbench-search-*"))
    finally:
        engine.dispose()


def test_closing_a_side_index_mid_build_stops_it_and_removes_its_files(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load that fails while the trigram table still builds: close() stops that build (the others have
    finished and closed their connections) and leaves no scratch file."""
    engine = _fresh_sqlite(sqlite_template, tmp_path, "closing.db")
    original_build = SideIndex._build

    def endless_trigram_build(self: SideIndex, name: str) -> None:
        if name != "business_fts":
            return original_build(self, name)
        side = sqlite3.connect(self.folder / f"{name}.db", check_same_thread=False)
        self.building[name] = side
        try:
            side.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n")
        except sqlite3.OperationalError as error:  # interrupted
            self.errors.append(error)
        finally:
            side.close()

    monkeypatch.setattr(SideIndex, "_build", endless_trigram_build)
    try:
        with engine.connect() as connection:
            side = SideIndex(connection, tmp_path)
        side.add([(1, "张三面馆", "张三", "温州市", "", "zsmg", "张 三", "92330302MA2XYZ0001", None)])
        side.start()
        side.threads["business_grams"].join()
        side.threads["business_pinyin"].join()
        side.close()
        assert not side.threads["business_fts"].is_alive()
        assert not list(tmp_path.glob(".workbench-search-*"))
    finally:
        engine.dispose()


def test_three_years_of_conversions_and_dated_exits(built: Engine) -> None:
    """The monthly report's history (issue 18): exits carry their dates, and 个转企 of both methods happened in
    the last three years, a 注销+设立 household closing on the day its enterprise was set up."""
    undated = _rows(built, "SELECT count(*) FROM business WHERE status = 'deregistered' AND deregistered_on IS NULL")
    assert undated[0][0] == 0
    wrong = _rows(built, "SELECT count(*) FROM business WHERE deregistered_on < registered_on"
                         " OR moved_out_on < registered_on OR revoked_on < registered_on")
    assert wrong[0][0] == 0
    conversions = _rows(built, "SELECT c.method, c.converted_on, c.old_uscc, c.new_uscc, n.kind, n.registered_on,"
                               " o.status, o.deregistered_on FROM conversion c JOIN business n ON n.id = c.business_id"
                               " LEFT JOIN business o ON o.id = c.old_business_id")
    methods = {row[0] for row in conversions}
    assert methods == {"direct_change", "deregister_and_establish"}
    for method, on, old_uscc, new_uscc, kind, registered_on, old_status, old_closed in conversions:
        on = date.fromisoformat(str(on))
        assert kind == "enterprise" and TODAY - timedelta(days=3 * 365) <= on < TODAY
        if method == "direct_change":
            assert old_uscc == new_uscc and old_status is None
        else:
            assert (old_status, str(old_closed), str(registered_on)) == ("deregistered", str(on), str(on))
