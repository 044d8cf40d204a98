"""PostgreSQL: a code term (credit code, 注册号, phone) as a union of branches, each served by its own index
(migration 0020). Issue 17: a broad 注册号 prefix took 120-190 ms warm at 1,000,000 businesses.

A code term of 4+ characters means "uscc or reg_no contains it, or the phone does" (storage.search). Its
matches split by where the code holds the term:
- at its start (`P`): the b-tree ranges of ix_business_search_uscc_order / _reg_no_order, which carry the
  office, the registration date and the id, so their candidates are listed and sorted from the index
  alone (20,000 of them in ~5 ms; their rows, read one by one, took ~50 ms). A prefix range checked with
  `LIKE 'X%'` on the same index entry is exactly "the code starts with X", so no row is read.
- further in (`R`): a pg_trgm GIN over each code without its first character, so the rows that merely
  start with the term are not among its candidates (over the whole code they all were: 20,000 rows read
  to find 1,500). Only a few of the term's trigrams are asked for: a trigram in every code (the region
  part, `330`, `302`) costs the GIN its whole posting list (~70 ms for a 13-character term), so the window of
  the term that a sample of the codes says costs least (CodeSample, rare_window), and any other trigram of
  the term that cuts more candidates than it costs (rare_pieces), stand for it. Its candidates are checked
  against the term.
- the phone: the trigram index of migration 0002, checked against the term.
A broad 注册号 prefix (more rows than the probe's cap: `33030269`, 19,705 of them at 1M) belongs to businesses
registered before the credit codes (2016), i.e. behind every newer business in the list's newest-first
order, so walking that order finds none of it, and its range had to be listed and sorted whole (~20,000
entries, half of the page's server time). ix_business_search_reg_no_dates (migration 0022) is the list's
date order of the businesses that have a 注册号 only (a fifth of them): walked with the prefix checked on
its entries, it gives the branch's first page in ~100-1,000 entries, index-only (Branch.in_date_order).
The pieces' trigrams are some of the term's, never others: the candidates are a superset, and every
branch but P is checked against the term, so the sample decides the speed only, never the rows.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Engine, String, and_, literal_column, text

from storage.search import Branch
from storage.tables import Business

INDEXES = {
    **{
        f"ix_business_search_{column}_order": (
            f'CREATE INDEX ix_business_search_{column}_order ON business ({column} COLLATE "C") '
            f"INCLUDE (office_id, registered_on, id) WHERE deleted_at IS NULL AND {column} IS NOT NULL"
        )
        for column in ("uscc", "reg_no")
    },
    "ix_business_search_code_infix": (
        "CREATE INDEX ix_business_search_code_infix ON business "
        "USING gin (substr(uscc, 2) gin_trgm_ops, substr(reg_no, 2) gin_trgm_ops)"
    ),
}
# Migration 0022: the date order of the businesses holding a 注册号 (see the module docstring).
REG_NO_DATES = {
    "ix_business_search_reg_no_dates": (
        "CREATE INDEX ix_business_search_reg_no_dates ON business (office_id, registered_on, id) "
        "INCLUDE (reg_no) WHERE deleted_at IS NULL AND reg_no IS NOT NULL"
    ),
}
SAMPLE_ROWS = 4000  # codes read once per engine to rank windows: ~340 pages, ~15 ms at a million rows
GIN_SHARE = 0.1  # a posting list entry costs the GIN about a tenth of what checking a candidate row costs
_samples: weakref.WeakKeyDictionary[Engine, CodeSample] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class CodeSample:
    """`rows` sampled rows' codes, per column: how often a window of a term occurs in them."""

    rows: int
    total: float  # rows in the table when sampled (the planner's reltuples)
    uscc: Codes
    reg_no: Codes


@dataclass(frozen=True)
class Codes:
    """One column's sampled codes (without their first character), one a line."""

    text: str
    trigrams: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # counted so far

    @classmethod
    def of(cls, codes: list[str]) -> Codes:
        return cls("\n".join(codes))

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n") if self.text else []

    def count(self, window: str) -> int:
        """How often the window occurs in the sampled codes (a trigram's count is kept: at most 36^3)."""
        if len(window) != 3:
            return self.text.count(window)
        if window not in self.trigrams:
            self.trigrams[window] = self.text.count(window)
        return self.trigrams[window]


def window_rows(window: str, codes: Codes) -> float:
    """Sampled codes holding the window; half a row when none does (the sample cannot tell rarer)."""
    return max(float(codes.count(window)), 0.5)


def trigrams_of(text_: str) -> list[str]:
    return [text_[start : start + 3] for start in range(len(text_) - 2)]


