"""A return package (回传包) applied at a large office: seconds and peak memory (issue 19).

    python bench/sync_apply.py                      # 20,000 businesses, .bench/sync-office-20000.db
    python bench/sync_apply.py --size 1000000       # the issue's office: 1,000,000 businesses
    python bench/sync_apply.py --db postgresql://postgres@127.0.0.1:5433/bench   # an office already built

The office is a demo database (`workbench demo --size N --seed 1`, built once and kept). Each run makes a
fresh package of --changes rows from the office's current rows: edits of businesses (a tenth of them also
edited at the office first, so they merge field by field or conflict), new visits and support records, new
businesses (a fifth of them with the credit code of one already registered: merge offers) and visit
tombstones. The apply (plan + writes + commit, in a fresh process: the pinyin tables for the new businesses'
search columns load inside it) runs in a child process, which reports its wall and CPU seconds, the load
average, and its peak RSS (ru_maxrss, the whole process: interpreter and libraries included).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from storage.audit import Actor
from storage.engine import make_engine
from storage.schema import SCHEMA_HEAD
from workbench.domain.sync_json import package_from_json, package_to_json
from workbench.domain.sync_model import PackageManifest, ReturnPackage, RowChange

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20_000, help="businesses in the demo office")
    parser.add_argument("--changes", type=int, default=2_000)
    parser.add_argument("--db", help="an office database (default: .bench/sync-office-SIZE.db, built if missing)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    database = arguments.db or str(ROOT / ".bench" / f"sync-office-{arguments.size}.db")
    if arguments.child is not None:
        _apply(database, arguments.child)
        return
    if "://" not in database and not Path(database).exists():
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        print(f"building the demo office ({arguments.size:,} businesses) …", flush=True)
        workbench = [sys.executable, "-m", "workbench.cli"]
        subprocess.run([*workbench, "--db", database, "demo", "--size", str(arguments.size), "--seed", "1"], check=True)
    package_file = ROOT / ".bench" / "sync-package.json"
    package_file.parent.mkdir(parents=True, exist_ok=True)
    package = _make_package(database, arguments.changes)
    package_file.write_text(package_to_json(package), encoding="utf-8")
    print(f"package: {len(package.changes):,} changes; applying …", flush=True)
    subprocess.run([sys.executable, __file__, "--db", database, "--child", str(package_file)], check=True)


def _make_package(database: str, changes: int) -> ReturnPackage:
    engine = make_engine(database, create=False)
    edits, visits, supports = changes * 45 // 100, changes * 35 // 100, changes // 10
    news = changes * 75 // 1000
    tombstones = changes - edits - visits - supports - news
    with engine.begin() as connection:
        office_id, office_code = connection.execute(text("SELECT id, code FROM office ORDER BY id LIMIT 1")).one()
        total = connection.execute(text("SELECT max(id) FROM business")).scalar_one()
        step = max(1, total // (edits + news + 1))
        rows = [dict(row) for row in connection.execute(
            text("SELECT id, uuid, version, phone, tags, employees, uscc FROM business "
                 "WHERE office_id = :office AND deleted_at IS NULL AND id % :step = 0 ORDER BY id LIMIT :n"),
            {"office": office_id, "step": step, "n": edits + news},
        ).mappings()]
        old_visits = [dict(row) for row in connection.execute(
            text("SELECT uuid, version FROM visit WHERE deleted_at IS NULL ORDER BY id LIMIT :n"), {"n": tombstones}
        ).mappings()]
        # A tenth of the edited businesses were changed at the office after the field package went out.
        for row in rows[: edits // 10]:
            connection.execute(text("UPDATE business SET tags = '所里改过', version = version + 1 WHERE id = :id"),
                               {"id": row["id"]})
    engine.dispose()
    made: list[RowChange] = []
    at = "2026-12-06T15:00:00"
    run = random.Random().randrange(10**7)  # new values each run: a rerun on the same office changes rows again
    for number, row in enumerate(rows[:edits]):
        values: dict[str, Any] = {"phone": f"139{(run + number) % 10**8:08d}", "employees": (run + number) % 40 + 1}
        if number % 20 == 0:
            values["tags"] = "外业改过"  # against the office's 所里改过 on a tenth of them: a conflict
        base = {name: row[name] for name in values}
        made.append(RowChange("business", row["uuid"], row["version"], values, base, changed_by="张伟", changed_at=at))
    owners = [row["uuid"] for row in rows[:edits]]
    for number in range(visits):
        made.append(RowChange("visit", str(uuid.uuid4()), None,
                              {"visited_on": "2026-12-05", "finding": "正常经营", "notes": f"走访 {number}"},
                              changed_by="张伟", changed_at=at, business_uuid=owners[number % len(owners)]))
    for number in range(supports):
        made.append(RowChange("support_record", str(uuid.uuid4()), None,
                              {"kind": "政策宣传", "given_on": "2026-12-05", "content": f"帮扶 {number}"},
                              changed_by="张伟", changed_at=at, business_uuid=owners[number % len(owners)]))
    for number, row in enumerate(rows[edits: edits + news]):
        duplicate = number % 5 == 0 and row["uscc"]
        values = {"name": f"外业新增店{run}-{number}", "operator": "周新", "address": f"温州市鹿城区新街{number}号",
                  "uscc": row["uscc"] if duplicate else None}
        made.append(RowChange("business", str(uuid.uuid4()), None, values, changed_by="张伟", changed_at=at))
    for row in old_visits:
        made.append(RowChange("visit", row["uuid"], row["version"], {}, deleted=True, changed_by="张伟", changed_at=at))
    manifest = PackageManifest(str(uuid.uuid4()), "return", office_code, "张伟", "笔记本-bench", at, SCHEMA_HEAD,
                               row_count=len(made))
    return ReturnPackage(manifest, tuple(made))


def _apply(database: str, package_file: Path) -> None:
    from workbench.services.sync_apply import apply_package
    from workbench.services.sync_plan import plan_package

    package = package_from_json(package_file.read_text(encoding="utf-8"))
    engine = make_engine(database, create=False)
    with engine.connect() as connection:
        office_id = connection.execute(text("SELECT id FROM office ORDER BY id LIMIT 1")).scalar_one()
        businesses = connection.execute(text("SELECT count(*) FROM business")).scalar_one()
    actor = Actor(who="bench", device="bench", office_id=office_id)
    with Session(engine) as session:
        started = time.perf_counter()
        plan = plan_package(session, actor, package)
        planned = time.perf_counter() - started
        session.rollback()
    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        result = apply_package(session, actor, package)
        session.commit()
        applied, applied_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "businesses": businesses, "changes": len(package.changes), "dry_run_s": round(planned, 2),
        "apply_s": round(applied, 2), "apply_cpu_s": round(applied_cpu, 2),
        "load_average": round(os.getloadavg()[0], 1), "peak_rss_mb": round(peak), "counts": result.counts,
        "errors": len(plan.errors),
    }, ensure_ascii=False))
    engine.dispose()


if __name__ == "__main__":
    main()
