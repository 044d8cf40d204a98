"""Deciding one chunk of a recompute: from the rows read to the rows to write, with the counts and moves.

A pure function of the rows, the rules and the day (no session): the same code runs in this process or in
a worker process. What makes it fast at a million businesses, none of which changes a result:
- the stored inputs JSON is built by one f-string from the raw row values (strings and dates through small
  caches), byte for byte what ``json`` makes of TierInputs.as_json() (tests/test_classification_decide.py);
  an unchanged business costs that string and one comparison;
- the size class and its explanation come from one SizeJudge per (industry, version), which keeps each
  indicator's reason by value (revenue makes most businesses' figures distinct, so a cache of whole
  verdicts missed); the tier is not cached (revenue and tax make most households distinct: a cache key
  cost more than the rule itself);
- a result whose tier and size class stay is rewritten without them (updates_same_class: SQLite then
  leaves the result's tier and size indexes alone); its inputs, explanations and rule version are written
  as ever, so that it still explains itself;
- the change-log rows of a chunk go in the order of their uuids (the log's (entity_uuid, id) index then
  fills page by page);
- rows to write are plain tuples; the uuids come in batches.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from workbench.domain.labels import BusinessKind
from workbench.domain.size_class import SizeJudge
from workbench.domain.tiers import TIER_LABELS, Tier, TierInputs, TierRules, classify_tier, tier_explanation
from workbench.services.bulk_write import copy_line
from workbench.services.classification_report import SIZE_LABELS

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
# A tier's stored value and label by identity: an enum member's .value is a property lookup (~0.5 µs), paid
# twice per household of a million.
_TIER_TEXT = {id(tier): (tier.value, TIER_LABELS[tier.value]) for tier in Tier}
_INPUTS = (
    '{{"status":{},"suspended":{},"abnormal":{},"registered_on":{},"years_registered":{},'
    '"figures_year":{},"revenue_yuan":{},"tax_paid_yuan":{},"employees":{},"insured_staff":{},'
    '"industry_code":{},"industry_version":{},"kind":{}}}'
).format


@dataclass
class ChunkDecision:
    """What one chunk writes (tuples, see classification_writes) and what it counted.

    combos counts (override, computed tier, size class) after the run, one entry per business.
    """

    inserts: list[Any] = field(default_factory=list)  # tuples, or COPY lines (Decider.copy_lines)
    updates: list[tuple[Any, ...]] = field(default_factory=list)
    updates_tier_only: list[tuple[Any, ...]] = field(default_factory=list)
    updates_same_class: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)  # the same
    log: list[Any] = field(default_factory=list)  # the same
    businesses: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    combos: Counter[tuple[str | None, str | None, str | None]] = field(default_factory=Counter)
    tier_moves: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)
    size_moves: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)


def uuid7_batch(count: int) -> list[str]:
    """count time-ordered uuids (version 7, RFC 9562) of this millisecond, as classification_writes.new_uuid
    makes them one by one but without a clock read and a urandom call each."""
    stamp = f"{time.time_ns() // 1_000_000:012x}"
    head = f"{stamp[:8]}-{stamp[8:12]}-7"
    noise = os.urandom(10 * count).hex()
    variant = _VARIANT
    return [
        f"{head}{h[0:3]}-{variant[h[3]]}{h[4:7]}-{h[7:19]}"
        for h in (noise[start : start + 20] for start in range(0, 20 * count, 20))
    ]


def _uuid_stream() -> Iterator[str]:
    while True:
        yield from uuid7_batch(2048)


def classification_text(tier: str | None, size: str | None) -> str:
    """How the change log shows a result: 「成长型 / 微型」, 「不分型 / 小型」 for an enterprise."""
    return f"{TIER_LABELS.get(tier or '', '不分型')} / {SIZE_LABELS.get(size or '', '无法划型')}"


def tier_inputs(row: Any, today: date) -> TierInputs:
    """The inputs of one business from a row of the recompute's read: latest year figures, employees from
    the register if the year has none."""
    (_, _, status, suspended, abnormal, registered_on, b_employees, code, code_version) = row[:9]
    (year, revenue, tax, y_employees, insured) = row[9:14]
    return TierInputs(
        status=status,
        suspended=bool(suspended),
        abnormal=bool(abnormal),
        registered_on=as_date(registered_on),
        as_of=today,
        figures_year=year,
        revenue_yuan=revenue,
        tax_paid_yuan=tax,
        employees=y_employees if y_employees is not None else b_employees,
        insured_staff=insured,
        industry_code=code,
        industry_version=code_version or "2017",
    )


def as_date(value: Any) -> date | None:
    """SQLite gives a date column back as text, PostgreSQL as a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _number(value: Any) -> str:
    if value is None:
        return "null"
    return str(value) if type(value) is int else _JSON.encode(value)


