"""Field packages (外业包) and return packages (回传包), issue 19: real workbooks, the office on both engines,
the laptop a real SQLite file. Expected values are the office's own rows, read with plain SQL."""

from __future__ import annotations

from pathlib import Path

import msoffcrypto
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select
from sync_world import ID_MASKED, ID_NUMBER, SyncWorld, laptop_engine, make_sync_world

from imports.sync_back import read_return_package, write_return_package
from imports.sync_out import write_field_package
from imports.sync_read import PackageRefused, read_field_package
from storage.tables import Business, ChangeLog
from storage.tables_sync import SyncPackage
from workbench.domain.service_lists import DEFAULT_LISTS
from workbench.services.sync_laptop import LaptopRefused, receive_field_package
from workbench.services.sync_pending import local_rows, pending_changes
from workbench.services.sync_select import select_field_rows

DEVICE = "office-pc·0123456789ab"


def make_package(engine: Engine, world: SyncWorld, folder: Path, password: str | None = None,
                 name: str = "外业包-张伟.xlsx") -> Path:
    w = world.world
    with Session(engine) as session:
        selection = select_field_rows(session=session, office_id=w.actor.office_id, officer_id=w.officer_id,
                                      officer="张伟")
        result = write_field_package(session=session, actor=w.actor, selection=selection, path=folder / name,
                                     device_id=DEVICE, lists=DEFAULT_LISTS, password=password)
    return result.path


@pytest.fixture
def office(engine: Engine) -> SyncWorld:
    with Session(engine) as session:
        return make_sync_world(session)


def _office_rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_field_package_carries_the_officers_rows_and_the_laptop_holds_them_field_by_field(
    engine: Engine, office: SyncWorld, tmp_path: Path, sqlite_template: Path
) -> None:
    path = make_package(engine, office, tmp_path)
    package = read_field_package(path)
    rows = package.rows
    # 张伟 has 老街兰州拉面馆 and 阿香奶茶店; 西片便利店 is 单丽's, 南汇水果店 another office's.
    expected_businesses = _office_rows(
        engine, "SELECT uuid, version, name, phone, address, uscc, capital, employees, tags, registered_on "
        "FROM business WHERE officer_id = (SELECT id FROM officer WHERE name = '张伟') ORDER BY id")
    assert [(r.uuid, r.version) for r in rows["business"]] == [(b[0], b[1]) for b in expected_businesses]
    for row, (_uuid, _version, name, phone, address, uscc, capital, employees, tags, registered) in zip(
        rows["business"], expected_businesses, strict=True
    ):
        assert row.values["name"] == name
        assert row.values["phone"] == phone == "13800000001"  # phones travel in full
        assert row.values["address"] == address
        assert row.values["uscc"] == uscc
        assert row.values["capital"] == capital
        assert row.values["employees"] == employees
        assert row.values["tags"] == tags
        assert row.values["registered_on"] == str(registered)[:10] == "2020-05-03"
        assert row.values["kind"] == "individual"
        assert row.values["grid_id"] is not None and row.values["officer_id"] is not None
    noodle = next(r for r in rows["business"] if r.uuid == office.world.noodle_uuid)
    assert noodle.values["id_number"] == ID_MASKED  # no password: masked
    assert noodle.values["tags"] == "夜市 =老字号"
    assert [r.values["number"] for r in rows["license"]] == ["JY13303020012345"]
    assert rows["license"][0].values["expires_on"] == "2027-02-28"
    assert [(r.values["year"], r.values["revenue"], r.values["tax_paid"]) for r in rows["year_figures"]] == [
        (2025, 1_200_000, 3_200)]
    (result,) = rows["classification_result"]
    assert (result.values["tier"], result.values["override_tier"], result.values["override_at"]) == (
        "growth", "development", "2026-11-02T09:30:00")
    assert [r.uuid for r in rows["appeal"]] == [office.appeal_uuid]
    assert {r.values["appeal_id"] for r in rows["appeal_step"]} == {office.appeal_uuid}
    assert [r.uuid for r in rows["visit"]] == [office.visit_uuid]  # the visit of 400 days ago stays
    assert [r.values["action"] for r in rows["visit_follow_up"]] == ["复查消防通道"]
    assert [r.uuid for r in rows["support_record"]] == [office.support_uuid]
    assert sorted(r.values["name"] for r in rows["officer"]) == ["单丽", "张伟"]
    assert package.manifest.officer == "张伟" and package.manifest.device == DEVICE
    assert package.office_name == "五马市场监管所"

    laptop = laptop_engine(sqlite_template, tmp_path)
    try:
        with Session(laptop) as session:
            result_in = receive_field_package(session=session, package=package, who="张伟", device="笔记本")
            session.commit()
        assert result_in.created and result_in.businesses == 2 and not result_in.kept
        with laptop.connect() as connection:
            office_id = connection.execute(text("SELECT id FROM office")).scalar_one()
            held = local_rows(connection, office_id)
            for table, travelled in rows.items():
                if table in ("grid", "officer"):
                    continue
                assert {(r.uuid, r.version, tuple(sorted(r.values.items()))) for r in held[table]} == {
                    (r.uuid, r.version, tuple(sorted(r.values.items()))) for r in travelled
                }, table
            assert pending_changes(connection, office_id) == []
            # the search columns are made on the laptop: a name search finds the business
            assert connection.execute(text("SELECT name_pinyin FROM business WHERE uuid = :u"),
                                      {"u": office.world.noodle_uuid}).scalar_one() != ""
        with Session(laptop) as session:
            back = write_return_package(session=session, device_id="laptop·1", device="笔记本",
                                        path=tmp_path / "回传包.xlsx")
        assert back.changes == 0
        assert read_return_package(back.path).changes == ()  # brought back unchanged: nothing to apply
    finally:
        laptop.dispose()


