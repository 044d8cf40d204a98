"""Helpers for the tests of the lists other departments send (经营数据, 许可证): real xlsx and CSV files in
the shapes those systems export (a merged title row with the unit, a two-row header, a GBK CSV), and
households of a real-looking register. No tests live here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from import_helpers import existing, uscc
from sqlalchemy import Engine, text
from sqlmodel import Session

from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services.classification import load_rules
from workbench.services.classification_recompute import recompute


def rules() -> LoadedRules[TierRules]:
    """The shipped classification rules (no office override)."""
    loaded, problem = load_rules(None)
    assert problem is None
    return loaded


def households(engine: Engine, actor: Actor, serials: Sequence[int]) -> dict[int, str]:
    """Households 鹿城区第N号水果店 (registered 2019-05-03, no industry code), classified once as the office's
    register would be before any figures came in: serial -> uuid."""
    made = {serial: existing(engine, actor, serial) for serial in serials}
    with Session(engine) as session:
        recompute(session, actor=actor, rules=rules(), today=date.today())
        session.commit()
    return made


def write_sheet(
    path: Path, header: Sequence[Any], rows: Sequence[Sequence[Any]], *, title: str | None = None,
    upper: Sequence[tuple[str, int, int]] = (), sheet: str = "Sheet1",
) -> Path:  # fmt: skip
    """An xlsx: a title merged across the header's width (unless None), an optional upper header row of merged
    groups (text, first column, last column; 1-based), the header, the rows."""
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    if title is not None:
        worksheet.append([title])
        worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    if upper:
        line = worksheet.max_row + 1 if title is not None else 1
        for text_, first, last in upper:
            worksheet.cell(line, first, text_)
            if last > first:
                worksheet.merge_cells(start_row=line, start_column=first, end_row=line, end_column=last)
    worksheet.append(list(header))
    for values in rows:
        worksheet.append([None if value == "" else value for value in values])
    workbook.save(path)
    return path


def write_gbk_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """A CSV in GBK, as a tax office's Windows export writes it."""
    lines = [",".join(header), *(",".join(str(value) for value in values) for values in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def tier_of(engine: Engine, business_uuid: str) -> tuple[str | None, str]:
    """The business's computed tier and its explanation."""
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT r.tier, r.explanation FROM classification_result r JOIN business b ON b.id = r.business_id "
                 "WHERE b.uuid = :uuid"), {"uuid": business_uuid},
        ).one()  # fmt: skip
    return found[0], str(found[1])


def figures_of(engine: Engine, serial: int) -> list[tuple[Any, ...]]:
    """(year, revenue, tax_paid, employees, insured_staff, version, source) of a household's stored years."""
    with engine.connect() as connection:
        return [tuple(found) for found in connection.execute(
            text("SELECT y.year, y.revenue, y.tax_paid, y.employees, y.insured_staff, y.version, y.source "
                 "FROM year_figures y JOIN business b ON b.id = y.business_id "
                 "WHERE b.uscc = :code AND y.deleted_at IS NULL ORDER BY y.year"), {"code": uscc(serial)},
        )]  # fmt: skip


def table_state(engine: Engine) -> dict[str, Any]:
    """Everything a list import may touch: year figures, licences, classification results, change log."""
    with engine.connect() as connection:
        return {
            "year_figures": connection.execute(text(
                "SELECT uuid, version, year, revenue, tax_paid, employees, insured_staff, deleted_at "
                "FROM year_figures ORDER BY uuid")).all(),
            "license": connection.execute(text(
                "SELECT uuid, version, number, kind, status, issued_on, expires_on, renews_uuid FROM license "
                "ORDER BY uuid")).all(),
            "classification": connection.execute(text(
                "SELECT business_id, tier, version FROM classification_result ORDER BY business_id")).all(),
            "change_log": connection.execute(text("SELECT count(*) FROM change_log")).scalar_one(),
        }  # fmt: skip
