"""The business row's one declaration agrees with the table, and a value too long for its column gets the
same Chinese sentence through the form's service and through the import, on both engines: never a
driver's DataError (PostgreSQL refuses a 201-character name; SQLite would store it)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from import_helpers import office, row, write_list
from pydantic_core import PydanticUndefined
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from imports.pending import NewBusiness
from imports.plan import RowKind, plan_import
from storage.tables import Business
from workbench.domain.business_fields import (
    BUSINESS_FIELDS,
    BUSINESS_ROW,
    EDITABLE_FIELDS,
    IMPORTED_FIELDS,
    PERSONAL_FIELDS,
)
from workbench.domain.labels import BusinessKind, BusinessStatus
from workbench.services.errors import ValidationFailed
from workbench.services.register import create_business, update_business

_STAMP_AND_KEYS = {"id", "office_id", "uuid", "version", "updated_at", "updated_by", "device", "deleted_at"}


def test_the_declaration_names_every_column_of_the_table_and_no_other() -> None:
    columns = {column.name for column in Business.__table__.columns}  # type: ignore[attr-defined]
    assert {spec.name for spec in BUSINESS_ROW} == columns - _STAMP_AND_KEYS


@pytest.mark.parametrize("spec", BUSINESS_ROW, ids=lambda spec: spec.name)
def test_each_field_has_the_length_and_default_of_its_column(spec: Any) -> None:
    column = Business.__table__.c[spec.name]  # type: ignore[attr-defined]
    length = getattr(column.type, "length", None)  # sqlmodel's AutoString: a VARCHAR of this length
    assert spec.max_length == length
    default = Business.model_fields[spec.name].default
    assert spec.default == (None if default is PydanticUndefined else default)
    assert spec.default is None or not column.nullable


def test_the_declaration_says_what_the_rest_of_the_code_relies_on() -> None:
    """Independent expectations: the form's 22 fields in three groups, the personal data, the import."""
    assert [spec.name for spec in BUSINESS_FIELDS][:3] == ["name", "uscc", "reg_no"]
    assert len(BUSINESS_FIELDS) == 22
    assert {spec.group for spec in BUSINESS_FIELDS} == {"登记信息", "经营者与联系", "管理"}
    assert {"id_number", "phone"} == PERSONAL_FIELDS
    assert "industry_code_version" in EDITABLE_FIELDS and "name_pinyin" not in EDITABLE_FIELDS
    assert "tags" not in IMPORTED_FIELDS and {"uscc", "reg_no", "name", "grid_id"} <= set(IMPORTED_FIELDS)
    assert [spec.name for spec in BUSINESS_ROW if not spec.travels] == ["name_pinyin", "search_chars"]


def test_the_stored_words_are_the_glossary_s_and_cross_processes_as_plain_text() -> None:
    assert [kind.value for kind in BusinessKind] == ["individual", "enterprise", "cooperative"]
    assert BusinessStatus.MOVED_OUT == "moved_out" and BusinessKind.HOUSEHOLD == "individual"
    sent = pickle.loads(pickle.dumps((BusinessKind.HOUSEHOLD, BusinessStatus.ACTIVE)))
    assert sent == ("individual", "active") and type(sent[0]) is str


def test_a_new_row_is_read_by_name() -> None:
    values = NewBusiness._make([None] * len(IMPORTED_FIELDS))._replace(name="阿明水果店", uscc="X")
    assert (values.name, values.uscc, values.reg_no) == ("阿明水果店", "X", None)


# Written out, not made from the code under test: what a person reads for each field.
TOO_LONG: dict[str, tuple[str, Any, str]] = {
    # field: (import header, value, message)
    "name": ("名称", "店" * 201, "名称超过 200 个字（现有 201 个），请核对"),
    "reg_no": ("注册号", "甲" * 51, "注册号超过 50 个字（现有 51 个），请核对"),
    "operator": ("经营者", "王" * 101, "经营者超过 100 个字（现有 101 个），请核对"),
    "address": ("经营场所", "路" * 301, "经营场所超过 300 个字（现有 301 个），请核对"),
    "employees": ("从业人员", 10**11, "从业人员超过 10,000,000 人，请核对"),
    "phone": (
        "联系电话",
        "13812345678/13812345679/0577-88886666",
        "联系电话太长：最多 32 个字符（现有 37 个），请只留一两个号码",
    ),
}
FORM_ONLY = {"tags": ("标" * 301, "标签超过 300 个字（现有 301 个），请核对")}


def _business_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Business)).scalar_one())


def test_every_field_too_long_gets_chinese_through_the_register_service(engine: Engine) -> None:
    actor = office(engine)
    data = {field: value for field, (_header, value, _message) in TOO_LONG.items()}
    data |= {field: value for field, (value, _message) in FORM_ONLY.items()}
    before = _business_count(engine)
    with Session(engine) as session, pytest.raises(ValidationFailed) as refused:
        create_business(session=session, actor=actor, data=data)
    expected = {field: message for field, (_header, _value, message) in TOO_LONG.items()}
    assert refused.value.errors == expected | {field: message for field, (_value, message) in FORM_ONLY.items()}
    assert _business_count(engine) == before


def test_an_edit_too_long_gets_the_same_sentence(engine: Engine) -> None:
    actor = office(engine)
    with Session(engine) as session:
        created = create_business(session=session, actor=actor, data={"name": "阿明水果店"})
        session.commit()
        with pytest.raises(ValidationFailed) as refused:
            update_business(
                session=session,
                actor=actor,
                business_uuid=created.uuid,
                base_version=created.version,
                changes={"address": "路" * 301, "industry_code_version": "20170"},
            )
    assert refused.value.errors == {
        "address": "经营场所超过 300 个字（现有 301 个），请核对",
        "industry_code_version": "行业代码版本应为 2017 或 2011，而不是「20170」",
    }


def test_every_field_too_long_gets_the_same_chinese_through_the_import(engine: Engine, tmp_path: Path) -> None:
    """One row per field (a row with one refused value is not weighed further), the rest of it valid."""
    actor = office(engine)
    rows = [row(serial, {header: value}) for serial, (header, value, _message) in enumerate(TOO_LONG.values(), 1)]
    plan = plan_import(engine, write_list(tmp_path / "名录.xlsx", rows), actor=actor)
    assert plan.counts[RowKind.INVALID] == len(TOO_LONG)
    found = {problem.field: problem.reason for outcome in plan.outcomes for problem in outcome.problems}
    assert found == {field: message for field, (_header, _value, message) in TOO_LONG.items()}
    assert _business_count(engine) == 0
