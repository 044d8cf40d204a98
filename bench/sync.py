"""Field sync speed (issue 19): the field package (外业包) of an officer with SIZE businesses against the
list export of the same businesses, and the laptop reading it (`sync in`).

    .venv/bin/python bench/sync.py              # 5,000 businesses (.bench/sync-5000.db, built once)
    .venv/bin/python bench/sync.py --runs 5

The demo office's businesses are all given to 张伟 (so one officer has SIZE of them, with their licences,
figures, appeals, support and visits). Export and package are timed interleaved in the same run, min of
`runs`, CPU seconds of this process (SQLite is in-process), wall printed too. Targets: package <= 1.5x the
list export; the laptop's read <= 5 s (read = open + check + rebuild the rows; receive = write them into a
fresh laptop database, migrated beforehand as `sync in` does once per laptop).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session

from imports.export import export_register
from imports.sync_out import write_field_package
from imports.sync_read import read_field_package
from storage.audit import Actor
from storage.engine import make_engine
from storage.queries import BusinessFilter
from storage.schema import upgrade
from workbench.domain.service_lists import DEFAULT_LISTS
from workbench.services.sync_laptop import FieldPackageData, receive_field_package
from workbench.services.sync_select import select_field_rows

BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"


def _ready(size: int) -> Engine:
    path = BENCH_DIR / f"sync-{size}.db"
    if not path.exists():
        from workbench.services.demo import build_demo

        BENCH_DIR.mkdir(exist_ok=True)
        engine = make_engine(str(path), create=True)
        upgrade(engine)
        build_demo(engine, size=size, seed=1, today=dt.date(2026, 12, 6))
        with engine.begin() as connection:
            connection.execute(text("UPDATE business SET officer_id = (SELECT id FROM officer WHERE name = '张伟')"))
        engine.dispose()
    engine = make_engine(str(path))
    upgrade(engine)
    return engine


def _timed(job: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    job()
    return time.process_time() - cpu, time.perf_counter() - wall


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    engine = _ready(args.size)
    with engine.connect() as connection:
        office_id, officer_id = connection.execute(text("SELECT office_id, id FROM officer WHERE name = '张伟'")).one()
    actor = Actor("基准测试", "bench", office_id)
    flt = BusinessFilter(office_id=office_id, officer_id=officer_id)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)

        def export() -> None:
            with Session(engine) as session:
                export_register(session=session, actor=actor, flt=flt, path=out / "list.xlsx")

        def package() -> None:
            with Session(engine) as session:
                selection = select_field_rows(session=session, office_id=office_id, officer_id=officer_id, officer="张伟")
                write_field_package(session=session, actor=actor, selection=selection, path=out / "外业包.xlsx",
                                    device_id="bench", lists=DEFAULT_LISTS)

        times: dict[str, list[tuple[float, float]]] = {"export": [], "package": [], "read": [], "receive": []}
        export()
        package()
        template = out / "template.db"
        template_engine = make_engine(str(template), create=True)
        upgrade(template_engine)
        template_engine.dispose()
        for run in range(args.runs):
            times["export"].append(_timed(export))
            times["package"].append(_timed(package))
            found: list[FieldPackageData] = []

            def read(found: list[FieldPackageData] = found) -> None:
                found.append(read_field_package(out / "外业包.xlsx"))

            times["read"].append(_timed(read))
            laptop_path = out / f"laptop-{run}.db"
            shutil.copyfile(template, laptop_path)
            laptop = make_engine(str(laptop_path))

            def receive(laptop: Engine = laptop, found: list[FieldPackageData] = found) -> None:
                with Session(laptop) as session:
                    receive_field_package(session=session, package=found[0], who="张伟", device="bench")
                    session.commit()

            times["receive"].append(_timed(receive))
            laptop.dispose()
        package_data = read_field_package(out / "外业包.xlsx")
        rows = {name: len(found_rows) for name, found_rows in package_data.rows.items()}
        print(f"businesses {rows['business']:,}, rows in the package {sum(rows.values()):,}: {rows}")
        print(f"package file {(out / '外业包.xlsx').stat().st_size / 1e6:.1f} MB, list export "
              f"{(out / 'list.xlsx').stat().st_size / 1e6:.1f} MB")
    best = {name: (min(cpu for cpu, _ in runs), min(wall for _, wall in runs)) for name, runs in times.items()}
    for name, (cpu, wall) in best.items():
        print(f"{name:8} CPU {cpu:6.2f} s   wall {wall:6.2f} s   (runs: {', '.join(f'{c:.2f}' for c, _ in times[name])})")
    print(f"package / export: CPU {best['package'][0] / best['export'][0]:.2f}x, "
          f"wall {best['package'][1] / best['export'][1]:.2f}x (target <= 1.5x)")
    print(f"laptop read {best['read'][1]:.2f} s + receive {best['receive'][1]:.2f} s wall (target: read <= 5 s)")
    engine.dispose()


if __name__ == "__main__":
    main()
