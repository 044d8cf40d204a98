"""The office's offices, officers and grids, read once at start: what pickers and filters offer."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.services.gateway import Gateway
from workbench.services.office import Choice


@dataclass(frozen=True)
class OfficeReference:
    """Offices in id order, and per office id its active officers and its grids."""

    offices: list[Choice]
    officers: dict[int, list[Choice]]
    grids: dict[int, list[Choice]]

    def locate_officer(self, officer_uuid: str | None) -> tuple[Choice, Choice] | None:
        """(office, officer) of a remembered officer uuid, or None when unknown or no longer active."""
        for office in self.offices:
            for officer in self.officers.get(office.id, []):
                if officer.uuid == officer_uuid:
                    return office, officer
        return None

    def names(self, office_id: int) -> dict[str, dict[int, str]]:
        """Field name -> id -> name, for showing grid_id and officer_id values."""
        return {
            "grid_id": {choice.id: choice.name for choice in self.grids.get(office_id, [])},
            "officer_id": {choice.id: choice.name for choice in self.officers.get(office_id, [])},
        }


def load_reference(gateway: Gateway) -> OfficeReference:
    office_list, officers, grids = gateway.staff.office_lists()
    return OfficeReference(offices=office_list, officers=officers, grids=grids)
