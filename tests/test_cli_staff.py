"""`workbench staff`: officers and grids after init, through the real CLI on a real database file."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, create_engine, select
from typer.testing import CliRunner

from storage.tables import ChangeLog, Officer
from workbench.cli import app

runner = CliRunner()


def _office(tmp_path: Path) -> list[str]:
    base = ["--db", str(tmp_path / "office.db")]
    made = runner.invoke(
        app, [*base, "init", "--office", "五马市场监管所", "--officer", "张伟", "--grid", "五马东片区"]
    )
    assert made.exit_code == 0, made.output
    return base


def test_people_join_and_leave_after_init(tmp_path: Path) -> None:
    base = _office(tmp_path)
    joined = runner.invoke(
        app,
        [*base, "staff", "add", "李娜", "--phone", "13812345678", "--grid", "五马东片区", "--who", "所长"],
    )
    assert joined.exit_code == 0 and "已新增干部「李娜」" in joined.output
    assert runner.invoke(app, [*base, "staff", "grid", "五马西片区"]).exit_code == 0
    left = runner.invoke(app, [*base, "staff", "leave", "张伟"])
    assert left.exit_code == 0 and "「张伟」已标记为调离" in left.output
    listed = runner.invoke(app, [*base, "staff", "list"])
    # Under column headers, aligned by what the terminal shows (a Chinese character is two columns wide).
    assert listed.output.splitlines() == [
        "包联干部（2 名）：",
        "  姓名  负责网格    联系电话     状态    包联户数",
        "  李娜  五马东片区  13812345678  在岗    0",
        "  张伟  -           -            已调离  0",
        "网格（2 个）：",
        "  网格        在岗干部  主体户数",
        "  五马东片区  1 名      0",
        "  五马西片区  0 名      0",
    ]
    engine = create_engine(f"sqlite:///{tmp_path / 'office.db'}")
    with Session(engine) as session:
        lina = session.exec(select(Officer).where(Officer.name == "李娜")).one()
        assert lina.updated_by == "所长"
        assert session.exec(
            select(ChangeLog).where(ChangeLog.entity_uuid == lina.uuid, ChangeLog.who == "所长")
        ).first()
    engine.dispose()


def test_refusals_name_the_problem_and_exit_1(tmp_path: Path) -> None:
    base = _office(tmp_path)
    twice = runner.invoke(app, [*base, "staff", "add", "张伟"])
    assert twice.exit_code == 1 and "本所已有在岗干部「张伟」" in twice.output
    no_grid = runner.invoke(app, [*base, "staff", "add", "王强", "--grid", "不存在"])
    assert no_grid.exit_code == 1 and "本所没有网格「不存在」，现有：五马东片区" in no_grid.output
    nobody = runner.invoke(app, [*base, "staff", "return", "张伟"])
    assert nobody.exit_code == 1 and "本所没有已调离的干部「张伟」" in nobody.output
