"""Every plan of the list's first page gives the rows the plain definition gives (both engines).

storage.queries.page_businesses chooses between sorting the index's candidates, walking the sort
index within a window, walking on as far as the window's matches say, and sorting after all; SQLite
looks full pinyin up by its rarest trigrams. Each is forced here on a small table and compared, page
by page, with the reference: the filter and every term's term_condition, sorted, cut, nothing else.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, and_, event, select, true
from sqlmodel import Session

import storage.queries as queries
import storage.search as search
import storage.search_sqlite as search_sqlite
from storage.queries import BusinessFilter, Sort, filter_conditions, page_businesses, sort_order
from storage.search import parse_query, search_fields, term_condition
from storage.search_list_walk import WALK_INDEX
from storage.tables import Business, Office

WORDS = [
    "张三",
    "面馆",
    "鹿城",
    "水果",
    "生鲜",
    "便利",
    "加工",
    "超市",
    "温州",
    "五金",
    "建材",
    "服装",
    "阳光",
    "贸易",
]
SORTS: list[Sort] = ["-registered_on", "registered_on", "name"]

# name: (SPARSE_LIMIT, WALK_WINDOW, WALK_MAX, WALK_ON_MATCHES, RARE_FROM)
PLANS = {
    "chosen": (None, None, None, None, None),
    "walk": (1, 7, None, None, None),
    "walk-on": (1, 3, None, 1, None),
    "sort-after-walking": (1, 3, 4, 1, None),
    "rare-trigrams": (None, None, None, None, 3),
    "rare-trigrams-walk": (1, 5, None, 1, 3),
}


@pytest.fixture(params=[(plan, cached) for plan in PLANS for cached in (False, True)], ids=str)
def forced_plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each plan as it runs on a SQLite file not yet in the OS cache (the walk first, storage.queries.
    _walk_first: what a test's fresh file gets) and on one the warm-up has read (PostgreSQL: that either way)."""
    plan, cached = request.param
    sparse_limit, window, walk_max, walk_on, rare_from = PLANS[plan]
    monkeypatch.setattr(search, "SPARSE_LIMIT", sparse_limit)
    for module, name, value in [
        (queries, "WALK_WINDOW", window),
        (queries, "WALK_MAX", walk_max),
        (queries, "COLD_WINDOW", window),
        (queries, "COLD_WALK_MAX", walk_max),
        (queries, "WALK_ON_MATCHES", walk_on),
        (search_sqlite, "RARE_FROM", rare_from),
        (search_sqlite, "SAMPLE_ROWS", 20 if rare_from else None),
    ]:
        if value is not None:
            monkeypatch.setattr(module, name, value)
    if cached:
        monkeypatch.setattr(queries, "reads_from_disk", lambda _connection: False)
    return f"{plan}, {'cached' if cached else 'cold'}"


def _load(engine: Engine) -> tuple[int, list[dict[str, Any]]]:
    """80 names of two to four words; dates with ties and gaps (no date too); a few tombstones."""
    rng = random.Random(7)
    with Session(engine) as session:
        office, other = Office(code="1", name="所"), Office(code="2", name="别所")
        session.add_all([office, other])
        session.flush()
        assert office.id is not None and other.id is not None
        rows = []
        for number in range(80):
            name = "".join(rng.sample(WORDS, rng.randint(2, 4))) + rng.choice(["店", "馆", "行", ""])
            operator = "".join(rng.sample(["陈", "林", "王", "李", "明", "华", "强"], 2))
            registered = None if number % 11 == 0 else date(2020, 1, 1) + timedelta(days=rng.randint(0, 40))
            business = Business(
                office_id=other.id if number % 13 == 0 else office.id,
                name=name,
                operator=operator,
                address=f"鹿城区{rng.choice(WORDS)}路{number}号",
                phone=f"1380577{number:04d}",
                uscc=f"9233030{rng.choice('2345')}MA{number:07d}X",
                registered_on=registered,
            )
            business.sqlmodel_update(search_fields(business.name, business.operator, business.address))
            if number % 17 == 0:
                business.deleted_at = datetime(2024, 1, 1, tzinfo=UTC)
            session.add(business)
            session.flush()
            rows.append({"name": name, "pinyin": business.name_pinyin, "uscc": business.uscc})
        session.commit()
        return office.id, rows


