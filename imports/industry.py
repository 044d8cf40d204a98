"""Industry cells: "5223", "F5223", "5223 果品、蔬菜零售", "零售业", checked against GB/T 4754-2017 and 2011.

Old registers still carry 2011 codes; a code whose given name is its 2011 name is kept as a 2011 code
and flagged, never silently read as the 2017 code of the same digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from workbench.domain.reference import industry_ancestors, industry_codes, industry_name

_CELL = re.compile(r"[\[【(]?\s*([A-Ta-t](?![A-Za-z]))?\s*([0-9]{1,4})?\s*[\]】)]?\s*[:：、.\-\s]*(.*)", re.S)
_PATH_SEPARATORS = re.compile(r"\s*(?:->|>|→|/|\\|-|—)\s*")
_NOT_WORD = re.compile(r"[^\w]|_")


@dataclass(frozen=True)
class IndustryReading:
    """The code to store with its GB/T 4754 version, and a Chinese note when a person should look."""

    code: str | None
    version: str = "2017"
    note: str | None = None
    blocking: bool = False


def _key(name: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", name))


@cache
def _codes_by_name(version: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for code, industry in industry_codes(version).items():
        found.setdefault(_key(industry.name), []).append(code)
    return {name: tuple(codes) for name, codes in found.items()}


@lru_cache(maxsize=4096)
def read_industry(code_cell: str | None, name_cell: str | None = None) -> IndustryReading:
    """Read the code column and the name column (either may hold a code, a name or both)."""
    code, code_name = _split(code_cell)
    other_code, name = _split(name_cell)
    code = code or other_code
    name = name or code_name
    if code:
        return _by_code(code, name)
    if name:
        return _by_name(name)
    return IndustryReading(None)


def _split(cell: str | None) -> tuple[str | None, str | None]:
    if not cell:
        return None, None
    text = unicodedata.normalize("NFKC", cell).strip()
    found = _CELL.fullmatch(text)
    if found is None:
        return None, text or None
    letter, digits, rest = found.groups()
    code = _digits(digits) if digits else (letter.upper() if letter and not rest else None)
    if letter and digits is None and rest:
        rest = text  # a name that merely starts with a Latin letter
    return code, rest.strip() or None


def _digits(digits: str) -> str:
    # A number cell drops the leading zero of 0111 or 05; put it back when only that makes a code.
    if len(digits) not in (1, 3) or _listed(digits):
        return digits
    return "0" + digits if _listed("0" + digits) else digits


def _listed(code: str) -> bool:
    return code in industry_codes("2017") or code in industry_codes("2011")


def _by_code(code: str, name: str | None) -> IndustryReading:
    current = industry_name(code, "2017")
    old = industry_name(code, "2011")
    if current is None and old is None:
        return IndustryReading(None, note=f"行业代码「{code}」在 GB/T 4754-2017 和 2011 中都不存在，请核对", blocking=True)
    if current is None:
        return IndustryReading(code, "2011", f"可能是2011版代码：{code}「{old}」在 GB/T 4754-2017 中已不存在，"
                               "请按 2017 版重新确定行业代码")
    if not name or _agrees(code, name):
        return IndustryReading(code)
    if old is not None and _key(old) == _key(name):
        return IndustryReading(code, "2011", f"可能是2011版代码：{code} 在 2011 版中是「{old}」，"
                               f"在 2017 版中是「{current}」，请按 2017 版核对")
    named = _codes_by_name("2017").get(_key(name))
    if named:
        return IndustryReading(code, note=f"行业代码 {code}「{current}」与行业名称「{name}」"
                               f"（代码 {'、'.join(named)}）不一致，请核对")
    return IndustryReading(code)


def _agrees(code: str, name: str) -> bool:
    wanted = _key(name)
    if _key(industry_name(code, "2017") or "") == wanted:
        return True
    return any(_key(parent.name) == wanted for parent in industry_ancestors(code, "2017"))


def _by_name(name: str) -> IndustryReading:
    for part in reversed([name, *_PATH_SEPARATORS.split(name)]):
        codes = _codes_by_name("2017").get(_key(part))
        if codes:
            return _pick(codes, name)
    old = _codes_by_name("2011").get(_key(name))
    if old:
        return IndustryReading(old[-1], "2011", f"可能是2011版代码：「{name}」是 2011 版的行业名称，请按 2017 版核对")
    return IndustryReading(None, note=f"行业「{name}」在 GB/T 4754-2017 中找不到，请填写行业代码（如 5223）")


def _pick(codes: tuple[str, ...], name: str) -> IndustryReading:
    deepest = max(len(code) for code in codes)
    candidates = [code for code in codes if len(code) == deepest]
    if len(candidates) == 1:
        return IndustryReading(candidates[0])
    return IndustryReading(None, note=f"行业名称「{name}」对应多个代码（{'、'.join(candidates)}），请填写行业代码")
