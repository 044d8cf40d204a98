"""Register export: what the list shows, in a workbook that is safe to open and imports back unchanged."""

from __future__ import annotations

import itertools
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from imports.columns import header_unit, match_header
from imports.export import (
    DATA_SHEET,
    INFO_SHEET,
    ExportCancelled,
    ExportFailed,
    export_register,
    write_workbook,
    xlsx_path,
)
from imports.export_cells import (
    FULL_COLUMNS,
    MASKED_COLUMNS,
    MASKED_HEADERS,
    column_width,
    needs_guard,
    shown_width,
)
from imports.parse import parse_register_file
from storage.audit import Actor
from storage.queries import BusinessFilter, page_businesses
from storage.tables import Business, ChangeLog, Grid, Office, Officer
from workbench.domain.identifiers import id_check_char, mask_id_number, mask_phone
from workbench.domain.reference import industry_name
from workbench.domain.uscc import uscc_check_char
from workbench.services.demo import build_demo
from workbench.services.errors import ValidationFailed
from workbench.services.export_log import FULL_PERSONAL_DATA, MASKED_PERSONAL_DATA, recent_exports
from workbench.services.export_rows import ExportRow, describe_filter, export_rows
from workbench.services.register import create_business, delete_business

ID_NUMBER = "330302199001011235"


# Helpers


def uscc(serial: int) -> str:
    """A valid 统一社会信用代码 of a household in 温州鹿城 (330302), different per serial."""
    body = f"92330302MA{serial:07d}"
    return body + uscc_check_char(body)


def stored_rows(session: Session, office_id: int) -> list[dict[str, Any]]:
    """The office's live businesses in name order, as the importer would give them back (no empty values)."""
    grid_names = {grid.id: grid.name for grid in session.exec(select(Grid))}
    officer_names = {officer.id: officer.name for officer in session.exec(select(Officer))}
    businesses = session.exec(
        select(Business)
        .where(col(Business.office_id) == office_id, col(Business.deleted_at).is_(None))
        .order_by(col(Business.name), col(Business.id))
    )
    return [expected_values(business, grid_names, officer_names) for business in businesses]


def expected_values(
    business: Business, grid_names: dict[Any, str], officer_names: dict[Any, str]
) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(business, name)
        for name in (
            "name",
            "uscc",
            "reg_no",
            "kind",
            "composition",
            "operator",
            "id_number",
            "phone",
            "address",
            "registered_on",
            "status",
            "capital",
            "employees",
        )
    }
    if business.industry_code:
        values["industry_code"] = business.industry_code
        values["industry_code_version"] = read_back_version(
            business.industry_code, business.industry_code_version
        )
    if business.suspended and business.status == "active":
        values["suspended"] = True
    values["grid"] = grid_names.get(business.grid_id)
    values["officer"] = officer_names.get(business.officer_id)
    return {name: value for name, value in values.items() if value is not None and value != ""}


def read_back_version(code: str, version: str) -> str:
    """The parser reads a 2011 code whose name is the same in 2017 as a 2017 code (imports.industry): the
    register has no version column. The dry run does not count it as a change (test_export_roundtrip)."""
    same = version == "2011" and industry_name(code, "2011") == industry_name(code, "2017")
    return "2017" if same else version


def read_back(path: Path) -> list[dict[str, Any]]:
    parsed = parse_register_file(path)
    rows = list(parsed.rows)
    assert all(not problem.blocking for row in rows for problem in row.problems), [
        problem for row in rows for problem in row.problems if problem.blocking
    ]
    return [row.values for row in rows]


def small_office(
    session: Session, name: str = "五马市场监管所"
) -> tuple[Actor, dict[str, int], dict[str, int]]:
    office = Office(code=name, name=name)
    session.add(office)
    session.flush()
    assert office.id is not None
    grids = {grid: Grid(office_id=office.id, name=grid) for grid in ("城东片区", "城西片区")}
    officers = {officer: Officer(office_id=office.id, name=officer) for officer in ("王芳", "李强")}
    session.add_all([*grids.values(), *officers.values()])
    session.flush()
    return (
        Actor("王芳", "测试终端", office.id),
        {n: g.id or 0 for n, g in grids.items()},
        {n: o.id or 0 for n, o in officers.items()},
    )


def add(session: Session, actor: Actor, **data: Any) -> Business:
    return create_business(session=session, actor=actor, data=data)


# The round trip: export -> import = no changes (both engines)


