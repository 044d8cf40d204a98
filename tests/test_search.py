"""The business list search, on SQLite and PostgreSQL: Chinese of every length, pinyin, codes, filters."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pg_server as pg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_server import PgServer
from sqlalchemy import Engine, text
from sqlmodel import Session

import storage.queries as queries
import storage.search as search
from storage.engine import make_engine
from storage.queries import BusinessFilter, BusinessRow, count_businesses, page_businesses
from storage.schema import upgrade
from storage.search import Term, parse_query, search_fields
from storage.tables import Business, Grid, Office, Officer
from workbench.services import listing
from workbench.services.register import delete_business, update_business

ROWS: list[dict[str, Any]] = [
    # name, operator, address, phone, uscc, reg_no, status, kind, registered_on, grid, officer
    dict(name="张三面馆", operator="单磊", address="温州市鹿城区五马街道解放街12号", phone="13805771234",
         uscc="92330302MA2ABCDE1X", registered_on=date(2019, 5, 1), grid=0, officer=0),
    dict(name="李四面店", operator="曾华", address="温州市鹿城区公园路8号", phone="13957775678",
         registered_on=date(2015, 3, 2), grid=0, officer=1),
    dict(name="王五超市", operator="解放", address="温州市鹿城区面包街3号", phone="0577-88881234",
         reg_no="330302600012345", registered_on=date(2008, 1, 20), grid=1, officer=1, status="revoked"),
    dict(name="欢乐KTV", operator="朴正", address="温州市鹿城区胜利路100号", phone="13600000000",
         uscc="91330302MA2XYZ0001", kind="enterprise", registered_on=date(2021, 7, 7), grid=1, officer=0),
    dict(name="鑫源面馆", operator="仇红", address="温州市鹿城区府前街5号", phone="",
         registered_on=date(2020, 2, 2), grid=0, officer=0),
    dict(name="温州瓯江贸易有限公司", operator="陈明", address="温州市鹿城区车站大道1号", phone="13711112222",
         uscc="91330302MA2ZZZ0002", kind="enterprise", registered_on=date(2012, 12, 12), grid=1, officer=1),
    dict(name="100%纯果汁店", operator="林_一", address="温州市鹿城区信河街'7'号", phone="13822223333",
         registered_on=date(2023, 1, 1), grid=0, officer=1),
]


@pytest.fixture
def office(session: Session) -> dict[str, Any]:
    """Two offices: ROWS in the first; a 面馆 and a tombstoned 面馆 elsewhere that must never show."""
    home, other = Office(code="330302001", name="五马所"), Office(code="330302002", name="松台所")
    session.add_all([home, other])
    session.flush()
    assert home.id is not None and other.id is not None
    grids = [Grid(office_id=home.id, name="五马东片区"), Grid(office_id=home.id, name="五马西片区")]
    session.add_all(grids)
    session.flush()
    officers = [Officer(office_id=home.id, name="周敏", grid_id=grids[0].id),
                Officer(office_id=home.id, name="吴刚", grid_id=grids[1].id)]
    session.add_all(officers)
    session.flush()
    ids = [_add(session, home.id, **{**row, "grid_id": grids[row["grid"]].id,
                                     "officer_id": officers[row["officer"]].id}) for row in ROWS]
    _add(session, other.id, name="外所面馆", operator="张三", address="温州市鹿城区松台街道")
    _add(session, home.id, name="已注销面馆", operator="张三", address="温州市鹿城区", deleted=True)
    session.commit()
    return {"id": home.id, "ids": ids, "grids": [g.id for g in grids], "officers": [o.id for o in officers]}


def _add(session: Session, office_id: int, deleted: bool = False, **values: Any) -> int:
    values = {k: v for k, v in values.items() if k not in ("grid", "officer")}
    business = Business(office_id=office_id, **values)
    business.sqlmodel_update(search_fields(business.name, business.operator, business.address))
    if deleted:
        business.deleted_at = datetime(2024, 1, 1, tzinfo=UTC)
    session.add(business)
    session.flush()
    assert business.id is not None
    return business.id


def names(session: Session, office: dict[str, Any], query: str = "", **filters: Any) -> list[str]:
    filters.setdefault("sort", "name")  # most expectations below read best in name order
    flt = BusinessFilter(office_id=office["id"], text=query, **filters)
    rows = page_businesses(session, flt, 0, 100)
    assert count_businesses(session, flt) == len(rows)
    return [row.name for row in rows]


# Chinese of every length


@pytest.mark.parametrize(("query", "expected"), [
    ("面", ["张三面馆", "李四面店", "王五超市", "鑫源面馆"]),
    ("面馆", ["张三面馆", "鑫源面馆"]),
    ("张三面馆", ["张三面馆"]),
    ("三面馆", ["张三面馆"]),
    ("馆面", []),
    ("有限公司", ["温州瓯江贸易有限公司"]),
])
def test_chinese_one_two_and_more_characters(session: Session, office: dict[str, Any], query: str,
                                             expected: list[str]) -> None:
    assert sorted(names(session, office, query)) == sorted(expected)


PLANS = [pytest.param((None, None), id="chosen"), pytest.param((1, None), id="walk"),
         pytest.param((1, 2), id="walk-past-window")]


@pytest.fixture(params=PLANS)
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the list's plans on a small table: sort the candidates, walk, walk beyond the window."""
    sparse_limit, window = request.param
    monkeypatch.setattr(search, "SPARSE_LIMIT", sparse_limit)
    if window is not None:
        monkeypatch.setattr(queries, "WALK_WINDOW", window)
        monkeypatch.setattr(queries, "COLD_WINDOW", window)  # a SQLite file not yet in the OS cache


