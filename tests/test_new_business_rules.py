"""A business entered by hand (issue 15): what its kind's registration must name, a warning for a second
business with the same name and address, and registration lists imported as incomplete as they come.
Both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_helpers import office, row, uscc, write_list
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from imports.commit import commit_import
from imports.plan import RowKind, plan_import
from storage.audit import Actor
from storage.tables import Business
from workbench.services.errors import PossibleDuplicate, ValidationFailed
from workbench.services.gateway import Gateway

HOUSEHOLD = {"name": "五马街阿明小吃店", "kind": "个体工商户", "operator": "王阿明", "address": "五马街 12 号",
             "registered_on": "2024-05-03"}


def businesses(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Business)).one())


def test_a_new_household_by_hand_needs_its_operator_address_and_registration_day(engine: Engine) -> None:
    actor = office(engine)
    register = Gateway(engine).register
    with pytest.raises(ValidationFailed) as refused:
        register.save(actor, None, 0, {"name": "五马街阿明小吃店", "kind": "个体工商户", "operator": " ",
                                       "address": "", "registered_on": ""})
    assert refused.value.errors == {
        "operator": "请填写经营者（新增个体工商户必填）",
        "address": "请填写经营场所（新增个体工商户必填）",
        "registered_on": "请填写成立日期（新增个体工商户必填）",
    }
    assert businesses(engine) == 0
    saved = register.save(actor, None, 0, HOUSEHOLD)
    assert register.detail(actor, saved).values["operator"] == "王阿明"


def test_a_new_enterprise_by_hand_needs_its_legal_representative_only(engine: Engine) -> None:
    actor = office(engine)
    register = Gateway(engine).register
    with pytest.raises(ValidationFailed) as refused:
        register.save(actor, None, 0, {"name": "温州市阿明餐饮有限公司", "kind": "企业", "operator": ""})
    assert refused.value.errors == {"operator": "请填写法定代表人（新增企业必填）"}
    register.save(actor, None, 0, {"name": "温州市阿明餐饮有限公司", "kind": "企业", "operator": "王阿明"})
    assert businesses(engine) == 1


def test_editing_a_business_registered_without_an_address_is_not_refused(engine: Engine) -> None:
    actor = office(engine)
    register = Gateway(engine).register
    from workbench.services.register import create_business

    with Session(engine) as session:  # as an import or an older version left it: no address, no date
        created = create_business(session=session, actor=actor, data={"name": "无地址小店", "operator": "李四"})
        session.commit()
        uuid, version = created.uuid, created.version
    register.save(actor, uuid, version, {"phone": "13957712345"})
    assert register.detail(actor, uuid).values["phone"] == "13957712345"


def test_the_same_name_and_address_again_warns_naming_the_first_and_saves_when_confirmed(engine: Engine) -> None:
    actor = office(engine)
    register = Gateway(engine).register
    register.save(actor, None, 0, {**HOUSEHOLD, "uscc": uscc(1)})
    second = {**HOUSEHOLD, "address": "五马街12号", "operator": "王阿强", "registered_on": "2025-01-02"}
    with pytest.raises(PossibleDuplicate) as warned:
        register.save(actor, None, 0, second)
    assert warned.value.message == (
        f"名称和地址与「五马街阿明小吃店」（统一社会信用代码 {uscc(1)}）相同，请确认不是重复登记"
    )
    assert businesses(engine) == 1
    register.save(actor, None, 0, second, same_as_confirmed=True)
    assert businesses(engine) == 2


def test_the_same_name_elsewhere_is_no_duplicate(engine: Engine) -> None:
    actor = office(engine)
    register = Gateway(engine).register
    register.save(actor, None, 0, HOUSEHOLD)
    register.save(actor, None, 0, {**HOUSEHOLD, "address": "五马街 14 号"})
    assert businesses(engine) == 2


def test_a_first_business_without_a_code_is_named_so(engine: Engine) -> None:
    actor = office(engine)
    register = Gateway(engine).register
    register.save(actor, None, 0, HOUSEHOLD)
    with pytest.raises(PossibleDuplicate) as warned:
        register.save(actor, None, 0, HOUSEHOLD)
    assert warned.value.message == "名称和地址与「五马街阿明小吃店」（未填信用代码）相同，请确认不是重复登记"


def test_a_registration_list_with_rows_missing_address_and_date_still_imports_them(
    engine: Engine, tmp_path: Path
) -> None:
    actor: Actor = office(engine)
    rows = [
        row(1, {"经营场所": None, "成立日期": None}),
        row(2, {"经营者": None}),
        row(3),
    ]
    path = write_list(tmp_path / "名录.xlsx", rows)
    plan = plan_import(engine, path, actor=actor)
    assert plan.counts[RowKind.NEW] == 3 and plan.counts[RowKind.INVALID] == 0
    commit_import(engine, plan, actor=actor)
    assert businesses(engine) == 3
    with Session(engine) as session:
        first = session.exec(select(Business).where(Business.uscc == uscc(1))).one()
    assert (first.address, first.registered_on) == ("", None)
