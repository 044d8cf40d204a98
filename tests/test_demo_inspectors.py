"""The demo's 检查人员名录 (demo_inspectors), on both engines: a demo office can try a 双随机 draw at once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, text
from sqlmodel import Session

from storage.audit import Actor
from workbench.domain.inspection_rules import load_inspection_rules
from workbench.services.demo import build_demo
from workbench.services.inspection_draws import draw_task
from workbench.services.inspection_tasks import TaskSpec, create_task
from workbench.services.inspector_edits import inspector_rows

TODAY = date(2026, 11, 23)


def test_the_demo_has_drawable_inspectors_marks_and_relations(engine: Engine) -> None:
    summary = build_demo(engine, size=400, seed=5, today=TODAY)
    assert "检查人员 9 名（含外单位 3 名），回避关系 2 条" in str(summary)
    actor = Actor("张伟", "测试终端", summary.office_id)
    with Session(engine) as session:
        rows = inspector_rows(session, actor=actor)
        people = [row.line for row in rows]
        assert [line.own_office for line in people].count(False) == 3
        assert {line.unit for line in people if not line.own_office} == {"鹿城区卫生健康局"}
        assert all(row.officer_name for row in rows if row.line.own_office)  # each officer linked to their row
        assert sum(line.cert_expires_on < TODAY for line in people if line.cert_expires_on) == 1
        assert sum(TODAY <= line.cert_expires_on <= TODAY + timedelta(days=30) for line in people
                   if line.cert_expires_on) == 1  # fmt: skip
        assert sum(len(row.recusals) for row in rows) == 2
        logged = session.execute(text(
            "SELECT count(*) FROM change_log WHERE entity IN ('inspector', 'inspection_recusal') AND action = 'create'"
        )).scalar_one()  # fmt: skip
        assert logged == 11
        rules = load_inspection_rules(None).rules
        task = create_task(session, actor=actor, spec=TaskSpec(
            "演示联合抽查", "年度计划", rules.items[:1], TODAY, TODAY + timedelta(days=10), ("市场监管", "卫生健康"), None,
            "5",
        ))  # fmt: skip
        report = draw_task(session, actor=actor, task=task, rules=rules, dry_run=True)
        assert report.shortage == "" and report.problems == [] and report.lines
        expired = [line.name for line in people if line.cert_expires_on and line.cert_expires_on < TODAY]
        assert [name for name, _why in report.excluded] == expired  # only the expired one


def test_the_same_seed_gives_the_same_inspectors(engine: Engine) -> None:
    build_demo(engine, size=300, seed=9, today=TODAY)
    with engine.connect() as connection:
        first = connection.execute(text("SELECT uuid, name, cert_no, cert_expires_on FROM inspector ORDER BY id")).all()
    assert len(first) == 9
    # the rows come from their own stream: the officers' are those of a demo without inspectors
    with engine.connect() as connection:
        names = [row[0] for row in connection.execute(text("SELECT name FROM officer ORDER BY id")).all()]
    assert [row[1] for row in first[:6]] == names and names[:2] == ["张伟", "单丽"]
