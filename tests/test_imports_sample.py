"""The messy sample workbook that bench/import_parse.py times is messy in the ways real lists are."""

from __future__ import annotations

from pathlib import Path

from imports.parse import parse_register_file
from imports.sample_register import write_messy_xlsx


def test_the_sample_workbook_is_messy_in_the_expected_ways(tmp_path: Path) -> None:
    path = write_messy_xlsx(tmp_path / "messy.xlsx", 2000, seed=3)
    parsed = parse_register_file(path)
    rows = list(parsed.rows)
    assert parsed.header_rows == (3,) and len(rows) == 2000
    reasons = " ".join(problem.reason for row in rows for problem in row.problems)
    assert "科学计数法" in reasons and "校验位" in reasons and "文件中重复出现" in reasons
    assert sum(row.valid for row in rows) > 1800
    assert any("reg_no" in row.values for row in rows) and any(row.values.get("suspended") for row in rows)
