"""Issue 19, property: whatever the office and two laptops edit, after both return packages are applied (the
first twice) and every conflict is decided, no accepted edit is missing and nothing is duplicated.

The expected register is computed by a model of the rules written here from the issue, independent of the
apply code: per field, a laptop's value is taken when the office still holds the value the laptop started
from, ignored when equal, and otherwise waits as a conflict; a conflict decided for the laptop takes its value.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_world import make_world
from sqlmodel import Session
from sync_laptops import Laptop, business_values, rows_of, snapshot

from storage.audit import Actor
from storage.engine import make_engine
from workbench.services.register import update_business
from workbench.services.sync_apply import apply_package
from workbench.services.sync_review import open_items, resolve_field

VALUES: dict[str, list[Any]] = {
    "phone": ["13800000001", "13911112222", "13733334444"],
    "tags": ["", "重点", "夜宵"],
    "employees": [None, 1, 5],
}
edits = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(sorted(VALUES)), st.integers(0, 2)), max_size=6)
_numbers = itertools.count()


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    office_edits=edits,
    a_edits=edits,
    b_edits=edits,
    a_visits=st.lists(st.integers(0, 2), max_size=3),
    b_visits=st.lists(st.integers(0, 2), max_size=3),
    decisions=st.lists(st.sampled_from(["office", "laptop", "both"]), min_size=20, max_size=20),
)
def test_every_accepted_edit_arrives_once(
    sqlite_template: Path, tmp_path: Path, office_edits: list[Any], a_edits: list[Any], b_edits: list[Any],
    a_visits: list[int], b_visits: list[int], decisions: list[str],
) -> None:
    path = tmp_path / f"office-{next(_numbers)}.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(str(path))
    try:
        with Session(engine) as session:
            world = make_world(session)
        office = Actor(who="李主任", device="所里终端", office_id=world.actor.office_id)
        uuids = [world.noodle_uuid, world.tea_uuid, world.shop_uuid]
        held = snapshot(engine, office.office_id)
        model = {(b, f): held[b][1][f] for b in uuids for f in VALUES}
        base = dict(model)
        for index, field, choice in office_edits:
            business = uuids[index]
            with Session(engine) as session:
                version = business_values(engine, business)["version"]
                update_business(session=session, actor=office, business_uuid=business, base_version=version,
                                changes={field: VALUES[field][choice]})
                session.commit()
            model[(business, field)] = VALUES[field][choice]

        laptops = {"张伟": Laptop(held, "张伟", "笔记本A"), "单丽": Laptop(held, "单丽", "笔记本B")}
        laptop_values: dict[tuple[str, str, str], Any] = {}
        visits: dict[str, str] = {}
        for (name, laptop), changes, new_visits in zip(laptops.items(), (a_edits, b_edits), (a_visits, b_visits), strict=True):
            for index, field, choice in changes:
                laptop.edit(uuids[index], **{field: VALUES[field][choice]})
                laptop_values[(name, uuids[index], field)] = VALUES[field][choice]
            for index in new_visits:
                visit = laptop.new_row("visit", {"visited_on": "2026-12-05", "finding": "正常经营"}, uuids[index])
                visits[visit] = uuids[index]

        # The model: apply A then B, field by field.
        pending: set[tuple[str, str, str]] = set()
        accepted: list[tuple[str, str, str]] = []
        for name in laptops:
            for (who, business, field), value in laptop_values.items():
                if who != name or value == model[(business, field)]:
                    continue
                if base[(business, field)] == model[(business, field)]:
                    model[(business, field)] = value
                    accepted.append((name, business, field))
                else:
                    pending.add((name, business, field))

        packages = [laptop.package() for laptop in laptops.values()]
        for package in (*packages, packages[0]):
            with Session(engine) as session:
                apply_package(session, office, package)
                session.commit()

        with Session(engine) as session:
            items = open_items(session, office)
        fields = {"联系电话": "phone", "标签": "tags", "从业人员": "employees"}
        assert {(item.laptop_by, item.business_uuid, fields[item.what]) for item in items} == pending
        for item, decision in zip(items, decisions, strict=False):  # at most 12 conflicts: 20 decisions are enough
            with Session(engine) as session:
                resolve_field(session, office, item.id, decision)  # type: ignore[arg-type]
                session.commit()
            key = (item.laptop_by, item.business_uuid, fields[item.what])
            if decision == "laptop":
                model[key[1:]] = laptop_values[key]

        for business in uuids:
            row = business_values(engine, business)
            assert {field: row[field] for field in VALUES} == {field: model[(business, field)] for field in VALUES}
        stored = rows_of(engine, "SELECT v.uuid, b.uuid AS business FROM visit v JOIN business b ON b.id = v.business_id")
        assert sorted((row["uuid"], row["business"]) for row in stored) == sorted(visits.items())
        logged = {
            (row["who"], row["entity_uuid"], row["field"])
            for row in rows_of(engine, "SELECT who, entity_uuid, field FROM change_log WHERE action = 'update' "
                                       "AND device LIKE '笔记本%'")
        }
        assert set(accepted) <= logged
        assert len(rows_of(engine, "SELECT id FROM sync_package_applied")) == 2
    finally:
        engine.dispose()
