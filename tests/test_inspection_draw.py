"""The 双随机 generator as docs/rules.md §5.3 writes it down: reproducible, fair, and never pairs a recused inspector.

Expected draws are computed here from the written algorithm with hashlib alone (not the module's helpers),
so a change to the module that breaks the documented procedure fails.
"""

from __future__ import annotations

import hashlib
import math
import uuid as uuid_module
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain.inspection_draw import (
    OWN_OFFICE_REASON,
    DrawInspector,
    Impossible,
    Pairing,
    RatioError,
    draw,
    draw_businesses,
    impossible_sentence,
    pair_inspectors,
    parse_percent,
    population_hash,
    quota,
)
from workbench.services.inspectors import InspectorLine


def _uuids(count: int, salt: str = "") -> list[str]:
    """Fixed uuids (uuid5 of a name), ascending like the population query returns them."""
    return sorted(str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"{salt}{n}")) for n in range(count))


def _documented_businesses(seed: str, uuids: list[str], wanted: int) -> list[str]:
    return sorted(uuids, key=lambda u: hashlib.sha256(f"{seed}:{u}".encode()).hexdigest())[:wanted]


def _documented_pairing(seed: str, business: str, pool: list[str], n: int, recused: set[str]) -> list[str]:
    remaining = sorted(pool)
    picked: list[str] = []
    step = 0
    while len(picked) < n and remaining:
        index = int(hashlib.sha256(f"{seed}:{business}:{step}".encode()).hexdigest(), 16) % len(remaining)
        step += 1
        person = remaining.pop(index)
        if person not in recused:
            picked.append(person)
    return picked


def test_quota_is_the_ceiling_of_the_exact_share() -> None:
    assert quota(2302, Fraction(5)) == 116  # 115.1 -> 116
    assert quota(1000, Fraction(5)) == 50
    assert quota(1000, parse_percent("5.2")) == 52
    assert quota(999, parse_percent("0.1")) == 1
    assert quota(3, Fraction(100)) == 3


@pytest.mark.parametrize("typed", ["0", "-1", "101", "abc", "", "nan"])
def test_a_ratio_that_is_no_percent_is_refused_in_chinese(typed: str) -> None:
    with pytest.raises(RatioError, match="比例"):
        parse_percent(typed)


def test_population_hash_is_sha256_of_the_documented_lines() -> None:
    uuids = _uuids(5)
    expected = hashlib.sha256("".join(f"{u}\t\n" for u in uuids).encode()).hexdigest()
    assert population_hash(uuids) == expected
    assert population_hash(uuids, [""] * 5) == expected
    classes = ["A", "D", "", "B", "A"]
    with_classes = hashlib.sha256("".join(f"{u}\t{c}\n" for u, c in zip(uuids, classes, strict=True)).encode()).hexdigest()
    assert population_hash(uuids, classes) == with_classes


def test_businesses_are_the_smallest_sha256_ranks_in_rank_order() -> None:
    uuids = _uuids(2000)
    chosen, quotas = draw_businesses("20261207", uuids, None, percent=Fraction(5), count=None)
    assert [u for u, _c in chosen] == _documented_businesses("20261207", uuids, 100)
    assert quotas == {"": (2000, 100)}


def test_a_fixed_count_takes_that_many() -> None:
    uuids = _uuids(300)
    chosen, _quotas = draw_businesses("7", uuids, None, percent=None, count=17)
    assert [u for u, _c in chosen] == _documented_businesses("7", uuids, 17)


def test_class_ratios_draw_each_class_at_its_own_ratio() -> None:
    uuids = _uuids(1000)
    classes = ["D" if n % 10 == 0 else "A" if n % 10 < 6 else "" for n in range(1000)]
    chosen, quotas = draw_businesses(
        "9", uuids, classes, percent=Fraction(2), count=None, class_percents={"D": Fraction(30), "A": Fraction(1)}
    )
    d = [u for u, c in zip(uuids, classes, strict=True) if c == "D"]
    a = [u for u, c in zip(uuids, classes, strict=True) if c == "A"]
    rest = [u for u, c in zip(uuids, classes, strict=True) if c == ""]
    assert quotas == {"D": (100, 30), "A": (500, 5), "": (400, 8)}
    expected = set(_documented_businesses("9", d, 30) + _documented_businesses("9", a, 5)
                   + _documented_businesses("9", rest, 8))  # fmt: skip
    assert {u for u, _c in chosen} == expected
    ranks = [hashlib.sha256(f"9:{u}".encode()).hexdigest() for u, _c in chosen]
    assert ranks == sorted(ranks)


