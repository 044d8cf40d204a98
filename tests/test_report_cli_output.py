"""The `-o` writer entry of `workbench report monthly` (issue 18): the workbook written and logged as an export,
a folder, a CSV name and a failed write; on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from report_samples import wuma_report
from service_world import make_world
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from imports.report_workbook import read_report_machine_sheet
from storage.audit import Actor
from storage.tables import ChangeLog
from workbench.cli_report_output import write_report_output


@pytest.fixture
def actor(engine: Engine) -> Actor:
    with Session(engine) as session:
        world = make_world(session)
        session.commit()
        return world.actor


def _exports(engine: Engine) -> list[ChangeLog]:
    with Session(engine) as session:
        return list(session.exec(select(ChangeLog).where(col(ChangeLog.entity) == "export")).all())


def test_the_workbook_is_written_logged_and_said(
    engine: Engine, actor: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = write_report_output(engine, actor, wuma_report(), tmp_path / "月报-2026-10.xlsx")
    assert written == tmp_path / "月报-2026-10.xlsx"
    assert read_report_machine_sheet(written).period == "2026-10"
    assert capsys.readouterr().out.strip() == (
        f"已写出 五马市场监管所 2026-10 月报（第 1 次出具，本所口径 v1）：{written}"
    )
    logged = _exports(engine)
    assert len({row.entity_uuid for row in logged}) == 1 and {row.who for row in logged} == {"张伟"}
    assert {row.new for row in logged if row.field == "file"} == {"月报-2026-10.xlsx"}


def test_a_folder_gets_the_default_name_and_a_draft_says_so(
    engine: Engine, actor: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = write_report_output(engine, actor, wuma_report(issue_number=0, issued_at=None), tmp_path)
    assert written == tmp_path / "月报-五马市场监管所-2026-10.xlsx" and written.is_file()
    assert "草稿，尚未出具" in capsys.readouterr().out


def test_a_csv_name_and_a_failed_write_are_one_sentence_and_leave_nothing(
    engine: Engine, actor: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit):
        write_report_output(engine, actor, wuma_report(), tmp_path / "月报.csv")
    assert capsys.readouterr().err.strip() == (
        "导出未完成：月报含图表和多张表，不能写成 CSV：请把「月报.csv」改为以 .xlsx 结尾的文件名"
    )
    (tmp_path / "文件").write_text("不是文件夹")
    with pytest.raises(typer.Exit):
        write_report_output(engine, actor, wuma_report(), tmp_path / "文件" / "月报.xlsx")
    error = capsys.readouterr().err.strip()
    assert error.startswith("导出未完成：") and "Traceback" not in error
    assert not [path for path in tmp_path.iterdir() if "月报" in path.name or path.suffix == ".part"]
    assert _exports(engine) == []
