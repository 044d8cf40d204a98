"""A recorded draw pinned against docs/rules.md §5.3 on both engines, so speed work cannot change a result.

Everything expected is worked out here with hashlib and the procedure as written in the docs (the
script under §5.3), not with the module's helpers: the population and its fingerprint, the quota of each
credit-risk class, the businesses in rank order, and each business's inspectors with every pairing passed
over (包联, a relation, the own-office rule). The fingerprint and the drawn businesses are also pinned as
literal values: a draw recorded before a change must still verify, and be drawn the same, after it.
"""

from __future__ import annotations

import hashlib
import math
import uuid as uuid_module

from inspection_world import RULES, make_inspection_world, make_task
from sqlmodel import Session, col, select

from storage.tables import Business
from storage.tables_inspection import InspectionPair
from workbench.services.inspection_draws import draw_task
from workbench.services.inspection_verify import verify_task
from workbench.services.inspectors import add_inspector, add_recusal, list_inspectors

SEED = "20261207"
# prefix, count, tags, class as docs/rules.md §5.1 and the shipped risk classes name it
GROUPS = (("抽检高", 30, "抽检 高风险", "D"), ("抽检般", 30, "抽检 B类", "B"), ("抽检无", 40, "抽检", ""))
CLASS_RATIOS = {"D": "30", "B": "10"}
BASE_RATIO = 5
OWN_OFFICE_REASON = "每户须至少一名本所人员，余下一个名额只能派本所人员"

# Worked out once with the script of docs/rules.md §5.3 over the fixed uuids below (uuid5 of the names).
PINNED_FINGERPRINT = "4c15a226e69f82fbb7b9e9f0df86ee2bd2e621c79ac42c9fb2b8530f6b15e10f"
PINNED_DRAWN = ("抽检高0000", "抽检高0016", "抽检无0016", "抽检无0014", "抽检高0027", "抽检高0025", "抽检高0020", "抽检高0029",
                "抽检高0028", "抽检高0010", "抽检般0029", "抽检般0016", "抽检高0023", "抽检般0003")  # fmt: skip


def _fixed_uuid(text: str) -> str:
    return str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, text))


def _population() -> list[tuple[str, str, str, bool]]:
    """(uuid, class, name, 包联 by 张伟) of every business of the scope, ascending uuid."""
    rows = []
    for prefix, count, _tags, risk in GROUPS:
        for number in range(count):
            rows.append((_fixed_uuid(f"{prefix}{number}"), risk, f"{prefix}{number:04d}", number % 3 == 0))
    return sorted(rows)


def _rank(uuid: str) -> str:
    return hashlib.sha256(f"{SEED}:{uuid}".encode()).hexdigest()


def _documented_draw() -> list[str]:
    population = _population()
    drawn: list[str] = []
    for _prefix, _count, _tags, risk in GROUPS:
        members = [uuid for uuid, cls, _name, _own in population if cls == risk]
        percent = int(CLASS_RATIOS.get(risk, BASE_RATIO))
        wanted = math.ceil(len(members) * percent / 100)
        drawn += sorted(members, key=_rank)[:wanted]
    return sorted(drawn, key=_rank)


