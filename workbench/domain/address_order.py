"""Addresses as a walker reads them: numbers in natural order (丰门路10号 before 102号), grouped by the street
or community a route goes through."""

from __future__ import annotations

import re

_NUMBERS = re.compile(r"(\d+)")
_REGION = re.compile(r"^(?:[^省\d]{2,7}省)?(?:[^市\d]{2,7}市)?(?:[^区县\d]{2,7}[区县])?")
_TOWNSHIP = re.compile(r"^(.+?(?:街道|镇|乡))")
_COMMUNITY = re.compile(r"^(.+?(?:社区|村))")
_ROAD = re.compile(r"^([^\d]+?(?:路|街|巷|弄|道|大道|大街))")


def natural_key(address: str) -> tuple[tuple[int, int | str], ...]:
    """Digits compared as numbers, the rest as text: 丰门路9号 < 丰门路10号 < 丰门路102号."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _NUMBERS.split(address) if part)


def local_part(address: str) -> str:
    """The address without its city and district (温州市鹿城区): what differs from one stop to the next."""
    stripped = _REGION.sub("", address.strip(), count=1)
    return stripped or address.strip()


def route_area(address: str) -> str:
    """The street or community a stop is on: 「五马街道 府前街」, 「藤桥镇 上戍村」; an address with neither
    is its own text up to the first number."""
    rest = local_part(address)
    parts: list[str] = []
    if township := _TOWNSHIP.match(rest):
        parts.append(township.group(1))
        rest = rest[township.end():]
    if community := _COMMUNITY.match(rest):
        parts.append(community.group(1))
    elif road := _ROAD.match(rest):
        parts.append(road.group(1))
    elif not parts:
        parts.append(_NUMBERS.split(rest, maxsplit=1)[0].strip() or "（无地址）")
    return " ".join(parts)
