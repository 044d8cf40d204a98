"""PostgreSQL search plans (storage.search_pg): whatever path a query takes, the list shows exactly the
rows term_condition alone selects, in the list's order, and the count agrees.

The paths: a term's candidates probed and sorted; the probe skipped because the planner expects a broad
term (forced here with broad_factor = 0); the walk in sort order within and beyond its window. And the
LIKE that term_condition now uses for terms without cased letters selects what ILIKE did.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, and_, or_, select, text
from sqlmodel import Session

import storage.queries as queries
import storage.search as search
from storage.queries import (
    BusinessFilter,
    Sort,
    count_businesses,
    filter_conditions,
    page_businesses,
    sort_order,
)
from storage.search import parse_query, search_fields, term_condition
from storage.search_pg import INDEXES, PgSearch, estimated_rows, has_cased_letters
from storage.tables import Business, Office

pytestmark = pytest.mark.pg

# Chinese, Latin of both cases, letters whose lower case is ASCII under PostgreSQL (İ, the Kelvin sign),
# digits, LIKE wildcards: what could tell LIKE from ILIKE, or an index's candidates from the matches.
NAMES = [
    "张三面馆",
    "李四面店",
    "温州市鹿城区面包坊",
    "欢乐KTV",
    "ktv歌厅",
    "İstanbul烤肉",
    "\u212aTV小吃",
    "ÉCOLE法式面包",
    "école咖啡",
    "100%纯果汁店",
    "林_一商行",
    "鹿城区陈记面馆",
    "陈记",
    "面面俱到",
    "𠮷野家面馆",
    "温州瓯江贸易有限公司",
    "浙江鹿城有限公司",
    "老张面馆",
    "张记面",
    "鲜面馆",
]
OPERATORS = ["张三", "单磊", "陈明", "Anna", "ZHANG", "仇红", "林_一", "王面"]
ADDRESSES = [
    "温州市鹿城区五马街道解放街12号",
    "温州市鹿城区公园路8号",
    "鹿城区KTV路1号",
    "面包街3号",
    "İzmir路",
    "车站大道100%号",
]
SORTS: list[Sort] = ["-registered_on", "registered_on", "name"]


@pytest.fixture
def office(pg_engine: Engine) -> dict[str, Any]:
    """Every name with several operators and addresses, a tombstone and another office's row; a few
    rows share a registration date and some have none (NULL sorts first in PostgreSQL's DESC order)."""
    with Session(pg_engine) as session:
        home, other = Office(code="330302001", name="五马所"), Office(code="330302002", name="松台所")
        session.add_all([home, other])
        session.flush()
        home_id, other_id = home.id, other.id
        assert home_id is not None and other_id is not None
        number = 0
        for position, name in enumerate(NAMES):
            for copy in range(3):
                number += 1
                operator = OPERATORS[(position + copy) % len(OPERATORS)]
                address = ADDRESSES[(position * 3 + copy) % len(ADDRESSES)]
                registered = None if number % 11 == 0 else date(2020, 1, 1) + timedelta(days=number % 17)
                _add(session, home_id, name, operator, address, f"1380577{number:04d}", registered)
        _add(session, other_id, "外所面馆", "张三", "温州市鹿城区", "", date(2021, 1, 1))
        gone = _add(session, home_id, "已注销面馆", "张三", "温州市鹿城区", "", date(2021, 1, 1))
        session.commit()
        session.execute(text("UPDATE business SET deleted_at = now() WHERE id = :id"), {"id": gone})
        session.commit()
        table: Any = Business.__table__  # type: ignore[attr-defined]
        rows = session.execute(
            select(table.c.name, table.c.operator, table.c.address, table.c.name_pinyin)
        ).all()
    return {"id": home_id, "engine": pg_engine, "texts": [text_ for row in rows for text_ in row]}


def _add(
    session: Session,
    office_id: int,
    name: str,
    operator: str,
    address: str,
    phone: str,
    registered_on: date | None,
) -> int:
    business = Business(
        office_id=office_id,
        name=name,
        operator=operator,
        address=address,
        phone=phone,
        registered_on=registered_on,
    )
    business.sqlmodel_update(search_fields(name, operator, address))
    session.add(business)
    session.flush()
    assert business.id is not None
    return business.id


PLANS = {
    "chosen": {},
    "no-probe": {"broad_factor": 0},  # the planner "expects" every term to be broad
    "dense": {"sparse_limit": 1},  # candidates never few enough to sort at once
    "past-window": {"sparse_limit": 1, "window": 2},  # the walk window fills no page
}


@pytest.fixture(params=list(PLANS))
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    forced = PLANS[request.param]
    if "broad_factor" in forced:
        monkeypatch.setattr(PgSearch, "broad_factor", forced["broad_factor"])
    if "sparse_limit" in forced:
        monkeypatch.setattr(search, "SPARSE_LIMIT", forced["sparse_limit"])
    if "window" in forced:
        monkeypatch.setattr(queries, "WALK_WINDOW", forced["window"])
    yield


def _reference(session: Session, flt: BusinessFilter) -> list[int]:
    """term_condition alone, every term, no index: the definition of the answer."""
    table: Any = Business.__table__  # type: ignore[attr-defined]
    conditions = [term_condition(term, "postgresql") for term in parse_query(flt.text)]
    statement = (
        select(table.c.id).where(*filter_conditions(flt), *conditions).order_by(*sort_order(flt.sort, table))
    )
    return list(session.execute(statement).scalars())


def _queries(texts: list[str]) -> st.SearchStrategy[str]:
    """Pieces of the rows' own texts (any case), random text over their characters, and two of them."""
    alphabet = sorted({char for text_ in texts for char in text_ if not char.isspace()} | {"无", "Q"})
    piece = st.sampled_from(texts).flatmap(
        lambda text_: st.tuples(st.integers(0, max(len(text_) - 1, 0)), st.integers(1, 6)).map(
            lambda se: text_[se[0] : se[0] + se[1]]
        )
    )
    word = st.one_of(piece, piece.map(str.upper), st.text(alphabet=alphabet, min_size=1, max_size=4))
    return st.one_of(word, st.tuples(word, word).map(" ".join)).filter(lambda q: bool(q.split()))


def test_every_plan_returns_what_term_condition_returns(office: dict[str, Any], plan: None) -> None:
    engine = office["engine"]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_queries(office["texts"]), st.sampled_from(SORTS), st.sampled_from([0, 3]))
    def check(query: str, sort: Any, offset: int) -> None:
        flt = BusinessFilter(office_id=office["id"], text=query, sort=sort)
        with Session(engine) as session:
            expected = _reference(session, flt)
            page = page_businesses(session, flt, offset, 7)
            assert [row.id for row in page] == expected[offset : offset + 7], query
            assert count_businesses(session, flt) == len(expected), query

    check()


