"""许可证 by hand: the 许可证 tab's and the to-do's reads and the three writes their dialogs make."""

from __future__ import annotations

from datetime import date
from typing import Any

from storage.audit import Actor
from workbench.services.gateway.unit_of_work import UnitOfWork
from workbench.services.licenses import (
    LicenseLine,
    add_license,
    cancel_license,
    license_line,
    renew_license,
)


class LicenseDesk:
    """Each write returns the uuid of the licence it wrote (the new one for a renewal)."""

    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def license(self, actor: Actor, license_uuid: str) -> LicenseLine:
        """One licence with its business's name: what the renewal form opens on."""
        with self._work.reading() as session:
            return license_line(session, actor=actor, license_uuid=license_uuid)

    def add(
        self, actor: Actor, business_uuid: str, data: dict[str, Any], *, kinds: tuple[str, ...], today: date
    ) -> str:
        with self._work.writing() as session:
            row = add_license(session, actor=actor, business_uuid=business_uuid, data=data, kinds=kinds,
                              today=today)  # fmt: skip
            return row.uuid

    def renew(
        self, actor: Actor, old: LicenseLine, data: dict[str, Any], *, kinds: tuple[str, ...], today: date
    ) -> str:
        with self._work.writing() as session:
            row = renew_license(session, actor=actor, license_uuid=old.uuid, base_version=old.version, data=data,
                                kinds=kinds, today=today)  # fmt: skip
            return row.uuid

    def cancel(self, actor: Actor, line: LicenseLine, *, today: date) -> str:
        with self._work.writing() as session:
            cancel_license(session, actor=actor, license_uuid=line.uuid, base_version=line.version, today=today)
            return line.uuid