def code_sample(connection: Connection) -> CodeSample:
    """Once per engine: the trigram counts of SAMPLE_ROWS random rows' codes (pages picked by TABLESAMPLE,
    the same ones every time)."""
    engine = connection.engine
    if engine not in _samples:
        total = connection.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'business'::regclass")
        ).scalar_one()
        percent = 100.0 if total <= SAMPLE_ROWS else 100.0 * SAMPLE_ROWS / float(total)
        rows = connection.exec_driver_sql(
            "SELECT upper(substr(uscc, 2)), upper(substr(reg_no, 2)) FROM business "
            f"TABLESAMPLE SYSTEM ({percent:.6f}) REPEATABLE (17)"
        ).all()
        uscc = Codes.of([uscc_rest for uscc_rest, _reg_no_rest in rows if uscc_rest])
        reg_no = Codes.of([reg_no_rest for _uscc_rest, reg_no_rest in rows if reg_no_rest])
        _samples[engine] = CodeSample(len(rows), max(float(total), float(len(rows))), uscc, reg_no)
    return _samples[engine]


def rare_window(code: str, codes: Codes) -> str:
    """The window of the code (3+ letters and digits) that costs least: the posting lists of its trigrams
    (GIN_SHARE a row each) and its candidates (a row read each), by the sample. Ties: the longer window."""
    best: tuple[float, int, str] | None = None
    for start in range(len(code) - 2):
        postings = 0.0
        for end in range(start + 3, len(code) + 1):
            window = code[start:end]
            if not window.isalnum():
                break
            postings += GIN_SHARE * codes.count(window[-3:])
            if best is not None and postings > best[0]:
                break  # longer windows only add postings
            cost = postings + window_rows(window, codes)
            if best is None or (cost, -len(window)) < (best[0], best[1]):
                best = (cost, -len(window), window)
    return code if best is None else best[2]


def prefix_branches(code: str) -> list[Branch]:
    """The code starts with `code` (upper case): index-only ranges, exact. In byte order (COLLATE "C", as
    the indexes are built), where the strings starting with `code` are exactly the range, whatever the
    database's own collation; `LIKE 'code%'` on the same entry makes the branch exact regardless.
    The 注册号's branch also comes written without the range (in_date_order): the same rows, which the
    planner then reads from ix_business_search_reg_no_dates in the list's date order when the prefix is
    broad (the range's estimate, its bounds and the LIKE counted twice, would call it rare)."""
    business: Any = Business
    low = code
    high = low[:-1] + chr(ord(low[-1]) + 1)
    return [
        Branch(
            and_(
                column.collate("C") >= low,
                column.collate("C") < high,
                business.deleted_at.is_(None),
                column.startswith(low, autoescape=True),
            ),
            exact=True,
            in_date_order=(
                and_(column.is_not(None), business.deleted_at.is_(None), column.startswith(low, autoescape=True))
                if column is business.reg_no
                else None
            ),
        )
        for column in (business.uscc, business.reg_no)
    ]


def rare_pieces(code: str, codes: Codes) -> tuple[list[str], float]:
    """The rarest window of the code, and any of its other trigrams that pay for themselves: a trigram
    the sampled codes holding the window mostly lack cuts the candidates by more than its postings cost
    (`83306`: 833 alone, 1,400 candidates; with 306, a few). With the sampled codes holding them all."""
    window = rare_window(code, codes)
    if len(window) < 3 or not window.isalnum():
        return [window], float("inf")
    pieces = [window]
    holding = [line for line in codes.lines if window in line]
    cost = GIN_SHARE * codes.count(window) + max(float(len(holding)), 0.5)
    for trigram in dict.fromkeys(trigrams_of(code)):
        if trigram in window or not trigram.isalnum():
            continue
        kept = [line for line in holding if trigram in line]
        with_it = cost + GIN_SHARE * codes.count(trigram) - len(holding) + max(float(len(kept)), 0.5)
        if with_it < cost:
            pieces.append(trigram)
            holding, cost = kept, with_it
    return pieces, max(float(len(holding)), 0.5)


def infix_branches(connection: Connection, code: str) -> tuple[list[Branch], float]:
    """The code holds `code` past its first character: the GIN asked for its rarest pieces per column.
    With the sample's estimate of their candidates (rows)."""
    sample = code_sample(connection)
    branches, estimate = [], 0.0
    for column, codes in (("uscc", sample.uscc), ("reg_no", sample.reg_no)):
        pieces, sampled = rare_pieces(code, codes)
        # Spelled as the index spells it (PostgreSQL matches an expression index by its very expression).
        rest = literal_column(f"substr(business.{column}, 2)", String)
        condition = and_(*(rest.op("LIKE")(f"%{_escaped(piece)}%") for piece in pieces))
        branches.append(Branch(condition, exact=False))
        estimate += sample.total if not sample.rows else min(sampled * sample.total / sample.rows, sample.total)
    return branches, estimate


def _escaped(term: str) -> str:
    """LIKE pattern text: backslash is PostgreSQL's default LIKE escape."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
