"""`workbench demo`: one realistic Wenzhou office with its grids, officers, businesses, figures and licenses.

build_demo(engine, size=…, seed=…) writes everything in one transaction:
the 五马 市场监管所 of the Lucheng units of the 2017 list (the README's office), six officers, six 片区 named after the
office's townships, then `size` businesses with three years of figures, licenses and one change-log
'create' row each, then the service work, the 个转企 history and the 检查人员名录 (demo_inspectors).
The same seed, size and day give the same rows, uuids included.
Rows go in chunks through the driver (bulk_write.BulkWriter), never as ORM objects.
"""

from __future__ import annotations

import os
import random
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from time import perf_counter
from typing import Any

from faker import Faker
from sqlalchemy import Connection, Engine, func, insert, select
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (puts the tables on SQLModel.metadata)
from storage import search
from storage.search_side_index import SEARCHED
from workbench.domain import reference
from workbench.domain.labels import BusinessStatus, kind_label
from workbench.services.bulk_write import BulkWriter, rollback_journal
from workbench.services.demo_codes import PersonCodes
from workbench.services.demo_figures import LICENSE_COLUMNS, YEAR_COLUMNS
from workbench.services.demo_history import build_conversion_demo
from workbench.services.demo_inspectors import PARTNERS, build_inspector_demo
from workbench.services.demo_rows import CHANGE_COLUMNS, DEVICE, WHO, BusinessMaker, Territory
from workbench.services.demo_service import build_service_demo
from workbench.services.demo_workers import START_METHOD, chunks
from workbench.services.errors import WorkbenchError

Progress = Callable[[int, int, str], None]
CHUNK = 10_000  # part of what a seed means: chunk i draws from its own random stream
PARALLEL_FROM = 50_000
SIDE_INDEX_FROM = 100_000  # businesses; below this the search index is rebuilt in place (a few seconds)
MAX_WORKERS = 4  # about what one writer keeps up with
TABLES = ("business", "year_figures", "license", "change_log")
COLUMNS = (YEAR_COLUMNS, LICENSE_COLUMNS, CHANGE_COLUMNS)
COUNTY_CODE = "330302"
COUNTY = "鹿城区"
BUREAU = "温州市鹿城区市场监督管理局"
TOWNSHIP_SHARES = (0.6, 0.2, 0.2)
GRID_SIDES = ("东", "西")
DEMO_UNIT = "五马所"
"""The README's office: its examples (`todo --officer 张伟`, `export --grid 五马东片区`) run on the demo as written."""
README_OFFICERS = ("张伟", "单丽")
"""The officers of the first two grids (五马东片区, 五马西片区), named as the README names them."""


@dataclass(frozen=True)
class DemoSummary:
    office_id: int
    office_name: str
    grids: int
    officers: int
    businesses: int
    by_kind: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    year_figures: int = 0
    licenses: int = 0
    change_log: int = 0
    seconds: float = 0.0
    service_work: str = ""  # demo_service: support, appeals, visits (issue 6)
    inspectors: tuple[int, int] = (0, 0)  # demo_inspectors: the 检查人员名录 and its 回避 relations (issue 20)

    def __str__(self) -> str:
        parts = "，".join(f"{kind_label(kind)} {count:,}" for kind, count in self.by_kind.items())
        return (
            f"{self.office_name}：{self.grids} 个片区，{self.officers} 名包联干部\n"
            f"市场主体 {self.businesses:,} 户（{parts}；存续 {self.by_status.get(BusinessStatus.ACTIVE, 0):,}）\n"
            f"年度经营数据 {self.year_figures:,} 条，许可证 {self.licenses:,} 张，变更记录 {self.change_log:,} 条\n"
            + (f"{self.service_work}\n" if self.service_work else "")
            + (f"检查人员 {self.inspectors[0]} 名（含外单位 {len(PARTNERS)} 名），回避关系 {self.inspectors[1]} 条\n"
               if self.inspectors[0] else "")  # fmt: skip
            + f"用时 {self.seconds:.1f} 秒"
        )