def test_the_same_seed_and_population_give_the_same_draw_and_another_seed_another() -> None:
    uuids = _uuids(500)
    pool = [DrawInspector(u, n % 3 != 0) for n, u in enumerate(_uuids(12, "i"))]
    first = draw("42", uuids, None, pool, percent=Fraction(10), count=None)
    again = draw("42", list(uuids), None, list(reversed(pool)), percent=Fraction(10), count=None)
    other = draw("43", uuids, None, pool, percent=Fraction(10), count=None)
    assert first.pairings == again.pairings
    assert [p.business_uuid for p in first.pairings] != [p.business_uuid for p in other.pairings]


def test_pairing_follows_the_documented_walk() -> None:
    pool_uuids = _uuids(9, "i")
    pool = [DrawInspector(u, True) for u in pool_uuids]
    for business in _uuids(40, "b"):
        recused = {pool_uuids[len(business) % 9]}
        outcome = pair_inspectors("5", business, "", pool, 2, {u: "亲属" for u in recused})
        assert isinstance(outcome, Pairing)
        assert list(outcome.inspectors) == _documented_pairing("5", business, pool_uuids, 2, recused)


def test_every_pair_has_someone_of_the_office() -> None:
    own = _uuids(2, "own")
    partners = _uuids(10, "partner")
    pool = [DrawInspector(u, True) for u in own] + [DrawInspector(u, False) for u in partners]
    outcome = draw("1", _uuids(300), None, pool, percent=Fraction(50), count=None)
    assert len(outcome.pairings) == 150
    for pairing in outcome.pairings:
        assert set(pairing.inspectors) & set(own)
        assert all(reason == OWN_OFFICE_REASON for u, reason in pairing.skipped if u in partners)


def test_an_impossible_business_is_named_with_why() -> None:
    pool = [DrawInspector(u, True) for u in _uuids(3, "i")]
    recused = {pool[0].uuid: "包联该户", pool[1].uuid: "亲属"}
    outcome = pair_inspectors("1", "b", "", pool, 2, recused)
    assert isinstance(outcome, Impossible)
    sentence = impossible_sentence(outcome, "阿香奶茶店（92330302MA2YRBEWXH）", 2)
    assert sentence.startswith("阿香奶茶店（92330302MA2YRBEWXH）：可抽的 3 名检查人员中")
    assert "包联该户 1 名" in sentence and "亲属 1 名" in sentence and "不足 2 名" in sentence


def test_no_drawable_inspector_at_all_is_said_so() -> None:
    outcome = pair_inspectors("1", "b", "", [], 2, {})
    assert isinstance(outcome, Impossible)
    assert "没有可抽的检查人员" in impossible_sentence(outcome, "某店", 2)


