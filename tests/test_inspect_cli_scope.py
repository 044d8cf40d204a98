"""`workbench inspect task create` with the 检查对象名录库's own filters (issue 20): 行业, 持有许可证, 信用风险分类,
年报全零 — through the real CLI on a real SQLite file; the population counts are those of
tests/inspection_scope_world.py, worked out there."""

from __future__ import annotations

from pathlib import Path

from inspection_scope_world import add_scope_office
from sqlmodel import Session, create_engine
from typer.testing import CliRunner

from workbench.cli import app

runner = CliRunner()
TASK = ["--item", "1", "--ratio", "100", "--from", "2026-12-01", "--to", "2026-12-31"]


def _office(tmp_path: Path) -> list[str]:
    base = ["--db", str(tmp_path / "office.db")]
    made = runner.invoke(app, [*base, "init", "--office", "五马市场监管所", "--officer", "张伟", "--grid", "五马东片区"])
    assert made.exit_code == 0, made.output
    engine = create_engine(f"sqlite:///{tmp_path / 'office.db'}")
    with Session(engine) as session:
        add_scope_office(session, 1)
        session.commit()
    engine.dispose()
    for name, cert in (("张伟", "ZJ1"), ("李强", "ZJ2")):
        added = runner.invoke(app, [*base, "inspect", "inspector-add", name, "--cert", cert, "--expires", "2028-06-30"])
        assert added.exit_code == 0, added.output
    return base


def _ok(base: list[str], *words: str) -> str:
    done = runner.invoke(app, [*base, *words])
    assert done.exit_code == 0, done.output
    return done.output


def test_a_food_task_draws_among_food_businesses_holding_a_food_licence(tmp_path: Path) -> None:
    base = _office(tmp_path)
    created = _ok(base, "inspect", "task", "create", "餐饮专项", *TASK, "--industry", "H", "--license", "食品经营许可证")
    assert "范围：存续 · 行业 H 住宿和餐饮业 · 持有食品经营许可证" in created
    preview = _ok(base, "inspect", "draw", "餐饮专项", "--seed", "1", "--dry-run")
    assert "名录库 1 户" in preview and "面馆" in preview  # 酒楼's licence expired the day before the start
    assert "范围：存续 · 行业 H 住宿和餐饮业 · 持有食品经营许可证" in preview
    _ok(base, "inspect", "task", "create", "高风险空壳", *TASK, "--risk-class", "高风险", "--zero-figures",
        "--industry", "62", "--industry", "F5221")  # fmt: skip
    assert "名录库 1 户" in _ok(base, "inspect", "draw", "高风险空壳", "--seed", "1")  # 粮油店's insured is missing
    assert "核验一致" in _ok(base, "inspect", "verify", "高风险空壳")
    listed = _ok(base, "inspect", "task", "list")
    assert "范围" in listed and "年报全零" in listed


def test_bad_scope_values_are_each_named_in_one_sentence(tmp_path: Path) -> None:
    base = _office(tmp_path)
    refused = runner.invoke(app, [*base, "inspect", "task", "create", "错", *TASK, "--industry", "9999",
                                  "--license", "游艇驾驶证", "--risk-class", "E"])  # fmt: skip
    assert refused.exit_code == 1
    assert "行业代码「9999」不在 GB/T 4754 国民经济行业分类（2017 或 2011 版）中" in refused.output
    assert "许可证种类「游艇驾驶证」不在本所的许可证种类清单中" in refused.output
    assert "信用风险分类「E」不认识" in refused.output
    assert "Traceback" not in refused.output


def test_industries_can_be_named_as_officers_say_them(tmp_path: Path) -> None:
    base = _office(tmp_path)
    created = _ok(base, "inspect", "task", "create", "餐饮专项", *TASK, "--industry", "餐饮", "--industry", "便利店")
    assert "行业 H62 餐饮业、F5213 便利店零售" in created  # said with the section letter, as the scope line does
    refused = runner.invoke(app, [*base, "inspect", "task", "create", "美容专项", *TASK, "--industry", "美容"])
    assert refused.exit_code == 1
    assert "行业「美容」对应多个行业（804 理发及美容服务、" in refused.output and "8223 宠物美容服务" in refused.output
    assert "请写其中一个的代码或完整名称" in refused.output
