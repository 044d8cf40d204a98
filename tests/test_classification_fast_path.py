"""The fast recompute (tuples, caches, worker processes, COPY on PostgreSQL) writes exactly what the
reference recompute (tests/classification_reference.py, the code before the speed work) wrote: the same
results, history and change-log rows and the same report, on both engines, for a first classification,
a rules change, changed figures, overrides and a dry run."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from classification_reference import reference_recompute
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import Session

from storage.audit import Actor
from workbench.domain.rule_files import LoadedRules
from workbench.domain.tiers import TierRules
from workbench.services import classification_pipeline, classification_recompute
from workbench.services.classification import load_rules
from workbench.services.classification_decide import Decider, tier_inputs, uuid7_batch
from workbench.services.classification_recompute import recompute
from workbench.services.demo import build_demo

TODAY = date(2026, 11, 23)
LOWER = "[tier.development]\nrevenue_at_micro_ceiling = false\nfallback_revenue_yuan = 400000\n"
UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def rules_with(folder: Path, text_: str = "") -> LoadedRules[TierRules]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "classification.toml").write_text(text_, encoding="utf-8")
    loaded, error = load_rules(folder)
    assert error is None
    return loaded


@pytest.fixture
def demo(engine: Engine) -> Actor:
    build_demo(engine, size=900, seed=11, today=TODAY, workers=0)
    with engine.connect() as connection:
        office_id = connection.execute(text("SELECT min(office_id) FROM business")).scalar_one()
    return Actor(who="王芳", device="测试终端", office_id=office_id)


def snapshot(session: Session) -> dict[str, Any]:
    """Everything a recompute wrote, without ids, uuids and timestamps (which differ run to run)."""
    connection = session.connection()
    result_columns = (
        "business_id, office_id, tier, size_class, rule_version, inputs, explanation, size_explanation, "
        "version, override_tier, updated_by, device"
    )
    results = connection.execute(
        text(f"SELECT {result_columns} FROM classification_result ORDER BY business_id")
    ).all()
    owners: dict[str, int] = dict(
        connection.execute(text("SELECT uuid, business_id FROM classification_result")).all()  # type: ignore[arg-type]
    )
    history = connection.execute(
        text(
            "SELECT business_id, office_id, event, tier, size_class, rule_version, explanation, reason, "
            "version, updated_by, device FROM classification_history ORDER BY business_id, id"
        )
    ).all()
    log = connection.execute(
        text(
            "SELECT entity, entity_uuid, action, field, old, new, who, device, office_id FROM change_log "
            "WHERE entity IN ('classification', 'classification_run')"
        )
    ).all()
    entries = sorted(
        (owners.get(row.entity_uuid, -1), row.entity, row.action, row.field, row.old, row.new, row.who)
        + (row.device, row.office_id)
        for row in log
    )
    uuids = [row[0] for row in connection.execute(text("SELECT uuid FROM classification_history"))]
    assert all(UUID7.match(uuid) for uuid in [*owners, *uuids])
    stamps = connection.execute(
        text("SELECT count(*) FROM classification_result WHERE computed_at IS NULL OR updated_at IS NULL")
    ).scalar_one()
    assert stamps == 0
    return {
        "results": [tuple(row) for row in results],
        "history": [tuple(r) for r in history],
        "log": entries,
    }


def both(
    engine: Engine, actor: Actor, rules: LoadedRules[TierRules], *, dry_run: bool = False, **fast: Any
) -> None:
    """Run the reference and the fast path from the same committed state; compare rows and reports."""
    with Session(engine) as session:
        expected_report = reference_recompute(session, actor=actor, rules=rules, today=TODAY, dry_run=dry_run)
        expected = snapshot(session)
        session.rollback()
    with Session(engine) as session:
        report = recompute(session, actor=actor, rules=rules, today=TODAY, dry_run=dry_run, **fast)
        found = snapshot(session)
        session.rollback()
    assert report.businesses > 0 and (dry_run or found["results"])
    assert report.as_json() == expected_report.as_json()
    assert found["results"] == expected["results"]
    assert found["history"] == expected["history"]
    assert found["log"] == expected["log"]


def commit_first(engine: Engine, actor: Actor, rules: LoadedRules[TierRules]) -> None:
    with Session(engine) as session:
        recompute(session, actor=actor, rules=rules, today=TODAY)
        session.commit()


def change_some_things(engine: Engine) -> None:
    """Overrides on some households, new figures for some businesses, an enterprise without figures."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE classification_result SET override_tier = 'development', override_reason = '测试' "
                "WHERE business_id % 17 = 0 AND tier IS NOT NULL"
            )
        )
        connection.execute(
            text(
                "UPDATE year_figures SET revenue = revenue * 3 + 7, insured_staff = 6 WHERE business_id % 11 = 0"
            )
        )
        connection.execute(text("UPDATE year_figures SET deleted_at = updated_at WHERE business_id % 13 = 0"))


