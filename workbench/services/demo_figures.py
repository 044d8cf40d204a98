"""Demo yearly figures (营业收入, 纳税额, 从业人员, 社保人数) and 许可证 for one active business.

Households: median revenue about 25万 (most between 10万 and 60万), some 零申报 years, a thin tail of
large ones; tax small because most stay under the small-taxpayer VAT threshold (月销售额 10万).
Enterprises: median about 300万 with a long tail. Licenses run five years from the first issue and are
renewed on time, except about 7% whose last one lapsed; so some expire within 90 days and some have expired.
"""

from __future__ import annotations

import math
import random
from datetime import date
from statistics import NormalDist
from typing import Any

from workbench.domain.labels import BusinessKind
from workbench.services.demo_trades import DRUG, FOOD, Trade

YEAR_COLUMNS = (
    "uuid",
    "version",
    "updated_at",
    "updated_by",
    "device",
    "office_id",
    "business_id",
    "year",
    "revenue",
    "tax_paid",
    "employees",
    "insured_staff",
)
LICENSE_COLUMNS = (
    "uuid",
    "version",
    "updated_at",
    "updated_by",
    "device",
    "office_id",
    "business_id",
    "kind",
    "number",
    "issued_on",
    "expires_on",
)
_REVENUE: dict[str, tuple[int, float]] = {
    BusinessKind.HOUSEHOLD: (250_000, 0.8),
    BusinessKind.ENTERPRISE: (3_000_000, 1.3),
    BusinessKind.COOPERATIVE: (800_000, 1.0),
}
_STAFF: dict[str, tuple[float, float]] = {BusinessKind.HOUSEHOLD: (1.6, 0.5), BusinessKind.ENTERPRISE: (12.0, 0.9), BusinessKind.COOPERATIVE: (6.0, 0.6)}
_JY_FROM = date(2015, 10, 1)  # 食品经营许可证 (JY numbers) replaced the old food permits from here
# Standard normal quantiles: a table lookup is several times cheaper than random.gauss per draw.
_NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096))


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Figures:
    def __init__(self, values: Any, today: date, office_id: int) -> None:
        self.rng = random.Random(0)  # set per chunk
        self.v, self.today, self.office_id = values, today, office_id

    def _lognormal(self, mu: float, sigma: float) -> float:
        return math.exp(mu + sigma * _NORMAL[int(self.rng.random() * 4096)])

    def staff(self, kind: str) -> int:
        median, sigma = _STAFF[kind]
        return max(1, int(self._lognormal(0, sigma) * median + 0.5))

    def years(
        self, kind: str, registered: int, business_id: int, quiet_from: int = 9999
    ) -> tuple[list[tuple[Any, ...]], int]:
        """The last three complete years after registration (nothing earned from `quiet_from`, a 歇业 year);
        returns the rows and the latest headcount."""
        rng, v = self.rng, self.v
        median, sigma = _REVENUE[kind]
        revenue = self._lognormal(0, sigma) * median
        if kind == BusinessKind.HOUSEHOLD and rng.random() < 0.01:
            revenue *= 10  # the odd big household: a busy restaurant or a wholesaler
        always_zero = rng.random() < 0.05  # 零申报 every year: a shell, so hardly any staff either
        employees = min(self.staff(kind), 2) if always_zero else self.staff(kind)
        insured_share = self._insured_share(kind)
        first_year = date.fromordinal(registered).year
        rows: list[tuple[Any, ...]] = []
        for year in range(self.today.year - 3, self.today.year):
            revenue *= self._lognormal(0.03, 0.15)
            if rng.random() < 0.12:
                employees = max(1, employees + (1 if rng.random() < 0.55 else -1))
            if year < first_year:
                continue
            zero = always_zero or year >= quiet_from or rng.random() < 0.03
            amount = 0 if zero else int(round(revenue, -2))
            if year == first_year:
                amount = int(
                    amount * (1 - date.fromordinal(registered).timetuple().tm_yday / 366) // 100 * 100
                )
            tax = 0 if zero else self._tax(kind, amount)
            insured = min(employees, int(employees * insured_share + rng.random())) if not zero else 0
            rows.append(
                (
                    1,
                    v.stamp,
                    "演示数据",
                    "demo",
                    self.office_id,
                    business_id,
                    year,
                    amount,
                    tax,
                    employees,
                    insured,
                )
            )
        return rows, employees

    def _insured_share(self, kind: str) -> float:
        rng = self.rng
        if kind == BusinessKind.HOUSEHOLD:
            return 0.0 if rng.random() < 0.7 else rng.random()
        return 0.5 + rng.random() * 0.5 if kind == BusinessKind.ENTERPRISE else rng.random() * 0.3

    def _tax(self, kind: str, revenue: int) -> int:
        rng = self.rng
        if kind == BusinessKind.COOPERATIVE:
            return 0 if rng.random() < 0.8 else int(revenue * rng.random() * 0.01)
        if kind == BusinessKind.HOUSEHOLD and revenue < 1_200_000:
            return 0 if rng.random() < 0.3 else int(revenue * (0.001 + rng.random() * 0.011))
        return int(revenue * (0.01 + rng.random() * (0.05 if kind == BusinessKind.ENTERPRISE else 0.02)))

    def licenses(self, trade: Trade, registered: int, region: str, business_id: int) -> list[tuple[Any, ...]]:
        rng, v = self.rng, self.v
        if trade.license is None or rng.random() >= trade.license_share:
            return []
        issued = date.fromordinal(registered + int(rng.random() * 30))
        while trade.license == FOOD and issued < _JY_FROM:
            issued = _plus_years(issued, 5)  # the old permit ran out and was replaced by a JY license
        if issued > self.today:
            return []
        lapsed = rng.random() < 0.07
        while _plus_years(issued, 5) <= self.today and not (lapsed and _plus_years(issued, 10) > self.today):
            issued = _plus_years(issued, 5)
        expires = _plus_years(issued, 5).toordinal() - 1
        return [
            (
                1,
                v.stamp,
                "演示数据",
                "demo",
                self.office_id,
                business_id,
                trade.license,
                self._number(trade, region, business_id),
                v.days[issued.toordinal()],
                v.days[expires],
            )
        ]

    def _number(self, trade: Trade, region: str, serial: int) -> str:
        if trade.license == FOOD:
            return f"JY{trade.food_kind}{region}{serial % 1_000_000:06d}{self.rng.randrange(10)}"
        if trade.license == DRUG:
            return f"浙CB577{serial % 10_000:04d}"
        return f"温公特旅字第{region}{serial % 10_000:04d}号"
