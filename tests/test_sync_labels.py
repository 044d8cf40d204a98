"""Issue 19: every field a sync package carries is named in Chinese wherever a person reads it (the dry run,
its errors, the review, the return package's 项目 column), from one source; and a dry run of a real return
package names a classification change in Chinese (it read 「更新 inputs、explanation…」 before)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session
from sync_world import SyncWorld, laptop_engine, make_sync_world
from test_sync_packages import make_package

from imports.sync_back import read_return_package, write_return_package
from imports.sync_read import read_field_package
from imports.sync_sheets import LAYOUTS, key_label
from storage.audit import Actor
from workbench.cli_sync_apply import _show
from workbench.domain.sync_model import REFERENCE_FIELDS, SyncTable
from workbench.services.gateway import Gateway
from workbench.services.sync_laptop import receive_field_package
from workbench.services.sync_rows import ALL_SPECS
from workbench.services.sync_tables import columns_of, label_of

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ASCII_WORD = re.compile(r"[A-Za-z_]{2,}")
# The one label that carries a machine word on purpose: the licence a renewal replaces is named by its uuid.
_MACHINE_WORDS_ALLOWED = {
    ("license", "renews_uuid"): "uuid", ("inspection_draw", "replaces_uuid"): "uuid",
    ("inspection_pair", "inspector_uuids"): "uuid",
}


def _chinese(table: str, field: str, label: str) -> None:
    allowed = _MACHINE_WORDS_ALLOWED.get((table, field))
    words = [word for word in _ASCII_WORD.findall(label) if word != allowed]
    assert _CJK.search(label) and not words, f"{table}.{field} is shown as 「{label}」"


def test_every_travelling_field_and_reference_has_a_chinese_label() -> None:
    tables = get_args(SyncTable)
    # every data table goes back but 双随机's tasks, draws and pairs (issue 20: a laptop records results only)
    assert set(tables) == {spec.name for spec in ALL_SPECS} - {
        "grid", "officer", "inspector", "inspection_task", "inspection_task_item", "inspection_draw", "inspection_pair"}
    walked = 0
    for table in tables:
        for field in columns_of(table):  # every field a return package may set
            _chinese(table, field, label_of(table, field))
            walked += 1
        for reference in REFERENCE_FIELDS:
            if reference in columns_of(table):
                _chinese(table, reference, label_of(table, reference))
        _chinese(table, "deleted_at", label_of(table, "deleted_at"))  # a deletion decided in the review
    for spec in ALL_SPECS:  # the field package's sheets, grids and officers too, and the 项目 column's words
        for field in spec.columns:
            _chinese(spec.name, field, label_of(spec.name, field))
            assert key_label(spec.name, field) == label_of(spec.name, field)
    assert walked > 100  # the business row alone has ~40 travelling fields


def test_the_package_headers_and_the_dry_run_use_the_same_words() -> None:
    for item in LAYOUTS:
        for column in item.columns:
            if not column.machine:
                assert column.header == label_of(item.spec.name, column.key)
        for header, _table, key in item.reference_names:
            assert header == label_of(item.spec.name, key)


@pytest.fixture
def office(engine: Engine) -> SyncWorld:
    with Session(engine) as session:
        return make_sync_world(session)


def test_a_classification_sent_back_is_described_in_chinese(
    engine: Engine, office: SyncWorld, tmp_path: Path, sqlite_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """sync out → the figures' classification recomputed on the laptop → sync back → the office's dry run."""
    folder = tmp_path / "laptop"
    folder.mkdir()
    laptop = laptop_engine(sqlite_template, folder)
    with Session(laptop) as session:
        receive_field_package(session=session, package=read_field_package(make_package(engine, office, tmp_path)),
                              who="张伟", device="笔记本")
        session.commit()
    with laptop.begin() as connection:  # what 重新分型 on the laptop leaves: new inputs, explanations and time
        connection.execute(text(
            "UPDATE classification_result SET inputs = '{\"revenue\": 1500000}', explanation = '营业收入 150 万元',"
            " size_explanation = '从业人员 4 人', computed_at = '2026-12-06 09:00:00.000000', version = version + 1"))
    with Session(laptop) as session:
        written = write_return_package(session=session, device_id="laptop·1", device="笔记本", path=tmp_path / "回传.xlsx")
    laptop.dispose()
    package = read_return_package(written.path)
    office_actor = Actor(who="李主任", device="所里终端", office_id=office.world.actor.office_id)
    plan = Gateway(engine).sync.dry_run(office_actor, package)
    (row,) = plan.rows
    assert {label_of("classification_result", name) for name in row.writes} == {
        "分型依据数据", "分型说明", "规模说明", "计算时间"}
    _show(plan, package)
    shown = capsys.readouterr().out
    assert "分型结果：直接更新（更新 " in shown
    line = next(line for line in shown.splitlines() if "分型结果" in line)
    for word in ("分型依据数据", "分型说明", "规模说明", "计算时间"):
        assert word in line
    assert not re.search(r"inputs|explanation|computed_at", shown)
    with engine.connect() as connection:  # nothing written by a dry run
        computed = connection.execute(text("SELECT explanation FROM classification_result")).scalar_one()
    assert computed == "营业收入 120 万元"
