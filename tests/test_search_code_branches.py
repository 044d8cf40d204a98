"""Code terms on every plan give the rows the plain definition gives, in the list's order (both engines).

PostgreSQL answers a code term by branches (storage.search_codes_pg): the prefix ranges read from their
covering indexes, the inside of each code from a GIN without the code's first character (asked for its
rarest window by a sample), the phone; sorted branch by branch or walked in the list's order. SQLite answers
a code term of 7+ characters by the b-tree prefix ranges and, for the inside, its rarest trigrams in
business_codes (chosen by a sample) with the few candidates checked against their rows, or the whole phrase
when there are more (storage.search_sqlite._code_inside_ids). Here a small office whose codes look like the 1M demo's (a 注册号 prefix shared by old
businesses, credit codes that hold it from their third character, phones that hold it) is searched on every
plan, with the sample right and wrong, and compared page by page with term_condition alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import Session

import storage.queries as queries
import storage.search as search
import storage.search_codes_pg as search_codes_pg
import storage.search_sqlite as search_sqlite
from storage.queries import (
    BusinessFilter,
    Sort,
    count_businesses,
    filter_conditions,
    page_businesses,
    sort_order,
)
from storage.search import parse_query, plan_text, search_fields, term_condition
from storage.search_codes_pg import Codes, rare_window, trigrams_of
from storage.tables import Business, Office

SORTS: list[Sort] = ["-registered_on", "registered_on", "name"]
QUERIES = [
    "33030260",  # a 注册号 prefix of the old businesses (clustered at the end of newest-first)
    "330302601",  # narrower
    "9233030260",  # a credit-code prefix that also holds the 注册号 prefix from its third character
    "92330302ma",  # a broad credit-code prefix of the new businesses, lower case as typed
    "92330302MA2",
    "3303026",  # seven characters: a 注册号 prefix, and inside the old credit codes (SQLite: rarest trigrams)
    "2ma2b70",  # only inside the new credit codes, lower case
    "02MA2C8004",  # inside, narrower
    "0260000",  # inside 注册号 and credit codes, not at their start
    "0001",  # a code end, digits: credit codes, 注册号 and phones
    "A2B7",  # a code end with letters
    "8888",  # phone digits
    "33030260 面馆",  # with a name term
    "330",  # three characters: prefixes only
    "3303-02",  # a hyphen
]
# name: (SPARSE_LIMIT, WALK_WINDOW, WALK_MAX, WALK_ON_MATCHES, broad_factor)
PLANS = {
    "chosen": (None, None, None, None, None),
    "broad-walk": (1, 5, None, None, None),  # every branch "broad": walk, then sort by branches
    "sort-after-walking": (1, 3, 4, 1, None),
    "no-few": (None, None, None, None, -1.0),  # the inside / phone estimates always too many
}


@pytest.fixture(params=list(PLANS))
def forced_plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    sparse_limit, window, walk_max, walk_on, broad_factor = PLANS[request.param]
    monkeypatch.setattr(search, "SPARSE_LIMIT", sparse_limit)
    for name, value in [("WALK_WINDOW", window), ("WALK_MAX", walk_max), ("WALK_ON_MATCHES", walk_on)]:
        if value is not None:
            monkeypatch.setattr(queries, name, value)
    if broad_factor is not None:
        from storage.search_pg import PgSearch

        monkeypatch.setattr(PgSearch, "broad_factor", broad_factor)
    return str(request.param)


@pytest.fixture(params=["sampled", "wrong-sample", "no-row-checks"])
def sample(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The sample decides which window the GIN is asked for (on SQLite: which trigrams business_codes is
    asked for), never the rows: a sample that calls the common trigrams rare (and the rare ones common) must
    give the same pages. "no-row-checks": SQLite never checks candidates by their rows (the phrase stands)."""
    search_codes_pg._samples.clear()
    if request.param == "no-row-checks":
        monkeypatch.setattr(search_sqlite, "CODE_ROW_CHECKS", 0)
    if request.param == "wrong-sample":
        real_counts = search_sqlite.code_trigram_counts

        def inverted_counts(connection: Any, trigrams: Any) -> dict[str, int]:
            return {trigram: max(0, 50 - found) for trigram, found in real_counts(connection, trigrams).items()}

        monkeypatch.setattr(search_sqlite, "code_trigram_counts", inverted_counts)
        real = search_codes_pg.code_sample

        class Inverted(Codes):  # common windows look rare, rare ones common
            def count(self, window: str) -> int:
                return max(0, 50 - super().count(window))

        def inverted(connection: Any) -> search_codes_pg.CodeSample:
            found = real(connection)
            return search_codes_pg.CodeSample(found.rows, found.total, Inverted(found.uscc.text), Inverted(found.reg_no.text))

        monkeypatch.setattr(search_codes_pg, "code_sample", inverted)
    yield str(request.param)
    search_codes_pg._samples.clear()


