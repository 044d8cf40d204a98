"""Issue 19: `workbench sync apply 外业包.xlsx [--dry-run]` for a field package edited by hand, as a person
types it at the office; and what the reader makes of a workbook a person has rearranged (uuid column gone,
a uuid cleared, a row copied, a sheet deleted, a name changed, a 删除 mark). Real files, SQLite office."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session
from sync_hand_edit import add_column, add_row, column, put, row_of, saved_by_libreoffice
from sync_laptops import business_values, rows_of
from sync_world import SyncWorld, make_sync_world
from test_sync_packages import make_package
from typer.testing import CliRunner

from imports.sync_hand import read_edited_field_package
from storage.engine import make_engine
from workbench import cli
from workbench.domain.sync_model import RowProblem

runner = CliRunner()


@pytest.fixture
def office(sqlite_engine: Engine) -> SyncWorld:
    with Session(sqlite_engine) as session:
        return make_sync_world(session)


def test_sync_apply_reads_a_hand_edited_package(sqlite_template: Path, tmp_path: Path) -> None:
    database = tmp_path / "office.db"
    shutil.copyfile(sqlite_template, database)
    engine = make_engine(str(database))
    with Session(engine) as session:
        world = make_sync_world(session)
    path = tmp_path / "外业包-张伟.xlsx"
    out = runner.invoke(cli.app, ["--db", str(database), "sync", "out", "--office", "五马市场监管所", "--officer", "张伟",
                                  "-o", str(path)])
    assert out.exit_code == 0, out.output
    book = load_workbook(path)
    businesses = book["市场主体"]
    tea = row_of(businesses, "名称", "阿香奶茶店")
    put(businesses, tea, "联系电话", 13911112222)
    put(businesses, tea, "从业人员", "六")
    visit = add_row(book["走访记录"], {"所属市场主体": "阿香奶茶店", "走访日期": "2026年12月8日", "走访结果": "正常经营"})
    book.save(path)
    apply = ["--db", str(database), "sync", "apply", str(path)]

    preview = runner.invoke(cli.app, [*apply, "--dry-run"])
    assert preview.exit_code == 1, preview.output
    lines = preview.output.splitlines()
    assert lines[0] == "这是在 Excel/WPS 里手工修改过的外业包：按改过的单元格、新加的行和「删除」列标记的行读入。"
    assert lines[1] == "张伟手工修改的外业包共 2 条：新增 1 条，直接更新 1 条；其中 1 处数据有误，整包不会导入，请改正外业包后重新导入"
    assert f"  外业包 市场主体 第{tea}行  市场主体：直接更新（更新 联系电话）" in lines
    assert f"  外业包 走访记录 第{visit}行  走访记录：新增" in lines
    assert f"  错误：外业包 市场主体 第{tea}行「从业人员」的值「六」有误：「六」不是整数" in lines
    assert business_values(engine, world.world.tea_uuid)["phone"] == "13800000001"
    refused = runner.invoke(cli.app, apply)
    assert refused.exit_code == 1
    assert refused.output.splitlines()[-1] == "有单元格读不出或数据有误，整包未导入；请按上面列出的表、行、列改正外业包后重新导入"

    book = load_workbook(path)
    put(book["市场主体"], tea, "从业人员", 6)
    book.save(path)
    done = runner.invoke(cli.app, [*apply, "--officer", "李主任"])
    assert done.exit_code == 0, done.output
    assert "张伟手工修改的外业包已导入，共 2 条：新增 1 条，直接更新 1 条" in done.output
    tea_now = business_values(engine, world.world.tea_uuid)
    assert (tea_now["phone"], tea_now["employees"]) == ("13911112222", 6)
    again = runner.invoke(cli.app, apply)
    assert again.exit_code == 0 and "手工修改的外业包" in again.output and "导入过，本次没有任何更改" in again.output
    calc = saved_by_libreoffice(path, tmp_path / "calc")  # saved again by a real spreadsheet program
    once_more = runner.invoke(cli.app, ["--db", str(database), "sync", "apply", str(calc)])
    assert once_more.exit_code == 0 and "导入过，本次没有任何更改" in once_more.output
    assert rows_of(engine, "SELECT count(*) AS n FROM visit WHERE visited_on = '2026-12-08'") == [{"n": 1}]
    engine.dispose()


def test_an_untouched_package_saved_by_libreoffice_brings_nothing(
    sqlite_engine: Engine, office: SyncWorld, tmp_path: Path
) -> None:
    calc = saved_by_libreoffice(make_package(sqlite_engine, office, tmp_path), tmp_path / "calc")
    package = read_edited_field_package(calc)
    assert (package.changes, package.problems, package.notices) == ((), (), ())


def test_what_a_person_did_to_the_rows_and_columns(sqlite_engine: Engine, office: SyncWorld, tmp_path: Path) -> None:
    w = office.world
    path = make_package(sqlite_engine, office, tmp_path)
    book = load_workbook(path)
    businesses = book["市场主体"]
    noodle = row_of(businesses, "名称", "老街兰州拉面馆")
    tea = row_of(businesses, "名称", "阿香奶茶店")
    put(businesses, tea, "包联干部", "单丽")  # reassigned by name
    put(businesses, noodle, "所属网格", "")  # a cleared name: not read as taking the grid away
    copied = add_row(businesses, {header: businesses.cell(noodle, column(businesses, header)).value
                                  for header in ("名称", "经营者", "uuid", "version")})  # a row copied whole
    cleared = add_row(businesses, {"名称": "没有uuid的店", "version": 1})  # a uuid wiped, its version left
    add_column(businesses, "删除")
    put(businesses, noodle, "删除", "也许")
    del book["许可证"]  # a whole sheet removed
    put(businesses, 1, "联系电话", "电话")  # a header renamed
    add_column(businesses, "我的备注")  # a column of the person's own
    visits = book["走访记录"]
    visits.delete_cols(column(visits, "uuid"))  # the uuid column removed
    book.save(path)

    package = read_edited_field_package(path)
    with sqlite_engine.connect() as connection:
        shan = connection.exec_driver_sql("SELECT uuid FROM officer WHERE name = '单丽'").scalar_one()
    assert [(c.table, c.uuid, c.values, c.base_version) for c in package.changes] == [
        ("business", w.tea_uuid, {"officer_id": shan}, 1)]
    assert package.problems == (
        RowProblem("市场主体", noodle, "删除", "也许", "「删除」列只填「是」（删除这一行的记录）或留空"),
        RowProblem("市场主体", copied, "uuid", w.noodle_uuid,
                   f"与第{noodle}行的 uuid 相同（复制的行？）：新加的行请把 uuid 和 version 列留空"),
        RowProblem("市场主体", cleared, "uuid", "",
                   "这一行的 uuid 被清空了（version 还在）：请从原来的外业包把它的 uuid 复制回来；新加的行请把 uuid 和 version 都留空"),
        RowProblem("走访记录", 1, "uuid", "", "这张表找不到 uuid 列（被删掉或改了名）：表中的行对不上原来的记录，没有读入；"
                   "请在原来的外业包上修改，不要删除 uuid 列"),
    )
    assert package.notices == (
        "「市场主体」表多了「电话」、「我的备注」列：这些列不是外业包的，没有读入",
        "「市场主体」表少了「联系电话」列（删掉或改了名？）：这些列没有读入，所里的值不变",
        "「许可证」表不见了：这张表没有读入，所里的这些记录不变（删掉整张表不算删除其中的记录）",
    )


def test_a_password_protected_package_edited_by_hand(
    sqlite_engine: Engine, sqlite_url: str, office: SyncWorld, tmp_path: Path
) -> None:
    """Opened in Excel with its password, edited, saved with the password again: `--password` reads it."""
    import io

    import msoffcrypto

    from imports.sync_workbook import encrypt_file

    path = make_package(sqlite_engine, office, tmp_path, password="waiye-2026")
    plain = io.BytesIO()
    document = msoffcrypto.OfficeFile(path.open("rb"))
    document.load_key(password="waiye-2026")
    document.decrypt(plain)
    book = load_workbook(plain)
    businesses = book["市场主体"]
    put(businesses, row_of(businesses, "名称", "阿香奶茶店"), "联系电话", "13911112222")
    book.save(path)
    encrypt_file(path, "waiye-2026")
    database = sqlite_url.removeprefix("sqlite:///")
    refused = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(path), "--dry-run"])
    assert refused.exit_code == 1
    assert "已用密码加密：请用 --password 给出生成它时设的密码" in refused.output
    preview = runner.invoke(cli.app, ["--db", database, "sync", "apply", str(path), "--dry-run",
                                      "--password", "waiye-2026"])
    assert preview.exit_code == 0, preview.output
    assert "市场主体：直接更新（更新 联系电话）" in preview.output
