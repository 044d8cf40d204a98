"""包联 from the command line, on both engines: a county-style registration list (a real xlsx written here,
not by the demo) imported with --officer and by the office's 地址→网格 table; --reassign; `workbench
assign`; `staff leave --to`; `export --unassigned / --tier`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from storage.engine import make_engine
from workbench import cli, locations
from workbench.domain.identifiers import uscc_check_char

runner = CliRunner()

# A 市场监管局 export as it comes: a merged title, a 序号 column, its own header words, no 网格 / 包联干部.
ADDRESSES = [
    "温州市鹿城区五马街道解放街12号",  # 五马街道 -> 五马东片区 (张伟, 李娜: 张伟 holds fewer)
    "温州市鹿城区五马街道公园路8号",  # 五马街道公园路 (longer) -> 五马西片区 (nobody on duty)
    "温州市鹿城区五马街道府前街3号",  # 五马街道 -> 五马东片区
    "温州市鹿城区松台街道信河街5号",  # 松台街道 -> 松台片区 (王芳)
    "温州市鹿城区七都街道樟里路1号",  # no keyword -> 未分派
    "温州市鹿城区五马街道公园路20号",  # -> 五马西片区
]
TABLE = "# 本所地址→网格表\n关键词,网格\n五马街道,五马东片区\n五马街道公园路,五马西片区\n松台街道,松台片区\n"


def _code(serial: int) -> str:
    body = f"92330302MA{serial:07d}"
    return body + uscc_check_char(body)


def county_list(path: Path, serials: range) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "新设立个体工商户"
    sheet.append(["鹿城区2026年11月新设立个体工商户名单（截至11月30日）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    sheet.append(["序号", "主体名称", "统一社会信用代码", "经营者姓名", "经营场所", "成立日期", "登记机关"])
    for serial in serials:
        sheet.append([serial, f"鹿城区小{serial}号面馆", _code(serial), f"陈{serial}",
                      ADDRESSES[(serial - 1) % len(ADDRESSES)], date(2026, 11, serial % 28 + 1), "鹿城区市场监管局"])
    workbook.save(path)
    return path


@pytest.fixture
def database(engine_url: str) -> str:
    made = runner.invoke(cli.app, ["--db", engine_url, "init", "--office", "五马市场监管所", "--officer", "所长",
                                   "--grid", "五马东片区", "--grid", "五马西片区", "--grid", "松台片区"])
    assert made.exit_code == 0, made.output
    for args in (["staff", "add", "张伟", "--grid", "五马东片区"], ["staff", "add", "李娜", "--grid", "五马东片区"],
                 ["staff", "add", "王芳", "--grid", "松台片区"], ["staff", "add", "赵六"]):
        assert runner.invoke(cli.app, ["--db", engine_url, *args]).exit_code == 0
    return engine_url


def _run(database: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, ["--db", database, *args])
    return result.exit_code, result.output


def _owners(database: str) -> dict[str, tuple[str | None, str | None]]:
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT b.name, g.name, o.name FROM business b LEFT JOIN grid g ON g.id = b.grid_id "
                "LEFT JOIN officer o ON o.id = b.officer_id"))  # fmt: skip
            return {name: (grid, officer) for name, grid, officer in rows}
    finally:
        engine.dispose()


def test_a_county_list_goes_to_the_named_officer_and_her_grid(database: str, tmp_path: Path) -> None:
    path = county_list(tmp_path / "新设名单.xlsx", range(1, 5))
    code, output = _run(database, "import", str(path), "--officer", "李娜", "--dry-run", "--json")
    assert code == 0, output
    summary = json.loads(output)
    assert summary["assignment"]["new"] == [{"grid": "五马东片区", "officer": "李娜", "businesses": 4}]
    assert summary["assignment"]["unassigned"] == 0
    code, output = _run(database, "import", str(path), "--officer", "李娜")
    assert code == 0, output
    assert "五马东片区 / 李娜 4 户" in output
    assert set(_owners(database).values()) == {("五马东片区", "李娜")}


def test_the_address_table_assigns_by_the_longest_keyword(database: str, tmp_path: Path) -> None:
    folder = locations.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "address_grids.csv").write_text(TABLE, encoding="utf-8")
    path = county_list(tmp_path / "新设名单.xlsx", range(1, 13))  # two rounds of the six addresses
    code, output = _run(database, "import", str(path), "--dry-run")
    assert code == 0, output
    # Worked out by hand from ADDRESSES: 东 4 (解放街, 府前街 x2) to 张伟 (fewest, first added),
    # 西 4 (公园路 8 / 20 x2) with nobody on duty, 松台 2 to 王芳, 七都 2 unassigned.
    assert "新增 12 户：五马东片区 / 张伟 4 户，松台片区 / 王芳 2 户，五马西片区（网格没有在岗干部）未分派 4 户，" \
           "未分派（按地址未找到本所网格） 2 户" in output
    code, output = _run(database, "import", str(path))
    assert code == 0, output
    owners = _owners(database)
    assert owners["鹿城区小1号面馆"] == ("五马东片区", "张伟")
    assert owners["鹿城区小2号面馆"] == ("五马西片区", None)
    assert owners["鹿城区小4号面馆"] == ("松台片区", "王芳")
    assert owners["鹿城区小5号面馆"] == (None, None)
    # Imported again by someone naming 赵六: existing businesses stay unless --reassign.
    code, output = _run(database, "import", str(path), "--officer", "赵六", "--dry-run")
    assert "登记簿中已有的 12 户保持原网格和干部（要改派请加 --reassign）" in output
    code, output = _run(database, "import", str(path), "--officer", "赵六", "--reassign")
    assert code == 0, output
    assert "登记簿中已有的主体改派 12 户" in output
    assert {officer for _grid, officer in _owners(database).values()} == {"赵六"}


def test_assign_hands_one_officers_businesses_to_another(database: str, tmp_path: Path) -> None:
    path = county_list(tmp_path / "新设名单.xlsx", range(1, 6))
    assert _run(database, "import", str(path), "--officer", "张伟")[0] == 0
    code, output = _run(database, "assign", "--from", "张伟", "--to", "李娜", "--dry-run")
    assert (code, output.strip()) == (0, "将把 5 户从 张伟 改派给 李娜。（预览，未写入。去掉 --dry-run 即可改派。）")
    assert {officer for _grid, officer in _owners(database).values()} == {"张伟"}
    code, output = _run(database, "assign", "--from", "张伟", "--to", "李娜", "--json")
    assert code == 0, output
    assert json.loads(output) | {"sentence": ""} == {
        "dry_run": False, "selected": 5, "changing": 5, "changed": 5, "sentence": ""}
    assert {officer for _grid, officer in _owners(database).values()} == {"李娜"}
    engine = make_engine(database)
    with engine.connect() as connection:
        logged = connection.execute(text(
            "SELECT count(*) FROM change_log WHERE entity = 'business' AND action = 'update' AND field = 'officer_id'"
        )).scalar_one()  # fmt: skip
        versions = {row[0] for row in connection.execute(text("SELECT version FROM business"))}
    engine.dispose()
    assert (logged, versions) == (5, {2})
    assert _run(database, "assign", "--from", "张伟", "--to", "李娜") == (0, "「张伟」名下没有主体，没有要改派的。\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "张三", "--to", "李娜"], "本所没有名为「张三」的干部，本所干部有：所长、张伟、李娜、王芳、赵六"),
        (["--from", "张伟", "--to", "李四"], "本所没有名为「李四」的干部，在岗干部有：所长、张伟、李娜、王芳、赵六"),
        (["--from", "张伟", "--to", "张伟"], "「张伟」与接收的干部是同一人，没有要改派的"),
        (["--from", "张伟"], "请用 --to 给出接收的干部（或用 --to-grid 给出新网格）"),
        (["--from", "张伟", "--to", "李娜", "--grid", "城西片区"], "本所没有网格「城西片区」，现有：五马东片区、五马西片区、松台片区"),
    ],
)
def test_assign_mistakes_get_one_chinese_sentence(database: str, args: list[str], message: str) -> None:
    code, output = _run(database, "assign", *args)
    assert (code, output.strip()) == (1, message)
    assert "Traceback" not in output


def test_a_departed_officer_cannot_take_businesses_and_leave_hands_over(database: str, tmp_path: Path) -> None:
    path = county_list(tmp_path / "新设名单.xlsx", range(1, 4))
    assert _run(database, "import", str(path), "--officer", "张伟")[0] == 0
    assert _run(database, "staff", "leave", "赵六")[0] == 0
    code, output = _run(database, "assign", "--from", "张伟", "--to", "赵六")
    assert (code, output.strip()) == (1, "「赵六」已调离，不能接收改派；请改选在岗干部，或先在「干部与网格」中恢复其在岗")
    code, output = _run(database, "staff", "leave", "张伟", "--to", "王芳")
    assert (code, output.strip()) == (0, "「张伟」已标记为调离，名下 3 户已改派给 王芳")
    code, output = _run(database, "staff", "leave", "王芳", "--unassign")
    assert code == 0 and "名下 3 户现为未分派" in output
    assert set(_owners(database).values()) == {("五马东片区", None)}  # 张伟's grid stays; nobody looks after them
    code, output = _run(database, "export", "-o", str(tmp_path / "未分派.csv"), "--unassigned", "--who", "李娜")
    assert code == 0, output
    assert "已导出 3 户" in output and "包联干部：未分派" in output
    code, output = _run(database, "export", "-o", str(tmp_path / "x.csv"), "--tier", "大型", "--who", "李娜")
    assert code == 1 and "三型「大型」无法识别，可选：生存型、成长型、发展型、未分型" in output


def test_a_broken_address_table_stops_the_import_with_its_line(database: str, tmp_path: Path) -> None:
    folder = locations.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "address_grids.csv").write_text("关键词,网格\n五马街道 五马东片区\n", encoding="utf-8")
    path = county_list(tmp_path / "新设名单.xlsx", range(1, 3))
    code, output = _run(database, "import", str(path))
    assert code == 1 and "Traceback" not in output
    assert "第 2 行「五马街道 五马东片区」应写成「关键词,网格」" in output and "--no-assign" in output
    code, output = _run(database, "import", str(path), "--no-assign")
    assert code == 0 and "新增的 2 户都未分派" in output
