"""A county-wide registration list names each business's 市场监管所 (管辖单位): only this office's rows are imported,
the others are counted and named, and a 管辖单位 that is no office's name is taken as the row's grid. Both engines,
and the CLI's words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_helpers import HEADER, office, row, uscc, write_list
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from imports.commit import commit_import
from imports.plan import RowKind, plan_import
from workbench import cli
from workbench.domain.office_names import is_office_name, office_stem, same_office

COUNTY_HEADER = [*HEADER, "管辖单位"]


def county_rows() -> list[list[object]]:
    """1 and 3 are this office's (two spellings), 2 南郊's, 4 滨江's; 5 names a grid, not an office."""
    units = {1: "五马市场监管所", 2: "南郊市场监管所", 3: "鹿城区五马所", 4: "滨江市场监督管理所", 5: "府前片区"}
    return [[*row(serial, {"所属网格": ""}), unit] for serial, unit in units.items()]


@pytest.mark.parametrize(("listed", "ours"), [
    ("五马市场监管所", True), ("五马所", True), ("鹿城区五马市场监督管理所", True), ("五马工商所", True),
    ("温州市鹿城区市场监督管理局五马市场监管所", True), ("南郊市场监管所", False), ("马所", False), ("", False),
])  # fmt: skip
def test_the_spellings_of_an_office(listed: str, ours: bool) -> None:
    assert same_office(listed, "五马市场监管所") is ours


def test_what_is_an_office_name() -> None:
    assert is_office_name("南郊市场监管所") and is_office_name("瓯海分局") and not is_office_name("府前片区")
    assert office_stem("鹿城区 五马市场监督管理所") == "鹿城区五马"


def test_only_this_offices_rows_of_a_county_list_are_imported(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    path = write_list(tmp_path / "全区新设.xlsx", county_rows(), header=COUNTY_HEADER)
    plan = plan_import(engine, path, actor=actor)
    assert {kind: count for kind, count in plan.counts.items() if count} == {RowKind.NEW: 3, RowKind.OTHER_OFFICE: 2}
    summary = plan.summary_text()
    assert "属于其他所 2 行" in summary
    assert "有 2 行的管辖单位是其他所（南郊市场监管所 1 行、滨江市场监督管理所 1 行），不是本所的市场主体，不会导入" in summary
    left = [entry for entry in plan.entries if entry.kind is RowKind.OTHER_OFFICE]
    assert [entry.row_number for entry in left] == [4, 6]
    problem = left[0].problems[0] if left[0].problems else None
    assert problem is not None and (problem.column_header, problem.column) == ("管辖单位", "M")
    assert "不是本所（五马市场监管所）的市场主体" in problem.reason
    commit_import(engine, plan, actor=actor)
    with engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT b.uscc, g.name FROM business b LEFT JOIN grid g ON g.id = b.grid_id ORDER BY b.uscc")).all()  # fmt: skip
    assert [tuple(found) for found in stored] == [(uscc(1), None), (uscc(3), None), (uscc(5), "府前片区")]


def test_a_business_of_this_register_listed_under_another_office_is_pointed_out(engine: Engine, tmp_path: Path) -> None:
    from import_helpers import existing

    actor = office(engine)
    existing(engine, actor, 2)
    path = write_list(tmp_path / "全区名录.xlsx", county_rows(), header=COUNTY_HEADER)
    plan = plan_import(engine, path, actor=actor)
    reasons = {entry.row_number: entry.problems[0].reason for entry in plan.entries
               if entry.kind is RowKind.OTHER_OFFICE and entry.problems}  # fmt: skip
    assert "本所登记簿中有这一户（鹿城区第2号水果店），名单上它的管辖单位却是「南郊市场监管所」" in reasons[4]
    assert "如已划转，请在它的详情里改为迁出" in reasons[4] and reasons[6].startswith("管辖单位是「滨江")


def test_the_cli_counts_the_rows_of_other_offices(engine: Engine, tmp_path: Path) -> None:
    office(engine)
    path = write_list(tmp_path / "全区新设.xlsx", county_rows(), header=COUNTY_HEADER)
    result = CliRunner().invoke(cli.app, ["--db", engine.url.render_as_string(hide_password=False), "import",
                                          str(path), "--dry-run", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["other_office"] == 2
