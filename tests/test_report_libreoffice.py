"""The monthly report opens in LibreOffice Calc and prints as it should (issue 18): converted headlessly to PDF,
whose text (pdftotext) holds the title, the key figures and every sheet, on A4 landscape pages, one page wide,
with the header row repeated on the 明细 sheet's second page.

LibreOffice and poppler-utils come from the system packages: scripts/_setup.sh (wb_ensure_office) installs
them where it can. Without them the test is skipped on a developer's machine and fails in CI, like the
PostgreSQL tests. A workbook LibreOffice had to repair would not convert headlessly (there is no one to
answer the prompt): a PDF with every sheet in it is the evidence that it opened cleanly.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pg_server import pg_required
from report_samples import wuma_report

from imports.report_merge_sheet import merge_report_files
from imports.report_workbook import write_monthly_report

TOOLS = ("soffice", "pdftotext", "pdfinfo")
CONVERT_TIMEOUT = 300  # seconds: a hung LibreOffice must not hang the suite (not a speed requirement)
A4_LANDSCAPE = re.compile(r"Page\s+\d+ size:\s+841\.\d+ x 595\.\d+ pts \(A4\)")


def printed_pages(workbook: Path) -> list[str]:
    """The workbook printed to PDF by LibreOffice, as the text of each page (every page checked A4 landscape)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"LibreOffice / poppler-utils missing ({', '.join(missing)}): scripts/_setup.sh installs them"
        if pg_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    folder = workbook.parent
    # Its own profile folder: parallel runs (and a person's open LibreOffice) do not share a lock.
    profile = (folder / f"profile-{workbook.stem}").as_uri()
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(folder), str(workbook)],
        capture_output=True, text=True, timeout=CONVERT_TIMEOUT,
    )
    pdf = workbook.with_suffix(".pdf")
    assert result.returncode == 0 and pdf.is_file(), result.stdout + result.stderr
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert len(A4_LANDSCAPE.findall(info)) == pages, info  # every page A4, wider than tall
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:pages]


@pytest.fixture(scope="module")
def pdf_pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("libreoffice")
    return printed_pages(write_monthly_report(wuma_report(), folder / "月报-2026-10.xlsx"))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_title_and_key_figures_are_in_the_pdf(pdf_pages: list[str]) -> None:
    first = pdf_pages[0]
    assert "五马市场监管所 2026年10月 市场主体月报" in first
    for figure in ("12,846", "142", "1,286,500.50", "73.1%", "70.0%", "58.6%", "60.0%", "94.5%"):
        assert figure in first, figure
    for word in ("达标", "未达标", "暂无数据", "缺少合作社 2025 年度年报数据", "第 1 页，共"):
        assert word in first, word


def test_every_sheet_is_printed_and_the_machine_sheet_is_not(pdf_pages: list[str]) -> None:
    text = "".join(pdf_pages)
    for title in ("分网格实有户数与新设注销", "分干部包联与服务情况", "三型分布与本月变动", "帮扶措施（按类型）",
                  "诉求受理与办结", "本月新设、注销、个转企、首贷户明细", "图表数据", "口径说明（本所口径 v1）"):
        assert title in text, title
    assert "12,846" in text and "校验码" not in text and "workbench-monthly-report" not in text
    # The definitions are printed whole: the last words of the longest one are on the page.
    assert "计为存活" in _squeezed(text)


def test_the_charts_print_on_the_second_page(pdf_pages: list[str]) -> None:
    charts = _squeezed(pdf_pages[1])
    assert "新设与注销" in charts and "三型分布" in charts and "诉求按时办结" in charts
    assert "五马市场监管所2026年10月市场主体月报" in charts  # the title lines repeat on every page


def test_a_long_table_repeats_its_header_and_keeps_every_column_on_the_page(pdf_pages: list[str]) -> None:
    detail_pages = [page for page in pdf_pages if "鹿城区五马街道" in page]
    assert len(detail_pages) >= 2  # 40 rows do not fit one landscape page
    for page in detail_pages:
        # Header repeated, and the first and last columns on the same page: fitted to the width.
        assert "统一社会信用代码" in page and "类别" in page and "首贷金额" in page
    assert "330302600000000" in detail_pages[0]  # a code is printed whole, not as 3.30302E+14
    assert "2026-10-01" in detail_pages[0]


def test_the_county_merge_prints_too(tmp_path: Path) -> None:
    other = wuma_report(office_code="330302-NH", office_name="南汇市场监管所")
    files = [write_monthly_report(wuma_report(), tmp_path / "月报-五马.xlsx"),
             write_monthly_report(other, tmp_path / "月报-南汇.xlsx")]
    merge_report_files(files, tmp_path / "汇总.xlsx")
    pages = printed_pages(tmp_path / "汇总.xlsx")
    first = pages[0]
    assert "2026年10月 各所市场主体月报汇总" in first
    assert "五马市场监管所" in first and "南汇市场监管所" in first
    assert "25,692" in first  # 实有户数 12,846 twice
    assert "口径说明（本所口径 v1）" in "".join(pages)
