"""Committing a plan on both engines: atomic, logged, versioned, repeatable, cancellable, conflict-safe."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from import_helpers import business_by_code, existing, office, row, snapshot, uscc, write_list
from sqlalchemy import Engine, text
from sqlmodel import Session

import imports.commit
import imports.deferred_search
from imports.commit import commit_import
from imports.error_workbook import REASON_HEADER, write_error_workbook
from imports.errors import ImportCancelled, ImportConflict
from imports.plan import RowKind, plan_import
from storage.queries import BusinessFilter, count_businesses
from storage.tables_imports import ImportRecord
from workbench.services.detail import business_history
from workbench.services.register import update_business


def test_commit_inserts_updates_logs_and_records(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    updated_uuid = existing(engine, actor, 2)
    path = write_list(
        tmp_path / "名录.xlsx", [row(1), row(2, {"联系电话": "13900001111"}), row(3, {"联系电话": "1"})]
    )
    plan = plan_import(engine, path, actor=actor)
    result = commit_import(engine, plan, actor=actor)
    assert (result.inserted, result.updated, result.invalid) == (1, 1, 1)
    new = business_by_code(engine, uscc(1))
    assert (
        new.version == 1 and new.operator == "王1" and new.capital == 50_000 and new.updated_by == actor.who
    )
    assert new.grid_id is not None and new.officer_id is not None
    changed = business_by_code(engine, uscc(2))
    assert changed.version == 2 and changed.phone == "13900001111"
    with Session(engine) as session:
        created = business_history(session=session, actor=actor, business_uuid=new.uuid)
        edited = business_history(session=session, actor=actor, business_uuid=updated_uuid)
        record = session.get(ImportRecord, 1)
        found = count_businesses(session, BusinessFilter(office_id=actor.office_id, text="第1号水果"))
    assert [(line.action, line.new) for line in created] == [("create", "导入自「名录.xlsx」第 3 行")]
    assert [(line.action, line.field, line.old, line.new) for line in edited][0] == (
        "update",
        "phone",
        "13812345678",
        "13900001111",
    )
    assert record is not None and record.sha256 == plan.sha256 and record.file_name == "名录.xlsx"
    assert (record.inserted, record.updated, record.invalid, record.who) == (1, 1, 1, actor.who)
    assert found == 1  # the search index knows the new business


def test_a_cell_with_a_mobile_and_a_landline_keeps_both(engine: Engine, tmp_path: Path) -> None:
    """联系电话「13812345678/0577-88886666」, as registers write them: one business, both numbers, found by either."""
    actor = office(engine)
    path = write_list(
        tmp_path / "名录.xlsx",
        [row(1, {"联系电话": "13812345678/0577-88886666"}), row(2, {"联系电话": "13812345679；13812345670"})],
    )
    result = commit_import(engine, plan_import(engine, path, actor=actor), actor=actor)
    assert (result.inserted, result.invalid) == (2, 0)
    assert business_by_code(engine, uscc(1)).phone == "13812345678/0577-88886666"
    assert business_by_code(engine, uscc(2)).phone == "13812345679/13812345670"
    with Session(engine) as session:
        for text in ("6666", "13812345678", "5670"):
            assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text=text)) == 1, text


def test_a_large_import_rebuilds_the_search_index_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports.commit, "BULK_FROM", 2)
    actor = office(engine)
    path = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 6)])
    commit_import(engine, plan_import(engine, path, actor=actor), actor=actor)
    with Session(engine) as session:
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text="水果店")) == 5
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text="lcq")) == 5
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text="sg")) == 5  # initials inside
    if engine.dialect.name == "sqlite":  # every index holds what its content says (initials: filled from Python)
        with engine.connect() as connection:
            for table in ("business_fts", "business_grams", "business_pinyin", "business_codes", "business_initials"):
                connection.exec_driver_sql(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def test_new_rows_into_a_full_register_reach_the_search_index_in_one_pass(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too few to rebuild the whole index (a register 4x their number), enough to index them after the
    writes: found by name, by a 1-2 character term, by pinyin initials, by phone; the insert trigger is back."""
    monkeypatch.setattr(imports.deferred_search, "DEFER_FROM", 2)
    actor = office(engine)
    for serial in range(1, 13):
        existing(engine, actor, serial)
    new_rows = [
        row(serial, {"名称": f"藤桥镇第{serial}号超市", "联系电话": f"1390000{serial:04d}"}) for serial in (21, 22, 23)
    ]
    result = commit_import(engine, plan_import(engine, write_list(tmp_path / "名录.xlsx", new_rows), actor=actor),
                           actor=actor)  # fmt: skip
    assert result.inserted == 3
    with Session(engine) as session:
        for text, expected in (("藤桥镇", 3), ("超市", 3), ("桥", 3), ("tqz", 3), ("水果店", 12), ("00022", 1)):
            assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text=text)) == expected, text
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            triggers = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
            assert "business_search_insert" in set(triggers)
            for table in ("business_fts", "business_grams", "business_pinyin"):
                connection.exec_driver_sql(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        # and a business added by hand afterwards is indexed by the trigger again
        existing(engine, actor, 40, name="藤桥镇新开的面馆")
        with Session(engine) as session:
            assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text="藤桥镇")) == 4