def test_a_demo_register_exported_in_full_reads_back_field_for_field(engine: Engine, tmp_path: Path) -> None:
    summary = build_demo(engine, size=300, seed=3, today=date(2025, 6, 1))
    actor = Actor("测试", "测试终端", summary.office_id)
    with Session(engine) as session:
        result = export_register(
            session=session,
            actor=actor,
            flt=BusinessFilter(office_id=summary.office_id, sort="name"),
            path=tmp_path / "全部",
            full_personal_data=True,
        )
        expected = stored_rows(session, summary.office_id)
    assert result.path == tmp_path / "全部.xlsx" and result.rows == 300
    assert read_back(result.path) == expected
    assert any("id_number" in row for row in expected) and any("capital" in row for row in expected)


def test_a_masked_export_reads_back_unchanged_except_the_hidden_columns_it_does_not_import(
    engine: Engine,
    tmp_path: Path,
) -> None:
    summary = build_demo(engine, size=200, seed=4, today=date(2025, 6, 1))
    with Session(engine) as session:
        result = export_register(
            session=session,
            actor=Actor("测试", "终端", summary.office_id),
            flt=BusinessFilter(office_id=summary.office_id, sort="name"),
            path=tmp_path / "a.xlsx",
        )
        expected = stored_rows(session, summary.office_id)
    parsed = parse_register_file(result.path)
    assert [column.header for column in parsed.unknown_columns] == list(MASKED_HEADERS.values())
    hidden = ("id_number", "phone")
    assert [row.values for row in parsed.rows] == [
        {name: value for name, value in row.items() if name not in hidden} for row in expected
    ]
    # Not one stored ID number or mobile number is anywhere in the file, in any form.
    content = b"".join(
        zipfile.ZipFile(result.path).read(name) for name in zipfile.ZipFile(result.path).namelist()
    )
    for row in expected:
        for name in hidden:
            if name in row and (name == "id_number" or row[name].startswith("1")):
                assert row[name].encode() not in content


def test_the_export_holds_exactly_what_the_list_shows_for_each_filter(engine: Engine, tmp_path: Path) -> None:
    summary = build_demo(engine, size=400, seed=5, today=date(2025, 6, 1))
    office_id = summary.office_id
    with Session(engine) as session:
        some = session.exec(select(Business).where(col(Business.office_id) == office_id).limit(1)).one()
        filters = [
            BusinessFilter(office_id=office_id, text="店"),
            BusinessFilter(office_id=office_id, text="店", sort="-registered_on"),
            BusinessFilter(office_id=office_id, status="active", kind="individual"),
            BusinessFilter(
                office_id=office_id, grid_id=some.grid_id, officer_id=some.officer_id, sort="registered_on"
            ),
            BusinessFilter(office_id=office_id, text=some.name[:2] + " " + (some.operator or "")[:1]),
            BusinessFilter(office_id=office_id, text=(some.uscc or some.reg_no or "")[:6]),
        ]
        for flt in filters:
            shown = [row.uuid for row in page_businesses(session, flt, 0, 10_000)]
            exported = [row.name for row in export_rows(session=session, flt=flt)]
            names = {row.uuid: row.name for row in page_businesses(session, flt, 0, 10_000)}
            assert exported == [names[uuid] for uuid in shown], flt
            assert 0 < len(exported) < 400 or flt.text == "店"


# Safety: formulas, personal data, other offices


FORMULA_NAMES = ('=HYPERLINK("http://x","点我")', "+86 便利店", "-减价店", "@SUM(A1)", "=1+2")