def _load(engine: Engine) -> int:
    """90 businesses: 30 old ones with a 注册号 33030260… (and for a third of them a credit code
    9233030260…, which holds the 注册号 prefix from its third character), 50 new ones with 92330302MA2…
    codes, phones with 8888 or 0001; a tombstone and another office's row that match everything."""
    with Session(engine) as session:
        office, other = Office(code="1", name="所"), Office(code="2", name="别所")
        session.add_all([office, other])
        session.flush()
        assert office.id is not None and other.id is not None
        for number in range(90):
            old = number < 30
            registered = date(2015, 1, 1) + timedelta(days=number % 7) if old else date(2024, 1, 1) + timedelta(days=number % 11)
            reg_no = f"33030260{number:07d}" if old else (f"3303026{number:08d}" if number % 5 == 0 else None)
            if old:
                uscc = f"9233030260{number:07d}X" if number % 3 == 0 else None
            else:
                uscc = f"92330302MA2{'B7' if number % 4 == 0 else 'C8'}{number:04d}A2B7"[:18]
            phone = f"138{number:04d}8888" if number % 2 else f"0577-{number:04d}0001"
            _add(session, office.id, f"{'面馆' if number % 3 else '超市'}{number}", uscc, reg_no, phone, registered)
        for office_id in (office.id, other.id):
            uscc = f"923303026099999{office_id}X"
            _add(session, office_id, "面馆外", uscc, "330302609999999", "8888", date(2026, 1, 1))
        session.commit()
        table: Any = Business.__table__  # type: ignore[attr-defined]
        gone = session.execute(
            select(table.c.id).where(table.c.office_id == office.id, table.c.name == "面馆外")
        ).scalar_one()
        session.execute(text("UPDATE business SET deleted_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": gone})
        session.commit()
        if engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE business"))
            session.commit()
        return office.id


def _add(
    session: Session, office_id: int, name: str, uscc: str | None, reg_no: str | None, phone: str, day: date
) -> None:
    business = Business(
        office_id=office_id, name=name, operator="张三", address="鹿城区", phone=phone, uscc=uscc, reg_no=reg_no,
        registered_on=day,
    )
    business.sqlmodel_update(search_fields(name, "张三", "鹿城区"))
    session.add(business)
    session.flush()


def _reference(session: Session, flt: BusinessFilter) -> list[int]:
    table: Any = Business.__table__  # type: ignore[attr-defined]
    dialect = session.connection().dialect.name
    conditions = [term_condition(term, dialect) for term in parse_query(flt.text)]
    statement = (
        select(table.c.id).where(*filter_conditions(flt), *conditions).order_by(*sort_order(flt.sort, table))
    )
    return list(session.execute(statement).scalars())


def test_code_terms_on_every_plan_give_the_reference_pages(engine: Engine, forced_plan: str, sample: str) -> None:
    office_id = _load(engine)
    checked = 0
    with Session(engine) as session:
        for query in QUERIES:
            for sort in SORTS:
                flt = BusinessFilter(office_id=office_id, text=query, sort=sort)
                expected = _reference(session, flt)
                for offset, limit in ((0, 100), (0, 7), (5, 7)):
                    page = page_businesses(session, flt, offset, limit)
                    assert [row.id for row in page] == expected[offset : offset + limit], (query, sort, offset)
                assert count_businesses(session, flt) == len(expected), (query, sort)
                checked += len(expected)
    assert checked > 300  # the queries do find rows


def test_postgresql_answers_code_terms_by_branches(pg_engine: Engine, sample: str) -> None:
    """On PostgreSQL a code term's index offers branches (a few of them exact prefix ranges); the 注册号
    prefix is 'few' at the default cap and broad when the cap is 1, where the walk and then the branches
    serve the page."""
    office_id = _load(pg_engine)
    with Session(pg_engine) as session:
        connection = session.connection()
        few = plan_text(connection, "33030260", cap=1000)
        index = few.indexes[0]
        assert index is not None and index.ids is None and index.few and few.sparse
        assert sum(branch.exact for branch in index.branches) == 2
        broad = plan_text(connection, "33030260", cap=1)
        assert broad.driven_branches() is not None and not broad.sparse
        flt = BusinessFilter(office_id=office_id, text="33030260")
        assert [row.id for row in page_businesses(session, flt, 0, 100)] == _reference(session, flt)


