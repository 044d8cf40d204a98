"""Licences (许可证): the kinds an office records unless it lists its own, and the checks on one licence.

Pure rules, shared by the licence form (workbench.services.licenses) and whatever else reads licences in
(the licence-list import): a number written the way the certificate prints it, dates that can be a
certificate's, and the standing a person reads in the 许可证 tab (有效 / 即将到期 / 已过期 / 已换证 / 已注销).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from workbench.domain.labels import LICENSE_STATUS_LABELS, LicenseStatus

LICENSE_KINDS: tuple[str, ...] = (
    "食品经营许可证",
    "小餐饮登记证",
    "食品小作坊登记证",
    "食品生产许可证",
    "药品经营许可证",
    "医疗器械经营许可证",
    "特种设备使用登记证",
    "特种行业许可证",
    "烟草专卖零售许可证",
)
"""The kinds a basic-level office meets most, the office's own first (food, drugs, devices, special
equipment), then the other departments' it is asked about. service.toml's license_kinds replaces them."""

EARLIEST_ISSUE = date(1949, 10, 1)
"""No certificate held today was issued before the People's Republic: an earlier date is a typo or an
empty date cell read as a date (1899-12-30)."""
LONGEST_TERM_YEARS = 30
"""Licences run 3 to 6 years (食品经营 5, 药品经营 5); a term beyond 30 years is a mistyped year. A licence
with no end (特种设备使用登记证) leaves 有效期至 empty instead."""
EXPIRING_DAYS = 30
"""A valid licence ending within this many days reads 即将到期."""

_SPACES = re.compile(r"\s+")


def normalise_license_number(raw: object) -> str:
    """The number as printed: full-width letters and digits made half-width, spaces dropped, Latin letters
    upper-case (jy1330… and ＪＹ１３３０… are the same JY1330… certificate)."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return _SPACES.sub("", text).upper()


def license_date_errors(issued_on: date | None, expires_on: date | None, today: date) -> dict[str, str]:
    """Field -> one Chinese sentence for each date that cannot be this licence's; empty when both can."""
    errors: dict[str, str] = {}
    if issued_on is not None:
        if issued_on > today:
            errors["issued_on"] = f"发证日期「{issued_on}」晚于今天（{today}），请核对后填写"
        elif issued_on < EARLIEST_ISSUE:
            errors["issued_on"] = (
                f"发证日期「{issued_on}」早于 1949 年 10 月 1 日，不可能是现有证照的发证日期，请核对年份"
            )
    if issued_on is not None and expires_on is not None and "issued_on" not in errors:
        if expires_on <= issued_on:
            errors["expires_on"] = f"有效期至「{expires_on}」应晚于发证日期「{issued_on}」，请核对"
        elif _years_after(issued_on, LONGEST_TERM_YEARS) < expires_on:
            errors["expires_on"] = (
                f"有效期至「{expires_on}」距发证日期超过 {LONGEST_TERM_YEARS} 年，请核对年份"
                "（长期有效的证照请不填有效期至）"
            )
    return errors


def license_standing(status: str, expires_on: date | None, today: date) -> str:
    """有效 / 即将到期 / 已过期 for a licence in force by its expiry; 已换证 / 已注销 once it is closed."""
    if status != LicenseStatus.VALID:
        return LICENSE_STATUS_LABELS.get(status, status)
    if expires_on is None or (expires_on - today).days > EXPIRING_DAYS:
        return "有效"
    return "已过期" if expires_on < today else "即将到期"


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