def test_short_queries_on_every_path(session: Session, office: dict[str, Any], plan: None) -> None:
    """Few candidates (sorted in memory) or many (walk the name index): the same answer."""
    assert names(session, office, "面") == ["张三面馆", "李四面店", "王五超市", "鑫源面馆"]
    assert names(session, office, "面馆") == ["张三面馆", "鑫源面馆"]


@pytest.mark.parametrize(("query", "expected"), [
    ("温州瓯江贸易有限公司", ["温州瓯江贸易有限公司"]),  # longer than a phrase the index looks up whole
    ("wenzhououjiangmaoyi", ["温州瓯江贸易有限公司"]),
    ("温州市鹿城区五马街道解放街12号", ["张三面馆"]),
    ("温州市鹿城区五马街道解放街13号", []),
    ("zhangsanmianguan", ["张三面馆"]),
    ("zhangsanmianguam", []),
])
@pytest.mark.parametrize("end_rows", [200, 0])
def test_long_terms(session: Session, office: dict[str, Any], plan: None, monkeypatch: pytest.MonkeyPatch,
                    query: str, expected: list[str], end_rows: int) -> None:
    """SQLite looks a long term up by its ends (then checks the rows) or as a whole phrase."""
    monkeypatch.setattr("storage.search_sqlite.LONG_TERM_ROWS", end_rows)
    assert names(session, office, query) == expected


def test_address_and_operator(session: Session, office: dict[str, Any]) -> None:
    assert names(session, office, "解放街") == ["张三面馆"]
    assert names(session, office, "解放") == ["张三面馆", "王五超市"]  # address of one, operator of the other
    assert names(session, office, "车站大道1号") == ["温州瓯江贸易有限公司"]
    assert names(session, office, "瓯") == ["温州瓯江贸易有限公司"]


def test_several_terms_must_all_match(session: Session, office: dict[str, Any]) -> None:
    assert names(session, office, "面 五马") == ["张三面馆"]
    assert names(session, office, "面馆　zs") == ["张三面馆"]  # full-width space too


def test_like_wildcards_are_plain_text(session: Session, office: dict[str, Any]) -> None:
    assert names(session, office, "%") == ["100%纯果汁店"]
    assert names(session, office, "100%") == ["100%纯果汁店"]
    assert names(session, office, "林_") == ["100%纯果汁店"]
    assert names(session, office, "'7'") == ["100%纯果汁店"]
    assert names(session, office, "_") == ["100%纯果汁店"]


# Pinyin


@pytest.mark.parametrize(("query", "expected"), [
    ("zsmg", ["张三面馆"]),
    ("ZSMG", ["张三面馆"]),
    ("zs", ["张三面馆"]),
    ("z", ["张三面馆"]),  # initials of 张三面馆 and 曾华's full pinyin start with z
    ("mianguan", ["张三面馆", "鑫源面馆"]),
    ("zhangsan", ["张三面馆"]),
    ("ktv", ["欢乐KTV"]),
    ("hlktv", ["欢乐KTV"]),
    ("wzoj", ["温州瓯江贸易有限公司"]),
])
def test_pinyin_initials_and_full(session: Session, office: dict[str, Any], query: str,
                                  expected: list[str]) -> None:
    found = names(session, office, query)
    assert set(expected) <= set(found)
    if query != "z":
        assert sorted(found) == sorted(expected)


