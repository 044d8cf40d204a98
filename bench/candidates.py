"""Candidate lists and the 名特优新 cap on a large office: how long each takes to compute, and peak memory.

Run on a demo database that has been classified (tiers feed the 名特优新 list and the cap):
    workbench --db big.db demo --size 100000 && workbench --db big.db classify
    python bench/candidates.py --db big.db [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from storage.audit import Actor
from storage.engine import make_engine
from storage.tables import Business
from workbench.domain.candidates import CANDIDATE_POOLS, CandidateRules
from workbench.services.candidates import candidates
from workbench.services.distinction_lists import cap_status
from workbench.services.office import offices


def _timed(runs: int, work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Median seconds over `runs` untraced runs, then one traced run for the peak memory (MB)."""
    timings: list[float] = []
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    work()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(timings), peak / 1_000_000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    engine = make_engine(arguments.db)
    rules = CandidateRules()
    today = date.today()
    with Session(engine) as session:
        office = offices(session=session)[0]
        actor = Actor(who="bench", device="bench", office_id=office.id)
        total = session.exec(
            select(func.count()).select_from(Business).where(col(Business.office_id) == office.id)
        ).one()
        print(f"{total:,} businesses in the office")
        for pool, label in CANDIDATE_POOLS.items():

            def listing(pool: str = pool) -> list[Any]:
                return candidates(session=session, actor=actor, pool=pool, rules=rules, today=today)

            seconds, peak, rows = _timed(arguments.runs, listing)
            print(
                f"{label}: {len(rows):,} candidates, median {seconds:.2f} s, peak +{peak:.0f} MB (tracemalloc)"
            )
        seconds, peak, cap = _timed(
            arguments.runs, lambda: cap_status(session=session, actor=actor, rules=rules, today=today)
        )
        print(f"名特优新 cap ({cap.text}): median {seconds:.2f} s, peak +{peak:.0f} MB")
    engine.dispose()


if __name__ == "__main__":
    main()
