"""Issue 19: a cell of a hand-edited 外业包 read back as the value meant, whatever Excel, WPS or LibreOffice
did to it when saving (imports.sync_hand_cells). Expected values are worked out by hand: Excel's day numbers
count from 1899-12-30, and the stored codes are the business row's (individual = 个体工商户)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from imports.sync_hand_cells import read_cell
from imports.sync_sheets import LAYOUT_BY_TABLE
from workbench.domain.sync_model import Scalar


def _read(table: str, key: str, cell: Any, base: Scalar = None) -> Scalar:
    layout = LAYOUT_BY_TABLE[table]
    return read_cell(layout, layout.columns_by_key[key], cell, base)


@pytest.mark.parametrize(
    ("table", "key", "cell", "base", "meant"),
    [
        ("business", "phone", 13911112222.0, "13800000001", "13911112222"),  # typed as a number
        ("business", "industry_code", 511.0, "0511", "0511"),  # the same code, its leading zero lost
        ("business", "industry_code", 512.0, "0511", "512"),  # another code (its check is the office's)
        ("business", "registered_on", 43954.0, "2020-05-03", "2020-05-03"),  # a day number, format lost
        ("business", "registered_on", "2020/5/4", "2020-05-03", "2020-05-04"),
        ("business", "registered_on", "2020年5月4日", "2020-05-03", "2020-05-04"),
        ("business", "registered_on", datetime(2020, 5, 3), "2020-05-03", "2020-05-03"),
        ("business", "registered_on", "", "2020-05-03", None),  # cleared
        ("business", "capital", 300000.0, 300000, 300000),
        ("business", "capital", "30万", 300000, 300000),
        ("business", "capital", "1,200,000", 300000, 1200000),
        ("business", "employees", "6", 4, 6),
        ("business", "suspended", False, False, False),  # Excel's FALSE
        ("business", "suspended", 1.0, False, True),  # LibreOffice's TRUE as a number
        ("business", "suspended", "是", False, True),
        ("business", "suspended", "", False, False),
        ("business", "kind", "个体工商户", "individual", "individual"),
        ("business", "kind", "enterprise", "individual", "enterprise"),  # the stored code itself
        ("classification_result", "computed_at", datetime(2026, 11, 1, 8, 0), "2026-11-01T08:00:00",
         "2026-11-01T08:00:00"),
        ("classification_result", "computed_at", "2026-11-01 08:00", "2026-11-01T08:00:17",
         "2026-11-01T08:00:17"),  # the minute Excel shows, saved as shown: unchanged
        ("classification_result", "computed_at", "2026/11/02 08:00", "2026-11-01T08:00:00", "2026-11-02T08:00:00"),
        ("visit", "notes", "门口\r\n杂物", "门口\n杂物", "门口\n杂物"),  # line breaks saved another way
        ("visit", "notes", 12.0, "", "12"),  # a number typed into a text column
        ("license", "expires_on", "2028.2.28", "2027-02-28", "2028-02-28"),
        ("year_figures", "year", 2025.0, 2025, 2025),
    ],
)
def test_a_cell_reads_back_as_meant(table: str, key: str, cell: Any, base: Scalar, meant: Scalar) -> None:
    assert _read(table, key, cell, base) == meant


def test_the_day_numbers_are_excels() -> None:
    assert (date(2020, 5, 3) - date(1899, 12, 30)).days == 43954  # the serial used above


@pytest.mark.parametrize(
    ("table", "key", "cell", "reason"),
    [
        ("business", "registered_on", "明天", "日期「明天」无法识别，请写成 2024-05-03 或 2024年5月3日"),
        ("business", "employees", 6.5, "「6.5」不是整数"),
        ("business", "suspended", "也许", "「也许」不是 是 或 否，请填「是」或「否」"),
        ("business", "kind", "个体户", "「个体户」不是可选的值（可选：个体工商户、企业、农民专业合作社）"),
        ("business", "id_number", 3.30302198001012e17,
         "Excel 把这个号码存成了数字，末几位已丢失：请把单元格设为「文本」后重新输入"),
        ("classification_result", "computed_at", "上午", "时间「上午」无法识别，请写成 2026-12-06 14:30"),
    ],
)
def test_a_cell_that_cannot_be_meant_is_named(table: str, key: str, cell: Any, reason: str) -> None:
    with pytest.raises(ValueError) as problem:
        _read(table, key, cell, "330302********1230" if key == "id_number" else None)
    assert str(problem.value) == reason