def _reference(session: Session, flt: BusinessFilter, offset: int, limit: int) -> list[int]:
    business: Any = Business.__table__  # type: ignore[attr-defined]
    dialect = session.connection().dialect.name
    terms = [term_condition(term, dialect) for term in parse_query(flt.text)]
    statement = (
        select(business.c.id)
        .where(*filter_conditions(flt), and_(true(), *terms))
        .order_by(*sort_order(flt.sort, business))
        .limit(limit)
        .offset(offset)
    )
    return list(session.connection().execute(statement).scalars())


def _queries(rows: list[dict[str, Any]]) -> st.SearchStrategy[str]:
    """Pieces of full pinyin (any length and place), initials, Chinese, code prefixes; some two-term."""
    full = [row["pinyin"].split()[-1] for row in rows]
    piece = st.sampled_from(full).flatmap(
        lambda word: st.tuples(st.integers(0, len(word) - 3), st.integers(3, 14)).map(
            lambda start_length: word[start_length[0] : start_length[0] + start_length[1]]
        )
    )
    initials = st.sampled_from([row["pinyin"].split()[0] for row in rows]).map(lambda word: word[:3])
    chinese = st.sampled_from(WORDS + ["鹿城区", "张三面", "果生"])
    code = st.sampled_from([row["uscc"] for row in rows]).flatmap(
        lambda uscc: st.integers(6, 14).map(lambda length: uscc[:length])
    )
    one = st.one_of(piece, initials, chinese, code)
    return st.one_of(one, st.tuples(one, one).map(" ".join))


def test_every_plan_gives_the_reference_pages(engine: Engine, forced_plan: str) -> None:
    office_id, rows = _load(engine)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_queries(rows), st.sampled_from(SORTS), st.integers(0, 12), st.integers(1, 9))
    def check(query: str, sort: Sort, offset: int, limit: int) -> None:
        flt = BusinessFilter(office_id=office_id, text=query, sort=sort)
        with Session(engine) as session:
            found = [row.id for row in page_businesses(session, flt, offset, limit)]
            assert found == _reference(session, flt, offset, limit), (query, sort, offset, limit)

    check()


