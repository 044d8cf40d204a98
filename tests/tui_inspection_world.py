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
    with Session(engine) as session:
        actor = Actor("王芳", "测试终端", office.office_id)
        for name, officer, cert, expires, own, unit in INSPECTORS:
            add_inspector(session, actor=actor, data={
                "name": name, "officer": officer, "cert_no": cert, "cert_expires_on": expires, "own_office": own,
                "unit": unit,
            })  # fmt: skip
        session.commit()
    return office