def test_like_for_uncased_terms_selects_what_ilike_did(office: dict[str, Any]) -> None:
    """term_condition uses LIKE on PostgreSQL for a term without cased letters: same rows as ILIKE."""
    engine = office["engine"]
    table: Any = Business.__table__  # type: ignore[attr-defined]

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_queries(office["texts"]))
    def check(query: str) -> None:
        for term in parse_query(query):
            if term.kind != "text" or has_cased_letters(term.text):
                continue
            ilike = or_(
                *(
                    c.icontains(term.text, autoescape=True)
                    for c in (table.c.name, table.c.operator, table.c.address)
                )
            )
            with Session(engine) as session:
                old = set(session.execute(select(table.c.id).where(ilike)).scalars())
                new = set(session.execute(select(table.c.id).where(term_condition(term))).scalars())
            assert new == old, term

    check()


@pytest.mark.parametrize(
    "query", ["面", "面馆", "鹿城区", "ktv", "KTV", "İ", "\u212a", "zs", "1380577", "100%", "林_一"]
)
def test_fixed_queries_on_every_plan(office: dict[str, Any], plan: None, query: str) -> None:
    engine = office["engine"]
    for sort in SORTS:
        flt = BusinessFilter(office_id=office["id"], text=query, sort=sort)
        with Session(engine) as session:
            expected = _reference(session, flt)
            assert [row.id for row in page_businesses(session, flt, 0, 100)] == expected
            assert count_businesses(session, flt) == len(expected)


def test_probe_leaves_the_planner_settings_as_they_were(office: dict[str, Any]) -> None:
    with office["engine"].connect() as connection:
        backend = search.backend_for(connection)
        for query in ["面馆", "鹿城区", "zs", "1380577"]:
            backend.term_index(connection, parse_query(query)[0], 500)
            assert connection.exec_driver_sql("SHOW enable_seqscan").scalar() == "on"


def test_estimate_reads_the_planner(office: dict[str, Any]) -> None:
    table: Any = Business.__table__  # type: ignore[attr-defined]
    with office["engine"].connect() as connection:
        connection.exec_driver_sql("ANALYZE business")
        everything = estimated_rows(connection, select(table.c.id))
        assert everything == pytest.approx(len(NAMES) * 3 + 2, rel=0.2)
        assert estimated_rows(connection, select(table.c.id).where(and_(table.c.id < 0))) <= 2


def test_migration_builds_what_a_bulk_load_rebuilds(pg_engine: Engine) -> None:
    """Migration 0009's index is the one INDEXES names, and its statistics target survives a bulk load
    (which drops the indexes and builds them again from INDEXES)."""
    for rebuilt in (False, True):
        with pg_engine.begin() as connection:
            if rebuilt:
                with search.bulk_load(connection):
                    pass
            found = connection.execute(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_business_search_office_registered'"
                )
            ).scalar_one()
            target = connection.execute(
                text(
                    "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'ix_business_search_trgm'::regclass"
                )
            ).scalar_one()
        assert (
            found.replace("public.", "").replace(" USING btree", "")
            == INDEXES["ix_business_search_office_registered"]
        )
        assert target == 300


def test_sessions_run_without_jit(pg_engine: Engine) -> None:
    """make_engine's PostgreSQL sessions have jit off, also after a rollback and on a second connection: the
    list's code branches are estimated dear enough for LLVM to compile them (~37 ms of a 39 ms page)."""
    with pg_engine.connect() as first, pg_engine.connect() as second:
        assert first.exec_driver_sql("SHOW jit").scalar() == "off"
        first.rollback()
        assert first.exec_driver_sql("SHOW jit").scalar() == "off"
        assert second.exec_driver_sql("SHOW jit").scalar() == "off"
