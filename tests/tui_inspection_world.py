"""The office of the 双随机 screen's tests: the TUI test office (test_tui_support.build_office: 王芳 / 李强 / 陈静,
five named businesses and numbered shops of 陈静) with an inspector list as a new office would type it."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from test_tui_support import Office_, build_office

from storage.audit import Actor
from workbench.services.inspectors import add_inspector

INSPECTORS = (
    # name, 包联干部 they are, 执法证号, valid through, own office, unit
    ("王芳", "王芳", "ZJ33030201", "2028-12-31", True, ""),
    ("李强", "李强", "ZJ33030202", "2028-12-31", True, ""),
    ("陈静", "陈静", "ZJ33030203", "2024-12-31", True, ""),  # expired: never drawn
    ("赵敏", None, "WJ33030211", "2027-12-31", False, "鹿城区卫生健康局"),
)


def build_inspection_office(engine: Engine, shops: int = 12) -> Office_:
    office = build_office(engine, extra_businesses=shops)
    add_inspectors(engine, office)
    return office


def add_inspectors(engine: Engine, office: Office_) -> None:
    with Session(engine) as session:
        actor = Actor("王芳", "测试终端", office.office_id)
        for name, officer, cert, expires, own, unit in INSPECTORS:
            add_inspector(session, actor=actor, data={
                "name": name, "officer": officer, "cert_no": cert, "cert_expires_on": expires, "own_office": own,
                "unit": unit,
            })  # fmt: skip
        session.commit()


def fix_business_uuids(engine: Engine) -> None:
    """Each business's and inspector's uuid made from its name: the draw ranks businesses and inspectors by uuid,
    so a picture of a draw shows the same pairs every run only when their uuids are the same every run."""
    import uuid

    from sqlmodel import col, select

    from storage.tables import Business
    from storage.tables_inspection import Inspector

    with Session(engine) as session:
        for table in (Business, Inspector):
            for row in session.exec(select(table).order_by(col(table.id))):
                row.uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"snapshot/{table.__name__}/{row.name}"))
                session.add(row)
        session.commit()


def drawn_task(engine: Engine, office: Office_) -> None:
    """Two tasks as an office has them mid-year: 四月 drawn (seed 20250601) with one result recorded and its
    公示期限 (2025-05-15) passed; 六月 made and not drawn yet."""
    from datetime import date

    from workbench.domain.inspection_rules import load_inspection_rules
    from workbench.domain.working_days import DEFAULT_CALENDAR
    from workbench.services.inspection_draws import draw_task
    from workbench.services.inspection_results import ResultInput, record_result
    from workbench.services.inspection_tasks import TaskSpec, create_task

    rules = load_inspection_rules(None).rules
    actor = Actor("王芳", "测试终端", office.office_id)
    with Session(engine) as session:
        april = create_task(session, actor=actor, spec=TaskSpec(
            "四月个体户双随机抽查", "年度计划", rules.items[:1], date(2025, 4, 1), date(2025, 4, 15),
            ("市场监管", "卫生健康"), None, "50",
        ))  # fmt: skip
        create_task(session, actor=actor, spec=TaskSpec(
            "六月食品经营专项抽查", "专项", rules.items[4:5], date(2025, 6, 1), date(2025, 6, 30), ("市场监管",), None,
            "", 3,
        ))  # fmt: skip
        report = draw_task(session, actor=actor, task=april, rules=rules, seed="20250601")
        first = report.lines[0]
        record_result(session, actor=actor, task=april, business_uuid=first.business.uuid,
                      entry=ResultInput(["B", "E"], date(2025, 4, 10), first.inspectors, "门头公示信息未更新"),
                      rules=rules, calendar=DEFAULT_CALENDAR)  # fmt: skip
        session.commit()