@pytest.mark.parametrize(("query", "operator"), [
    ("shanlei", "单磊"), ("sl", "单磊"), ("zenghua", "曾华"), ("zeng", "曾华"), ("xiefang", "解放"),
    ("piaozheng", "朴正"), ("pz", "朴正"), ("qiuhong", "仇红"), ("qh", "仇红"),
])
def test_surnames_read_as_surnames(session: Session, office: dict[str, Any], query: str, operator: str) -> None:
    flt = BusinessFilter(office_id=office["id"], text=query)
    assert operator in {row.operator for row in page_businesses(session, flt, 0, 50)}


@pytest.mark.parametrize(("query", "operator"), [
    ("danlei", "单磊"), ("dl", "单磊"), ("cenghua", "曾华"), ("jiefang", "解放"), ("puzheng", "朴正"),
    ("chouhong", "仇红"), ("ch", "仇红"),
])
def test_everyday_readings_of_surnames_find_operators_too(session: Session, office: dict[str, Any], query: str,
                                                         operator: str) -> None:
    """An officer who does not know that 单 reads Shan as a surname still finds 单磊 by danlei."""
    flt = BusinessFilter(office_id=office["id"], text=query)
    assert operator in {row.operator for row in page_businesses(session, flt, 0, 50)}


@pytest.mark.parametrize("query", ["lzlfd", "lclfd", "laozeng", "laoceng", "ouwei", "quwei", "ow", "qw"])
def test_polyphonic_characters_are_found_under_each_common_reading(session: Session, office: dict[str, Any],
                                                                   query: str) -> None:
    _add(session, office["id"], name="老曾理发店", operator="区伟", address="温州市鹿城区蝉街3号")
    session.commit()
    assert names(session, office, query) == ["老曾理发店"]


@pytest.mark.parametrize("query", ["gongshangyinxing", "zhongqing"])
def test_a_reading_a_phrase_decides_is_not_varied(session: Session, office: dict[str, Any], query: str) -> None:
    """行 in 银行 is only hang and 重 in 重庆 only chong: the other readings would only add noise."""
    _add(session, office["id"], name="工商银行重庆路网点", operator="陈明", address="温州市鹿城区")
    session.commit()
    assert names(session, office, query) == []


# Codes and phones


def test_credit_code_and_registration_number_prefix(session: Session, office: dict[str, Any], plan: None) -> None:
    assert names(session, office, "92330302") == ["张三面馆"]
    assert names(session, office, "91330302ma2") == ["欢乐KTV", "温州瓯江贸易有限公司"]
    assert names(session, office, "91330302MA2Z") == ["温州瓯江贸易有限公司"]
    assert names(session, office, "3303026000") == ["王五超市"]
    assert names(session, office, "330302MA") == ["张三面馆", "欢乐KTV", "温州瓯江贸易有限公司"]  # anywhere: 4+
    assert names(session, office, "303") == []  # 3 characters: a prefix only (inside, it matches most codes)


@pytest.mark.parametrize(("query", "expected"), [
    ("0001", ["欢乐KTV", "王五超市"]),  # the end of a credit code, as officers remember it; 注册号 3303026[0001]2345
    ("xyz0", ["欢乐KTV"]),  # lower case typed
    ("MA2Z", ["温州瓯江贸易有限公司"]),
    ("ABCDE1X", ["张三面馆"]),
    ("600012345", ["王五超市"]),  # the end of a 注册号
    ("2345", ["王五超市"]),  # 注册号 330302600012345; no phone ends so
    ("ma2x 0001", ["欢乐KTV"]),
    ("0002", ["温州瓯江贸易有限公司"]),
    ("9999", []),
])
def test_code_fragments_of_four_or_more_anywhere_in_the_code(session: Session, office: dict[str, Any], plan: None,
                                                             query: str, expected: list[str]) -> None:
    assert sorted(names(session, office, query)) == sorted(expected)