def test_the_insert_triggers_statements_become_one_pass_each() -> None:
    from imports.deferred_search import bulk_statements

    trigger = """CREATE TRIGGER business_search_insert AFTER INSERT ON business BEGIN
  INSERT INTO business_fts(rowid, name, phone) VALUES (new.id, new.name, new.phone);
  INSERT INTO business_grams(rowid, search_chars) VALUES (new.id, new.search_chars);
END"""
    assert bulk_statements(trigger) == [
        ("business_fts", "INSERT INTO business_fts(rowid, name, phone) SELECT id, name, phone FROM business WHERE id > ?"),
        ("business_grams", "INSERT INTO business_grams(rowid, search_chars) SELECT id, search_chars FROM business WHERE id > ?"),
    ]  # fmt: skip
    # anything else in the body (an expression, another statement) keeps the trigger firing per row
    assert bulk_statements(trigger.replace("new.phone", "lower(new.phone)")) is None
    assert bulk_statements(trigger.replace("END", "  DELETE FROM business_grams WHERE rowid = new.id;\nEND")) is None


def test_importing_the_same_file_again_changes_nothing_and_says_so(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    path = write_list(tmp_path / "名录.xlsx", [row(1), row(2)])
    commit_import(engine, plan_import(engine, path, actor=actor), actor=actor)
    before = snapshot(engine)
    again = plan_import(engine, path, actor=actor)
    assert again.counts[RowKind.UNCHANGED] == 2 and not again.inserts and not again.updates
    assert again.previous_import is not None and "导入过" in again.summary_text()
    result = commit_import(engine, again, actor=actor)
    assert (result.inserted, result.updated, result.unchanged) == (
        0,
        0,
        2,
    ) and "没有任何改动" in result.summary_text()
    after = snapshot(engine)
    assert after["businesses"] == before["businesses"]
    assert after["import_record"] == before["import_record"] + 1  # each import is recorded


@pytest.mark.parametrize(
    ("bulk_from", "defer_from"),
    [(10_000, 10_000), (2, 10_000), (10_000, 2)],
    ids=["row-by-row", "bulk-load", "search-index-afterwards"],
)
def test_a_failure_half_way_leaves_the_database_exactly_as_before(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_from: int, defer_from: int
) -> None:
    actor = office(engine)
    existing(engine, actor, 9)
    monkeypatch.setattr(imports.commit, "BATCH", 2)
    monkeypatch.setattr(imports.commit, "BULK_FROM", bulk_from)
    monkeypatch.setattr(imports.deferred_search, "DEFER_FROM", defer_from)
    path = write_list(
        tmp_path / "名录.xlsx",
        [*(row(serial) for serial in range(1, 6)), row(9, {"联系电话": "13900001111"})],
    )
    plan = plan_import(engine, path, actor=actor)
    before = snapshot(engine)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(imports.commit, "_apply_updates", fail)  # after all the inserts were written
    with pytest.raises(RuntimeError):
        commit_import(engine, plan, actor=actor)
    assert snapshot(engine) == before
    monkeypatch.setattr(imports.commit, "_apply_updates", _real_apply_updates)
    commit_import(engine, plan, actor=actor)  # the same plan still commits afterwards
    assert len(snapshot(engine)["businesses"]) == 6
    with Session(engine) as session:  # and the search index (dropped and rebuilt in bulk) is whole
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text="水果店")) == 6


_real_apply_updates = imports.commit._apply_updates


def test_cancel_during_the_commit_writes_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = office(engine)
    monkeypatch.setattr(imports.commit, "BATCH", 1)
    path = write_list(tmp_path / "名录.xlsx", [row(serial) for serial in range(1, 4)])
    plan = plan_import(engine, path, actor=actor)
    before = snapshot(engine)
    cancel = threading.Event()

    def progress(done: int, total: int | None, stage: str) -> None:
        if done >= 1:
            cancel.set()  # the person presses 取消 after the first row was written

    with pytest.raises(ImportCancelled):
        commit_import(engine, plan, actor=actor, progress=progress, cancel=cancel)
    assert snapshot(engine) == before


