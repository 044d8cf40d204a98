"""A return package's rows checked against the office's own lists (issue 19): a support type, an appeal's
channel, category or satisfaction, a visit's result, a licence's kind must be one the office keeps
(service.toml through OfficeSettings), as the forms at the office require. An unknown one is a row problem
named like any other (package row, field, value, the office's choices), never written as it came.

Only what the laptop set is checked (a new row's values, a changed field): an old value the office has
since dropped from its list stays where it is, and a renewed licence may keep its old kind, as at the office
(workbench.services.licenses).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workbench.domain.service_lists import ServiceLists
from workbench.domain.sync_labels import sync_field_label
from workbench.domain.sync_model import RowChange


def listed_choices(lists: ServiceLists) -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, field) -> the office's choices for it."""
    return {
        ("support_record", "kind"): tuple(lists.support_types),
        ("appeal", "channel"): tuple(lists.appeal_channels),
        ("appeal", "category"): tuple(lists.appeal_categories),
        ("appeal", "satisfaction"): tuple(lists.satisfaction_levels),
        ("visit", "finding"): tuple(lists.visit_findings),
        ("license", "kind"): tuple(lists.license_kinds),
    }


def list_problems(change: RowChange, clean: Mapping[str, Any], lists: ServiceLists) -> dict[str, str]:
    """field -> one Chinese reason, for each value of the change that is not on the office's list."""
    problems: dict[str, str] = {}
    for (table, field), choices in listed_choices(lists).items():
        if table != change.table or field not in change.values:
            continue
        value = clean.get(field)
        if value in (None, "") or value in choices:
            continue
        if table == "license" and change.base_version is None and clean.get("renews_uuid"):
            continue  # a renewal keeps the kind of the licence it renews, listed or not
        what = sync_field_label(table, field)
        problems[field] = f"不在本所的{what}清单中（可选：{'、'.join(choices)}），请改为其中一项，或先在 service.toml 中加入"
    return problems
