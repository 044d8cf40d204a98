"""帮扶台账 export on both engines: codes as text, formulas defused, only the office's records, logged."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from service_world import make_world
from sqlmodel import Session, col, select
from test_tui_support import uscc

from imports.export import ExportFailed
from imports.support_export import export_support
from storage.tables import ChangeLog
from workbench.services.register import get_business, update_business
from workbench.services.support import SupportFilters, record_support


def test_codes_are_text_formulas_are_defused_and_the_export_is_logged(
    session: Session, tmp_path: Path
) -> None:
    world = make_world(session)
    noodle = get_business(session=session, actor=world.actor, business_uuid=world.noodle_uuid)
    update_business(
        session=session,
        actor=world.actor,
        business_uuid=noodle.uuid,
        base_version=noodle.version,
        changes={"uscc": uscc(7)},
    )
    record_support(
        session,
        actor=world.actor,
        business_uuid=world.noodle_uuid,
        data={
            "kind": "融资/首贷",
            "given_on": "2026-03-05",
            "amount_yuan": "50万",
            "partner": "温州银行",
            "content": '=HYPERLINK("http://x")',
            "officer_id": world.officer_id,
        },
    )
    record_support(
        session,
        actor=world.actor,
        business_uuid=world.tea_uuid,
        data={"kind": "法律服务", "given_on": "2026-04-01", "content": "合同审查"},
    )
    record_support(
        session,
        actor=world.other_actor,
        business_uuid=world.other_uuid,
        data={"kind": "法律服务", "given_on": "2026-04-02", "content": "另一个所的记录"},
    )
    session.commit()
    result = export_support(
        session=session,
        actor=world.actor,
        filters=SupportFilters(),
        description="全部",
        path=tmp_path / "台账",
    )
    assert result.path == tmp_path / "台账.xlsx" and result.rows == 2
    workbook = openpyxl.load_workbook(result.path)
    sheet = workbook["帮扶台账"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == ["法律服务", "融资/首贷"]  # newest first
    loan = rows[1]
    assert loan[3] == uscc(7)
    assert sheet.cell(row=3, column=4).number_format == "@"
    assert loan[6] == 500_000
    assert loan[9] == '=HYPERLINK("http://x")' and sheet.cell(row=3, column=10).data_type == "s"
    assert "另一个所的记录" not in {row[9] for row in rows}
    logged = session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "export")).all()
    assert logged and {row.who for row in logged} == {world.actor.who}
    assert not list(tmp_path.glob(".*.part"))


def test_a_folder_that_cannot_be_made_is_named(session: Session, tmp_path: Path) -> None:
    world = make_world(session)
    blocker = tmp_path / "文件"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ExportFailed, match="无法在"):
        export_support(
            session=session,
            actor=world.actor,
            filters=SupportFilters(),
            description="全部",
            path=blocker / "台账.xlsx",
        )
