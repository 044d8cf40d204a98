"""`workbench figures set` on a real database file: a year recorded, the same year edited, refusals.

老街兰州拉面馆 is a household registered 2015-01-01 with no industry code: years old, so its 发展型 revenue
line is classification.toml's fallback, 100万元 (docs/rules.md §1). 150万元 with tax paid is 发展型;
40万元 is 成长型.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import YearFigures
from workbench.cli import app
from workbench.services.office import offices
from workbench.services.register import create_business

runner = CliRunner()
LAST_YEAR = str(date.today().year - 1)


@pytest.fixture
def office_db(tmp_path: Path) -> str:
    path = str(tmp_path / "office.db")
    made = runner.invoke(app, ["--db", path, "init", "--office", "五马市场监管所", "--officer", "张伟"])
    assert made.exit_code == 0, made.output
    engine = make_engine(path)
    with Session(engine) as session:
        actor = Actor(who="张伟", device="测试机", office_id=offices(session=session)[0].id)
        create_business(session=session, actor=actor, data={
            "name": "老街兰州拉面馆", "kind": "individual", "registered_on": date(2015, 1, 1)})  # fmt: skip
        session.commit()
    engine.dispose()
    return path


def _figures(path: str) -> list[tuple[int, int | None, int | None, str, str, int]]:
    engine = make_engine(path)
    with Session(engine) as session:
        rows = session.exec(select(YearFigures)).all()
        found = [(row.year, row.revenue, row.tax_paid, row.source, row.updated_by, row.version) for row in rows]
    engine.dispose()
    return found


def test_a_year_is_recorded_then_edited_and_the_tier_follows(office_db: str) -> None:
    added = runner.invoke(app, ["--db", office_db, "figures", "set", "老街兰州拉面馆", "--year", LAST_YEAR,
                                "--revenue", "150", "--unit", "万元", "--tax", "0.3万", "--insured", "1",
                                "--who", "张伟"])  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output.splitlines()[:2] == [f"已新增{LAST_YEAR}年度经营数据（老街兰州拉面馆）", "分型：生存型 → 发展型"]
    assert "营业收入150万元 ≥ 发展型门槛100万元" in added.output
    assert _figures(office_db) == [(int(LAST_YEAR), 1_500_000, 3_000, "手工录入", "张伟", 1)]
    edited = runner.invoke(app, ["--db", office_db, "figures", "set", "老街兰州拉面馆", "--year", LAST_YEAR,
                                 "--revenue", "40万", "--tax", "3000", "--insured", "1", "--who", "张伟"])  # fmt: skip
    assert edited.exit_code == 0, edited.output
    assert edited.output.splitlines()[:2] == [f"已修改{LAST_YEAR}年度经营数据（老街兰州拉面馆）", "分型：发展型 → 成长型"]
    assert _figures(office_db) == [(int(LAST_YEAR), 400_000, 3_000, "手工录入", "张伟", 2)]


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--year", "1979", "--revenue", "1"], "年度「1979」应在 1980 年至"),
        (["--year", LAST_YEAR, "--revenue", "-5"], "营业收入不能为负数（现在是「-5」）"),
        (["--year", LAST_YEAR], "请至少填写一项：营业收入、纳税额、从业人员或参保人数"),
        (["--year", LAST_YEAR, "--revenue", "1", "--who", "王五"], "录入人「王五」不是本所在岗干部"),
        (["--year", LAST_YEAR, "--revenue", "1", "--unit", "千元"], "--unit 只能是「元」或「万元」，现在是「千元」"),
    ],
)
def test_refusals_are_one_sentence_and_write_nothing(office_db: str, arguments: list[str], said: str) -> None:
    result = runner.invoke(app, ["--db", office_db, "figures", "set", "老街兰州拉面馆", *arguments])
    assert result.exit_code == 1 and said in result.output and "Traceback" not in result.output
    assert _figures(office_db) == []


def test_an_unknown_business_is_named(office_db: str) -> None:
    result = runner.invoke(app, ["--db", office_db, "figures", "set", "不存在的店", "--year", LAST_YEAR, "--revenue", "1"])
    assert result.exit_code == 1 and "本所没有信用代码或名称为「不存在的店」的市场主体" in result.output


def test_a_business_is_found_by_its_code_as_a_list_writes_it(office_db: str) -> None:
    """A household from before 2014 has only its 注册号 (the 2017 inspection list's 3303812901409, a 13-digit one);
    a code copied from a list comes with a lower-case check letter, full-width digits or spaces."""
    engine = make_engine(office_db)
    with Session(engine) as session:
        actor = Actor(who="张伟", device="测试机", office_id=offices(session=session)[0].id)
        create_business(session=session, actor=actor, data={"name": "瑞安市长升卫生香厂", "reg_no": "3303812901409"})
        create_business(session=session, actor=actor, data={"name": "温州世嘉传媒有限公司", "uscc": "91330302054224907X"})
        session.commit()
    engine.dispose()
    for typed in ("3303812901409", "3303 8129 01409", "91330302054224907x", "９１３３０３０２０５４２２４９０７Ｘ"):
        result = runner.invoke(app, ["--db", office_db, "figures", "set", typed, "--year", LAST_YEAR, "--revenue", "1"])
        assert result.exit_code == 0, (typed, result.output)
    assert sorted(revenue for _year, revenue, *_rest in _figures(office_db)) == [1, 1]
