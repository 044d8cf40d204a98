"""The business list, the detail and the form: what those screens read and the one write they make."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from storage.audit import Actor
from workbench.services.errors import WorkbenchError
from workbench.services.gateway.unit_of_work import UnitOfWork
from workbench.services.listing import BusinessFilter, BusinessRow, count, list_page, warm_up

if TYPE_CHECKING:
    from workbench.services.detail import BusinessDetail


class RegisterDesk:
    def __init__(self, work: UnitOfWork) -> None:
        self._work = work

    def page(self, flt: BusinessFilter, offset: int, limit: int) -> list[BusinessRow]:
        with self._work.reading() as session:
            return list_page(session=session, flt=flt, offset=offset, limit=limit)

    def count(self, flt: BusinessFilter) -> int:
        with self._work.reading() as session:
            return count(session=session, flt=flt)

    def warm_search(self, office_id: int, keep_going: Callable[[], bool]) -> None:
        """The pinyin tables and the office's search index pages, so the first search and save need not wait."""
        from storage.search_warmup import warm_search

        warm_up()
        with self._work.connection_for_warm_up() as connection:
            warm_search(connection, office_id, keep_going=keep_going)

    def detail(
        self, actor: Actor, business_uuid: str, *, history_limit: int = 500,
        read: Callable[..., BusinessDetail] | None = None,
    ) -> BusinessDetail:  # fmt: skip
        """`read`: services.detail.business_detail unless the screen hands its own reference over (a seam
        the tests use to hold the read; it runs inside this unit of work either way)."""
        from workbench.services.detail import business_detail

        read = read or business_detail
        with self._work.reading() as session:
            return read(session=session, actor=actor, business_uuid=business_uuid, history_limit=history_limit)

    def saved_values(self, actor: Actor, business_uuid: str | None) -> dict[str, Any] | None:
        """What is saved now (after a conflict, to show what the other person changed); None if unreadable."""
        if business_uuid is None:
            return None
        try:
            return self.detail(actor, business_uuid, history_limit=0).values
        except WorkbenchError:
            return None

    def save(
        self, actor: Actor, business_uuid: str | None, base_version: int, changes: dict[str, Any],
        *, same_as_confirmed: bool = False,
    ) -> str:
        """Create (business_uuid None) or update a business in one transaction, as typed in the form; its
        uuid. Raises ValidationFailed or SaveConflict and writes nothing when refused; a new business with
        the name and address of another raises PossibleDuplicate unless `same_as_confirmed`."""
        from workbench.services.register import create_business, update_business

        with self._work.writing() as session:
            if business_uuid is None:
                business = create_business(
                    session=session, actor=actor, data=changes, by_hand=True, same_as_confirmed=same_as_confirmed
                )
            else:
                business = update_business(
                    session=session, actor=actor, business_uuid=business_uuid,
                    base_version=base_version, changes=changes,
                )  # fmt: skip
            return business.uuid