@pytest.mark.parametrize(("query", "expected"), [
    ("cs", ["王五超市"]),  # 王五超市: initials wwcs
    ("mg", ["张三面馆", "鑫源面馆"]),  # zsmg, xymg
    ("sm", ["张三面馆", "李四面店"]),  # zsmg, lsmd (and no pinyin word starts with sm)
    ("zs", ["张三面馆"]),  # a word's start, as before
    ("gz", ["100%纯果汁店"]),  # 纯果汁店: initials 100cgzd
    ("xg", ["温州瓯江贸易有限公司"]),  # 有限公司: wzojmyyxgs
    ("ql", []),  # 区伟's qw starts a word of the operator, but no name has ql
    ("ch", ["李四面店", "温州瓯江贸易有限公司", "鑫源面馆"]),  # words starting with ch: 曾 cenghua, 陈 chenming, 仇 chouhong
])
def test_two_initials_inside_a_name(session: Session, office: dict[str, Any], plan: None, query: str,
                                    expected: list[str]) -> None:
    assert sorted(names(session, office, query)) == sorted(expected)


def test_phone_substring_and_last_four_digits(session: Session, office: dict[str, Any]) -> None:
    assert names(session, office, "1234") == ["张三面馆", "王五超市"]
    assert names(session, office, "8888") == ["王五超市"]
    assert names(session, office, "0577-8888") == ["王五超市"]
    assert names(session, office, "13957775678") == ["李四面店"]


# Filters, sort, counts, isolation


def test_filters(session: Session, office: dict[str, Any], plan: None) -> None:
    grid_a, grid_b = office["grids"]
    officer_a, officer_b = office["officers"]
    assert names(session, office, status="revoked") == ["王五超市"]
    assert names(session, office, kind="enterprise") == ["欢乐KTV", "温州瓯江贸易有限公司"]
    assert names(session, office, "面", grid_id=grid_a) == ["张三面馆", "李四面店", "鑫源面馆"]
    assert names(session, office, "面", officer_id=officer_b) == ["李四面店", "王五超市"]
    assert names(session, office, "面馆", officer_id=officer_a, status="active") == ["张三面馆", "鑫源面馆"]
    assert names(session, office, kind="enterprise", grid_id=grid_b, officer_id=officer_a) == ["欢乐KTV"]


def test_rows_carry_grid_and_officer_names(session: Session, office: dict[str, Any]) -> None:
    [row] = page_businesses(session, BusinessFilter(office_id=office["id"], text="zsmg"), 0, 10)
    assert isinstance(row, BusinessRow)
    assert (row.grid_name, row.officer_name, row.uscc, row.registered_on) == (
        "五马东片区", "周敏", "92330302MA2ABCDE1X", date(2019, 5, 1))
    assert (row.suspended, row.abnormal, row.version) == (False, False, 1)


def test_sorting(session: Session, office: dict[str, Any], plan: None) -> None:
    by_name = sorted(row["name"] for row in ROWS)
    by_date = [row["name"] for row in sorted(ROWS, key=lambda row: row["registered_on"])]
    assert names(session, office) == by_name
    assert names(session, office, sort="registered_on") == by_date
    assert names(session, office, sort="-registered_on") == by_date[::-1]
    assert names(session, office, "温州市", sort="-registered_on") == by_date[::-1]
    matching = set(names(session, office, "面"))  # 面 in a name, an operator or an address
    newest_first = [name for name in by_date[::-1] if name in matching]
    flt = BusinessFilter(office_id=office["id"], text="面")
    assert flt.sort == "-registered_on"  # the list's default: newest first
    assert [row.name for row in page_businesses(session, flt, 0, 100)] == newest_first


@pytest.mark.parametrize("query", ["", "面", "温州市", "面 zs", "1234"])
def test_pages_join_up(session: Session, office: dict[str, Any], plan: None, query: str) -> None:
    flt = BusinessFilter(office_id=office["id"], text=query)
    whole = page_businesses(session, flt, 0, 100)
    pages = [row for offset in range(0, 10, 2) for row in page_businesses(session, flt, offset, 2)]
    assert [row.id for row in pages] == [row.id for row in whole]
    assert count_businesses(session, flt) == len(whole)


def test_other_offices_and_tombstones_never_show(session: Session, office: dict[str, Any]) -> None:
    assert "外所面馆" not in names(session, office, "面馆")
    assert "已注销面馆" not in names(session, office, "面馆")
    assert names(session, office, "外所") == []
    assert names(session, office, "注销") == []
    assert len(names(session, office)) == len(ROWS)


