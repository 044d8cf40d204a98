"""The reclassification after a 经营数据 / 许可证 import (issue 15's speed item, session 13), on both engines:
named households whose tier or size class moves or stays, results with changed and unchanged inputs, the
history and change-log rows (who, device, old, new), the counts in the import's result, a repeat import that
changes nothing, the same rows whether the touched businesses are read in one chunk or many, and a failure
half-way through the reclassification's writes that leaves the database as it was. Also the size class's
SizeJudge (the recompute's fast path) against classify_size over a grid of industries and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from import_helpers import existing, office, uscc
from list_helpers import households, rules, table_state, write_sheet
from sqlalchemy import Engine, text

import workbench.services.classification_recompute as recompute_module
import workbench.services.classification_writes as writes_module
from imports.figures_plan import plan_figures
from imports.list_commit import ListResult, commit_list
from imports.parse import parse_list_file
from storage.audit import Actor
from workbench.domain.reference import industry_codes
from workbench.domain.size_class import SizeJudge, classify_size
from workbench.domain.size_table import SIZE_ROWS

HEADER = ["统一社会信用代码", "名称", "年度", "营业收入（元）", "纳税额（元）", "从业人数", "参保人数"]
RETAIL = "5223"  # 零售业: 微型 below 10 人 or 100 万元
# serial -> (industry code, the year's revenue, tax, employees, insured staff) imported for 2025
FIGURES: dict[int, tuple[str | None, int, int, int, int]] = {
    1: (None, 1_200_000, 3_000, 3, 1),  # 生存型 -> 发展型 (no industry: the 100 万元 fallback line)
    2: (None, 200_000, 1_000, 2, 1),  # 生存型 -> 成长型
    3: (None, 50_000, 0, 2, 0),  # stays 生存型, size still 无法划型: only inputs and explanation rewritten
    4: (RETAIL, 1_500_000, 2_000, 12, 3),  # 生存型 / 微型 -> 发展型 / 小型
    5: (RETAIL, 1_200_000, 0, 12, 0),  # stays 生存型, 微型 -> 小型
}
UNTOUCHED = 6


def _register(engine: Engine) -> tuple[Actor, dict[int, str]]:
    actor = office(engine)
    made = households(engine, actor, [])
    for serial in range(1, UNTOUCHED + 1):
        code = FIGURES[serial][0] if serial in FIGURES else None
        made[serial] = existing(engine, actor, serial, industry_code=code)
    households(engine, actor, [])  # classify them all once, as the office's register before any figures
    return actor, made


def _import(engine: Engine, actor: Actor, tmp_path: Path, name: str = "2025年纳税情况.xlsx") -> ListResult:
    rows = [[uscc(serial), f"鹿城区第{serial}号水果店", 2025, revenue, tax, employees, insured]
            for serial, (_code, revenue, tax, employees, insured) in FIGURES.items()]  # fmt: skip
    path = write_sheet(tmp_path / name, HEADER, rows, title=None)
    plan = plan_figures(engine, parse_list_file(path), office_id=actor.office_id)
    return commit_list(engine, plan, actor=actor, rules=rules())


def _results(engine: Engine) -> dict[int, tuple[Any, ...]]:
    """serial -> (tier, size class, version, rule version, inputs, explanation, size explanation, uuid)."""
    with engine.connect() as connection:
        found = connection.execute(text(
            "SELECT b.name, r.tier, r.size_class, r.version, r.rule_version, r.inputs, r.explanation, "
            "r.size_explanation, r.uuid, r.updated_by, r.device FROM classification_result r "
            "JOIN business b ON b.id = r.business_id")).all()  # fmt: skip
    return {int(row[0].removeprefix("鹿城区第").removesuffix("号水果店")): tuple(row[1:]) for row in found}


def _audit(engine: Engine, mark_history: int, mark_log: int) -> tuple[list[Any], list[Any]]:
    with engine.connect() as connection:
        history = connection.execute(text(
            "SELECT b.name, h.event, h.tier, h.size_class, h.explanation, h.updated_by, h.device "
            "FROM classification_history h JOIN business b ON b.id = h.business_id WHERE h.id > :mark "
            "ORDER BY b.name"), {"mark": mark_history}).all()  # fmt: skip
        log = connection.execute(text(
            "SELECT c.entity_uuid, c.action, c.field, c.old, c.new, c.who, c.device FROM change_log c "
            "WHERE c.id > :mark AND c.entity = 'classification' ORDER BY c.id"), {"mark": mark_log}).all()  # fmt: skip
    return [tuple(row) for row in history], [tuple(row) for row in log]


def _marks(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        return (
            connection.execute(text("SELECT coalesce(max(id), 0) FROM classification_history")).scalar_one(),
            connection.execute(text("SELECT coalesce(max(id), 0) FROM change_log")).scalar_one(),
        )


def test_an_import_reclassifies_the_named_households_and_a_repeat_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    actor, _made = _register(engine)
    before = _results(engine)
    assert {serial: row[:2] for serial, row in before.items()} == {
        1: ("survival", None), 2: ("survival", None), 3: ("survival", None), 4: ("survival", "micro"),
        5: ("survival", "micro"), 6: ("survival", None),
    }  # fmt: skip
    mark_history, mark_log = _marks(engine)

    result = _import(engine, actor, tmp_path)

    assert (result.reclassified, result.tier_changes) == (5, 3)
    assert "已重新分型 5 户，3 户分型变化" in result.summary_text()
    assert sorted(result.moves) == ["1 户 生存型 -> 成长型", "2 户 生存型 -> 发展型"]
    after = _results(engine)
    assert {serial: row[:3] for serial, row in after.items()} == {
        1: ("development", None, 2), 2: ("growth", None, 2), 3: ("survival", None, 2),
        4: ("development", "small", 2), 5: ("survival", "small", 2), 6: ("survival", None, 1),
    }  # fmt: skip
    assert after[UNTOUCHED] == before[UNTOUCHED]
    assert "营业收入120万元 ≥ 发展型门槛100万元" in after[1][5]
    assert "营业收入150万元 ≥ 发展型门槛100万元" in after[4][5]
    assert after[4][6] == (
        "小型：从业人员12人 ≥ 小型下限10人、< 中型下限50人，属小型；"
        "营业收入150万元 ≥ 小型下限100万元、< 中型下限500万元，属小型"
    )
    # 3: tier and size as before, but the result holds the new inputs and reason (it must explain itself)
    assert after[3][4] != before[3][4] and '"revenue_yuan":50000' in after[3][4]
    assert after[3][5] == "生存型：近12个月无纳税记录；雇员2人；参保0人 < 成长型门槛1人；营业收入5万元"
    assert after[3][6] == before[3][6] == "无法划型：没有行业代码"
    for serial in FIGURES:
        assert after[serial][3] == rules().version and after[serial][7] == before[serial][7]
        assert after[serial][8:] == (actor.who, actor.device)

    history, log = _audit(engine, mark_history, mark_log)
    assert [row[0] for row in history] == [f"鹿城区第{serial}号水果店" for serial in (1, 2, 4, 5)]
    assert history[0][1:4] == ("computed", "development", None)
    assert history[0][4] == f"{after[1][5]}；规模：无法划型：没有行业代码"
    assert history[2][1:4] == ("computed", "development", "small")
    assert history[3][4] == f"{after[5][5]}；规模：{after[5][6]}"
    assert {row[5:] for row in history} == {(actor.who, actor.device)}
    by_uuid = {after[serial][7]: serial for serial in FIGURES}
    assert {by_uuid[row[0]]: row[1:5] for row in log} == {
        1: ("update", "classification", "生存型 / 无法划型", "发展型 / 无法划型"),
        2: ("update", "classification", "生存型 / 无法划型", "成长型 / 无法划型"),
        4: ("update", "classification", "生存型 / 微型", "发展型 / 小型"),
        5: ("update", "classification", "生存型 / 微型", "生存型 / 小型"),
    }  # fmt: skip
    assert [row[0] for row in log] == sorted(row[0] for row in log)  # the log's index filled in order
    assert {row[5:] for row in log} == {(actor.who, actor.device)}

    mark_history, mark_log = _marks(engine)
    again = _import(engine, actor, tmp_path, "2025年纳税情况（重发）.xlsx")
    assert (again.reclassified, again.tier_changes) == (0, 0)  # nothing written: nothing touched
    assert _results(engine) == after and _audit(engine, mark_history, mark_log) == ([], [])


def test_the_same_rows_whether_read_in_one_chunk_or_many(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor, _made = _register(engine)
    mark_history, mark_log = _marks(engine)
    monkeypatch.setattr(recompute_module, "ONLY_CHUNK", 2)
    result = _import(engine, actor, tmp_path)
    assert (result.reclassified, result.tier_changes) == (5, 3)
    after = _results(engine)
    assert {serial: row[:3] for serial, row in after.items()} == {
        1: ("development", None, 2), 2: ("growth", None, 2), 3: ("survival", None, 2),
        4: ("development", "small", 2), 5: ("survival", "small", 2), 6: ("survival", None, 1),
    }  # fmt: skip
    history, log = _audit(engine, mark_history, mark_log)
    assert len(history) == len(log) == 4


def test_a_failure_half_way_through_the_reclassification_leaves_the_database_as_it_was(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor, _made = _register(engine)
    before = table_state(engine)
    results_before = _results(engine)
    monkeypatch.setattr(recompute_module, "ONLY_CHUNK", 2)
    written = writes_module.ChunkWriter.write
    calls: list[int] = []

    def fails_second_time(self: writes_module.ChunkWriter, decided: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("磁盘已满")
        written(self, decided)

    monkeypatch.setattr(writes_module.ChunkWriter, "write", fails_second_time)
    with pytest.raises(RuntimeError):
        _import(engine, actor, tmp_path)
    assert table_state(engine) == before and _results(engine) == results_before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM import_record")).scalar_one() == 0


def _codes() -> list[str | None]:
    """One code per size-table row (the listed code or a class under it), codes outside the table, none."""
    known = industry_codes("2017")
    picked: list[str | None] = [None, "", "9999", "J6611", "6611", " 5223 ", "5223"]
    for row in SIZE_ROWS:
        for listed in row.codes:
            picked.append(listed)
            picked.append(next((code for code in known if code.startswith(listed) and len(code) == 4), listed))
    return picked


def test_the_size_judge_says_what_classify_size_says() -> None:
    employees = [None, 0, 1, 2, 9, 10, 10.0, 19, 20, 99, 100, 300, 1000, 5000]
    amounts = [None, 0, 0.5, 1, 49.99, 50, 99.99, 100, 123.45, 300, 500, 2000, 5000, 40000, 123456.78]
    for version in ("2017", "2011"):
        for code in _codes():
            judge = SizeJudge(code, version)
            for staff in employees:
                for revenue in amounts:
                    for assets in (None, 300, 6000):
                        verdict = classify_size(code, employees=staff, revenue_wan=revenue, assets_wan=assets,
                                                version=version)  # fmt: skip
                        assert judge.judge(staff, revenue, assets) == (verdict.size_class, verdict.explanation)
                        # asked again (the judge's kept reasons) the same
                        assert judge.judge(staff, revenue, assets) == (verdict.size_class, verdict.explanation)
