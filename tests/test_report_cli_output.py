"""The `-o` writer entry of `workbench report monthly` (issue 18): a file, a folder, and the refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from report_samples import wuma_report

from imports.report_workbook import read_report_machine_sheet
from workbench.cli_report_output import write_report_output


def test_the_workbook_is_written_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = write_report_output(wuma_report(), tmp_path / "月报-2026-10.xlsx")
    assert written == tmp_path / "月报-2026-10.xlsx"
    assert read_report_machine_sheet(written).period == "2026-10"
    assert capsys.readouterr().out.strip() == (
        f"已写出 五马市场监管所 2026-10 月报（第 1 次出具，本所口径 v1）：{written}"
    )


def test_a_folder_gets_the_default_name_and_a_draft_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = write_report_output(wuma_report(issue_number=0, issued_at=None), tmp_path)
    assert written == tmp_path / "月报-五马市场监管所-2026-10.xlsx" and written.is_file()
    assert "草稿，尚未出具" in capsys.readouterr().out


def test_a_name_that_is_no_workbook_and_a_failed_write_are_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit):
        write_report_output(wuma_report(), tmp_path / "月报.csv")
    assert capsys.readouterr().err.strip() == "月报文件「月报.csv」应以 .xlsx 结尾，如 -o 月报-2026-10.xlsx"
    (tmp_path / "文件").write_text("不是文件夹")
    with pytest.raises(typer.Exit):
        write_report_output(wuma_report(), tmp_path / "文件" / "月报.xlsx")
    error = capsys.readouterr().err.strip()
    assert error.startswith("文件未能保存：") and "Traceback" not in error
    assert not (tmp_path / "月报.csv").exists()