def test_tombstones_with_a_matching_code_never_show(session: Session, office: dict[str, Any], plan: None) -> None:
    """SQLite's 注册号 range takes tombstones among its candidates (its index has no deleted_at); the list's
    filter drops them, in every plan and order, and the count agrees."""
    _add(session, office["id"], name="已注销超市", operator="李四", address="温州市鹿城区", deleted=True,
         reg_no="330302600099999", uscc="92330302MA2ABCDE2X")
    session.commit()
    for sort in ("-registered_on", "registered_on", "name"):
        assert names(session, office, "3303026000", sort=sort) == ["王五超市"]
        assert names(session, office, "330302600", sort=sort) == ["王五超市"]
        assert names(session, office, "92330302MA2ABCDE", sort=sort) == ["张三面馆"]
        assert names(session, office, "99999", sort=sort) == []


def test_blank_and_unmatched_queries(session: Session, office: dict[str, Any]) -> None:
    assert len(names(session, office, "   ")) == len(ROWS)
    assert names(session, office, "不存在的名字") == []
    assert names(session, office, "·") == []
    assert page_businesses(session, BusinessFilter(office_id=office["id"]), 0, 0) == []


# Writes keep the index right


def test_an_edit_is_found_under_the_new_name_only(session: Session, office: dict[str, Any]) -> None:
    from storage.audit import Actor

    actor = Actor(who="周敏", device="test", office_id=office["id"])
    business = session.get(Business, office["ids"][0])
    assert business is not None
    update_business(session=session, actor=actor, business_uuid=business.uuid, base_version=business.version,
                    changes={"name": "单记馄饨铺", "operator": "曾乐"})
    session.commit()
    assert names(session, office, "馄饨") == ["单记馄饨铺"]
    assert names(session, office, "馄") == ["单记馄饨铺"]
    assert names(session, office, "hunt") == ["单记馄饨铺"]
    assert names(session, office, "zengle") == ["单记馄饨铺"]
    assert names(session, office, "张三") == []
    assert names(session, office, "zsmg") == []
    assert names(session, office, "面馆") == ["鑫源面馆"]
    assert "单记馄饨铺" not in names(session, office, "shanlei")


def test_a_delete_leaves_the_list(session: Session, office: dict[str, Any]) -> None:
    from storage.audit import Actor

    actor = Actor(who="周敏", device="test", office_id=office["id"])
    business = session.get(Business, office["ids"][4])
    assert business is not None
    delete_business(session=session, actor=actor, business_uuid=business.uuid, base_version=business.version)
    session.commit()
    assert names(session, office, "面馆") == ["张三面馆"]
    assert names(session, office, "仇红") == []


def test_raw_sql_writers_keep_the_index(engine: Engine, session: Session, office: dict[str, Any]) -> None:
    """Triggers (SQLite) and GIN indexes (PostgreSQL) follow writes that bypass the services."""
    fields = search_fields("蓝天面馆", "叶青", "温州市鹿城区蝉街")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO business (uuid, version, updated_by, device, office_id, name, kind, operator, phone, "
            "address, industry_code_version, status, suspended, abnormal, tags, name_pinyin, search_chars) "
            "VALUES ('u-raw', 1, '', '', :office, '蓝天面馆', 'individual', '叶青', '', '温州市鹿城区蝉街', "
            "'2017', 'active', false, false, '', :pinyin, :chars)"), {"office": office["id"], **{
                "pinyin": fields["name_pinyin"], "chars": fields["search_chars"]}})
        connection.execute(text("DELETE FROM business WHERE name = '李四面店'"))
    assert names(session, office, "面馆") == ["张三面馆", "蓝天面馆", "鑫源面馆"]
    assert names(session, office, "蝉") == ["蓝天面馆"]
    assert names(session, office, "ltmg") == ["蓝天面馆"]
    assert names(session, office, "李四") == []


def test_bulk_load_and_rebuild(engine: Engine, session: Session, office: dict[str, Any]) -> None:
    rows = [{"name": f"批量{number}号面馆", "operator": "池明", "address": "温州市鹿城区七都街道"}
            for number in range(30)]
    with engine.begin() as connection, search.bulk_load(connection):
        for row in rows:
            business = Business(office_id=office["id"], name=row["name"], operator=row["operator"],
                                address=row["address"])
            business.sqlmodel_update(search_fields(row["name"], row["operator"], row["address"]))
            connection.execute(Business.__table__.insert().values(  # type: ignore[attr-defined]
                business.model_dump(exclude={"id"})))
    assert len(names(session, office, "批量")) == 30
    assert len(names(session, office, "七都")) == 30
    assert len(names(session, office, "cm")) >= 30
    _fragment_indexes_match_their_content(engine)
    with engine.begin() as connection:
        search.rebuild_index(connection)
    assert len(names(session, office, "号面馆")) == 30
    assert len(names(session, office, "zs")) == 1
    _fragment_indexes_match_their_content(engine)