def test_text_that_excel_would_run_is_kept_as_text_with_the_quote_prefix(
    engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        actor, _grids, _officers = small_office(session)
        for serial, name in enumerate(FORMULA_NAMES):
            add(session, actor, name=name, operator="=cmd|' /C calc'!A0", address=f"-{serial} 号")
        session.commit()
        result = export_register(
            session=session,
            actor=actor,
            flt=BusinessFilter(office_id=actor.office_id, sort="name"),
            path=tmp_path / "f.xlsx",
        )
    sheet = openpyxl.load_workbook(result.path)[DATA_SHEET]
    cells = {
        cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)
    }
    for text in (*FORMULA_NAMES, "=cmd|' /C calc'!A0", "-0 号"):
        cell = cells[text]  # the visible text is exactly the stored text
        assert cell.data_type == "s" and cell.quotePrefix, text
    assert cells["个体工商户"].data_type == "s" and not cells["个体工商户"].quotePrefix
    # No formula anywhere in the sheet's XML, and calamine (the importer's reader) sees the same text.
    xml = zipfile.ZipFile(result.path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    read = (
        python_calamine.CalamineWorkbook.from_path(str(result.path)).get_sheet_by_name(DATA_SHEET).to_python()
    )
    assert {row[1] for row in read[1:]} == set(FORMULA_NAMES)
    assert [row["name"] for row in read_back(result.path)] == sorted(FORMULA_NAMES)


def test_tab_and_carriage_return_starts_are_guarded_too(tmp_path: Path) -> None:
    row = ExportRow(
        name="\t=1+1",
        uscc=None,
        reg_no=None,
        kind="individual",
        composition=None,
        operator="\r=2",
        id_number=None,
        phone="",
        address="普通地址",
        registered_on=None,
        status="active",
        suspended=False,
        industry_code=None,
        industry_code_version="2017",
        capital=None,
        employees=None,
        grid=None,
        officer=None,
    )
    path = tmp_path / "t.xlsx"
    write_workbook(path, [row], FULL_COLUMNS, 1, None, [])
    cells = list(openpyxl.load_workbook(path)[DATA_SHEET].iter_rows(min_row=2))[0]
    assert cells[1].value == "\t=1+1" and cells[1].quotePrefix
    assert cells[9].value == "普通地址" and not cells[9].quotePrefix
    assert [needs_guard(text) for text in ("=a", "+a", "-a", "@a", "\ta", "\ra", "a=", "面馆", "'=a")] == [
        True,
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_cells_are_typed_codes_as_text_dates_as_dates_money_as_numbers(
    engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        actor, grids, officers = small_office(session)
        add(
            session,
            actor,
            name="温州市鹿城区市场监督管理局食堂服务部",
            reg_no="330302000003031",
            operator="张伟",
            id_number=ID_NUMBER,
            phone="13812345678",
            address="五马街 12 号",
            registered_on="2019-05-03",
            capital="12.5万元",
            employees="7",
            industry_code="5223",
            grid_id=grids["城东片区"],
            officer_id=officers["李强"],
            composition="家庭经营",
        )
        session.commit()
        result = export_register(
            session=session,
            actor=actor,
            flt=BusinessFilter(office_id=actor.office_id),
            path=tmp_path / "typed.xlsx",
            full_personal_data=True,
        )
    book = openpyxl.load_workbook(result.path)
    sheet = book[DATA_SHEET]
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, sheet[2], strict=True))
    for header in ("注册号", "身份证号", "联系电话", "行业代码"):
        assert row[header].data_type == "s" and row[header].number_format == "@", header
    assert row["身份证号"].value == ID_NUMBER and row["注册号"].value == "330302000003031"
    assert row["成立日期"].is_date and row["成立日期"].value.date() == date(2019, 5, 3)
    assert row["成立日期"].number_format == "yyyy-mm-dd"
    assert row["资金数额（元）"].value == 125_000 and row["资金数额（元）"].number_format == "#,##0"
    assert row["从业人员"].value == 7 and row["序号"].value == 1
    assert row["所属行业"].value == "果品、蔬菜零售" and row["登记状态"].value == "存续"
    assert row["所属网格"].value == "城东片区" and row["包联干部"].value == "李强"
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}2"
    # The name column fits the 18-character name in terminal-style cells (36), not in characters (18).
    assert sheet.column_dimensions["B"].width >= 36 + 2
    assert INFO_SHEET in book.sheetnames and book.sheetnames[0] == DATA_SHEET


