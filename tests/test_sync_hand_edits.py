"""A field package edited by hand in Excel / WPS and brought back (issue 19, item 4): changed cells, rows
added at the bottom, a visit typed in; read as changes against the package's base values, with row-level
problems. The workbook is edited with openpyxl, as a spreadsheet program saves it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text
from sqlmodel import Session
from sync_world import SyncWorld, make_sync_world
from test_sync_packages import make_package

from imports.sync_hand import read_edited_field_package
from imports.sync_read import read_field_package
from workbench.domain.sync_model import RowProblem


@pytest.fixture
def office(engine: Engine) -> SyncWorld:
    with Session(engine) as session:
        return make_sync_world(session)


def _column(sheet: object, header: str) -> int:
    return [cell.value for cell in sheet[1]].index(header) + 1  # type: ignore[index]


def _row_of(sheet: object, header: str, value: str) -> int:
    at = _column(sheet, header)
    return next(row[0].row for row in sheet.iter_rows(min_row=2) if row[at - 1].value == value)  # type: ignore[attr-defined]


def test_an_untouched_package_brings_nothing(engine: Engine, office: SyncWorld, tmp_path: Path) -> None:
    path = make_package(engine, office, tmp_path)
    package = read_edited_field_package(path)
    assert (package.changes, package.problems) == ((), ())
    field_package_id = read_field_package(path).manifest.package_id
    assert package.manifest.kind == "return" and package.manifest.base_package_id == field_package_id
    assert package.manifest.device == "手工编辑" and package.manifest.package_id != field_package_id


def test_cells_changed_and_rows_typed_in_come_back_as_changes(
    engine: Engine, office: SyncWorld, tmp_path: Path
) -> None:
    path = make_package(engine, office, tmp_path)
    book = load_workbook(path)
    businesses = book["市场主体"]
    noodle_row = _row_of(businesses, "名称", "老街兰州拉面馆")
    businesses.cell(noodle_row, _column(businesses, "联系电话"), "13911112222")
    new_row = businesses.max_row + 1
    for header, value in (("名称", "新开早餐店"), ("经营者", "李娜"), ("经营场所", "五马街9号"), ("包联干部", "张伟")):
        businesses.cell(new_row, _column(businesses, header), value)
    licences = book["许可证"]
    licences.cell(2, _column(licences, "有效期至"), date(2028, 2, 28)).number_format = "yyyy-mm-dd"
    visits = book["走访记录"]
    typed = visits.max_row + 1
    for header, value in (("所属市场主体", "阿香奶茶店"), ("走访日期", date(2026, 12, 8)), ("走访结果", "正常经营"),
                          ("情况记录", "门口杂物已清理")):
        visits.cell(typed, _column(visits, header), value)
    wrong = typed + 1
    for header, value in (("所属市场主体", "不存在的店"), ("走访日期", "明天"), ("走访结果", "正常经营")):
        visits.cell(wrong, _column(visits, header), value)
    book.save(path)

    package = read_edited_field_package(path)
    with engine.connect() as connection:
        zhang = connection.execute(text("SELECT uuid FROM officer WHERE name = '张伟'")).scalar_one()
        licence_uuid = connection.execute(text("SELECT uuid FROM license")).scalar_one()
    by_table: dict[str, list] = {}
    for change in package.changes:
        by_table.setdefault(change.table, []).append(change)
    (phone,) = [c for c in by_table["business"] if c.base_version is not None]
    assert (phone.uuid, phone.base_version, phone.values, phone.base) == (
        office.world.noodle_uuid, 2, {"phone": "13911112222"}, {"phone": "13800000001"})
    assert phone.source == f"外业包 市场主体 第{noodle_row}行" and phone.changed_by == "张伟"
    (born,) = [c for c in by_table["business"] if c.base_version is None]
    assert (born.values["name"], born.values["operator"], born.values["address"], born.values["officer_id"]) == (
        "新开早餐店", "李娜", "五马街9号", zhang)
    (licence,) = by_table["license"]
    assert (licence.uuid, licence.values, licence.base) == (
        licence_uuid, {"expires_on": "2028-02-28"}, {"expires_on": "2027-02-28"})
    (visit,) = by_table["visit"]
    assert (visit.base_version, visit.business_uuid, visit.values["visited_on"], visit.values["finding"],
            visit.values["notes"], visit.values["officer_id"]) == (
        None, office.world.tea_uuid, "2026-12-08", "正常经营", "门口杂物已清理", zhang)
    assert len(package.changes) == 4
    assert set(package.problems) == {
        RowProblem("走访记录", wrong, "走访日期", "明天", "日期「明天」无法识别，请写成 2024-05-03 或 2024年5月3日"),
        RowProblem("走访记录", wrong, "所属市场主体", "不存在的店", "找不到名为「不存在的店」的市场主体"),
    }
    again = read_edited_field_package(path)  # the same file twice: the same new rows, never two of each
    assert [c.uuid for c in again.changes] == [c.uuid for c in package.changes]
