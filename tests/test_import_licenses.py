"""Importing a 许可证 list (issue 15) on both engines: the food-licence system's export with a 有效期限 range in
one cell, kinds told from the number, a renewal closing the old licence, a number already stored updated,
matches by name + address written only once confirmed, unmatched rows listed, all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from import_helpers import office, uscc
from list_helpers import households, rules, table_state, write_sheet
from sqlalchemy import Engine, text
from sqlmodel import Session

from imports.errors import ImportConflict
from imports.licenses_plan import plan_licenses
from imports.list_commit import commit_list
from imports.list_plan import ListPlan, ListRowKind
from imports.parse import parse_list_file
from storage.audit import Actor
from storage.tables import License
from workbench.domain.labels import ImportKind, LicenseStatus

HEADER = ["序号", "许可证编号", "经营者名称", "社会信用代码", "经营场所", "发证日期", "有效期限", "许可项目"]


def stored_licence(engine: Engine, actor: Actor, serial: int, number: str, expires: date,
                   kind: str = "食品经营许可证") -> str:
    with Session(engine) as session:
        business_id = session.execute(text("SELECT id FROM business WHERE uscc = :code"), {"code": uscc(serial)}).scalar_one()
        licence = License(office_id=actor.office_id, business_id=business_id, kind=kind, number=number,
                          issued_on=date(expires.year - 5, expires.month, 1), expires_on=expires)
        session.add(licence)
        session.commit()
        return licence.uuid


def food_rows() -> list[list[Any]]:
    """Worked out by hand against the register of test_a_food_licence_export:
    row 3 household 1, no licence yet: new (食品经营许可证 from JY);
    row 4 household 2 holds JY...0099 valid to 2024-01-31: this one (to 2029-01-31) renews it;
    row 5 no code, name and 经营场所 of household 3: awaiting confirmation;
    row 6 a code no business has: unmatched;
    row 7 household 4's stored JY...0005, now with a new expiry: an update;
    row 8 JY...0001 again: a repeat in the file."""
    return [
        [1, "JY13303020000001", "鹿城区第1号水果店", uscc(1), "五马街1号", "", "2021-05-01至2026-04-30", "预包装食品销售"],
        [2, "JY13303020000002", "鹿城区第2号水果店", uscc(2), "五马街2号", "2024-01-20", "2024年2月1日-2029年1月31日",
         "预包装食品销售，散装食品销售"],
        [3, "JY13303020000003", "鹿城区第3号水果店", "", "五马街 3 号", "2023-03-01", "2023-03-01至2028-02-28", "热食类食品制售"],
        [4, "SC10633030200001", "外所的厂", uscc(99), "瓯海区", "2022-01-01", "2022-01-01至2027-12-31", "糕点"],
        [5, "JY13303020000005", "鹿城区第4号水果店", uscc(4), "五马街4号", "2020-06-01", "2020-06-01至2026-05-31", "预包装食品销售"],
        [6, "JY13303020000001", "鹿城区第1号水果店", uscc(1), "五马街1号", "", "2021-05-01至2026-04-30", "预包装食品销售"],
    ]


def licences(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as connection:
        found = connection.execute(text(
            "SELECT l.number, b.uscc, l.kind, l.status, l.issued_on, l.expires_on, l.scope, l.place, l.renews_uuid, "
            "l.uuid, l.closed_on, l.version FROM license l JOIN business b ON b.id = l.business_id")).all()  # fmt: skip
    return {str(row[0]): tuple(row[1:]) for row in found}


def as_date(value: Any) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value)[:10])


def planned(engine: Engine, actor: Actor, path: Path, **options: Any) -> ListPlan:
    parsed = parse_list_file(path)
    assert parsed.kind is ImportKind.LICENSES
    return plan_licenses(engine, parsed, office_id=actor.office_id, **options)


def test_a_food_licence_export(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2, 3, 4])
    old = stored_licence(engine, actor, 2, "JY13303020000099", date(2024, 1, 31))
    stored_licence(engine, actor, 4, "JY13303020000005", date(2025, 5, 31))
    path = write_sheet(tmp_path / "食品经营许可.xlsx", HEADER, food_rows(), title="食品经营许可证发证信息（导出）")
    plan = planned(engine, actor, path)
    counts = {kind: count for kind, count in plan.counts.items() if count}
    assert counts == {ListRowKind.NEW: 1, ListRowKind.RENEWAL: 1, ListRowKind.NAME_MATCH: 1,
                      ListRowKind.UNMATCHED: 1, ListRowKind.UPDATE: 1, ListRowKind.DUPLICATE: 1}
    summary = plan.summary_text()
    assert "是许可证名录（按表头识别）" in summary and "按名称和地址匹配，待确认 1 行" in summary
    assert "将新增 1 张许可证，换证 1 张（旧证标为已换证），更新 1 张" in summary
    waiting = next(plan.entries_of(ListRowKind.NAME_MATCH)).problems[0]
    assert waiting.row == 5 and f"「鹿城区第3号水果店」（{uscc(3)}）" in waiting.reason

    result = commit_list(engine, plan, actor=actor, rules=rules())
    assert result.written == {"新增许可证": 1, "换证": 1, "更新许可证": 1}
    stored = licences(engine)
    assert "JY13303020000003" not in stored  # not confirmed: not written
    new = stored["JY13303020000001"]
    assert (new[0], new[1], new[2]) == (uscc(1), "食品经营许可证", LicenseStatus.VALID)
    assert (as_date(new[3]), as_date(new[4]), new[5], new[6]) == (date(2021, 5, 1), date(2026, 4, 30), "预包装食品销售", "五马街1号")
    renewal, renewed = stored["JY13303020000002"], stored["JY13303020000099"]
    assert renewal[7] == old and renewal[2] == LicenseStatus.VALID and as_date(renewal[3]) == date(2024, 1, 20)
    assert renewed[2] == LicenseStatus.RENEWED and as_date(renewed[9]) == date(2024, 1, 20) and renewed[10] == 2
    updated = stored["JY13303020000005"]
    assert as_date(updated[4]) == date(2026, 5, 31) and updated[10] == 2 and updated[5] == "预包装食品销售"
    with engine.connect() as connection:
        logged = connection.execute(text(
            "SELECT c.field, c.old, c.new FROM change_log c JOIN license l ON l.uuid = c.entity_uuid "
            "WHERE l.number = 'JY13303020000099' ORDER BY c.field")).all()  # fmt: skip
    assert [tuple(line) for line in logged] == [("closed_on", None, "2024-01-20"), ("status", "valid", "renewed")]


def test_name_matches_are_written_once_accepted(engine: Engine, tmp_path: Path) -> None:
    """Accepted before the dry run (the CLI's --accept-name-matches), or after it (the wizard's confirm step)."""
    actor = office(engine)
    households(engine, actor, [1, 2, 3, 4])
    path = write_sheet(tmp_path / "食品经营许可.xlsx", HEADER, food_rows()[2:3])
    plan = planned(engine, actor, path, accept_name_matches=True)
    assert plan.counts[ListRowKind.NEW] == 1 and plan.counts[ListRowKind.NAME_MATCH] == 0
    commit_list(engine, plan, actor=actor, rules=rules())
    assert licences(engine)["JY13303020000003"][0] == uscc(3)

    later = write_sheet(tmp_path / "第二批.xlsx", HEADER, [["1", "JY13303020000004", "鹿城区第4号水果店", "", "五马街4号",
                                                         "2024-03-01", "2024-03-01至2029-02-28", "热食类食品制售"]])
    plan = planned(engine, actor, later)
    assert plan.counts[ListRowKind.NAME_MATCH] == 1 and plan.writes.touched == set()
    plan.accept_name_matches = True
    result = commit_list(engine, plan, actor=actor, rules=rules())
    assert result.written["新增许可证"] == 1 and result.left_out == 0
    assert licences(engine)["JY13303020000004"][0] == uscc(4)


def test_a_kind_that_cannot_be_told_needs_the_persons_choice(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1])
    header = ["许可证号", "单位名称", "统一社会信用代码", "有效期至"]
    path = write_sheet(tmp_path / "药品.xlsx", header, [["浙AA5770001", "鹿城区第1号水果店", uscc(1), "2027-03-31"]])
    plan = planned(engine, actor, path)
    assert plan.counts[ListRowKind.INVALID] == 1 and "--license-kind" in plan.entries[0].problems[0].reason
    chosen = planned(engine, actor, path, default_kind="药品经营许可证")
    commit_list(engine, chosen, actor=actor, rules=rules())
    assert licences(engine)["浙AA5770001"][1] == "药品经营许可证"


def test_a_repeat_import_changes_nothing_and_a_licence_changed_meanwhile_is_a_conflict(
    engine: Engine, tmp_path: Path
) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2, 3, 4])
    stored_licence(engine, actor, 2, "JY13303020000099", date(2024, 1, 31))
    path = write_sheet(tmp_path / "食品经营许可.xlsx", HEADER, food_rows()[:2])
    commit_list(engine, planned(engine, actor, path), actor=actor, rules=rules())
    before = table_state(engine)
    again = planned(engine, actor, path)
    assert again.counts[ListRowKind.UNCHANGED] == 2 and again.previous_import is not None
    commit_list(engine, again, actor=actor, rules=rules())
    after = table_state(engine)
    assert after["license"] == before["license"] and after["classification"] == before["classification"]

    changed = write_sheet(tmp_path / "新的.xlsx", HEADER, [[*food_rows()[0][:6], "2021-05-01至2031-04-30", "x"]])
    plan = planned(engine, actor, changed)
    assert plan.counts[ListRowKind.UPDATE] == 1
    with engine.begin() as connection:
        connection.execute(text("UPDATE license SET version = version + 1 WHERE number = 'JY13303020000001'"))
    before = table_state(engine)
    with pytest.raises(ImportConflict):
        commit_list(engine, plan, actor=actor, rules=rules())
    assert table_state(engine) == before


def test_a_number_stored_on_another_business_is_an_error(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    households(engine, actor, [1, 2])
    stored_licence(engine, actor, 2, "JY13303020000001", date(2026, 4, 30))
    path = write_sheet(tmp_path / "食品经营许可.xlsx", HEADER, food_rows()[:1])
    plan = planned(engine, actor, path)
    assert plan.counts[ListRowKind.INVALID] == 1 and "另一户名下" in plan.entries[0].problems[0].reason


def test_a_households_licence_carrying_its_operators_id_number(engine: Engine, tmp_path: Path) -> None:
    """社会信用代码（身份证号码）: a household's food licence carries its operator's 身份证号, not a credit code. With
    the name it is the same household (no confirmation); with the name and address it is offered for confirmation;
    with neither the row is unmatched and says the number is an ID, not a code."""
    from import_helpers import existing

    from workbench.domain.personal_ids import id_check_char

    def person(serial: int) -> str:
        body = f"33030219800101{serial:03d}"
        return body + id_check_char(body)

    actor = office(engine)
    existing(engine, actor, 1, id_number=person(1))
    existing(engine, actor, 2, id_number=person(2))
    header = ["许可证编号", "经营者名称", "社会信用代码（身份证号码）", "经营场所", "发证日期", "有效期至"]
    path = write_sheet(tmp_path / "小餐饮.xlsx", header, [
        ["JY23303020000001", "鹿城区第1号水果店", person(1), "别处", "2026-10-01", "2031-09-30"],  # name + ID
        ["JY23303020000002", "鹿城区第2号水果店", person(9), "五马街2号", "2026-10-01", "2031-09-30"],  # name + address
        ["JY23303020000003", "第2号水果", person(2), "五马街9号", "2026-10-01", "2031-09-30"],  # neither
    ])  # fmt: skip
    plan = planned(engine, actor, path)
    assert {kind: count for kind, count in plan.counts.items() if count} == {
        ListRowKind.NEW: 1, ListRowKind.NAME_MATCH: 1, ListRowKind.UNMATCHED: 1}
    unmatched = next(plan.entries_of(ListRowKind.UNMATCHED)).problems[0]
    assert unmatched.column_header == "社会信用代码（身份证号码）" and f"「{person(2)}」是经营者的身份证号" in unmatched.reason
    commit_list(engine, plan, actor=actor, rules=rules())
    assert licences(engine)["JY23303020000001"][0] == uscc(1)