def test_personal_data_is_masked_unless_asked_for_and_the_log_says_which(
    engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        actor, _grids, _officers = small_office(session)
        add(session, actor, name="张记小吃店", id_number=ID_NUMBER, phone="13812345678")
        add(session, actor, name="瓯江贸易", phone="0577-88881234")
        session.commit()
        flt = BusinessFilter(office_id=actor.office_id, text="店")
        masked = export_register(session=session, actor=actor, flt=flt, path=tmp_path / "m.xlsx")
        full = export_register(
            session=session, actor=actor, flt=flt, path=tmp_path / "f.xlsx", full_personal_data=True
        )
        log = session.exec(
            select(ChangeLog).where(col(ChangeLog.entity) == "export").order_by(col(ChangeLog.id))
        ).all()
        exports = recent_exports(session=session, office_id=actor.office_id)
    masked_row = list(openpyxl.load_workbook(masked.path)[DATA_SHEET].values)
    assert masked_row[0][7:9] == (MASKED_HEADERS["id_number"], MASKED_HEADERS["phone"])
    assert (
        masked_row[1][7:9]
        == ("330302********1235", "138****5678")
        == (mask_id_number(ID_NUMBER), mask_phone("13812345678"))
    )
    full_row = list(openpyxl.load_workbook(full.path)[DATA_SHEET].values)
    assert full_row[0][7:9] == ("身份证号", "联系电话") and full_row[1][7:9] == (ID_NUMBER, "13812345678")
    assert {(entry.entity_uuid, entry.field, entry.new) for entry in log} >= {
        (full.export_uuid, "personal_data", FULL_PERSONAL_DATA),
        (masked.export_uuid, "personal_data", MASKED_PERSONAL_DATA),
        (full.export_uuid, "rows", "1"),
        (full.export_uuid, "filter", "搜索「店」"),
        (full.export_uuid, "file", "f.xlsx"),
    }
    assert all(
        entry.who == "王芳" and entry.device == "测试终端" and entry.action == "export" for entry in log
    )
    assert [(record.full_personal_data, record.rows, record.file_name) for record in exports] == [
        (True, 1, "f.xlsx"),
        (False, 1, "m.xlsx"),
    ]


def test_only_the_offices_own_live_businesses_are_exported(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        ours, _g, _o = small_office(session, "五马所")
        theirs, _g2, _o2 = small_office(session, "南汇所")
        add(session, ours, name="我所面馆")
        gone = add(session, ours, name="已删除面馆")
        add(session, theirs, name="他所面馆")
        session.commit()
        delete_business(session=session, actor=ours, business_uuid=gone.uuid, base_version=1)
        session.commit()
        result = export_register(
            session=session,
            actor=ours,
            flt=BusinessFilter(office_id=ours.office_id, text="面馆"),
            path=tmp_path / "o.xlsx",
        )
        assert [row["name"] for row in read_back(result.path)] == ["我所面馆"]
        with pytest.raises(ExportFailed, match="只能导出本所"):
            export_register(
                session=session,
                actor=ours,
                flt=BusinessFilter(office_id=theirs.office_id),
                path=tmp_path / "x.xlsx",
            )
    assert not (tmp_path / "x.xlsx").exists()


def test_a_cancelled_export_leaves_no_file_and_no_log(engine: Engine, tmp_path: Path) -> None:
    summary = build_demo(engine, size=2500, seed=6, today=date(2025, 6, 1))
    seen: list[tuple[int, int]] = []

    def cancel_at_2000(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 2000:
            raise ExportCancelled()

    with Session(engine) as session:
        with pytest.raises(ExportCancelled):
            export_register(
                session=session,
                actor=Actor("测试", "终端", summary.office_id),
                flt=BusinessFilter(office_id=summary.office_id),
                path=tmp_path / "out" / "c.xlsx",
                progress=cancel_at_2000,
            )
        assert session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "export")).first() is None
    assert seen == [(1000, 2500), (2000, 2500)]
    assert list((tmp_path / "out").iterdir()) == []


def test_an_unwritable_place_is_named_in_chinese(sqlite_engine: Engine, tmp_path: Path) -> None:
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x")
    with Session(sqlite_engine) as session:
        actor, _g, _o = small_office(session)
        session.commit()
        with pytest.raises(ExportFailed, match="无法在「.*不是文件夹」建立文件夹"):
            export_register(
                session=session,
                actor=actor,
                flt=BusinessFilter(office_id=actor.office_id),
                path=blocker / "a.xlsx",
            )


# Pieces


def test_headers_are_the_importers_own_words() -> None:
    for column in FULL_COLUMNS:
        assert match_header(column.header) == column.field, column.header
    assert header_unit("资金数额（元）") == 1
    for column in MASKED_COLUMNS:
        expected = None if column.header in MASKED_HEADERS.values() else column.field
        assert match_header(column.header) == expected, column.header


def test_widths_are_measured_in_terminal_cells() -> None:
    assert shown_width("text", "市场监督管理局") == 14
    assert shown_width("text", "ABC 店") == 6
    assert shown_width("money", 1_250_000) == len("1,250,000")
    assert shown_width("date", date(2019, 5, 3)) == 10
    assert column_width("名称", 3) == 7  # the header (4 cells) plus the filter arrow
    assert column_width("名称", 600) == 50


def test_the_file_always_ends_in_xlsx() -> None:
    assert xlsx_path("市场主体") == Path("市场主体.xlsx")
    assert xlsx_path("a.xls") == Path("a.xlsx")
    assert xlsx_path("a.XLSX") == Path("a.XLSX")
    assert xlsx_path("2024.05.导出") == Path("2024.05.导出.xlsx")
    assert re.fullmatch(r".*/x\.xlsx", str(xlsx_path("~/x")))


def test_the_filter_is_described_in_the_lists_words(session: Session) -> None:
    actor, grids, officers = small_office(session)
    flt = BusinessFilter(
        office_id=actor.office_id,
        text=" 面馆 ",
        status="active",
        kind="individual",
        grid_id=grids["城西片区"],
        officer_id=officers["李强"],
    )
    assert describe_filter(session=session, flt=flt) == (
        "搜索「面馆」；登记状态：存续；主体类型：个体工商户；网格：城西片区；包联干部：李强"
    )
    assert describe_filter(session=session, flt=BusinessFilter(office_id=actor.office_id)) == "全部市场主体"


# A property over generated businesses: whatever a person could have stored comes back unchanged


def valid_id_number(body: str) -> str:
    return body + id_check_char(body)


_visible = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn"))
_words = st.text(_visible, min_size=1, max_size=30)
messy_text = st.one_of(
    _words,
    st.tuples(st.sampled_from(["=", "+", "-", "@", "'", "＝", "＋"]), _words).map("".join),
    st.sampled_from(
        ["鹿城区张记小吃店", "ＡＢＣ１２３　便利店", "　全角空格　", "温州（鹿城）面馆", "_x000D_店"]
    ),
    st.text("温州市鹿城区五马街道解放街面馆有限公司１２３ ", min_size=150, max_size=200),
)
business_values = st.fixed_dictionaries(
    {"name": messy_text},
    optional={
        "operator": messy_text,
        "address": messy_text,
        "id_number": st.sampled_from(["33030219900101123", "11010519491231002", "44030419851231001"]).map(
            valid_id_number
        ),
        "phone": st.sampled_from(["13812345678", "0577-88881234", "0577-8888123转12", "19912345678"]),
        "registered_on": st.dates(min_value=date(1980, 1, 1), max_value=date(2030, 12, 31)),
        "capital": st.integers(min_value=0, max_value=10**12),
        "employees": st.integers(min_value=0, max_value=100_000),
        "kind": st.sampled_from(["individual", "enterprise", "cooperative"]),
        "composition": st.sampled_from(["个人经营", "家庭经营"]),
        "status": st.sampled_from(["active", "revoked", "deregistered", "moved_out", "other"]),
        "suspended": st.booleans(),
        "industry_code": st.sampled_from(["5223", "6210", "F", "52", "8030"]),
        "reg_no": st.sampled_from(["浙温鹿工商字第{:05d}号", "3303020{:08d}"]),
    },
)
_offices = itertools.count(1)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(businesses=st.lists(business_values, min_size=1, max_size=6))
def test_any_stored_business_exports_and_reads_back_unchanged(
    sqlite_engine: Engine,
    tmp_path: Path,
    businesses: list[dict[str, Any]],
) -> None:
    with Session(sqlite_engine) as session:
        actor, _grids, _officers = small_office(session, f"第{next(_offices)}所")
        for serial, data in enumerate(businesses, start=1):
            data = {**data, "uscc": uscc(serial)}
            if "reg_no" in data:  # a 注册号 is one business's: the importer flags a repeat in the file
                data["reg_no"] = data["reg_no"].format(serial)
            try:
                with session.begin_nested():
                    add(session, actor, **data)
            except ValidationFailed:
                continue  # what the form refuses is never stored, so never exported
        session.commit()
        result = export_register(
            session=session,
            actor=actor,
            flt=BusinessFilter(office_id=actor.office_id, sort="name"),
            path=tmp_path / f"p{actor.office_id}.xlsx",
            full_personal_data=True,
        )
        assert read_back(result.path) == stored_rows(session, actor.office_id)


def test_openpyxl_reads_workbooks_through_defusedxml() -> None:
    """Declared in pyproject: hostile XML (entity expansion) in an incoming workbook cannot blow up memory."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_more_rows_than_a_sheet_holds_is_refused_before_writing(
    sqlite_engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import imports.export

    monkeypatch.setattr(imports.export, "MAX_ROWS", 2)
    with Session(sqlite_engine) as session:
        actor, _g, _o = small_office(session)
        for name in ("甲店", "乙店", "丙店"):
            add(session, actor, name=name)
        session.commit()
        with pytest.raises(ExportFailed, match="有 3 户，超过 Excel 一个工作表的上限（2 行）"):
            export_register(
                session=session,
                actor=actor,
                flt=BusinessFilter(office_id=actor.office_id),
                path=tmp_path / "big.xlsx",
            )
    assert not (tmp_path / "big.xlsx").exists()
