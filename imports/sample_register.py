"""A messy registration list like the county system's, for tests, benchmarks and trying the import wizard.

Title and note rows above the header, codes as text and as damaged numbers, dates as real dates, serials
and five text styles, money in 万元 and 元, status synonyms, full-width spaces and repeats. Rows depend
only on (count, seed, and the grid and officer names given). `workbench demo --sample-register` writes one
with the demo office's grids and officers, for a newcomer to try the import on.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from workbench.domain.identifiers import id_check_char, regno15_check_digit, uscc_check_char

TITLE = "2024年鹿城区个体工商户登记名录"
HEADERS = (
    "序号", "统一社会信用代码", "注册号", "个体工商户名称", "经营者", "身份证号", "联系电话", "经营场所", "成立日期",
    "登记状态", "行业代码", "所属行业", "资金数额（万元）", "从业人员", "组成形式", "所属网格", "包联干部", "登记机关",
    "备注",
)
HEADER_ROW = 3
GRID_COLUMN = HEADERS.index("所属网格")
OFFICER_COLUMN = HEADERS.index("包联干部")
_OFFICERS = ("陈晓东", "林丽丽", "王建国")
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高郑"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"
_SHOPS = ("水果店", "便利店", "小吃店", "理发店", "五金店", "服装店", "早餐店", "烟酒店", "面馆", "副食品店")
_STREETS = ("五马街道解放街", "松台街道府前街", "南汇街道锦江路", "七都街道樟里路", "滨江街道江滨西路")
_STATUSES = ("存续", "存续", "存续", "在业", "开业", "存续（在营、开业、在册）", "注销", "吊销，未注销", "歇业")
_INDUSTRIES = (("5223", "果品、蔬菜零售", "零售业"), ("5213", "便利店零售", "零售业"), ("6210", "正餐服务", "餐饮业"),
               ("8040", "理发及美容服务", "居民服务业"), ("5281", "五金零售", "零售业"),
               ("5232", "服装零售", "零售业"), ("6291", "小吃服务", "餐饮业"), ("5227", "烟草制品零售", "零售业"))
_DATE_STYLES = ("{y}年{m}月{d}日", "{y}/{m}/{d}", "{y}{m:02d}{d:02d}", "{y}.{m}.{d}", "{y}-{m:02d}-{d:02d}")
_FIRST_DAY = date(1995, 1, 1)
_EPOCH = date(1899, 12, 30)


def messy_rows(
    count: int, seed: int = 0, *, grids: tuple[str, ...] = (), officers: tuple[str, ...] = ()
) -> Iterator[list[Any]]:
    """`count` data rows under HEADERS; roughly 1 in 200 repeats an earlier code. 所属网格 and 包联干部 are
    the given names (else 五马网格1-12 and three officers no office has); the same random draws either way."""
    rng = random.Random(seed)
    codes: list[str] = []
    for number in range(1, count + 1):
        row = _row(rng, number, codes)
        if grids:
            row[GRID_COLUMN] = grids[int(str(row[GRID_COLUMN]).removeprefix("五马网格")) % len(grids)]
        if officers:
            row[OFFICER_COLUMN] = officers[_OFFICERS.index(row[OFFICER_COLUMN]) % len(officers)]
        yield row


def write_messy_xlsx(
    path: str | Path, count: int, seed: int = 0, *, grids: tuple[str, ...] = (), officers: tuple[str, ...] = ()
) -> Path:
    """Write the list with xlsxwriter (constant memory): title in merged A1, a note in A2, header in row 3."""
    import xlsxwriter  # development dependency: only tests and benchmarks write sample files

    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("登记名录")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, TITLE, workbook.add_format({"bold": True, "align": "center"}))
    sheet.write_string(1, 0, f"导出时间：2024-05-01　共 {count} 户")
    sheet.write_row(HEADER_ROW - 1, 0, HEADERS)
    for offset, row in enumerate(messy_rows(count, seed, grids=grids, officers=officers)):
        for column, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(HEADER_ROW + offset, column, value, date_format)
            elif value != "":
                sheet.write(HEADER_ROW + offset, column, value)
    workbook.close()
    return path


def _row(rng: random.Random, number: int, codes: list[str]) -> list[Any]:
    surname, given = rng.choice(_SURNAMES), "".join(rng.choices(_GIVEN, k=rng.choice((1, 2))))
    uscc, reg_no = _codes(rng, codes)
    code, trade, division = rng.choice(_INDUSTRIES)
    name = f"鹿城区{surname}{given}{rng.choice(_SHOPS)}"
    return [
        float(number), uscc, reg_no, f"　{name} " if rng.random() < 0.05 else name, surname + given,
        _id_number(rng), _phone(rng), f"温州市鹿城区{rng.choice(_STREETS)}{rng.randint(1, 400)}号",
        _registered(rng), rng.choice(_STATUSES), _industry_code(rng, code), rng.choice((trade, division, "")),
        _capital(rng), rng.choice((1.0, 2.0, 3.0, "2人", "", 5.0)), rng.choice(("个人经营", "家庭经营")),
        f"五马网格{rng.randint(1, 12)}", rng.choice(_OFFICERS), "温州市鹿城区市场监督管理局",
        "" if rng.random() < 0.9 else "补录",
    ]


def _codes(rng: random.Random, codes: list[str]) -> tuple[Any, Any]:
    roll = rng.random()
    if codes and roll < 0.005:
        return rng.choice(codes), ""
    if roll < 0.05:
        body = "330302" + "6" + "".join(rng.choices("0123456789", k=7))
        reg_no = body + regno15_check_digit(body)
        return "", float(reg_no) if roll < 0.02 else reg_no
    body = "92330302MA" + "".join(rng.choices(_CODE_CHARS, k=7))
    code = body + uscc_check_char(body)
    codes.append(code)
    if roll < 0.07:
        digits = "92330302" + "".join(rng.choices("0123456789", k=10))
        return float(digits), ""  # a code typed into a number cell: Excel keeps 15 digits
    if roll < 0.08:
        return code[:-1] + ("0" if code[-1] != "0" else "1"), ""
    return code, ""


def _id_number(rng: random.Random) -> Any:
    born = _FIRST_DAY - timedelta(days=rng.randint(7000, 20000))
    body = f"330302{born:%Y%m%d}{rng.randint(0, 999):03d}"
    code = body + id_check_char(body)
    return float(code[:15]) * 1000 if rng.random() < 0.02 else code  # Excel keeps 15 digits


def _phone(rng: random.Random) -> Any:
    mobile = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
    roll = rng.random()
    if roll < 0.3:
        return float(mobile)
    if roll < 0.4:
        return f"0577-{rng.randint(55_000_000, 89_999_999)}"
    return mobile


def _registered(rng: random.Random) -> Any:
    day = _FIRST_DAY + timedelta(days=rng.randint(0, 10_000))
    roll = rng.random()
    if roll < 0.5:
        return day
    if roll < 0.6:
        return float((day - _EPOCH).days)
    return rng.choice(_DATE_STYLES).format(y=day.year, m=day.month, d=day.day)


def _industry_code(rng: random.Random, code: str) -> Any:
    roll = rng.random()
    if roll < 0.5:
        return code
    if roll < 0.7:
        return float(code)
    if roll < 0.85:
        return "F" + code
    return ""


def _capital(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.4:
        return float(rng.choice((1, 2, 3, 5, 8, 10)))
    if roll < 0.6:
        return rng.choice((12.35, 0.5, 1.25, 3.3))
    if roll < 0.75:
        return f"{rng.choice((2, 5, 8))}万元"
    if roll < 0.9:
        return f"{rng.choice((20_000, 50_000, 120_000)):,}元"
    return ""
