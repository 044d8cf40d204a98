"""双随机 at scale (issue 20): a draw over 1,000,000 businesses with 200 inspectors at 5%, with recusal, and its
verification.

    .venv/bin/python bench/inspection_draw.py                    # SQLite, .bench/inspect-1000000.db (built once)
    .venv/bin/python bench/inspection_draw.py --size 100000      # smaller
    .venv/bin/python bench/inspection_draw.py --db postgresql://… # a PostgreSQL database (built when empty)

The office has 200 inspectors (150 of the office, each the 包联干部 of a share of the businesses, 50 from
partner departments) and 2,000 recorded relations (亲属 …) on random businesses. Each run times, from the
first SELECT to the COMMIT, the dry run (what the screen previews), the recorded draw (pairs and change-log
rows written) and `verify`; wall clock and this process's CPU seconds (the steadier figure on the shared
machine), with the load average.
"""

from __future__ import annotations

import sys

# Run as a script, this file's folder comes first on sys.path and its name would hide the standard library's
# `inspect` (which typing_extensions imports): take the folder off before anything else is imported.
_HERE = __file__.rpartition("/")[0] or "."
sys.path[:] = [entry for entry in sys.path if entry not in (_HERE, "")] + [_HERE.rpartition("/")[0] or ".."]

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import uuid as uuid_module  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import Engine, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from storage.audit import Actor  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.schema import upgrade  # noqa: E402
from workbench.domain.inspection_draw import draw_businesses, population_hash  # noqa: E402
from workbench.domain.inspection_rules import load_inspection_rules  # noqa: E402
from workbench.services.inspection_draws import draw_task  # noqa: E402
from workbench.services.inspection_population import select_population  # noqa: E402
from workbench.services.inspection_tasks import TaskSpec, create_task  # noqa: E402
from workbench.services.inspection_verify import verify_task  # noqa: E402
from workbench.services.inspectors import add_inspector, add_recusal  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OFFICERS = 150
PARTNERS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--ratio", default="5")
    arguments = parser.parse_args()
    url = arguments.db or f"sqlite:///{ROOT / '.bench' / f'inspect-{arguments.size}.db'}"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    upgrade(engine)
    actor = _ensure_office(engine, arguments.size)
    rules = load_inspection_rules(None).rules
    with Session(engine) as session:
        name = f"基准 {datetime.now(UTC):%H%M%S}"
        spec = TaskSpec(name, "年度计划", rules.items[:2], date(2026, 12, 1), date(2026, 12, 31),
                        departments=("市场监管", "卫生健康局"), ratio=arguments.ratio)  # fmt: skip
        task = create_task(session, actor=actor, spec=spec)
        session.commit()
        report = _timed("试抽（不入库）", lambda: draw_task(session, actor=actor, task=task, rules=rules, seed="1",
                                                       dry_run=True))  # fmt: skip

        def recorded() -> object:
            done = draw_task(session, actor=actor, task=task, rules=rules, seed="1")
            session.commit()
            return done

        report = _timed("抽取并确认（写入）", recorded)
        skipped = sum(len(line.skipped) for line in report.lines)  # type: ignore[attr-defined]
        print(f"    名录库 {report.population_count:,} 户，抽中 {len(report.lines):,} 户，"  # type: ignore[attr-defined]
              f"回避跳过 {skipped:,} 次，无法配对 {len(report.problems)} 户")  # type: ignore[attr-defined]  # fmt: skip
        checked = _timed("核验 verify", lambda: verify_task(session, actor=actor, task=task, rules=rules))
        print(f"    核验结果：{'一致' if checked.ok else checked.differences[:3]}")  # type: ignore[attr-defined]
        print("分解（试抽的各步）：")
        population: Any = _timed("  读名录库（SQL，1 列）并按 uuid 排序", lambda: select_population(session, actor, task, rules))
        _timed("  名录库指纹 sha256", lambda: population_hash(population.uuids, population.classes))
        _timed("  按 sha256 排名抽取主体", lambda: draw_businesses("1", population.uuids, population.classes,
                                                             percent=task.percent(), count=task.count))  # fmt: skip


def _timed(label: str, work: object) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()  # type: ignore[operator]
    load = os.getloadavg()[0]
    print(f"{label}: {time.perf_counter() - wall:.2f} s（CPU {time.process_time() - cpu:.2f} s，负载 {load:.1f}）")
    return result


def _ensure_office(engine: Engine, size: int) -> Actor:
    with engine.connect() as connection:
        office = connection.execute(text("SELECT id FROM office")).scalar()
    if office is not None:
        return Actor(who="基准", device="bench", office_id=int(office))
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO office (uuid, version, updated_by, device, code, name, region_code) "
                                "VALUES (:u, 1, '', '', 'B1', '基准市场监管所', '330302')"), {"u": str(uuid_module.uuid4())})  # fmt: skip
        office = int(connection.execute(text("SELECT id FROM office")).scalar_one())
        for number in range(OFFICERS):
            connection.execute(text("INSERT INTO officer (uuid, version, updated_by, device, office_id, name, phone, active) "
                                    "VALUES (:u, 1, '', '', :o, :n, '', true)"),
                               {"u": str(uuid_module.uuid4()), "o": office, "n": f"干部{number:03d}"})  # fmt: skip
        officers = [row[0] for row in connection.execute(text("SELECT id FROM officer ORDER BY id"))]
        rng = random.Random(2026)
        batch = []
        statement = text(
            "INSERT INTO business (uuid, version, updated_by, device, office_id, name, kind, operator, phone, address,"
            " officer_id, industry_code_version, status, suspended, abnormal, tags, name_pinyin, search_chars)"
            " VALUES (:u, 1, '', '', :o, :n, 'individual', '', '', '', :f, '2017', 'active', false, false, '', '', '')"
        )
        for number in range(size):
            batch.append({"u": str(uuid_module.UUID(int=rng.getrandbits(128), version=4)), "o": office,
                          "n": f"主体{number:07d}", "f": officers[number % OFFICERS]})  # fmt: skip
            if len(batch) == 20_000:
                connection.execute(statement, batch)
                batch = []
        if batch:
            connection.execute(statement, batch)
    actor = Actor(who="基准", device="bench", office_id=office)
    with Session(engine) as session:
        names = [f"干部{number:03d}" for number in range(OFFICERS)]
        for number, name in enumerate(names):
            add_inspector(session, actor=actor, data={"name": name, "officer": name, "cert_no": f"ZJ{number:05d}",
                                                       "cert_expires_on": "2028-12-31"})  # fmt: skip
        inspectors = [add_inspector(session, actor=actor, data={
            "name": f"协查{number:02d}", "own_office": False, "unit": "鹿城区卫生健康局", "cert_no": f"WJ{number:04d}",
            "cert_expires_on": "2028-12-31"}) for number in range(PARTNERS)]  # fmt: skip
        sample = [row[0] for row in session.connection().execute(
            text("SELECT uuid FROM business ORDER BY id LIMIT 2000 OFFSET 1000"))]  # fmt: skip
        for number, business in enumerate(sample):
            add_recusal(session, actor=actor, inspector_uuid=inspectors[number % PARTNERS].uuid,
                        business_uuid=business, kind="亲属")  # fmt: skip
        session.commit()
    print(f"建库 {size:,} 户：{time.perf_counter() - started:.0f} s")
    return actor


if __name__ == "__main__":
    main()