def _documented_pair(b: str, pool: list[str], n: int, recused: dict[str, str], own: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The §5.3 script's pair(), also keeping each pairing passed over with its reason."""
    pool, picked, skipped, j = list(pool), [], [], 0
    while len(picked) < n and pool:
        x = pool.pop(int(hashlib.sha256(f"{SEED}:{b}:{j}".encode()).hexdigest(), 16) % len(pool))
        j += 1
        if x in recused:
            skipped.append((x, recused[x]))
            continue
        if n - len(picked) == 1 and x not in own and not set(picked) & own:
            skipped.append((x, OWN_OFFICE_REASON))
            continue
        picked.append(x)
    return picked, skipped


def _add_scope(session: Session, office_id: int, officer_id: int) -> None:
    for prefix, count, tags, _risk in GROUPS:
        for number in range(count):
            session.add(Business(
                office_id=office_id, uuid=_fixed_uuid(f"{prefix}{number}"), name=f"{prefix}{number:04d}", uscc=None,
                reg_no=f"3303029{number:08d}", officer_id=officer_id if number % 3 == 0 else None, tags=tags,
            ))  # fmt: skip
    session.flush()


def test_the_fingerprint_and_drawn_businesses_are_pinned() -> None:
    population = _population()
    fingerprint = hashlib.sha256("".join(f"{u}\t{c}\n" for u, c, _n, _o in population).encode()).hexdigest()
    assert fingerprint == PINNED_FINGERPRINT
    names = {uuid: name for uuid, _c, name, _o in population}
    assert tuple(names[uuid] for uuid in _documented_draw()) == PINNED_DRAWN


def test_a_recorded_draw_is_the_documented_one_and_verifies(session: Session) -> None:
    world = make_inspection_world(session, 6)
    actor = world.world.actor
    _add_scope(session, actor.office_id, world.world.officer_id)
    population = _population()
    related = [uuid for uuid in _documented_draw()][:6]  # 李强 must step aside from the first six drawn
    for uuid in related:
        add_recusal(session, actor=actor, inspector_uuid=world.inspector_uuids["李强"], business_uuid=uuid, kind="亲属")
    session.commit()
    task = make_task(session, world.world, ratio=str(BASE_RATIO), class_ratios=CLASS_RATIOS, scope={"tag": "抽检"},
                     departments=("市场监管", "卫生健康局"))  # fmt: skip

    report = draw_task(session, actor=actor, task=task, rules=RULES, seed=SEED)
    session.commit()

    fingerprint = hashlib.sha256("".join(f"{u}\t{c}\n" for u, c, _n, _o in population).encode()).hexdigest()
    assert (report.population_count, report.population_hash) == (100, fingerprint)
    assert report.quotas == {"D": (30, 9), "B": (30, 3), "": (40, 2)}
    assert [line.business.uuid for line in report.lines] == _documented_draw()
    people = {line.name: line for line in list_inspectors(session, actor=actor)}
    drawable = ("张伟", "单丽", "李强", "赵敏")  # 钱过期 expires before the task ends, 孙无证 has no certificate
    pool = sorted(people[name].uuid for name in drawable)
    own = {people[name].uuid for name in drawable if people[name].own_office}
    name_of = {people[name].uuid: name for name in drawable}
    officer_of = {uuid: own_by_zhang for uuid, _c, _n, own_by_zhang in population}
    expected_lines = []
    for uuid in _documented_draw():
        recused = {people["张伟"].uuid: "包联该户"} if officer_of[uuid] else {}
        if uuid in related:
            recused[people["李强"].uuid] = "亲属"
        picked, skipped = _documented_pair(uuid, pool, 2, recused, own)
        expected_lines.append((tuple(name_of[i] for i in picked), tuple((name_of[i], why) for i, why in skipped)))
    assert [(line.inspectors, line.skipped) for line in report.lines] == expected_lines
    reasons = {why for _inspectors, skipped in expected_lines for _name, why in skipped}
    assert {"包联该户", "亲属"} <= reasons  # the world exercises recusal (the own-office rule depends on the seed)

    stored = session.exec(
        select(Business.uuid, InspectionPair.position, InspectionPair.inspector_uuids, InspectionPair.skipped)
        .join(Business, col(Business.id) == col(InspectionPair.business_id))
        .order_by(col(InspectionPair.position))
    ).all()
    uuid_of = {name: uuid for uuid, name in name_of.items()}
    assert [(row[0], row[1], row[2]) for row in stored] == [
        (uuid, position, ",".join(uuid_of[name] for name in inspectors))
        for position, (uuid, (inspectors, _skipped)) in enumerate(zip(_documented_draw(), expected_lines, strict=True), 1)
    ]
    assert [row[3] for row in stored] == [
        "\n".join(f"{uuid_of[name]}:{why}" for name, why in skipped) for _inspectors, skipped in expected_lines
    ]
    checked = verify_task(session, actor=actor, task=task, rules=RULES)
    assert checked.ok and checked.differences == []


def test_two_inspectors_of_the_same_name_are_recorded_each_by_their_own_uuid(session: Session) -> None:
    """Offices have two 王芳: the pair row must hold the one drawn, and verify must find the record unchanged."""
    world = make_inspection_world(session, 30)
    actor = world.world.actor
    twins = [add_inspector(session, actor=actor, data={"name": "王芳", "cert_no": f"ZJ10{n}", "cert_expires_on": "2028-12-31"})
             for n in range(2)]  # fmt: skip
    session.commit()
    task = make_task(session, world.world, ratio="100")
    report = draw_task(session, actor=actor, task=task, rules=RULES, seed="3")
    session.commit()
    stored = session.exec(select(InspectionPair.inspector_uuids, InspectionPair.skipped)).all()
    twin_uuids = {twin.uuid for twin in twins}
    met = {uuid for inspectors, skipped in stored for uuid in [*inspectors.split(","), *(line.partition(":")[0]
           for line in skipped.split("\n") if line)] if uuid in twin_uuids}  # fmt: skip
    assert met == twin_uuids  # both 王芳 were drawn (or passed over) somewhere among 33 businesses
    assert sum("王芳" in line.inspectors for line in report.lines) > 0
    assert verify_task(session, actor=actor, task=task, rules=RULES).ok
