"""`workbench inspect`: a whole 双随机 round through the real CLI on a real SQLite file, as an office would do it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
from sqlmodel import Session, col, create_engine, select
from typer.testing import CliRunner

from storage.tables import Business
from storage.tables_inspection import InspectionDraw
from workbench import locations
from workbench.cli import app

runner = CliRunner()


def _office(tmp_path: Path) -> list[str]:
    base = ["--db", str(tmp_path / "office.db")]
    made = runner.invoke(app, [*base, "init", "--office", "五马市场监管所", "--officer", "张伟", "--grid", "五马东片区"])
    assert made.exit_code == 0, made.output
    engine = create_engine(f"sqlite:///{tmp_path / 'office.db'}")
    with Session(engine) as session:
        for number in range(40):
            session.add(Business(office_id=1, name=f"测试商店{number:02d}", reg_no=f"3303021{number:08d}",
                                 tags="高风险" if number < 10 else ""))  # fmt: skip
        session.commit()
    engine.dispose()
    return base


def _ok(base: list[str], *words: str) -> str:
    done = runner.invoke(app, [*base, *words])
    assert done.exit_code == 0, done.output
    return done.output


def test_a_whole_round_from_inspectors_to_publication(tmp_path: Path) -> None:
    base = _office(tmp_path)
    assert "已添加检查人员「张伟」" in _ok(base, "inspect", "inspector-add", "张伟", "--officer", "张伟", "--cert",
                                          "ZJ1", "--expires", "2028-06-30")  # fmt: skip
    _ok(base, "inspect", "inspector-add", "李强", "--cert", "ZJ2", "--expires", "2028-06-30")
    _ok(base, "inspect", "inspector-add", "赵敏", "--cert", "ZJ3", "--expires", "2026-12-30")
    _ok(base, "inspect", "inspector-add", "钱多", "--cert", "ZJ4", "--expires", "2028-06-30")
    listed = _ok(base, "inspect", "inspectors")
    assert "执法证号" in listed and "钱多" in listed
    created = _ok(base, "inspect", "task", "create", "四季度抽查", "--item", "1", "--item", "食品经营者（销售、餐饮服务）的检查",
                  "--ratio", "10", "--class-ratio", "高风险=30", "--from", "2026-12-01", "--to", "2026-12-31")  # fmt: skip
    assert "已新建抽查任务 1「四季度抽查」：10%；D 类 30%，每户 2 名检查人员" in created
    preview = _ok(base, "inspect", "draw", "1", "--seed", "99", "--dry-run")
    assert "高风险：10 户中抽 3 户" in preview and "未分类：30 户中抽 3 户" in preview
    assert "赵敏（执法证 2026-12-30 到期，早于任务结束日 2026-12-31）" in preview and "以上为试抽，没有记录" in preview
    assert "已抽取并锁定 6 户" in _ok(base, "inspect", "draw", "四季度抽查", "--seed", "99")
    locked = runner.invoke(app, [*base, "inspect", "draw", "1"])
    assert locked.exit_code == 1 and "结果已锁定" in locked.output
    assert "核验一致" in _ok(base, "inspect", "verify", "1")

    engine = create_engine(f"sqlite:///{tmp_path / 'office.db'}")
    with Session(engine) as session:
        high = sorted(session.exec(select(Business.uuid).where(col(Business.tags) == "高风险")).all())
        first_high = sorted(high, key=lambda u: hashlib.sha256(f"99:{u}".encode()).hexdigest())[:3]
        drawn = _ok(base, "inspect", "results", "1", "-o", str(tmp_path / "结果.xlsx"))
        assert "已导出 6 户" in drawn
        rows = [[cell.value for cell in row] for row in openpyxl.load_workbook(tmp_path / "结果.xlsx").active.iter_rows()]  # type: ignore[union-attr]
        names = {session.exec(select(Business.name).where(col(Business.uuid) == u)).one() for u in first_high}
        assert names <= {row[1] for row in rows[1:] if row[3] == "高风险"}
        target = rows[1][1]
        draw = session.exec(select(InspectionDraw)).one()
        assert (draw.seed, draw.population_count) == ("99", 40)
    engine.dispose()

    recorded = _ok(base, "inspect", "result", "1", target, "--code", "B", "--code", "e", "--date", "2026-12-04",
                   "--follow-up", "责令整改")  # fmt: skip
    assert "整改期限 2026-12-18" in recorded  # Fri 4 Dec + 10 working days
    wrong = runner.invoke(app, [*base, "inspect", "result", "1", target, "--code", "X", "--date", "2026-12-04"])
    assert wrong.exit_code == 1 and "「X」不认识" in wrong.output
    published = _ok(base, "inspect", "publish", "1", "-o", str(tmp_path / "公示.xlsx"), "--published-on", "2026-12-07")
    assert "已导出公示名单 1 条" in published and "1 条结果记为 2026-12-07 已公示" in published
    sheet = openpyxl.load_workbook(tmp_path / "公示.xlsx").active
    assert sheet is not None
    assert [cell.value for cell in sheet[2]][:4] == [target, rows[1][2], "企业年度报告公示信息的检查；食品经营者（销售、餐饮服务）的检查",
                                                     "未按规定公示应当公示的信息；发现问题经责令已改正"]  # fmt: skip

    # a business added after the draw: verify says the population changed
    engine = create_engine(f"sqlite:///{tmp_path / 'office.db'}")
    with Session(engine) as session:
        session.add(Business(office_id=1, name="后来的店", reg_no="330302199999999"))
        session.commit()
    engine.dispose()
    changed = runner.invoke(app, [*base, "inspect", "verify", "1"])
    assert changed.exit_code == 1 and "名录库已变化：抽取时 40 户，现在按同一范围有 41 户" in changed.output
    redrawn = _ok(base, "inspect", "draw", "1", "--seed", "100", "--reason", "名录库更新后经所务会同意重抽")
    assert "第一次抽取的结果已保留备查" in redrawn


def test_a_broken_list_file_is_named_and_the_shipped_one_used(tmp_path: Path) -> None:
    folder = locations.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "inspection.toml").write_text("publish_within_working_days = \"二十\"\n", encoding="utf-8")
    shown = runner.invoke(app, ["inspect", "items"])
    assert shown.exit_code == 0
    assert "inspection.toml" in shown.output and "publish_within_working_days" in shown.output
    assert "企业年度报告公示信息的检查" in shown.output


def test_a_result_finds_the_drawn_business_as_an_inspection_list_writes_it(tmp_path: Path) -> None:
    """Identifiers as the 2017 Zhejiang inspection list and a clerk copying from it write them (/work/shared/data
    zj_inspection_targets_vectors.csv): a lower-case check letter, full-width digits, a code split by spaces, a
    name with a space or full-width brackets. Each finds its business; a name two drawn businesses share, or one
    not drawn, is one sentence saying what to type instead."""
    base = ["--db", str(tmp_path / "office.db")]
    _ok(base, "init", "--office", "五马市场监管所", "--officer", "张伟", "--grid", "五马东片区")
    register = openpyxl.Workbook()
    sheet = register.active
    assert sheet is not None
    sheet.append(["企业名称", "统一社会信用代码/注册号", "住所"])
    sheet.append(["温州世嘉传媒有限公司", "91330302054224907X", "温州市鹿城区五马街道解放街1号"])
    sheet.append(["温州融易购科技股份有限公司", "91330300087360454X", "温州市鹿城区五马街道解放街2号"])
    sheet.append(["瑞安市长升卫生香厂", "3303812901409", "温州市鹿城区五马街道解放街3号"])
    sheet.append(["温州励远实业有限公司", "913303003075819975", "温州市鹿城区五马街道解放街4号"])
    sheet.append(["温州市千里马广告设计室（五马）", "330302000003031", "温州市鹿城区五马街道解放街5号"])
    sheet.append(["余姚市米诺服装店", "92330281MA283HWB4J", "温州市鹿城区五马街道解放街6号"])
    sheet.append(["余姚市米诺服装店", "92330281MA283HGG3G", "温州市鹿城区五马街道解放街7号"])
    register.save(tmp_path / "登记名录.xlsx")
    _ok(base, "import", str(tmp_path / "登记名录.xlsx"))
    _ok(base, "inspect", "inspector-add", "李强", "--cert", "ZJ2", "--expires", "2028-06-30")
    _ok(base, "inspect", "inspector-add", "钱多", "--cert", "ZJ4", "--expires", "2028-06-30")
    _ok(base, "inspect", "task", "create", "2017专项", "--item", "1", "--ratio", "100", "--from", "2026-12-01",
        "--to", "2026-12-31")  # fmt: skip
    assert "已抽取并锁定 7 户" in _ok(base, "inspect", "draw", "1", "--seed", "2017")

    for typed, name in (("91330302054224907x", "温州世嘉传媒有限公司"),
                        ("９１３３０３０００８７３６０４５４Ｘ", "温州融易购科技股份有限公司"),
                        ("3303 8129 01409", "瑞安市长升卫生香厂"),
                        ("温州励远实业 有限公司", "温州励远实业有限公司"),
                        ("温州市千里马广告设计室（五马）", "温州市千里马广告设计室(五马)")):  # fmt: skip
        recorded = _ok(base, "inspect", "result", "1", typed, "--code", "1", "--date", "2026-12-04")
        assert f"已录入「{name}」的抽查结果" in recorded, typed

    shared = runner.invoke(app, [*base, "inspect", "result", "1", "余姚市米诺服装店", "--code", "1", "--date", "2026-12-04"])
    assert shared.exit_code == 1
    assert "抽中的名单里有 2 户叫「余姚市米诺服装店」：请改用统一社会信用代码或注册号" in shared.output
    missing = runner.invoke(app, [*base, "inspect", "result", "1", "330327000243986", "--code", "1", "--date", "2026-12-04"])
    assert missing.exit_code == 1
    assert "任务「2017专项」抽中的名单里没有「330327000243986」" in missing.output