def _fragment_indexes_match_their_content(engine: Engine) -> None:
    """SQLite: the code and initials indexes hold what their content (business, the pairs view) says; the
    initials are filled from Python's initial_pairs on a rebuild (storage.search_sqlite.rebuild_index)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        for table in ("business_codes", "business_initials"):
            connection.exec_driver_sql(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


@given(text=st.none() | st.text(alphabet=st.sampled_from("ab z1é张 "), max_size=45))
def test_initial_pairs_in_python_are_the_views(text: str | None) -> None:
    """storage.search_fragments.initial_pairs makes the very string the SQLite view and triggers make."""
    import sqlite3

    from storage.search_fragments import initial_pairs, sqlite_initial_pairs

    with contextlib.closing(sqlite3.connect(":memory:")) as connection:
        expected = connection.execute(f"SELECT {sqlite_initial_pairs('?1')}", (text,)).fetchone()[0]
    assert initial_pairs(text) == expected


def test_sqlite_index_is_consistent_after_writes(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        office_id = _add_office(session)
        ids = [_add(session, office_id, name=f"测试{n}面馆", operator="单磊", address="五马街") for n in range(5)]
        session.commit()
        business = session.get(Business, ids[0])
        assert business is not None
        business.name = "改名后的店"
        business.sqlmodel_update(search_fields(business.name, business.operator, business.address))
        session.delete(session.get(Business, ids[1]))
        session.commit()
    with sqlite_engine.begin() as connection:
        triggers = set(connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        assert {"business_search_insert", "business_search_delete", "business_fts_update",
                "business_grams_update", "business_pinyin_update", "business_fragments_insert",
                "business_fragments_delete", "business_codes_update", "business_initials_update"} <= triggers
        for table in ("business_fts", "business_grams", "business_pinyin", "business_codes", "business_initials"):
            connection.exec_driver_sql(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def test_code_and_initials_indexes_follow_edits_and_tombstones(session: Session, office: dict[str, Any]) -> None:
    """The fragment indexes (migration 0019) follow a changed code, a renamed business and a deletion."""
    ktv, oujiang = office["ids"][3], office["ids"][5]
    business = session.get(Business, ktv)
    assert business is not None
    business.uscc, business.name = "91330302MA2XYZ0777", "欢乐超市"
    business.sqlmodel_update(search_fields(business.name, business.operator, business.address))
    session.delete(session.get(Business, oujiang))
    session.commit()
    assert names(session, office, "0001") == ["王五超市"]  # 欢乐KTV's old code no more; 王五's 注册号 still
    assert names(session, office, "z0777") == ["欢乐超市"]
    assert names(session, office, "0002") == []  # deleted
    assert sorted(names(session, office, "cs")) == ["欢乐超市", "王五超市"]  # hlcs


def _add_office(session: Session) -> int:
    office = Office(code="1", name="所")
    session.add(office)
    session.flush()
    assert office.id is not None
    return office.id


def test_listing_service(session: Session, office: dict[str, Any]) -> None:
    flt = BusinessFilter(office_id=office["id"], text="面", sort="name")
    assert [row.name for row in listing.list_page(session=session, flt=flt, offset=1, limit=2)] == [
        "李四面店", "王五超市"]
    assert listing.count(session=session, flt=flt) == 4
    assert listing.list_page(session=session, flt=flt, offset=-5, limit=10**9)[0].name == "张三面馆"


# The property: short Chinese queries equal a plain substring filter


SAMPLE_NAMES = ["张三面馆", "李四面店", "面包坊", "馆前面馆", "三三超市", "老张面馆", "张记面", "四季鲜果",
                "鲜面馆", "温州面馆", "州面", "面面俱到", "𠮷野家面馆"]


def test_short_chinese_queries_equal_substring_filter(engine: Engine, plan: None) -> None:
    with Session(engine) as session:
        office_id = _add_office(session)
        operators = itertools.cycle(["张三", "李四", "王面", "赵馆"])
        ids = [_add(session, office_id, name=name, operator=next(operators), address=f"{name[::-1]}路")
               for name in SAMPLE_NAMES]
        session.commit()
        table = {business_id: _fields(session, business_id) for business_id in ids}
    alphabet = sorted({char for name in SAMPLE_NAMES for char in name} | {"无"})

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.one_of(
        st.sampled_from(SAMPLE_NAMES).flatmap(lambda name: st.tuples(
            st.integers(0, len(name) - 1), st.integers(1, 3)).map(lambda se: name[se[0]: se[0] + se[1]])),
        st.text(alphabet=alphabet, min_size=1, max_size=2),
    ))
    def check(query: str) -> None:
        expected = {business_id for business_id, fields in table.items() if any(query in f for f in fields)}
        with Session(engine) as session:
            flt = BusinessFilter(office_id=office_id, text=query)
            found = {row.id for row in page_businesses(session, flt, 0, 100)}
            assert found == expected, query
            assert count_businesses(session, flt) == len(expected)

    check()


def _fields(session: Session, business_id: int) -> tuple[str, str, str]:
    business = session.get(Business, business_id)
    assert business is not None
    return business.name, business.operator, business.address


# PostgreSQL under a C locale: pg_trgm drops CJK there, search must not


@pytest.fixture
def pg_c_locale_engine(pg_server: PgServer, pg_admin: Any) -> Iterator[Engine]:
    name = "wb_c_locale"
    pg.drop_database(pg_admin, name)
    pg_admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    engine = make_engine(pg_server.url(name))
    upgrade(engine)
    yield engine
    engine.dispose()
    pg.drop_database(pg_admin, name)


def test_postgresql_c_locale_falls_back_to_grams(pg_c_locale_engine: Engine) -> None:
    engine = pg_c_locale_engine
    with engine.connect() as connection:
        assert connection.execute(text("SELECT show_trgm('面馆')")).scalar() == []
        backend = search.backend_for(connection)
        assert getattr(backend, "cjk_trigrams", None) is False
    with Session(engine) as session:
        office_id = _add_office(session)
        for name, operator in [("张三面馆", "单磊"), ("李四面店", "曾华"), ("鑫源面馆", "仇红")]:
            _add(session, office_id, name=name, operator=operator, address="温州市鹿城区")
        session.commit()
        home = {"id": office_id}
        assert names(session, home, "面") == ["张三面馆", "李四面店", "鑫源面馆"]
        assert names(session, home, "面馆") == ["张三面馆", "鑫源面馆"]
        assert names(session, home, "张三面馆") == ["张三面馆"]
        assert names(session, home, "zsmg") == ["张三面馆"]
        assert names(session, home, "qiuhong") == ["鑫源面馆"]


# Pure parts


def test_query_terms() -> None:
    assert parse_query(" 张三  ZSMG 9133 面馆 a座 ktv1 ｚｓ ") == (
        Term("text", "张三"), Term("pinyin", "zsmg"), Term("code", "9133"), Term("text", "面馆"),
        Term("text", "a座"), Term("code", "ktv1"), Term("pinyin", "zs"))
    assert parse_query("面 面") == (Term("text", "面"),)


def test_search_fields() -> None:
    fields = search_fields("温州市鹿城区张三面馆", "单磊", "解放街12号")
    assert fields["name_pinyin"] == (
        "wzslcqzsmg sl dl shanlei danlei wenzhoushiluchengquzhangsanmianguan"
    )
    tokens = fields["search_chars"].split()
    assert {"面", "馆", "面馆", "单磊", "解放", "12", "2号"} <= set(tokens)
    assert "馆单" not in tokens  # pairs never cross from one field into the next
    assert search_fields("", "", "") == {"name_pinyin": "", "search_chars": ""}


@pytest.mark.parametrize(("name", "pinyin"), [
    ("工商银行", "gsyh gongshangyinhang"), ("重庆小面", "cqxm chongqingxiaomian"),
    ("绿色食品", "lssp lvseshipin"), ("欢乐KTV", "hlktv huanlektv"),
])
def test_name_pinyin_reads_phrases(name: str, pinyin: str) -> None:
    assert search_fields(name, "", "")["name_pinyin"] == pinyin


@pytest.mark.parametrize(("operator", "pinyin"), [
    ("单磊", "sl dl shanlei danlei"), ("曾华", "zh ch zenghua cenghua"), ("解放", "xf jf xiefang jiefang"),
    ("朴正", "pz piaozheng puzheng"), ("仇红", "qh ch qiuhong chouhong"), ("尉迟恭", "ycg yuchigong"),
    ("万俟明", "mqm moqiming"), ("张单", "zd zhangdan"),
    ("王伟", "ww wangwei"),
])
def test_operator_surnames(operator: str, pinyin: str) -> None:
    """The surname's own reading first (单 shan), then the everyday ones, so both find the operator."""
    assert search_fields("", operator, "")["name_pinyin"] == pinyin


