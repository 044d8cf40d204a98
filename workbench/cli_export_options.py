"""`workbench export` options -> the list's filter and the actor, with a Chinese message for each mistake."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session

from storage.audit import Actor
from storage.queries import BusinessFilter, Sort
from workbench.domain.labels import KIND_LABELS, STATUS_LABELS, normalise_kind, normalise_status
from workbench.domain.list_filters import SIZE_LABELS, TIER_LABELS, size_code, tier_code
from workbench.services.errors import WorkbenchError
from workbench.services.office import Choice, grids, officers, offices

SORTS: dict[str, Sort] = {"name": "name", "new": "-registered_on", "old": "registered_on"}


class OptionError(WorkbenchError):
    title = "参数有误"


@dataclass(frozen=True)
class ExportOptions:
    """What was typed after `workbench export`."""

    search: str = ""
    status: str | None = None
    kind: str | None = None
    grid: str | None = None
    officer: str | None = None
    mine: bool = False
    who: str | None = None
    office: str | None = None
    sort: str | None = None
    tier: str | None = None
    size: str | None = None
    unassigned: bool = False


def resolve(
    session: Session,
    options: ExportOptions,
    *,
    remembered_officer: str | None,
    login: str,
    device: str,
) -> tuple[Actor, BusinessFilter]:
    """The actor (who exports: --who, else this device's last TUI officer, else the login) and the filter."""
    office = _office(session, options.office)
    staff = officers(session=session, office_id=office.id)
    me = _exporter(staff, options.who) if options.who else next(
        (o for o in staff if o.uuid == remembered_officer), None
    )
    actor = Actor(who=me.name if me else login, device=device, office_id=office.id)
    flt = BusinessFilter(office_id=office.id, text=options.search.strip())
    if options.status:
        flt = replace(
            flt, status=_code(normalise_status(options.status), options.status, "登记状态", STATUS_LABELS)
        )
    if options.kind:
        flt = replace(flt, kind=_code(normalise_kind(options.kind), options.kind, "主体类型", KIND_LABELS))
    if options.grid:
        flt = replace(
            flt, grid_id=_pick(grids(session=session, office_id=office.id), options.grid, "网格").id
        )
    if options.officer:
        flt = replace(flt, officer_id=_pick(staff, options.officer, "包联干部").id)
    if options.mine:
        if me is None:
            raise OptionError("--mine 需要知道「我」是哪名干部：请用 --who 给出您的姓名")
        flt = replace(flt, officer_id=me.id)
    if options.tier:
        flt = replace(flt, tier=_code(tier_code(options.tier), options.tier, "三型", TIER_LABELS))
    if options.size:
        flt = replace(flt, size_class=_code(size_code(options.size), options.size, "规模", SIZE_LABELS))
    if options.unassigned:
        if flt.officer_id is not None:
            raise OptionError("--unassigned（未分派）与 --officer / --mine 不能同时使用")
        flt = replace(flt, unassigned=True)
    if options.sort:
        if options.sort not in SORTS:
            raise OptionError(
                f"排序「{options.sort}」无法识别，可选：name（名称）、new（从新到旧）、old（从旧到新）"
            )
        flt = replace(flt, sort=SORTS[options.sort])
    return actor, flt


def _office(session: Session, wanted: str | None) -> Choice:
    found = offices(session=session)
    if not found:
        raise OptionError("数据库中还没有市场监管所：请先运行 workbench init 建所")
    if wanted:
        return _pick(found, wanted, "所")
    if len(found) > 1:
        names = "、".join(office.name for office in found)
        raise OptionError(f"数据库中有 {len(found)} 个所（{names}），请用 --office 指明导出哪个所")
    return found[0]


def _exporter(staff: list[Choice], who: str) -> Choice:
    """--who names who exports, and the change log keeps it: it must be an officer of the office, as the app's
    使用人 is, so that a full-personal-data export cannot be logged under any name one types."""
    chosen = _named(staff, who)
    if chosen is None:
        names = "、".join(officer.name for officer in staff) or "（无）"
        raise OptionError(
            f"导出人「{who}」不是本所在岗干部，本次没有导出：--who 须写本所干部的姓名（可选：{names}；"
            "用 workbench staff list 查看本所干部）"
        )
    return chosen


def _named(choices: list[Choice], name: str) -> Choice | None:
    return next((choice for choice in choices if choice.name == name.strip()), None)


def _pick(choices: list[Choice], name: str, what: str) -> Choice:
    chosen = _named(choices, name)
    if chosen is None:
        names = "、".join(choice.name for choice in choices) or "（无）"
        raise OptionError(f"没有名为「{name}」的{what}，可选：{names}")
    return chosen


def _code(code: str | None, raw: str, what: str, labels: dict[str, str]) -> str:
    if code is None:
        raise OptionError(f"{what}「{raw}」无法识别，可选：{'、'.join(labels.values())}")
    return code