def test_a_first_classification_is_the_reference_in_process_and_in_workers(
    engine: Engine, demo: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = rules_with(tmp_path)
    both(engine, demo, rules, workers=0)
    monkeypatch.setattr(classification_recompute, "CHUNK", 100)
    monkeypatch.setattr(classification_pipeline, "IN_PROCESS_CHUNKS", 2)
    both(engine, demo, rules, workers=2)


def test_rules_changes_figures_changes_overrides_and_dry_runs_are_the_reference(
    engine: Engine, demo: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped, lower = rules_with(tmp_path / "a"), rules_with(tmp_path / "b", LOWER)
    commit_first(engine, demo, shipped)
    both(engine, demo, shipped, workers=0)  # nothing changed
    change_some_things(engine)
    both(engine, demo, shipped, workers=0)
    both(engine, demo, lower, workers=0)
    both(engine, demo, lower, dry_run=True, workers=0)
    monkeypatch.setattr(classification_recompute, "CHUNK", 64)
    monkeypatch.setattr(classification_pipeline, "IN_PROCESS_CHUNKS", 1)
    both(engine, demo, lower, workers=1)
    commit_first(engine, demo, lower)
    both(engine, demo, shipped, dry_run=True, workers=2)


@pytest.mark.parametrize("method", ["spawn", "forkserver"] if sys.platform != "win32" else ["spawn"])
def test_spawned_workers_decide_the_same(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """Windows has no fork: the pool must work with spawned workers (everything it sends is picklable);
    the TUI recomputes in a thread, where the pool uses forkserver."""
    from storage.engine import make_engine

    engine = make_engine(sqlite_url)
    build_demo(engine, size=300, seed=2, today=TODAY, workers=0)
    with engine.connect() as connection:
        office_id = connection.execute(text("SELECT min(office_id) FROM business")).scalar_one()
    actor = Actor(who="王芳", device="测试终端", office_id=office_id)
    monkeypatch.setattr(classification_recompute, "CHUNK", 50)
    monkeypatch.setattr(classification_pipeline, "IN_PROCESS_CHUNKS", 1)
    monkeypatch.setattr(classification_pipeline, "start_method", lambda: method)
    both(engine, actor, rules_with(tmp_path), workers=1)
    engine.dispose()


_ROW = st.tuples(
    st.integers(1, 10**6),
    st.sampled_from(["individual", "enterprise", "farmer_coop", "个体"]),
    st.sampled_from(["active", "revoked", "deregistered", "moved_out", "其他", 'a"b\\c']),
    st.sampled_from([0, 1, True, False, None]),
    st.sampled_from([0, 1, True, False, None]),
    st.one_of(st.none(), st.dates(date(1980, 1, 1), date(2030, 12, 31)), st.dates().map(date.isoformat)),
    st.one_of(st.none(), st.integers(0, 5000)),
    st.sampled_from([None, "", "F5211", "5211", "I6510", "Q8411", "ZZZ", "f5211 "]),
    st.sampled_from([None, "2017", "2011", "1994"]),
    st.one_of(st.none(), st.integers(2000, 2030)),
    st.one_of(st.none(), st.integers(-10, 10**11), st.floats(0, 1e9, allow_nan=False)),
    st.one_of(st.none(), st.integers(-10, 10**9)),
    st.one_of(st.none(), st.integers(0, 5000)),
    st.one_of(st.none(), st.integers(0, 5000)),
)


@given(_ROW)
def test_the_inputs_json_is_what_json_makes_of_the_tier_inputs(row: tuple[Any, ...]) -> None:
    import json

    rules = TierRules()
    decider = Decider(rules, "v", TODAY)
    inputs = tier_inputs(row, TODAY)
    stored = inputs.as_json()
    stored["kind"] = row[1]
    assert decider.inputs_json(row) == json.dumps(stored, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and forkserver: Linux")
def test_a_pool_started_from_another_thread_uses_forkserver() -> None:
    import threading

    found: list[str] = []
    thread = threading.Thread(target=lambda: found.append(classification_pipeline.start_method()))
    thread.start()
    thread.join()
    assert found == ["forkserver"] and classification_pipeline.start_method() == "fork"


def test_uuid7_batches_are_unique_and_well_formed() -> None:
    made = uuid7_batch(5000) + uuid7_batch(5000)
    assert len(set(made)) == len(made)
    assert all(UUID7.match(uuid) for uuid in made)
