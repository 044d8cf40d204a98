"""`workbench import` with the lists other departments send (issue 15): the kind told from the headers and
said, --kind to override, --dry-run / --errors / --json for every kind, --accept-name-matches, --license-kind."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from import_helpers import cli_office, one_value, row, uscc, write_list
from list_helpers import write_sheet
from test_import_figures import HEADER as FIGURES_HEADER
from test_import_figures import TITLE, tax_office_rows
from test_import_licenses import HEADER as LICENCE_HEADER
from test_import_licenses import food_rows
from typer.testing import CliRunner

from workbench import cli

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path) -> str:
    """An office whose register came in through `workbench import`: households 1-4 (row(serial))."""
    url = cli_office(str(tmp_path / "office.db"))
    register = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 5)])
    imported = runner.invoke(cli.app, ["--db", url, "import", str(register)])
    assert imported.exit_code == 0, imported.output
    assert "登记名录" in imported.output
    return url


def test_a_figures_list_dry_run_json_then_commit(database: str, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "纳税情况.xlsx", FIGURES_HEADER, tax_office_rows(), title=TITLE)
    errors = tmp_path / "错误.xlsx"
    dry = runner.invoke(cli.app, ["--db", database, "import", str(path), "--dry-run", "--json", "--errors", str(errors)])
    assert dry.exit_code == 3, dry.output  # rows left out: unmatched, a repeat, an error
    summary = json.loads(dry.stdout)
    assert (summary["kind"], summary["kind_detected"], summary["committed"]) == ("figures", True, None)
    assert summary["counts"] == {"new": 8, "update": 0, "unchanged": 0, "renewal": 0, "unmatched": 1,
                                 "name_match": 0, "invalid": 1, "duplicate_in_file": 1}
    assert "2 户的 7 行季度（月度）数据合计为年度数据" in summary["notes"][0]
    assert errors.exists() and openpyxl.load_workbook(errors).active.max_row == 4  # type: ignore[union-attr]
    assert one_value(database, "SELECT count(*) FROM year_figures") == 0

    done = runner.invoke(cli.app, ["--db", database, "import", str(path)])
    assert done.exit_code == 3, done.output
    assert "是经营数据表（按表头识别）" in done.output and "登记簿中没有 1 行" in done.output
    # the register came in without a classification: each household is classified here for the first time
    assert "新增年度数据 3 条" in done.output and "已重新分型 3 户，0 户分型变化，3 户首次分型" in done.output
    assert one_value(database, "SELECT count(*) FROM year_figures") == 3
    assert one_value(database, "SELECT kind FROM import_record ORDER BY id DESC LIMIT 1") == "figures"


def test_a_licence_list_needs_accept_name_matches_for_rows_matched_by_name(database: str, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "许可证.xlsx", LICENCE_HEADER, food_rows()[2:3], title="食品经营许可证")
    waiting = runner.invoke(cli.app, ["--db", database, "import", str(path)])
    assert waiting.exit_code == 3 and "--accept-name-matches" in waiting.output
    assert one_value(database, "SELECT count(*) FROM license") == 0
    accepted = runner.invoke(cli.app, ["--db", database, "import", str(path), "--accept-name-matches"])
    assert accepted.exit_code == 0, accepted.output
    assert one_value(database, "SELECT kind FROM license") == "食品经营许可证"


def test_kind_and_licence_kind_options(database: str, tmp_path: Path) -> None:
    header = ["许可证号", "单位名称", "统一社会信用代码", "有效期至"]
    path = write_sheet(tmp_path / "药品.xlsx", header, [["浙AA5770001", "鹿城区第1号水果店", uscc(1), "2027-03-31"]])
    unknown = runner.invoke(cli.app, ["--db", database, "import", str(path), "--dry-run"])
    assert unknown.exit_code == 3 and "--license-kind" in unknown.output
    chosen = runner.invoke(cli.app, ["--db", database, "import", str(path), "--license-kind", "药品经营许可证"])
    assert chosen.exit_code == 0, chosen.output
    forced = runner.invoke(cli.app, ["--db", database, "import", str(path), "--kind", "登记名录", "--dry-run", "--json"])
    assert json.loads(forced.stdout)["counts"]["new"] == 0  # read as a register: 许可证号 is no register column
    bad = runner.invoke(cli.app, ["--db", database, "import", str(path), "--kind", "发票"])
    assert bad.exit_code == 1 and "名录种类「发票」无法识别，可选：登记名录、经营数据、许可证" in bad.output
