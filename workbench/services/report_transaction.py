"""PostgreSQL settings for the transaction that counts a report (issue 18). SET LOCAL: they end with it.
SQLite has no such settings; there both functions do nothing.

- work_mem 256 MB: the 活跃度 test's list of trading businesses (some 60 % of an office) is hashed only when it
  fits; otherwise every business scans the whole list and a 1,000,000-business report never ends (EXPLAIN:
  "(SubPlan n)" rather than "hashed SubPlan n").
- jit off: the report's queries carry correlated sub-selects (the change-log fall-back of each exit day)
  whose estimated cost is huge though they almost never run, so PostgreSQL compiled every big query with
  full LLVM optimisation: 0.6-0.8 s of compiling per query at 1,000,000 businesses, more than it saved
  (EXPLAIN ANALYZE, "JIT: … Total"). The three-year cohorts went from 1.3 to 0.45 s, the 24-month chart's
  two counts from 1.2 to 0.45 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlmodel import Session


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def prepare_for_counting(session: Session) -> None:
    """Set the report's settings for the rest of this transaction (idempotent)."""
    if _on_postgresql(session):
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = off"))


@contextmanager
def grouped_by_hashing(session: Session) -> Iterator[None]:
    """Within the block (put the query's execute in it: the setting counts when the query is planned), GROUP BY hashes its groups rather than sorting the rows into them. For the
    stock-and-flow pass PostgreSQL cannot estimate how few groups its bucket keys make (it guesses ~800,000
    for the ~12,000 there are) and sorts a million rows on thirteen keys: 2.5 s of the pass's 4.4 at
    1,000,000 businesses. Hashed, the same groups take ~0.3 s. The setting is put back after the block."""
    if not _on_postgresql(session):
        yield
        return
    before = session.execute(text("SELECT current_setting('enable_sort')")).scalar_one()
    session.execute(text("SET LOCAL enable_sort = off"))
    yield  # an error inside leaves it off only until the failed transaction ends
    session.execute(text("SELECT set_config('enable_sort', :before, true)"), {"before": before})
