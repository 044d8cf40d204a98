"""`workbench size` and `workbench classify` as a person or a script meets them, on a real database file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from test_tui_support import build_office
from typer.testing import CliRunner

from storage.engine import make_engine
from storage.schema import upgrade
from storage.tables_classification import ClassificationResult
from workbench import cli, locations

runner = CliRunner()


def test_size_answers_with_a_reason_per_indicator() -> None:
    result = runner.invoke(cli.app, ["size", "--industry", "5211", "--employees", "12", "--revenue", "480",
                                     "--assets", "3"])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "规模：小型" and lines[1] == "行业：零售业"
    assert "  · 从业人员12人 ≥ 小型下限10人、< 中型下限50人，属小型" in lines
    assert "  · 零售业不看资产总额，已忽略" in lines
    assert "300号" in lines[-1]


def test_size_json_for_scripts() -> None:
    result = runner.invoke(
        cli.app, ["size", "--industry", "C", "--employees", "1200", "--revenue", "299.5", "--json"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["size_class"] == "micro" and found["label"] == "微型" and found["industry_row"] == "工业"
    assert [reason["size_class"] for reason in found["reasons"]] == ["large", "micro"]


def test_size_of_an_industry_outside_the_standard_exits_1() -> None:
    result = runner.invoke(cli.app, ["size", "--industry", "6621", "--employees", "12"])
    assert result.exit_code == 1
    assert "规模：无法划型" in result.output and "不在中小企业划型标准的行业范围内" in result.output


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "office.db"
    engine = make_engine(str(path))
    upgrade(engine)
    build_office(engine)
    engine.dispose()
    return path


def _results(path: Path) -> int:
    engine = make_engine(str(path))
    with Session(engine) as session:
        found = session.exec(select(func.count()).select_from(ClassificationResult)).one()
    engine.dispose()
    return found


def test_classify_dry_run_then_commit_with_counts_and_moves(database: Path) -> None:
    dry = runner.invoke(cli.app, ["--db", str(database), "classify", "--dry-run", "--who", "王芳", "--json"])
    assert dry.exit_code == 0, dry.output
    preview = json.loads(dry.output)
    assert preview["dry_run"] and preview["created"] == 5 and _results(database) == 0
    assert preview["tiers"] == {"生存型": 0, "成长型": 1, "发展型": 0, "未分型": 2}
    assert {
        "what": "tier",
        "from": None,
        "to": "growth",
        "count": 1,
        "text": "1 户 未分过 -> 成长型",
    } in preview["moves"]
    done = runner.invoke(cli.app, ["--db", str(database), "classify", "--who", "王芳"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("共 5 户：已新建 5 条")
    assert "三型（个体工商户）：生存型 0，成长型 1，发展型 0，未分型 2" in done.output
    assert "  1 户 未分过 -> 成长型" in done.output.splitlines()
    assert _results(database) == 5
    again = json.loads(runner.invoke(cli.app, ["--db", str(database), "classify", "--json"]).output)
    assert (again["unchanged"], again["moves"]) == (5, [])


def test_classify_with_an_office_rules_file_moves_households(database: Path) -> None:
    runner.invoke(cli.app, ["--db", str(database), "classify"])
    config = locations.config_dir()
    config.mkdir(parents=True)
    (config / "classification.toml").write_text(
        "[tier.development]\nrevenue_at_micro_ceiling = false\nfallback_revenue_yuan = 400000\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["--db", str(database), "classify", "--json"])
    assert result.exit_code == 0, result.output
    assert [move["text"] for move in json.loads(result.output)["moves"]] == ["1 户 成长型 -> 发展型"]


def test_a_broken_rules_file_is_reported_and_the_shipped_rules_still_classify(database: Path) -> None:
    config = locations.config_dir()
    config.mkdir(parents=True)
    (config / "classification.toml").write_text("[tier.growth]\nmin_tax_yaun = 100\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["--db", str(database), "classify", "--json"])
    assert result.exit_code == 0, result.output
    assert "「tier.growth.min_tax_yaun」" in result.stderr and "默认规则" in result.stderr
    found = json.loads(result.stdout)
    assert "min_tax_yaun" in found["rules_error"] and found["tiers"]["成长型"] == 1
    assert _results(database) == 5


def test_classify_refuses_an_unknown_office(database: Path) -> None:
    result = runner.invoke(cli.app, ["--db", str(database), "classify", "--office", "不存在的所"])
    assert result.exit_code == 1