def test_derived_columns_fit_their_columns() -> None:
    """The limits are the table's, not storage.search's own constants: a value longer than its column
    would fail the insert on PostgreSQL."""
    fields = search_fields("面" * 200, "单" * 100, "".join(chr(0x4E00 + n) for n in range(300)))
    columns = Business.__table__.c  # type: ignore[attr-defined]
    assert len(fields["name_pinyin"]) <= columns.name_pinyin.type.length == 600
    assert len(fields["search_chars"]) <= columns.search_chars.type.length == 2000


_LATIN_AND_CJK = st.text(
    alphabet=st.sampled_from("abcXYZktvKTV 张三面馆单曾行长乐-·（）0123456789"), max_size=40
)


@given(name=_LATIN_AND_CJK, operator=_LATIN_AND_CJK, start=st.integers(0, 40), length=st.integers(3, 8))
def test_latin_letters_of_name_and_operator_are_in_name_pinyin(
    name: str, operator: str, start: int, length: int
) -> None:
    """term_condition reads a pinyin term in name_pinyin instead of name and operator: every letters-only
    piece of either (case aside) must be there (in the initials, which are never cut)."""
    fields = search_fields(name, operator, "")
    for value in (name, operator):
        piece = value.lower()[start : start + length]
        if len(piece) >= 3 and piece.isascii() and piece.isalpha():
            assert piece in fields["name_pinyin"]


