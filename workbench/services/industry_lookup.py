"""Find a GB/T 4754-2017 industry by what a person remembers: its code, part of its name, or the pinyin initials.

Officers know 小吃 or 便利店, rarely 6291 or 5292: the form's 行业代码 offers the matches of what is typed
(「小吃」 → 6291 小吃服务, 「xcfw」 → the same, 「629」 → the classes under 629) and fills in the code chosen.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from storage.search_pinyin import pinyin
from workbench.domain.reference import Industry, industry_codes

MATCHES_SHOWN = 8


@dataclass(frozen=True)
class IndustryMatch:
    code: str
    name: str

    @property
    def text(self) -> str:
        return f"{self.code} {self.name}"


@cache
def _entries() -> tuple[tuple[Industry, str, str], ...]:
    """Every 2017 entry with its name's pinyin initials and full pinyin, the 4-digit classes first (what a
    business is registered under), each level in the standard's order."""
    listed = sorted(industry_codes("2017").values(), key=lambda entry: -entry.level)
    return tuple((entry, *pinyin(entry.name)) for entry in listed)


def industry_matches(typed: str, limit: int = MATCHES_SHOWN) -> list[IndustryMatch]:
    """The entries `typed` points at, best first: an exact code, codes starting with it, names containing
    it (those starting with it first), then names whose pinyin initials or full pinyin start with it."""
    text = "".join(unicodedata.normalize("NFKC", typed).split())
    if not text:
        return []
    code = text.upper()
    if len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
        code = code[1:]  # F5221: the section letter people type in front
    entries = _entries()
    ranked: list[tuple[int, Industry]] = []
    for entry, initials, full in entries:
        if entry.code == code:
            rank = 0
        elif code.isdigit() and entry.code.startswith(code):
            rank = 1
        elif entry.name.startswith(text):
            rank = 2
        elif text in entry.name:
            rank = 3
        elif text.isascii() and text.isalpha() and (initials.startswith(text.lower()) or full.startswith(text.lower())):
            rank = 4
        else:
            continue
        ranked.append((rank, entry))
    ranked.sort(key=lambda pair: pair[0])  # stable: within a rank, classes first in the standard's order
    return [IndustryMatch(entry.code, entry.name) for _rank, entry in ranked[:limit]]


def industry_named(typed: str) -> tuple[IndustryMatch | None, list[IndustryMatch]]:
    """The one entry a typed name stands for (the CLI's `--industry 餐饮业`), else the candidates to choose from.

    In order: an entry named exactly so; one named so with 业 (「批发」 → 51 批发业, not F 批发和零售业); the
    entries whose names start with the words, when they all sit under the broadest of them (「餐饮」 → 62 餐饮业,
    the classes below it included); the same for names containing the words. Otherwise the candidates are
    returned (「美容」: a service, a manufacture, pets); none, as an empty list. Pinyin is not guessed here: on
    the command line nothing is offered to choose from, so only names are taken."""
    text = "".join(unicodedata.normalize("NFKC", typed).split())
    if not text:
        return None, []
    named = [entry for entry, _initials, _full in _entries() if text in entry.name]
    for narrowed in (
        [entry for entry in named if entry.name == text],
        [entry for entry in named if entry.name == f"{text}业"],
        [entry for entry in named if entry.name.startswith(text)],
        named,
    ):
        chosen = _broadest_covering(narrowed)
        if chosen is not None:
            return IndustryMatch(chosen.code, chosen.name), []
    by_name: dict[str, Industry] = {}  # a group and its one class may share a name: the group is shown
    for entry in sorted(named, key=lambda entry: (entry.level, entry.code)):
        by_name.setdefault(entry.name, entry)
    return None, [IndustryMatch(entry.code, entry.name) for entry in list(by_name.values())[:MATCHES_SHOWN]]


def _broadest_covering(entries: list[Industry]) -> Industry | None:
    """The broadest entry when every other one is it or lies under it; None when they are apart (or none)."""
    if not entries:
        return None
    broadest = min(entries, key=lambda entry: entry.level)
    listed = industry_codes("2017")
    for entry in entries:
        current: Industry | None = entry
        while current is not None and current.code != broadest.code:
            current = listed.get(current.parent) if current.parent else None
        if current is None:
            return None
    return broadest