def test_an_edit_between_dry_run_and_commit_is_a_conflict(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    edited = existing(engine, actor, 1)
    path = write_list(tmp_path / "名录.xlsx", [row(1, {"联系电话": "13900001111"}), row(2)])
    plan = plan_import(engine, path, actor=actor)
    with Session(engine) as session:
        update_business(
            session=session,
            actor=actor,
            business_uuid=edited,
            base_version=1,
            changes={"address": "府前街1号"},
        )
        session.commit()
    before = snapshot(engine)
    with pytest.raises(ImportConflict) as conflict:
        commit_import(engine, plan, actor=actor)
    assert "第 3 行" in conflict.value.conflicts[0] and "版本 2" in conflict.value.conflicts[0]
    assert "未写入任何内容" in conflict.value.message
    assert snapshot(engine) == before
    assert business_by_code(engine, uscc(1)).address == "府前街1号"


def test_a_code_registered_meanwhile_is_a_conflict(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    path = write_list(tmp_path / "名录.xlsx", [row(1)])
    plan = plan_import(engine, path, actor=actor)
    existing(engine, actor, 1)
    with pytest.raises(ImportConflict) as conflict:
        commit_import(engine, plan, actor=actor)
    assert uscc(1) in conflict.value.conflicts[0]


def test_the_error_workbook_is_fixed_in_excel_and_imported_again(engine: Engine, tmp_path: Path) -> None:
    actor = office(engine)
    path = write_list(
        tmp_path / "名录.xlsx",
        [
            row(1),
            row(2, {"联系电话": "12345", "经营者": "=HYPERLINK(1)"}),
            row(3, {"成立日期": "2019年2月30日"}),
        ],
    )
    plan = plan_import(engine, path, actor=actor)
    commit_import(engine, plan, actor=actor)
    report = write_error_workbook(plan, tmp_path / "错误报告.xlsx")
    sheet = openpyxl.load_workbook(report).active
    assert sheet is not None
    rows = [list(values) for values in sheet.iter_rows(values_only=True)]
    assert rows[0][-1] == REASON_HEADER and rows[0][:3] == ["统一社会信用代码", "注册号", "名称"]
    assert [line[2] for line in rows[1:]] == ["鹿城区第2号水果店", "鹿城区第3号水果店"]
    assert "「联系电话」「12345」" in rows[1][-1] and "成立日期" in rows[2][-1]
    assert sheet.cell(2, 4).data_type == "s" and rows[1][3] == "=HYPERLINK(1)"  # text, never a formula
    sheet.cell(2, 8).value = "13812345678"
    sheet.cell(2, 4).value = "王二"
    sheet.cell(3, 6).value = "2019-02-28"
    sheet.parent.save(report)
    fixed = plan_import(engine, report, actor=actor)
    assert fixed.counts[RowKind.NEW] == 2 and fixed.counts[RowKind.INVALID] == 0
    assert fixed.unknown_columns == []  # 错误原因 is our own column: ignored, not listed as unknown
    commit_import(engine, fixed, actor=actor)
    assert business_by_code(engine, uscc(3)).registered_on.isoformat() == "2019-02-28"  # type: ignore[union-attr]


def test_a_plan_of_another_office_is_refused(engine: Engine, tmp_path: Path) -> None:
    from imports.errors import PlanNotCommittable

    actor = office(engine)
    other = office(engine, "另一个所")
    plan = plan_import(engine, write_list(tmp_path / "名录.xlsx", [row(1)]), actor=actor)
    with pytest.raises(PlanNotCommittable):
        commit_import(engine, plan, actor=other)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM business")).scalar_one() == 0


def test_many_updates_of_the_same_fields_are_written_together(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports.commit, "BATCH", 2)  # two executemany batches of one group
    actor = office(engine)
    for serial in range(1, 4):
        existing(engine, actor, serial)
    rows = [
        row(serial, {"联系电话": f"1390000000{serial}", "经营者": f"李{serial}"}) for serial in range(1, 4)
    ]
    plan = plan_import(engine, write_list(tmp_path / "名录.xlsx", rows), actor=actor)
    assert commit_import(engine, plan, actor=actor).updated == 3
    for serial in range(1, 4):
        business = business_by_code(engine, uscc(serial))
        assert (business.version, business.phone, business.operator) == (
            2,
            f"1390000000{serial}",
            f"李{serial}",
        )
    with Session(engine) as session:
        assert count_businesses(session, BusinessFilter(office_id=actor.office_id, text="李2")) == 1


@pytest.mark.parametrize("full_personal_data", [True, False], ids=["full", "masked"])
def test_an_export_of_the_register_imports_back_with_no_change(
    engine: Engine, tmp_path: Path, full_personal_data: bool
) -> None:
    """Every field the export writes reads back as stored (2011 industry codes, 歇业, grids, officers ...)."""
    from datetime import date

    from imports.export import export_register
    from storage.audit import Actor
    from workbench.services.demo import build_demo

    summary = build_demo(engine, size=300, seed=3, today=date(2025, 6, 1))
    actor = Actor(who="陈晓东", device="测试终端", office_id=summary.office_id)
    with Session(engine) as session:
        exported = export_register(
            session=session,
            actor=actor,
            flt=BusinessFilter(office_id=actor.office_id),
            path=tmp_path / "登记簿.xlsx",
            full_personal_data=full_personal_data,
        )
    before = snapshot(engine)
    plan = plan_import(engine, exported.path, actor=actor)
    assert plan.counts[RowKind.UNCHANGED] == 300 and plan.rows_read == 300, plan.summary_text()
    commit_import(engine, plan, actor=actor)
    assert snapshot(engine)["businesses"] == before["businesses"]
