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