def test_a_window_boundary_on_missing_dates(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's last row may have no date: on SQLite that sorts last, on PostgreSQL first."""
    monkeypatch.setattr(search, "SPARSE_LIMIT", 1)
    office_id, _rows = _load(engine)
    for window in range(1, 90, 4):
        monkeypatch.setattr(queries, "WALK_WINDOW", window)
        monkeypatch.setattr(queries, "COLD_WINDOW", window)  # SQLite: the walk index's boundary
        for sort in SORTS:
            flt = BusinessFilter(office_id=office_id, text="鹿城", sort=sort)
            with Session(engine) as session:
                assert [row.id for row in page_businesses(session, flt, 0, 60)] == _reference(
                    session, flt, 0, 60
                )


def test_warming_the_cache_reads_and_can_stop(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list warms the OS cache after its first page: in chunks, stopping when asked; SQLite only."""
    from storage import search_warmup

    office_id, _rows = _load(engine)
    monkeypatch.setattr(search_warmup, "CHUNK", 7)
    monkeypatch.setattr(search_warmup, "FIRST_ROWS", 10)
    monkeypatch.setattr(search_sqlite, "_CACHED_FILES", set())
    asked: list[int] = []

    def counting(stop_after: int) -> bool:
        asked.append(1)
        return len(asked) <= stop_after

    with engine.connect() as connection:
        search_warmup.warm_search(connection, office_id, keep_going=lambda: counting(10**6))
        everything = len(asked)
        asked.clear()
        search_warmup.warm_search(connection, office_id, keep_going=lambda: counting(2))
    sqlite = engine.dialect.name == "sqlite"
    assert (everything > 10, len(asked)) == ((True, 3) if sqlite else (False, 0))
    # Read whole once: searches map the file from then on (through read() before: cold faults read ahead).
    cached = search_sqlite._CACHED_FILES
    assert cached == ({engine.url.database} if sqlite else set())
    with Session(engine) as session:
        page_businesses(session, BusinessFilter(office_id=office_id, text="面馆"), 0, 10)
        mapped = session.connection().exec_driver_sql("PRAGMA mmap_size").scalar() if sqlite else 0
    assert (mapped or 0) > 0 or not sqlite


WALKED_FILTERS = [{}, {"status": "active"}, {"kind": "individual"}, {"grid_id": 1}, {"officer_id": 1},
                  {"unassigned": True}]


@pytest.mark.parametrize("query", ["", "面", "鹿城区", "zs", "sg", "zhangsan", "9233", "0577", "鹿城 面"])
def test_a_walk_in_order_of_registration_reads_the_walk_index_alone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """SQLite: a walk newest first (or oldest) reads ix_business_list_walk (migration 0021) and no table row
    but the page's, for every kind of term and filter; the pages are the reference's. PostgreSQL has no such
    index (its server caches; migration 0009 has its walk index)."""
    monkeypatch.setattr(search, "SPARSE_LIMIT", 1)  # always walk
    office_id, _rows = _load(engine)
    walks: list[tuple[str, Any]] = []

    def seen(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "walked" in statement:
            walks.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        for sort, filters in [(sort, filters) for sort in SORTS for filters in WALKED_FILTERS]:
            flt = BusinessFilter(office_id=office_id, text=query, sort=sort, **filters)
            with Session(engine) as session:
                found = [row.id for row in page_businesses(session, flt, 0, 7)]
                assert found == _reference(session, flt, 0, 7), (sort, filters)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            assert walks == []
            names = connection.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'business'")
            assert WALK_INDEX not in set(names.scalars())
            return
        assert walks  # the name order walks ix_business_office_name, as before
        for statement, parameters in walks:
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert f"SEARCH business USING COVERING INDEX {WALK_INDEX} (office_id=?" in " ".join(plan), plan
            assert not any("ORDER BY" in step for step in plan[: plan.index("SCAN walked")]), plan  # read in order


def test_a_file_not_yet_warmed_walks_first(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite: until the list's warm-up has read the file, a page in order of registration walks before it
    asks the search index (storage.queries._walk_first); afterwards, in name order, and on PostgreSQL always,
    the index first. The pages are the reference's either way."""
    from storage import search_warmup

    monkeypatch.setattr(search_sqlite, "_CACHED_FILES", set())
    office_id, _rows = _load(engine)
    walked_first: list[str] = []
    walk_first = queries._walk_first

    def spy(connection: Any, flt: BusinessFilter, offset: int, limit: int) -> Any:
        walked_first.append(flt.sort)
        return walk_first(connection, flt, offset, limit)

    monkeypatch.setattr(queries, "_walk_first", spy)

    def pages() -> list[str]:
        walked_first.clear()
        for sort in SORTS:
            for text in ("面", "zhangsan", "鹿城区 面馆", "9233", "没有这个"):
                flt = BusinessFilter(office_id=office_id, text=text, sort=sort)
                with Session(engine) as session:
                    found = [row.id for row in page_businesses(session, flt, 0, 5)]
                    assert found == _reference(session, flt, 0, 5), (sort, text)
        return sorted(set(walked_first))

    sqlite = engine.dialect.name == "sqlite"
    assert pages() == (["-registered_on", "registered_on"] if sqlite else [])
    with engine.connect() as connection:
        search_warmup.warm_search(connection, office_id)
    assert pages() == []
