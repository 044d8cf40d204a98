"""A small hand-built office for the 抽查范围 tests (issue 20): food and non-food industries (one 2011 code the
2017 edition lacks), licences current / expired / cancelled / renewed, tags of each credit-risk class and
经营数据 all zero, partly zero and missing. Every expected population is worked out from the table below."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, date, datetime

from sqlmodel import Session

from storage.tables import Business, License, YearFigures

# name: (industry code, edition, tags, status)
BUSINESSES: dict[str, tuple[str | None, str, str, str]] = {
    "面馆": ("6291", "2017", "D类", "active"),  # H62 小吃服务
    "酒楼": ("6210", "2011", "C类", "active"),  # H62 正餐服务, an old register's 2011 code
    "粮油店": ("5221", "2017", "高风险", "active"),  # F52 粮油零售; 高风险 is class D
    "超市": ("5212", "2017", "B类", "active"),  # F52 超级市场零售
    "软件公司": ("6511", "2017", "A类", "active"),  # I65, not food
    "汽车厂": ("3610", "2011", "", "active"),  # C36 汽车整车制造: 2011 only
    "关门面馆": ("6291", "2017", "D类", "deregistered"),  # 注销: outside the default 存续
}
FOOD = "食品经营许可证"
# name: [(kind, status, expires_on)]
LICENCES: dict[str, list[tuple[str, str, date | None]]] = {
    "面馆": [(FOOD, "valid", date(2027, 6, 30))],
    "酒楼": [(FOOD, "valid", date(2026, 11, 30))],  # expired the day before the task starts
    "粮油店": [(FOOD, "cancelled", date(2028, 1, 1))],  # 已注销
    "超市": [(FOOD, "renewed", date(2026, 3, 1)), (FOOD, "valid", date(2026, 12, 1))],  # in force on the first day
    "汽车厂": [("特种设备使用登记证", "valid", None)],  # 长期有效
    "关门面馆": [(FOOD, "valid", date(2027, 6, 30))],
}
# name: [(year, revenue, tax, employees, insured, deleted)]
FIGURES: dict[str, list[tuple[int, int | None, int | None, int | None, int | None, bool]]] = {
    "面馆": [(2024, 90_000, 100, 2, 0, False), (2025, 0, 0, 0, 0, False)],  # latest all zero
    "酒楼": [(2024, 0, 0, 0, 0, False), (2025, 1_000, 0, 0, 0, False)],  # latest partly zero
    "粮油店": [(2025, 0, 0, 0, None, False)],  # insured missing: not all zero
    "超市": [(2025, 0, 0, 0, 0, False), (2026, 50_000, 10, 3, 3, True)],  # the later year was deleted
    "软件公司": [(2025, 0, 0, 0, 0, False)],
    # 汽车厂: no figures at all, not all zero
}


def add_scope_office(session: Session, office_id: int) -> dict[str, str]:
    """The businesses above in the office, with their licences and figures; name -> uuid. The caller commits."""
    uuids: dict[str, str] = {}
    for name, (code, edition, tags, status) in BUSINESSES.items():
        row = Business(office_id=office_id, uuid=str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"scope/{name}")),
                       name=name, industry_code=code, industry_code_version=edition, tags=tags, status=status)  # fmt: skip
        session.add(row)
        session.flush()
        assert row.id is not None
        uuids[name] = row.uuid
        for number, (kind, standing, expires) in enumerate(LICENCES.get(name, [])):
            session.add(License(office_id=office_id, business_id=row.id, kind=kind, number=f"JY{row.id}{number}",
                                issued_on=date(2021, 1, 1), expires_on=expires, status=standing))  # fmt: skip
        for year, revenue, tax, employees, insured, deleted in FIGURES.get(name, []):
            session.add(YearFigures(office_id=office_id, business_id=row.id, year=year, revenue=revenue, tax_paid=tax,
                                    employees=employees, insured_staff=insured,
                                    deleted_at=datetime(2026, 6, 1, tzinfo=UTC) if deleted else None))  # fmt: skip
    session.flush()
    return uuids