def test_a_long_name_cut_in_name_pinyin_is_still_found_by_its_latin_tail(
    session: Session, office: dict[str, Any]
) -> None:
    long_name = "面" * 150 + "XYZ店"  # its full pinyin (~750 letters) is cut, its initials are not
    assert len(search_fields(long_name, "", "")["name_pinyin"]) == 600  # Business.name_pinyin's length
    _add(session, office["id"], name=long_name, operator="王伟", address="温州市")
    session.commit()
    assert names(session, office, "xyz") == [long_name]
    assert names(session, office, "XYZ") == [long_name]


_GRAM_TEXT = st.text(alphabet=st.sampled_from("张三面馆单曾行AbΣσςΑ_-·（） 0123456789１٣\x00"), max_size=30)


@given(name=_GRAM_TEXT, operator=_GRAM_TEXT, address=_GRAM_TEXT)
def test_search_chars_made_in_one_pass_are_each_fields_grams_in_order(name: str, operator: str, address: str) -> None:
    """The three fields' grams are made from the fields joined by a space (one pass): the same as each
    field's own grams, joined in the order name, operator, address (as they were made before)."""
    each = (search._grams(text) for text in (name, operator, address))
    expected = " ".join(piece for piece in each if piece)
    if len(expected) <= search.SEARCH_CHARS_MAX:
        assert search_fields(name, operator, address)["search_chars"] == expected


def test_pinyin_dictionaries_are_pypinyins_own() -> None:
    """storage.search_pinyin reads pypinyin's JSON dictionaries itself (importing pypinyin builds its
    segmenter, unused here): they must be what pypinyin's own modules load, in the same order."""
    from pypinyin.constants import PHRASES_DICT
    from pypinyin.pinyin_dict import pinyin_dict

    from storage.search_pinyin import pypinyin_dictionaries

    characters, phrases = pypinyin_dictionaries()
    assert list(characters.items()) == list(pinyin_dict.items())
    assert list(phrases.items()) == list(PHRASES_DICT.items())


def test_a_pypinyin_without_its_json_files_is_read_through_its_own_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a later pypinyin keep its dictionaries otherwise, the readings still come, the slower way."""
    from pathlib import Path

    from pypinyin.pinyin_dict import pinyin_dict

    import storage.search_pinyin as search_pinyin

    real_is_file = Path.is_file
    monkeypatch.setattr(Path, "is_file", lambda path: path.name != "pinyin_dict.json" and real_is_file(path))
    characters, phrases = search_pinyin.pypinyin_dictionaries()
    assert characters == dict(pinyin_dict) and len(phrases) > 10_000