def build_demo(
    engine: Engine,
    *,
    size: int = 5000,
    seed: int = 0,
    today: date | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> DemoSummary:
    """Build the demo office into an already migrated database that holds no businesses yet.

    `workers` processes make the rows while this one writes them (None: on Linux one per CPU, at
    most MAX_WORKERS, from PARALLEL_FROM businesses up; otherwise none). The rows are the same
    whatever the number of workers.
    """
    started = perf_counter()
    today = today or date.today()
    report = progress or (lambda done, total, what: None)
    rng = random.Random(seed)
    faker = Faker("zh_CN")
    faker.seed_instance(seed)
    stamp = datetime(today.year, today.month, today.day, 1, 0, tzinfo=UTC)  # 09:00 in Wenzhou
    if workers is None:
        # Spawned workers re-run the caller's main script; without its __main__ guard that hangs. So
        # workers by default only where they fork (Linux); elsewhere only when asked for.
        parallel = size >= PARALLEL_FROM and START_METHOD == "fork"
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if parallel else 0
    with rollback_journal(engine), engine.begin() as connection:
        report(0, size, "生成市场主体")
        business = SQLModel.metadata.tables["business"]
        if connection.execute(select(func.count()).select_from(business)).scalar_one():
            raise WorkbenchError("数据库里已有市场主体：演示数据只能生成到空数据库中")
        writer = BulkWriter(connection)
        values = writer.values(stamp, date(1999, 1, 1), date(today.year + 7, 12, 31))
        territory, office_name = _create_office(connection, rng, faker, stamp)
        first_id = 1 + int(connection.execute(select(func.coalesce(func.max(business.c.id), 0))).scalar_one())
        maker = BusinessMaker(seed, rng, faker, territory, values, today, search.search_fields, first_id)
        kinds: Counter[str] = Counter()
        statuses: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        done = 0
        # The search index (FTS triggers / GIN) and the plain indexes are built once, after the rows;
        # a big SQLite build makes its search index beside the database meanwhile (storage.search_side_index).
        side = search.side_index(connection) if size >= SIDE_INDEX_FROM else None
        searched = itemgetter(*(maker.columns.index(name) for name in ("id", *SEARCHED)))
        with ExitStack() as stack:
            if side is not None:
                stack.callback(side.close)  # after bulk_load has copied the side index in (or failed)
            stack.enter_context(search.bulk_load(connection, side))
            with writer.loading():
                for tables, kinds_made, statuses_made in chunks(maker, size, CHUNK, workers, writer.postgres):
                    for table, columns, rows in zip(TABLES, (maker.columns, *COLUMNS), tables, strict=True):
                        writer.insert(table, columns, rows)
                    if side is not None:
                        side.add(map(searched, tables[0]))
                    kinds.update(kinds_made)
                    statuses.update(statuses_made)
                    totals.update(
                        {
                            table: len(rows) if isinstance(rows, list) else rows.count("\n")
                            for table, rows in zip(TABLES, tables, strict=True)
                        }
                    )
                    done += sum(kinds_made.values())
                    report(done, size, "生成市场主体")
                if side is not None:
                    side.start()
                report(size, size, "建立索引")
            report(size, size, "重建检索索引")
        report(size, size, "生成帮扶、诉求和走访")
        service_work = build_service_demo(
            connection, office_id=territory.office_id, first_business_id=first_id, size=size, seed=seed,
            today=today, stamp=stamp,
        )
        build_conversion_demo(connection, office_id=territory.office_id, seed=seed, today=today, stamp=stamp)
        inspectors = build_inspector_demo(connection, office_id=territory.office_id, seed=seed, today=today,
                                          stamp=stamp)  # fmt: skip
        report(size, size, "更新统计信息")
        writer.finish(["office", "grid", "officer", "business"])
        report(size, size, "提交")
    report(size, size, "完成")
    return DemoSummary(
        office_id=territory.office_id,
        office_name=office_name,
        grids=len(GRID_SIDES) * len(TOWNSHIP_SHARES),
        officers=len(territory.officer_ids),
        businesses=size,
        by_kind=dict(kinds.most_common()),
        by_status=dict(statuses.most_common()),
        year_figures=totals["year_figures"],
        licenses=totals["license"],
        change_log=totals["change_log"],
        seconds=perf_counter() - started,
        service_work=str(service_work),
        inspectors=inspectors,
    )


def _create_office(
    connection: Connection, rng: random.Random, faker: Faker, stamp: datetime
) -> tuple[Territory, str]:
    """The office, its six grids (two per township) and six officers, one per grid."""
    units = [
        unit.supervising_unit
        for unit in reference.wenzhou_supervision_units()
        if unit.registration_authority == BUREAU
    ]
    townships = [town for town in reference.wenzhou_townships() if town.county_code == COUNTY_CODE]
    rng.random()  # once picked the unit: still drawn, so every row after it is what the same seed gave before
    unit = next(name for name in units if name == DEMO_UNIT)
    stem = unit.removesuffix("所")
    home = next(index for index, town in enumerate(townships) if town.name.startswith(stem))
    chosen = [townships[(home + step) % len(townships)] for step in range(len(TOWNSHIP_SHARES))]

    def travelling() -> dict[str, Any]:
        return {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "version": 1,
            "updated_at": stamp,
            "updated_by": WHO,
            "device": DEVICE,
        }

    office_name = f"{BUREAU}{stem}市场监管所"
    office_id = _insert(
        connection,
        "office",
        {**travelling(), "code": chosen[0].code, "name": office_name, "region_code": COUNTY_CODE},
    )
    phones = PersonCodes()
    phones.rng = rng
    spread: list[tuple[str, float, list[tuple[int, int]]]] = []
    officer_ids: list[int] = []
    for town, share in zip(chosen, TOWNSHIP_SHARES, strict=True):
        short = town.name.removesuffix("街道").removesuffix("镇")
        pairs: list[tuple[int, int]] = []
        for side in GRID_SIDES:
            grid_id = _insert(
                connection,
                "grid",
                {
                    **travelling(),
                    "office_id": office_id,
                    "name": f"{short}{side}片区",
                    "township_code": town.code,
                },
            )
            drawn = faker.name()  # drawn even when a README name replaces it: the seed's stream stays the same
            officer_id = _insert(
                connection,
                "officer",
                {
                    **travelling(),
                    "office_id": office_id,
                    "name": README_OFFICERS[len(officer_ids)] if len(officer_ids) < len(README_OFFICERS) else drawn,
                    "phone": phones.mobile(),
                    "grid_id": grid_id,
                    "active": True,
                },
            )
            pairs.append((grid_id, officer_id))
            officer_ids.append(officer_id)
        spread.append((town.name, share, pairs))
    return Territory(office_id, COUNTY, COUNTY_CODE, COUNTY_CODE[:4] + "00", spread, officer_ids), office_name


def _insert(connection: Connection, table: str, values: dict[str, Any]) -> int:
    result = connection.execute(insert(SQLModel.metadata.tables[table]).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
