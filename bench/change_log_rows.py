"""What issue 15's change-log rows cost, alone: a 经营数据 import's 836,304 per-field rows (178,768 changed
years x 4 fields + 121,232 new years) against one JSON row per written row, into a change log of 1,500,000
rows with its two indexes, in a plain sqlite3 copy (no app code). docs/architecture.md ("The change log")
has the figures and the decision they fed.

    .venv/bin/python bench/change_log_rows.py            # all three variants, base built once in .bench/
"""

import json
import os
import random
import shutil
import sqlite3
import sys
import time
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / ".bench"
BENCH.mkdir(exist_ok=True)
base = str(BENCH / "change-log-base.db")
if not os.path.exists(base):
    c = sqlite3.connect(base)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("""CREATE TABLE change_log (id INTEGER PRIMARY KEY, office_id INTEGER, entity VARCHAR(32) NOT NULL,
      entity_uuid VARCHAR(36) NOT NULL, action VARCHAR(16) NOT NULL, field VARCHAR(64) NOT NULL, old VARCHAR, new VARCHAR,
      who VARCHAR(64) NOT NULL, at DATETIME NOT NULL, device VARCHAR(64) NOT NULL)""")
    rows = (
        (
            1,
            "business",
            str(uuid.uuid4()),
            "create",
            "",
            None,
            "导入自「demo」第 1 行",
            "陈晓东",
            "2026-12-01 10:00:00.000000",
            "办公室",
        )
        for _ in range(1_500_000)
    )
    c.executemany(
        "INSERT INTO change_log (office_id, entity, entity_uuid, action, field, old, new, who, at, device) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    c.execute("CREATE INDEX ix_change_log_entity ON change_log (entity_uuid, id)")
    c.execute("CREATE INDEX ix_change_log_office_id ON change_log (office_id)")
    c.commit()
    c.close()
random.seed(1)
updated = [str(uuid.uuid4()) for _ in range(178_768)]


def uuid7s(n):
    out = []
    for _i in range(n):
        ms = int(time.time() * 1000)
        h = os.urandom(10).hex()
        s = f"{ms:012x}"
        out.append(f"{s[:8]}-{s[8:12]}-7{h[0:3]}-{'89ab'[int(h[3], 16) % 4]}{h[4:7]}-{h[7:19]}")
    return out


fields = ["revenue", "tax_paid", "employees", "insured"]
at = "2026-12-07 08:00:00.000000"


def per_field(created):
    rows = []
    for u in updated:
        for f in fields:
            rows.append((1, "year_figures", u, "update", f, "1200000", "1350000", "陈晓东", at, "办公室"))
    for u in created:
        rows.append(
            (
                1,
                "year_figures",
                u,
                "create",
                "",
                None,
                "导入自「经营数据.xlsx」第 12 行：2024年",
                "陈晓东",
                at,
                "办公室",
            )
        )
    return rows


def per_row(created):
    rows = []
    for u in updated:
        payload = json.dumps({f: ["1200000", "1350000"] for f in fields}, ensure_ascii=False)
        rows.append((1, "year_figures", u, "update", "*", None, payload, "陈晓东", at, "办公室"))
    for u in created:
        rows.append(
            (
                1,
                "year_figures",
                u,
                "create",
                "",
                None,
                "导入自「经营数据.xlsx」第 12 行：2024年",
                "陈晓东",
                at,
                "办公室",
            )
        )
    return rows


variants = {
    "per-field, uuid4 new": lambda: per_field([str(uuid.uuid4()) for _ in range(121_232)]),
    "per-field, uuid7 new": lambda: per_field(uuid7s(121_232)),
    "per-row JSON, uuid4 new": lambda: per_row([str(uuid.uuid4()) for _ in range(121_232)]),
}
for name in sys.argv[1:] or variants:
    db = str(BENCH / "change-log-run.db")
    shutil.copyfile(base, db)
    for ext in ("-wal", "-shm"):
        if os.path.exists(db + ext):
            os.remove(db + ext)
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=NORMAL")
    t0 = time.process_time()
    w0 = time.perf_counter()
    rows = variants[name]()
    t1 = time.process_time()
    c.execute("BEGIN IMMEDIATE")
    for s in range(0, len(rows), 5000):
        c.executemany(
            "INSERT INTO change_log (office_id, entity, entity_uuid, action, field, old, new, who, at, device) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows[s : s + 5000],
        )
    c.execute("COMMIT")
    t2 = time.process_time()
    print(
        f"{name}: {len(rows):,} rows; build {t1 - t0:.2f} CPU-s, insert+commit {t2 - t1:.2f} CPU-s, wall {time.perf_counter() - w0:.1f} s, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    c.close()
