"""Cheap proofs that a value is valid, so validate_business runs only on the rest of a 100,000-row file.

Each function returns the clean value when the value is certainly valid in its common form (an 18-character
upper-case credit code with the right check character, a plain 11-digit mobile number ...), and None
otherwise; None never means invalid, only "ask workbench.services.business_validation". The tests check
that whatever these accept, validate_business accepts with the same clean value.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from operator import mul
from typing import Any

from workbench.domain.uscc import CHARSET
from workbench.services.business_validation import validate_business

_USCC_CHARS = frozenset(CHARSET)
_USCC_VALUE = {char: value for value, char in enumerate(CHARSET)}.__getitem__
_USCC_WEIGHTS = tuple(pow(3, index, 31) for index in range(17))
_ID_WEIGHTS = tuple(pow(2, 17 - index, 11) for index in range(17))
_ID_ASCII_OFFSET = ord("0") * sum(_ID_WEIGHTS)
_DIGITS = frozenset("0123456789")
_MOBILE_SECOND = frozenset("3456789")


def uscc_check(code: str) -> str:
    """GB 32100 check character of the first 17 characters (all in CHARSET), summed in C by map()."""
    return CHARSET[-sum(map(mul, map(_USCC_VALUE, code[:17]), _USCC_WEIGHTS)) % 31]


def id_check(code: str) -> str:
    """GB 11643 check character of the first 17 digits, from their ASCII codes."""
    return "10X98765432"[(sum(map(mul, code[:17].encode("ascii"), _ID_WEIGHTS)) - _ID_ASCII_OFFSET) % 11]


def valid_uscc(code: str) -> str | None:
    """The code when it is 18 credit-code characters with the right check character."""
    if len(code) == 18 and _USCC_CHARS.issuperset(code) and uscc_check(code) == code[17]:
        return code
    return None


def valid_id_number(code: str, today: date) -> str | None:
    """The number when it is 17 digits and a check character that fits, born on a real day since 1900."""
    if len(code) != 18 or not _DIGITS.issuperset(code[:17]) or code[17] not in "0123456789X":
        return None
    try:
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return None
    if born.year < 1900 or born > today or id_check(code) != code[17]:
        return None
    return code


def valid_mobile(phone: str) -> str | None:
    """The number when it is a plain 11-digit mainland mobile number."""
    if len(phone) == 11 and phone[0] == "1" and phone[1] in _MOBILE_SECOND and _DIGITS.issuperset(phone):
        return phone
    return None


@lru_cache(maxsize=512)
def cached_validation(field: str, value: Any) -> tuple[Any, str | None]:
    """validate_business for one field of few distinct values (主体类型, 组成形式): (clean value, error)."""
    clean, errors = validate_business({field: value})
    return clean.get(field), errors.get(field)
