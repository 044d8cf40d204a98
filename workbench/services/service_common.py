"""Shared by the service-work services: settings, office-scoped look-ups, field parsing with Chinese errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from storage.audit import Actor
from storage.tables import Business, Grid, Officer
from workbench.domain.service_lists import DEFAULT_LISTS, ServiceLists, load_service_lists
from workbench.domain.values import parse_date
from workbench.domain.working_days import DEFAULT_CALENDAR, WorkCalendar, load_calendar
from workbench.services.errors import ValidationFailed


@dataclass(frozen=True)
class ServiceSettings:
    """The office's lists and holiday calendar; the CLI and the TUI load them from the config folder."""

    lists: ServiceLists = field(default_factory=lambda: DEFAULT_LISTS)
    calendar: WorkCalendar = field(default_factory=lambda: DEFAULT_CALENDAR)


DEFAULT_SETTINGS = ServiceSettings()


def load_settings(config_dir: Path | None) -> ServiceSettings:
    """service.toml and holidays.toml from config_dir, over the shipped defaults; ValueError (Chinese,
    naming the file and entry) when one of them is malformed."""
    return ServiceSettings(load_service_lists(config_dir), load_calendar(config_dir))


def office_officer(
    session: Session, actor: Actor, officer_id: int | None, what: str = "干部"
) -> Officer | None:
    """The officer of the actor's office, None for None; ValidationFailed for another office's."""
    if officer_id is None:
        return None
    officer = session.get(Officer, officer_id)
    if officer is None or officer.office_id != actor.office_id or officer.deleted_at is not None:
        raise ValidationFailed({"officer_id": f"所选{what}不属于本所，请重新选择"})
    return officer


def actor_officer_id(session: Session, actor: Actor) -> int | None:
    """The officer at the keyboard: the actor's officer row when it belongs to the actor's office, else
    found by name there (the CLI knows only a name; None when the name is not one of the office's)."""
    if actor.officer_id is not None:
        officer = session.get(Officer, actor.officer_id)
        if officer is not None and officer.office_id == actor.office_id and officer.deleted_at is None:
            return actor.officer_id
    return session.exec(
        select(Officer.id).where(
            col(Officer.office_id) == actor.office_id,
            col(Officer.name) == actor.who,
            col(Officer.deleted_at).is_(None),
        )
    ).first()


def names_by_id(session: Session, model: Any, ids: set[int | None]) -> dict[int, str]:
    wanted = [row_id for row_id in ids if row_id is not None]
    if not wanted:
        return {}
    rows = session.exec(select(model.id, model.name).where(col(model.id).in_(wanted)))
    return {row_id: name for row_id, name in rows}


def businesses_by_id(session: Session, ids: set[int | None]) -> dict[int, Business]:
    wanted = [row_id for row_id in ids if row_id is not None]
    if not wanted:
        return {}
    return {
        row.id: row for row in session.exec(select(Business).where(col(Business.id).in_(wanted))) if row.id
    }


def officer_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    return names_by_id(session, Officer, ids)


def grid_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    return names_by_id(session, Grid, ids)


class FieldReader:
    """Reads a form's dict field by field, collecting every Chinese error before raising once."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def text(self, name: str, label: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = str(self.data.get(name) or "").strip()
        if required and not value:
            self.errors[name] = f"{label}不能为空"
        elif max_length is not None and len(value) > max_length:
            self.errors[name] = f"{label}最多 {max_length} 个字（现有 {len(value)} 个）"
        return value

    def choice(
        self, name: str, label: str, choices: tuple[str, ...] | list[str], *, required: bool = True
    ) -> str:
        value = self.text(name, label, required=required)
        if value and value not in choices:
            self.errors[name] = f"{label}「{value}」不在可选范围内：{'、'.join(choices)}"
        return value

    def parsed(self, name: str, label: str, parse: Callable[[Any], Any], *, required: bool = False) -> Any:
        try:
            value = parse(self.data.get(name))
        except ValueError as problem:
            self.errors[name] = f"{label}：{problem}"
            return None
        if value is None and required:
            self.errors[name] = f"{label}不能为空"
        return value

    def day(
        self, name: str, label: str, *, required: bool = False, default: date | None = None
    ) -> date | None:
        value = self.parsed(name, label, parse_date, required=required and default is None)
        return default if value is None else value

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(dict(self.errors))
