"""Helpers for the import tests: an office with grids and officers, and small registration lists as real
xlsx files (a title row above the header, as the county system writes them). No tests live here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from storage.audit import Actor
from storage.tables import Business, ChangeLog
from storage.tables_imports import ImportRecord
from workbench.domain.identifiers import uscc_check_char
from workbench.services import office as office_service
from workbench.services.office import set_up_office
from workbench.services.register import create_business

HEADER = [
    "统一社会信用代码",
    "注册号",
    "名称",
    "经营者",
    "经营场所",
    "成立日期",
    "登记状态",
    "联系电话",
    "所属网格",
    "包联干部",
    "资金数额（万元）",
    "从业人员",
]
GRIDS = ["五马片区", "府前片区"]
OFFICERS = ["陈晓东", "林丽丽"]


def uscc(serial: int, prefix: str = "92330302MA") -> str:
    body = f"{prefix}{serial:07d}"
    return body + uscc_check_char(body)


def row(serial: int, changes: dict[str, Any] | None = None) -> list[Any]:
    """A valid data row in HEADER order; `changes` replaces cells by header."""
    values: dict[str, Any] = {
        "统一社会信用代码": uscc(serial),
        "注册号": "",
        "名称": f"鹿城区第{serial}号水果店",
        "经营者": f"王{serial}",
        "经营场所": f"五马街{serial}号",
        "成立日期": date(2019, 5, 3),
        "登记状态": "存续",
        "联系电话": "13812345678",
        "所属网格": "五马片区",
        "包联干部": "陈晓东",
        "资金数额（万元）": 5,
        "从业人员": 2,
    }
    values.update(changes or {})
    return [values[header] for header in HEADER]


def write_list(
    path: Path,
    rows: Sequence[Sequence[Any]],
    header: Sequence[str] = HEADER,
    title: str | None = "2024年鹿城区个体工商户登记名录",
    sheet: str = "名录",
) -> Path:
    """An xlsx written by openpyxl: a merged title row (unless None), the header, the rows."""
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    if title is not None:
        worksheet.append([title])
        worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    worksheet.append(list(header))
    for values in rows:
        worksheet.append([None if value == "" else value for value in values])
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                cell.data_type = "s"
    workbook.save(path)
    return path


def office(engine: Engine, name: str = "五马市场监管所") -> Actor:
    with Session(engine) as session:
        office_id = set_up_office(session=session, name=name, officer_names=OFFICERS, grid_names=GRIDS)
        session.commit()
    return Actor(who="陈晓东", device="测试终端", office_id=office_id)


def existing(engine: Engine, actor: Actor, serial: int, **values: Any) -> str:
    """A business created through the register service, as the values row(serial) imports."""
    with Session(engine) as session:
        grid = office_service.grids(session=session, office_id=actor.office_id)[0].id
        officer = office_service.officers(session=session, office_id=actor.office_id)[0].id
        data = {
            "uscc": uscc(serial),
            "name": f"鹿城区第{serial}号水果店",
            "operator": f"王{serial}",
            "address": f"五马街{serial}号",
            "registered_on": date(2019, 5, 3),
            "status": "active",
            "phone": "13812345678",
            "grid_id": grid,
            "officer_id": officer,
            "capital": 50_000,
            "employees": 2,
        }
        business = create_business(session=session, actor=actor, data=data | values)
        session.commit()
        return business.uuid


def snapshot(engine: Engine) -> dict[str, Any]:
    """Everything an import could touch: business rows (uuid, version, values), change log and record counts."""
    with engine.connect() as connection:
        businesses = connection.execute(
            text(
                "SELECT uuid, version, name, operator, phone, address, status, capital FROM business ORDER BY uuid"
            )
        ).all()
        logs = connection.execute(select(func.count()).select_from(ChangeLog)).scalar_one()
        records = connection.execute(select(func.count()).select_from(ImportRecord)).scalar_one()
    return {"businesses": [tuple(item) for item in businesses], "change_log": logs, "import_record": records}


def business_by_code(engine: Engine, code: str) -> Business:
    with Session(engine) as session:
        business = session.exec(sqlmodel_select(Business).where(col(Business.uscc) == code)).one()
        session.expunge(business)
        return business


def cli_office(url: str) -> str:
    """An office made as a person makes one, with `workbench init`: one officer (陈晓东) and one grid (五马片区)."""
    from typer.testing import CliRunner

    from workbench import cli

    made = CliRunner().invoke(cli.app, ["--db", url, "init", "--office", "五马市场监管所", "--officer", "陈晓东",
                                        "--grid", "五马片区"])  # fmt: skip
    assert made.exit_code == 0, made.output
    return url


def one_value(url: str, sql: str) -> Any:
    """The single value `sql` answers, on a fresh engine of `url` (what a second window would read)."""
    from storage.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()