def test_every_package_is_in_the_change_log(engine: Engine, office: SyncWorld, tmp_path: Path) -> None:
    make_package(engine, office, tmp_path)
    make_package(engine, office, tmp_path, password="secret-7", name="加密.xlsx")
    with Session(engine) as session:
        logged = session.exec(select(ChangeLog).where(ChangeLog.entity == "sync_package")
                              .order_by(ChangeLog.id)).all()
        packages = session.exec(select(SyncPackage).order_by(SyncPackage.id)).all()
    facts = [(row.field, row.new) for row in logged]
    assert ("businesses", "2") in facts and ("officer", "张伟") in facts
    assert [new for field, new in facts if field == "personal_data"] == ["身份证号已部分隐藏", "完整身份证号（密码保护）"]
    assert {row.who for row in logged} == {"张伟"}
    assert [(p.direction, p.businesses, p.personal_data, p.officer) for p in packages] == [
        ("written", 2, False, "张伟"), ("written", 2, True, "张伟")]


def test_a_password_encrypts_with_excels_own_encryption_and_carries_id_numbers(
    engine: Engine, office: SyncWorld, tmp_path: Path
) -> None:
    path = make_package(engine, office, tmp_path, password="secret-7")
    with path.open("rb") as stream:
        document = msoffcrypto.OfficeFile(stream)
        assert document.is_encrypted()
    with pytest.raises(Exception):  # noqa: B017, PT011 - openpyxl cannot even open it without the password
        load_workbook(path)
    with pytest.raises(PackageRefused, match="已用密码加密"):
        read_field_package(path)
    with pytest.raises(PackageRefused, match="密码不对"):
        read_field_package(path, "wrong-password")
    package = read_field_package(path, "secret-7")
    noodle = next(r for r in package.rows["business"] if r.uuid == office.world.noodle_uuid)
    assert noodle.values["id_number"] == ID_NUMBER
    assert package.manifest.personal_data


def test_a_short_password_is_refused_and_no_file_is_left(engine: Engine, office: SyncWorld, tmp_path: Path) -> None:
    from imports.export import ExportFailed

    with pytest.raises(ExportFailed, match="密码太短"):
        make_package(engine, office, tmp_path, password="123")
    assert list(tmp_path.glob("*.xlsx")) == []


def _edit(path: Path, sheet: str, change: str) -> None:
    book = load_workbook(path)
    if change == "schema":
        rows = book[sheet]
        for row in rows.iter_rows(min_row=2):
            if row[2].value == "schema_version":
                row[1].value = "9999"
    elif change == "drop-row":
        book[sheet].delete_rows(2)
    book.save(path)


def test_refusals_name_the_file(engine: Engine, office: SyncWorld, tmp_path: Path) -> None:
    newer = make_package(engine, office, tmp_path, name="新版本.xlsx")
    _edit(newer, "清单", "schema")
    with pytest.raises(PackageRefused, match="「新版本.xlsx」由更新版本的工作台生成（数据库版本 9999"):
        read_field_package(newer)
    torn = make_package(engine, office, tmp_path, name="缺行.xlsx")
    _edit(torn, "市场主体", "drop-row")
    with pytest.raises(PackageRefused, match="「缺行.xlsx」不完整：「市场主体」表应有 2 行，实有 1 行"):
        read_field_package(torn)
    plain = tmp_path / "名录.xlsx"
    book = load_workbook(newer)
    del book["清单"]
    book.save(plain)
    with pytest.raises(PackageRefused, match="「名录.xlsx」不是工作台的外业包"):
        read_field_package(plain)
    text_file = tmp_path / "说明.xlsx"
    text_file.write_text("不是表格", encoding="utf-8")
    with pytest.raises(PackageRefused, match="「说明.xlsx」不是工作台的外业包"):
        read_field_package(text_file)
    with pytest.raises(PackageRefused, match="找不到文件"):
        read_field_package(tmp_path / "没有这个.xlsx")
    field_package = make_package(engine, office, tmp_path, name="外业包.xlsx")
    with pytest.raises(PackageRefused, match="「外业包.xlsx」是外业包，不是回传包"):
        read_return_package(field_package)


def test_the_office_database_is_never_taken_for_a_laptop(engine: Engine, office: SyncWorld, tmp_path: Path) -> None:
    package = read_field_package(make_package(engine, office, tmp_path))
    with Session(engine) as session, pytest.raises(LaptopRefused, match="不是由外业包建立的笔记本库"):
        receive_field_package(session=session, package=package, who="张伟", device="所里")
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(SyncPackage)).one() == 1  # the written one only


def test_device_id_is_stable_and_names_the_host(tmp_path: Path) -> None:
    import platform

    from workbench import locations

    first = locations.device_id()
    assert first == locations.device_id()
    assert first.startswith((platform.node() or "本机")[:48])
    assert locations.device_id_path().read_text(encoding="utf-8").strip() == first.split("·")[-1]


def test_laptop_sees_business_search_after_package(engine: Engine, office: SyncWorld, tmp_path: Path,
                                                    sqlite_template: Path) -> None:
    from storage.queries import BusinessFilter, page_businesses

    laptop = laptop_engine(sqlite_template, tmp_path)
    try:
        with Session(laptop) as session:
            receive_field_package(session=session, package=read_field_package(make_package(engine, office, tmp_path)),
                                  who="张伟", device="笔记本")
            session.commit()
        with Session(laptop) as session:
            office_id = session.exec(select(Business.office_id)).first()
            assert office_id is not None
            page = page_businesses(session, BusinessFilter(office_id=office_id, text="拉面"), 0, 10)
            assert [row.name for row in page] == ["老街兰州拉面馆"]
    finally:
        laptop.dispose()