@settings(max_examples=150, deadline=None)
@given(
    inspectors=st.integers(min_value=1, max_value=12),
    own_mask=st.lists(st.booleans(), min_size=12, max_size=12),
    relations=st.sets(st.tuples(st.integers(0, 29), st.integers(0, 11)), max_size=120),
    per_business=st.integers(min_value=1, max_value=3),
    seed=st.integers(min_value=0, max_value=10**9),
)
def test_recusal_holds_over_random_assignments_and_relations(
    inspectors: int, own_mask: list[bool], relations: set[tuple[int, int]], per_business: int, seed: int
) -> None:
    businesses = _uuids(30, "b")
    people = _uuids(inspectors, "i")
    pool = [DrawInspector(u, own_mask[n]) for n, u in enumerate(people)]
    recusals: dict[str, dict[str, str]] = {}
    for business, person in relations:
        if person < inspectors:
            recusals.setdefault(businesses[business], {})[people[person]] = "包联该户" if person % 2 else "亲属"
    outcome = draw(str(seed), businesses, None, pool, percent=Fraction(100), count=None,
                   per_business=per_business, recusals=recusals)  # fmt: skip
    assert len(outcome.pairings) + len(outcome.impossible) == 30
    own = {p.uuid for p in pool if p.own_office}
    for pairing in outcome.pairings:
        banned = recusals.get(pairing.business_uuid, {})
        assert not set(pairing.inspectors) & set(banned)
        assert len(set(pairing.inspectors)) == per_business
        assert set(pairing.inspectors) & own
        for person, reason in pairing.skipped:
            assert reason == banned.get(person, OWN_OFFICE_REASON)
    for problem in outcome.impossible:
        # impossible only when there really is no valid pair: too few allowed, or no allowed own-office person
        allowed = [p for p in pool if p.uuid not in recusals.get(problem.business_uuid, {})]
        assert len(allowed) < per_business or not any(p.own_office for p in allowed)


# Chi-square critical values at p = 0.001, from a table (not computed by the code under test).
CHI2_999 = {99: 148.23, 3: 16.27}


def test_selection_frequency_is_uniform_over_many_draws() -> None:
    """100 businesses, 10% drawn, seeds 0..1999: each is drawn ~200 times; chi-square with 99 d.f."""
    uuids = _uuids(100, "fair")
    counts = dict.fromkeys(uuids, 0)
    draws = 2000
    for seed in range(draws):
        chosen, _quotas = draw_businesses(str(seed), uuids, None, percent=Fraction(10), count=None)
        for business, _cls in chosen:
            counts[business] += 1
    expected = draws * 10 / 100
    statistic = sum((observed - expected) ** 2 / expected for observed in counts.values())
    assert statistic < CHI2_999[99]
    assert sum(counts.values()) == draws * 10


def test_selection_follows_the_per_class_ratios() -> None:
    """Four classes at 30 / 10 / 2 / 1 %: the drawn share of each class matches its ratio (chi-square, 3 d.f.),
    and inside the high-risk class every business is drawn equally often."""
    uuids = _uuids(400, "class")
    classes = [("D", "C", "B", "A")[n % 4] for n in range(400)]
    ratios = {"D": Fraction(30), "C": Fraction(10), "B": Fraction(2), "A": Fraction(1)}
    per_business = dict.fromkeys(uuids, 0)
    draws = 600
    for seed in range(draws):
        chosen, _q = draw_businesses(f"s{seed}", uuids, classes, percent=None, count=None, class_percents=ratios)
        for business, _cls in chosen:
            per_business[business] += 1
    class_of = dict(zip(uuids, classes, strict=True))
    statistic = 0.0
    for code, ratio in ratios.items():
        members = [u for u in uuids if class_of[u] == code]
        expected_each = draws * math.ceil(len(members) * ratio / 100) / len(members)
        observed = sum(per_business[u] for u in members)
        statistic += (observed - expected_each * len(members)) ** 2 / (expected_each * len(members))
    assert statistic < CHI2_999[3]
    high = [per_business[u] for u in uuids if class_of[u] == "D"]
    expected = draws * 30 / 100
    assert sum((o - expected) ** 2 / expected for o in high) < CHI2_999[99]


@settings(max_examples=200, deadline=None)
@given(
    expires=st.one_of(st.none(), st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31))),
    cert=st.sampled_from(["", "  ", "ZJ0330001"]),
    active=st.booleans(),
    ends=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
)
def test_only_a_valid_certificate_through_the_tasks_end_is_drawable(
    expires: date | None, cert: str, active: bool, ends: date
) -> None:
    line = InspectorLine(1, "u", 1, "某某", "本所", True, None, cert, expires, "", active)
    drawable = line.drawable_problem(ends) is None
    assert drawable == (active and bool(cert.strip()) and expires is not None and expires >= ends)
