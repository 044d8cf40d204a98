"""Export then import = no changes, as the import's own dry run (imports.plan.plan_import) sees it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from test_export import FORMULA_NAMES, ID_NUMBER, add, small_office

from imports.export import export_register
from imports.plan import RowKind, plan_import
from storage.audit import Actor
from storage.queries import BusinessFilter
from storage.tables import Business
from workbench.services.demo import build_demo


def test_a_register_exported_and_dry_run_back_is_unchanged_row_for_row(
    engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        actor, grids, officers = small_office(session)
        add(
            session,
            actor,
            name="鹿城区张记小吃店",
            operator="张伟",
            id_number=ID_NUMBER,
            phone="13812345678",
            address="五马街 12 号",
            registered_on="2019-05-03",
            capital="12.5万元",
            employees="3",
            industry_code="5223",
            grid_id=grids["城东片区"],
            officer_id=officers["王芳"],
            composition="个人经营",
            reg_no="330302000003031",
            status="active",
            suspended=True,
        )
        add(
            session,
            actor,
            name="温州市瓯江贸易有限公司",
            kind="enterprise",
            phone="0577-88881234",
            status="revoked",
            industry_code="F",
        )
        for name in FORMULA_NAMES:
            add(session, actor, name=name, operator="-", address="@")
        session.commit()
        for full in (True, False):
            result = export_register(
                session=session,
                actor=actor,
                flt=BusinessFilter(office_id=actor.office_id),
                path=tmp_path / f"{full}.xlsx",
                full_personal_data=full,
            )
            plan = plan_import(engine, result.path, actor=actor)
            assert plan.counts[RowKind.UNCHANGED] == result.rows == 2 + len(FORMULA_NAMES), full
            assert plan.rows_read == result.rows and plan.problem_count() == 0


def test_a_demo_register_exported_and_dry_run_back_is_all_unchanged(engine: Engine, tmp_path: Path) -> None:
    """Including the demo's GB/T 4754-2011 codes: those whose name is the same in 2017 read back as 2017,
    and the dry run does not count that as a change (imports.diffing)."""
    summary = build_demo(engine, size=300, seed=3, today=date(2025, 6, 1))
    actor = Actor("测试", "测试终端", summary.office_id)
    with Session(engine) as session:
        result = export_register(
            session=session,
            actor=actor,
            flt=BusinessFilter(office_id=summary.office_id),
            path=tmp_path / "demo.xlsx",
            full_personal_data=True,
        )
        old_codes = session.exec(select(Business).where(col(Business.industry_code_version) == "2011")).all()
    assert old_codes, "the demo holds 2011 codes: the case this test is about"
    plan = plan_import(engine, result.path, actor=actor)
    assert plan.counts[RowKind.UNCHANGED] == plan.rows_read == result.rows == 300
