"""Display text for values: money in 万元, local times, status markers, and cell-exact cropping."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

from workbench.domain.labels import STATUS_LABELS, BusinessStatus, LicenseStatus, kind_label, status_label
from workbench.domain.licenses import EXPIRING_DAYS, license_standing
from workbench.domain.safe_text import shown

EMPTY = "-"

_ACTION_LABELS = {
    "create": "新增", "export": "导出",
    # field sync (issue 19): a laptop's value left for a person, the person's decision, a business made twice
    "conflict": "回传冲突，外业值", "resolve": "冲突处理", "offer": "疑似同一户，外业新增",
}
_SHORT_STATUS = {**STATUS_LABELS, BusinessStatus.REVOKED: "吊销", BusinessStatus.REVOKED_DEREGISTERED: "吊销注销"}


def money_text(yuan: int | None) -> str:
    """48.2万元 from ten thousand yuan up, 1.3亿元 from a hundred million, else 4,820元."""
    if yuan is None:
        return EMPTY
    for unit, name in ((100_000_000, "亿元"), (10_000, "万元")):
        if abs(yuan) >= unit:
            amount = (Decimal(yuan) / unit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"{amount.normalize():f}{name}"
    return f"{yuan:,}元"


def short_office_name(name: str) -> str:
    """「温州市鹿城区市场监督管理局丰门市场监管所」 -> 「丰门市场监管所」: the header has 80 cells."""
    tail = name.rsplit("局", 1)[-1]
    return tail if tail.endswith("所") else name


def date_text(value: date | None) -> str:
    return value.isoformat() if value else EMPTY


def local_time_text(at: datetime) -> str:
    """Stored times are UTC (naive ones too); staff read them in the machine's local time."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_BY_NUMBER = re.compile(rf"(?<=[{_CJK}]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) (?=[{_CJK}])")


def paragraph_text(text: str) -> str:
    """A long Chinese paragraph for a wrapping Static: no spaces between Chinese and numbers or Latin words
    (「共 300 行」 → 「共300行」, 「E 列」 → 「E列」).

    Rich wraps at spaces and folds CJK only inside a space-free run, so the spaces the CLI puts around
    numbers made the wizard's summary break there, leaving ragged lines like 「共 300」 /「行数据…」.
    """
    return _SPACE_BY_NUMBER.sub("", text)


def plain(text: object) -> Text:
    """Text from a file or the database as a Rich Text: markup in it is never read (「[red]x[/]」 stays as
    typed) and control characters are shown (\\x1b), never sent to the terminal."""
    return Text(shown(str(text)))


def fit_cells(text: str, width: int) -> str:
    """Crop to `width` terminal cells, marking a cut with `..` (ASCII: never drawn double width).
    Control characters are shown first (\\x1b): the crop measures what the screen will show."""
    text = shown(text)
    if cell_len(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        size = get_character_cell_size(char)
        if used + size > width - 2:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ".."


def status_cell(status: str, suspended: bool, abnormal: bool) -> Text:
    """存续, 注销 ...; 歇业 and 经营异常 as coloured markers (one character each when both apply)."""
    text = Text(_SHORT_STATUS.get(status, status), style="" if status == BusinessStatus.ACTIVE else "dim")
    both = suspended and abnormal
    if suspended:
        text.append(" 歇" if both else " 歇业", style="bold yellow")
    if abnormal:
        text.append(" 异" if both else " 异常", style="bold red")
    return text


def license_state(expires_on: date | None, today: date, status: str = LicenseStatus.VALID) -> tuple[str, str]:
    """(Chinese state, style) of a license on `today`: a closed one (已换证 / 已注销) greyed, one in force by
    how far its expiry is."""
    if status != LicenseStatus.VALID:
        return license_standing(status, expires_on, today), "dim"
    if expires_on is None:
        return "长期有效", ""
    days = (expires_on - today).days
    if days < 0:
        return f"已过期 {-days} 天", "bold red"
    if days <= EXPIRING_DAYS:
        return f"即将到期（剩 {days} 天）", "bold yellow"
    return "有效", ""


def change_text(action: str, old: str, new: str) -> str:
    """One change-log line in words: 「A 改为 B」 for an edit, 「新增：B」 when the record was created."""
    if action == "update":
        return f"{old} 改为 {new}"
    if action == "delete":
        return "删除整条记录"
    return f"{_ACTION_LABELS.get(action, action)}：{new}"


def value_text(field: str, value: object, names: dict[str, dict[int, str]] | None = None) -> str:
    """A business field's value as staff read it: labels for codes, names for ids, 万元 for money."""
    if value is None or value == "":
        return EMPTY
    if field == "status":
        return status_label(str(value))
    if field == "kind":
        return kind_label(str(value))
    if field in ("grid_id", "officer_id"):
        return _name_for(field, value, names or {})
    if field in ("capital", "revenue", "tax_paid"):  # the register's 资金数额, a year's 营业收入 and 纳税额
        return _money_from(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _name_for(field: str, value: object, names: dict[str, dict[int, str]]) -> str:
    try:
        return names.get(field, {}).get(int(str(value)), str(value))
    except ValueError:
        return str(value)


def _money_from(value: object) -> str:
    try:
        return money_text(int(str(value)))
    except ValueError:
        return str(value)