class Decider:
    """Decides chunks for one rule set and day; keeps its caches from chunk to chunk.

    audit_new_rows False: a created result gets no history and change-log tuples here, because the writer
    derives them from the stored results in one statement (PostgreSQL's first classification of an office,
    see classification_first_fill); the counts and moves are the same.
    copy_lines True (PostgreSQL's writes): the rows to insert come as COPY text lines (the columns each row
    has of its own; the writer appends the chunk's shared ones), so that a worker process formats them.
    """

    def __init__(
        self,
        rules: TierRules,
        rule_version: str,
        today: date,
        audit_new_rows: bool = True,
        copy_lines: bool = False,
    ) -> None:
        self.rules, self.rule_version, self.today = rules, rule_version, today
        self.audit_new_rows, self.copy_lines = audit_new_rows, copy_lines
        self._texts: dict[Any, str] = {}
        self._dates: dict[Any, tuple[str, int | None]] = {}
        self._judges: dict[tuple[Any, Any], SizeJudge] = {}
        self._shown: dict[tuple[str | None, str | None], str] = {}
        self._uuids = _uuid_stream()

    def inputs_json(self, row: Any) -> str:
        """The stored inputs of a row: TierInputs.as_json() plus the kind, encoded as the result holds it."""
        (_, kind, status, suspended, abnormal, registered_on, b_employees, code, code_version) = row[:9]
        (year, revenue, tax, y_employees, insured) = row[9:14]
        texts = self._texts
        registered = self._dates.get(registered_on) or self._date(registered_on)
        return _INPUTS(
            texts.get(status) or self._text(status),
            "true" if suspended else "false",
            "true" if abnormal else "false",
            registered[0],
            _number(registered[1]),
            _number(year),
            _number(revenue),
            _number(tax),
            _number(y_employees if y_employees is not None else b_employees),
            _number(insured),
            texts.get(code) or self._text(code),
            texts.get(code_version or "2017") or self._text(code_version or "2017"),
            texts.get(kind) or self._text(kind),
        )

    def _text(self, value: Any) -> str:
        self._texts[value] = encoded = _JSON.encode(value)
        return encoded

    def _date(self, value: Any) -> tuple[str, int | None]:
        day = as_date(value)
        years = TierInputs(registered_on=day, as_of=self.today).years_registered
        self._dates[value] = found = (_JSON.encode(day.isoformat() if day else None), years)
        return found

    def tier(self, row: Any) -> tuple[str | None, str]:
        """The tier and its explanation (None and "" for an enterprise). Not cached: revenue and tax make
        most households' inputs distinct, and a cache key cost more than the rule (measured)."""
        if row[1] != BusinessKind.HOUSEHOLD:
            return None, ""
        result = classify_tier(tier_inputs(row, self.today), self.rules)
        value, label = _TIER_TEXT[id(result.tier)]
        return value, tier_explanation(label, result.reasons)

    def size(self, row: Any) -> tuple[str | None, str]:
        """The size class (None when it cannot be told) and its explanation: classify_size's, through one
        SizeJudge per (industry, version) (revenue makes most businesses' figures distinct)."""
        code, code_version, revenue, y_employees = row[7], row[8], row[10], row[12]
        judge = self._judges.get((code, code_version))
        if judge is None:
            judge = self._judges[(code, code_version)] = SizeJudge(code, code_version or "2017")
        size, explanation = judge.judge(
            y_employees if y_employees is not None else row[6], None if revenue is None else revenue / 10_000
        )
        return (size.value if size is not None else None), explanation

    def shown(self, tier: str | None, size: str | None) -> str:
        text = self._shown.get((tier, size))
        if text is None:
            text = self._shown[(tier, size)] = classification_text(tier, size)
        return text

    def decide(self, rows: list[Any]) -> ChunkDecision:
        """Rows of the recompute's read -> what to write, for the tuples' layout see classification_writes."""
        out = ChunkDecision(businesses=len(rows))
        version, combos, inputs_json = self.rule_version, out.combos, self.inputs_json
        for row in rows:
            result_id, old_tier, old_size, old_version, old_inputs, override = (
                row[14], row[16], row[17], row[18], row[19], row[20]
            )  # fmt: skip
            inputs = inputs_json(row)
            new_row = result_id is None
            same_inputs = not new_row and inputs == old_inputs
            if same_inputs and old_version == version:
                combos[(override, old_tier, old_size)] += 1
                out.unchanged += 1
                continue
            tier, explanation = self.tier(row)
            if same_inputs:  # only the rules changed: the size class depends on the inputs alone
                size, size_explanation = old_size, ""
                out.updates_tier_only.append((tier, explanation, result_id))
            else:
                size, size_explanation = self.size(row)
                if new_row:
                    result_uuid = next(self._uuids)
                    out.inserts.append(
                        (result_uuid, row[0], tier, size, inputs, explanation, size_explanation)
                    )
                elif tier == old_tier and size == old_size:  # tier and size class as stored: not rewritten
                    out.updates_same_class.append((inputs, explanation, size_explanation, result_id))
                else:
                    out.updates.append((tier, inputs, explanation, size, size_explanation, result_id))
            combos[(override, tier, size)] += 1
            self._note_moves(out, new_row, override, old_tier, old_size, tier, size)
            if not new_row and (old_tier, old_size) == (tier, size):
                out.updated += 1
                continue
            if new_row and not self.audit_new_rows:
                out.created += 1
                continue
            joined = f"{explanation}；规模：{size_explanation}" if size_explanation else explanation
            if not explanation:
                joined = f"规模：{size_explanation}" if size_explanation else ""
            out.history.append((next(self._uuids), row[0], tier, size, joined))
            if new_row:
                out.created += 1
                out.log.append((result_uuid, "create", None, self.shown(tier, size)))
            else:
                out.updated += 1
                out.log.append((row[15], "update", self.shown(old_tier, old_size), self.shown(tier, size)))
        if len(out.log) > 1:  # the log's (entity_uuid, id) index filled page by page, not at random
            out.log.sort(key=itemgetter(0))
        if self.copy_lines:
            out.inserts = [copy_line(row) for row in out.inserts]
            out.history = [copy_line(row) for row in out.history]
            out.log = [copy_line(row) for row in out.log]
        return out

    @staticmethod
    def _note_moves(
        out: ChunkDecision,
        new_row: bool,
        override: str | None,
        old_tier: str | None,
        old_size: str | None,
        tier: str | None,
        size: str | None,
    ) -> None:
        old_effective = None if new_row else (override or old_tier)
        effective = override or tier
        if (new_row and effective) or (not new_row and old_effective != effective):
            out.tier_moves[(old_effective, effective)] += 1
        if new_row or old_size != size:
            out.size_moves[(None if new_row else old_size, size)] += 1
