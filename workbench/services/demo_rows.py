"""Demo businesses and what hangs off them, as value tuples ready for a bulk insert, one chunk at a time.

Chunk i draws from its own random.Random seeded with (seed, i), and codes are keyed by business id, so a
chunk can be made in any process in any order and the rows (uuids included) depend only on seed, size and
day (and the chunk size, demo.CHUNK). Uuids are uuid4-shaped, from the chunk's stream. `Values` holds
dates, booleans and the timestamp already in the driver's form: as SQLAlchemy's column types bind them
for SQLite, as COPY text literals for PostgreSQL.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from typing import Any

from workbench.domain import reference
from workbench.domain.business_fields import BUSINESS_ROW, STATUS_DATE_FIELDS, row_class
from workbench.domain.labels import BusinessKind, BusinessStatus
from workbench.services.bulk_write import Values
from workbench.services.demo_codes import NEW_CODES_FROM, CodeMaker, PersonCodes
from workbench.services.demo_figures import Figures
from workbench.services.demo_names import Addresses, People, cooperative_name, enterprise_name, shop_name
from workbench.services.demo_trades import TRADES_BY_KIND, Trade

WHO = "演示数据"
DEVICE = "demo"
FIRST_DAY = date(2000, 1, 1).toordinal()
_2011_UNTIL = date(2017, 10, 1).toordinal()  # GB/T 4754-2017 took effect
_SUSPENSION_FROM = date(2022, 3, 1).toordinal()  # 歇业备案 exists since the 2022 regulation
_OLD_RECORDS = date(2005, 1, 1).toordinal()
_HOUSEHOLD, _ENTERPRISE, _COOPERATIVE = (kind.value for kind in BusinessKind)
_ACTIVE = BusinessStatus.ACTIVE.value
_CAPITAL: dict[str, tuple[int, ...]] = {
    BusinessKind.HOUSEHOLD: (
        10_000,
        20_000,
        30_000,
        50_000,
        50_000,
        80_000,
        100_000,
        100_000,
        200_000,
        300_000,
        500_000,
    ),
    BusinessKind.ENTERPRISE: (
        500_000,
        1_000_000,
        1_000_000,
        2_000_000,
        3_000_000,
        5_000_000,
        5_000_000,
        10_000_000,
        20_000_000,
        50_000_000,
    ),
    BusinessKind.COOPERATIVE: (100_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000),
}
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (4 << 76) | (0x8000 << 48)

# Every column of a demo business: the key, the travelling stamp and the business row's declaration
# (workbench.domain.business_fields), so a field added there is one the demo must give (or the build fails).
_STATUS_DATE_COLUMNS = ("deregistered_on", "revoked_on", "cancelled_on", "moved_out_on", "moved_in_on", "approved_on")
_KEY_AND_STAMP = ("id", "uuid", "version", "updated_at", "updated_by", "device", "office_id")
BUSINESS_COLUMNS: tuple[str, ...] = (*_KEY_AND_STAMP, *(spec.name for spec in BUSINESS_ROW))
# A demo business, made by name. The chunks cross processes as marshal bytes, which take plain tuples and
# plain str only: the row goes as tuple(row), kind and status as the enums' text (`.value`).
DemoBusiness = row_class("DemoBusiness", BUSINESS_COLUMNS)
CHANGE_COLUMNS = (
    "office_id",
    "entity",
    "entity_uuid",
    "action",
    "field",
    "old",
    "new",
    "who",
    "at",
    "device",
)


@dataclass
class Territory:
    """The demo office: its id, county name and registrar codes, and per township (name, share, grids)."""

    office_id: int
    county: str
    registrar: str
    city_registrar: str
    townships: list[tuple[str, float, list[tuple[int, int]]]]
    officer_ids: list[int] = field(default_factory=list)


@dataclass
class Chunk:
    businesses: list[tuple[Any, ...]] = field(default_factory=list)
    years: list[tuple[Any, ...]] = field(default_factory=list)
    licenses: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[tuple[Any, ...]] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


class BusinessMaker:
    """Everything needed to make any chunk; built once (with Faker), then picklable for worker processes."""

    def __init__(
        self,
        seed: int,
        rng: random.Random,
        faker: Any,
        territory: Territory,
        values: Values,
        today: date,
        search: Callable[[str, str, str], dict[str, str]],
        first_id: int,
    ) -> None:
        self.seed, self.t, self.v, self.search, self.first_id = seed, territory, values, search, first_id
        self.rng = rng
        self.today = today.toordinal()
        self.codes, self.persons = CodeMaker(rng), PersonCodes()
        self.people = People(faker, rng)
        self.addresses = Addresses(faker, rng, territory.county, [name for name, _, _ in territory.townships])
        self.figures = Figures(values, today, territory.office_id)
        self._township_cum = list(accumulate(share for _, share, _ in territory.townships))
        self._trades = {
            kind: (trades, list(accumulate(t.weight for t in trades)))
            for kind, trades in TRADES_BY_KIND.items()
        }
        self._codes_2011 = frozenset(reference.industry_codes("2011"))
        self._span = (self.today - FIRST_DAY) / 365.25
        self.columns = BUSINESS_COLUMNS

    def chunk(self, index: int, chunk_size: int, size: int) -> Chunk:
        """Businesses index*chunk_size … (capped at size), from the chunk's own random stream."""
        rng = random.Random(f"workbench-demo/{self.seed}/{index}")
        self.rng = self.people.rng = self.addresses.rng = self.persons.rng = self.figures.rng = rng
        made = Chunk()
        for position in range(index * chunk_size, min(size, (index + 1) * chunk_size)):
            row, years, licenses = self.make(self.first_id + position)
            made.businesses.append(tuple(row))
            made.years += years
            made.licenses += licenses
            made.changes.append(
                (self.t.office_id, "business", row.uuid, "create", "", None, None, WHO, self.v.stamp, DEVICE)
            )
            made.kinds[row.kind] = made.kinds.get(row.kind, 0) + 1
            made.statuses[row.status] = made.statuses.get(row.status, 0) + 1
        return made

    def uuid(self) -> str:
        text = f"{(self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def _trade(self, kind: str) -> Trade:
        trades, cum = self._trades[kind]
        return trades[bisect(cum, self.rng.random() * cum[-1])]

    def _registered(self) -> int:
        # Density grows towards today (λ = 0.13 a year), truncated at 2000-01-01.
        lam, u = 0.13, self.rng.random()
        years_back = -math.log(1 - u * (1 - math.exp(-lam * self._span))) / lam
        return max(FIRST_DAY, self.today - 1 - int(years_back * 365.25))

    def _status(self, kind: str, registered: int) -> str:
        pick = self.rng.random()
        gone = min(0.6, 0.02 + 0.03 * (self.today - registered) / 365.25) * (
            1.0 if kind == BusinessKind.HOUSEHOLD else 0.7
        )
        if pick < gone:
            return BusinessStatus.DEREGISTERED.value
        year = date.fromordinal(registered).year
        revoked = 0.07 if year < 2010 else 0.03 if year < 2014 else 0.0
        if pick < gone + revoked:
            return BusinessStatus.REVOKED.value
        return BusinessStatus.MOVED_OUT.value if pick < gone + revoked + 0.015 else _ACTIVE

    def make(self, business_id: int) -> tuple[Any, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """(business row, year figure rows, license rows) for one business."""
        rng, t, v = self.rng, self.t, self.v
        row_uuid = self.uuid()
        pick = rng.random()
        kind = _HOUSEHOLD if pick < 0.88 else _ENTERPRISE if pick < 0.98 else _COOPERATIVE
        trade = self._trade(kind)
        registered = self._registered()
        status = self._status(kind, registered)
        active = status == _ACTIVE
        surname, given, male = self.people.person()
        operator = surname + given
        township, _, grids = t.townships[bisect(self._township_cum, rng.random() * self._township_cum[-1])]
        grid_id, officer_id = grids[int(rng.random() * len(grids))]
        if rng.random() < 0.05:
            officer_id = t.officer_ids[int(rng.random() * len(t.officer_ids))]
        address = self.addresses.address(township)
        ending = trade.endings[int(rng.random() * len(trade.endings))]
        if kind == BusinessKind.HOUSEHOLD:
            name = shop_name(rng, ending, surname, given, male, t.county)
        elif kind == BusinessKind.ENTERPRISE:
            name = enterprise_name(rng, ending)
        else:
            name = cooperative_name(rng, t.county, township[:2], ending)
        uscc, reg_no = self._codes(business_id, kind, registered, status)
        id_number = None
        if kind == BusinessKind.HOUSEHOLD and rng.random() < 0.97:
            born = min(registered - int((22 + rng.random() * 36) * 365.25), self.today - 18 * 366)
            id_number = self.persons.id_number(born, male)
        phone_pick = rng.random()
        phone = (
            self.persons.mobile()
            if phone_pick < 0.88
            else self.persons.landline()
            if phone_pick < 0.97
            else ""
        )
        version = (
            "2011" if not active and registered < _2011_UNTIL and trade.code in self._codes_2011 else "2017"
        )
        capital = _CAPITAL[kind][int(rng.random() * len(_CAPITAL[kind]))]
        suspended_from = suspended_until = abnormal_since = None
        if active and rng.random() < 0.025:
            suspended_from, suspended_until = self._suspension(registered)
        if active and rng.random() < (0.05 if kind == BusinessKind.HOUSEHOLD else 0.03):
            abnormal_since = self._abnormal_since(registered)
        if active:
            quiet = date.fromordinal(suspended_from).year if suspended_from else 9999
            figures, employees = self.figures.years(kind, registered, business_id, quiet)
        else:
            figures, employees = [], self.figures.staff(kind)
        composition = None
        if kind == BusinessKind.HOUSEHOLD:
            composition = "家庭经营" if rng.random() < 0.15 else "个人经营"
        days = v.days
        searched = self.search(name, operator, address)
        row = DemoBusiness(
            id=business_id,
            uuid=row_uuid,
            version=1,
            updated_at=v.stamp,
            updated_by=WHO,
            device=DEVICE,
            office_id=t.office_id,
            uscc=uscc,
            reg_no=reg_no,
            name=name,
            kind=kind,
            composition=composition,
            operator=operator,
            id_number=id_number,
            phone=phone,
            address=address,
            grid_id=grid_id,
            officer_id=officer_id,
            industry_code=trade.code,
            industry_code_version=version,
            registered_on=days[registered],
            status=status,
            suspended=v.true if suspended_from else v.false,
            suspended_from=days[suspended_from] if suspended_from else None,
            suspended_until=days[suspended_until] if suspended_until else None,
            abnormal=v.true if abnormal_since else v.false,
            abnormal_since=days[abnormal_since] if abnormal_since else None,
            capital=capital,
            employees=employees,
            tags="",
            first_loan_on=None,
            first_loan_bank=None,
            **self._status_dates(business_id, status, registered, days),
            name_pinyin=searched["name_pinyin"],
            search_chars=searched["search_chars"],
        )
        year_rows = [(self.uuid(), *figure) for figure in figures]
        licenses = self.figures.licenses(trade, registered, t.registrar, business_id) if active else []
        return row, year_rows, [(self.uuid(), *license) for license in licenses]

    def _status_dates(self, business_id: int, status: str, registered: int, days: Any) -> dict[str, Any]:
        """The date columns of a business that left: a day between its registration and today, spread by its
        id (no draw from the generator, so every other column of a seed stays as it was); 核准日期 is that day."""
        dates: dict[str, Any] = dict.fromkeys(_STATUS_DATE_COLUMNS)
        field = STATUS_DATE_FIELDS.get(status)
        if field is not None:
            span = max(1, self.today - registered)
            day = days[registered + 1 + (business_id * 2_654_435_761) % span] if span > 1 else days[registered]
            dates[field] = day
            dates["approved_on"] = day
        return dates

    def _codes(
        self, business_id: int, kind: str, registered: int, status: str
    ) -> tuple[str | None, str | None]:
        rng = self.rng
        region = self.t.registrar
        if kind == BusinessKind.ENTERPRISE and rng.random() < 0.4:
            region = self.t.city_registrar  # registered by the city bureau
        if registered >= NEW_CODES_FROM[kind].toordinal():
            return self.codes.uscc(business_id, kind, region, True), None
        if registered < _OLD_RECORDS and rng.random() < 0.01:
            return None, None  # an old record nobody ever keyed a number for
        reg_no = self.codes.reg_no(business_id, kind, region)
        # 换照: whoever was still open by the end of 2017 got a credit code; many closed before that.
        if status in (BusinessStatus.ACTIVE, BusinessStatus.MOVED_OUT) or rng.random() < 0.4:
            uscc = self.codes.uscc(business_id, kind, region, False, broken_org=rng.random() < 0.005)
            return uscc, (reg_no if rng.random() < 0.85 else None)
        return None, reg_no

    def _suspension(self, registered: int) -> tuple[int | None, int | None]:
        earliest = max(registered, _SUSPENSION_FROM, self.today - 1000)
        if earliest > self.today - 10:
            return None, None
        start = earliest + int(self.rng.random() * (self.today - 10 - earliest))
        shortest = max(self.today - start + 30, 180)
        return start, start + shortest + int(self.rng.random() * max(0, 1095 - shortest))

    def _abnormal_since(self, registered: int) -> int | None:
        year = date.fromordinal(self.today).year
        marks = [date(y, 7, 1).toordinal() for y in range(year - 3, year + 1)]
        marks = [mark for mark in marks if registered + 365 <= mark <= self.today]
        return marks[int(self.rng.random() * len(marks))] if marks else None