def test_the_rarest_window_avoids_the_common_trigrams() -> None:
    region = ["2330302" + serial for serial in ("6601234", "6612666", "MA2B7X1", "MA2C8Y2", "6605266")]
    codes = Codes.of([*region * 20, "X923Y"])
    for term in ("33030266", "330302666", "92330302"):  # 330, 303, 030, 302 are in every code
        assert not {"330", "303", "030", "302"} & set(trigrams_of(rare_window(term, codes))), term
    assert rare_window("92330302", codes) == "923"
    # 266 and 666 are in half the codes each, 2666 in none: two trigrams' postings beat reading half the rows
    assert rare_window("2666", Codes.of(["X266Y"] * 50 + ["A666B"] * 50)) == "2666"
    assert rare_window("A2B7", Codes.of([])) == "A2B7"  # nothing known: the whole term (the longest window)
    assert rare_window("12-34", Codes.of([])) == "12-34"  # no window of 3 letters or digits: the term itself


def test_migration_and_bulk_load_build_the_same_search_indexes(pg_engine: Engine) -> None:
    """Migration 0020's indexes (and 0019's code index gone) are what storage.search_pg.INDEXES names, so a
    bulk load, which drops and rebuilds those, leaves the same definitions."""
    from storage.search_pg import INDEXES

    def definitions() -> dict[str, str]:
        with pg_engine.connect() as connection:
            rows = connection.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ix_business_search_%'")
            ).all()
        return dict(rows)

    migrated = definitions()
    assert set(migrated) == set(INDEXES)
    with pg_engine.begin() as connection, search.bulk_load(connection):
        pass
    assert definitions() == migrated


def test_sqlite_asks_for_the_rarest_trigrams_and_checks_few_rows(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A code term of 7+ characters whose prefix ranges are not broad: business_codes is asked for its
    rarest trigrams (NEAR), not the phrase, and the candidates outside the ranges are checked by LIKE; with
    more candidates than CODE_ROW_CHECKS, the phrase; the rows are the same either way."""
    _load(sqlite_engine)
    with sqlite_engine.connect() as connection:
        inside = search_sqlite._code_inside_ids(connection, "2ma2b70")
        statement = str(inside.compile(compile_kwargs={"literal_binds": True}))
        assert "NEAR(" in statement and "LIKE" in statement, statement
        rows = sorted(connection.execute(inside).scalars())
        monkeypatch.setattr(search_sqlite, "CODE_ROW_CHECKS", 0)
        phrase = search_sqlite._code_inside_ids(connection, "2ma2b70")
        assert "NEAR(" not in str(phrase.compile(compile_kwargs={"literal_binds": True}))
        assert sorted(connection.execute(phrase).scalars()) == rows and len(rows) >= 10


def test_a_broad_reg_no_prefix_is_read_in_date_order(pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 注册号 prefix with more rows than the cap (the inside and the phone few) is one branch read in the
    list's date order from ix_business_search_reg_no_dates (migration 0022), the page sorted by branches
    without walking the list first; within the cap its range is sorted whole (no date order)."""
    from storage.search_pg import PgSearch

    monkeypatch.setattr(PgSearch, "broad_factor", 1000.0)  # the inside and the phone count as few
    office_id = _load(pg_engine)
    with Session(pg_engine) as session:
        connection = session.connection()
        broad = plan_text(connection, "33030260", cap=1)
        index = broad.indexes[0]
        assert index is not None and index.few_in_date_order and broad.sparse_in_date_order
        ordered = broad.date_ordered_branches()
        assert [condition is not None for condition in ordered] == [False, True, False, False, False]
        narrow = plan_text(connection, "33030260", cap=1000)
        assert not any(condition is not None for condition in narrow.date_ordered_branches())
        # The index serves the branch's condition (its predicate follows from it), newest first.
        reg_no_branch = ordered[1]
        assert reg_no_branch is not None
        table: Any = Business.__table__  # type: ignore[attr-defined]
        flt = BusinessFilter(office_id=office_id, text="33030260")
        statement = (
            select(table.c.id, table.c.registered_on)
            .where(*filter_conditions(flt), reg_no_branch)
            .order_by(*sort_order("-registered_on", table))
            .limit(7)
        )
        compiled = statement.compile(dialect=connection.dialect)
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        plan = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars().all()
        assert any("ix_business_search_reg_no_dates" in line for line in plan), plan
        session.rollback()
        monkeypatch.setattr(search, "SPARSE_LIMIT", 1)  # the prefix is broad for the page's probe too
        walks: list[int] = []
        monkeypatch.setattr(queries, "_walk_on", lambda *args, **kwargs: walks.append(1))
        for sort in SORTS:
            flt = BusinessFilter(office_id=office_id, text="33030260", sort=sort)
            for offset, limit in ((0, 100), (0, 7), (5, 7), (28, 7)):
                page = page_businesses(session, flt, offset, limit)
                assert [row.id for row in page] == _reference(session, flt)[offset : offset + limit], (sort, offset)
        assert len(walks) == 4  # name order only: in date order the list is not walked first
