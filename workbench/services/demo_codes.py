"""Demo identifiers: unique credit codes and 注册号, resident ID numbers and phones, all with correct checks.

Uniqueness comes from construction, not from a set of codes already used: a code body is the business
id pushed through an affine permutation (k * a + b mod m, gcd(a, m) = 1), so numbers look random but never
repeat, and any chunk of businesses can be made on its own. The check characters follow GB 32100 (mod 31),
GB 11714, ISO 7064 MOD 11,10 and GB 11643, computed here from lookup tables for speed;
tests/test_demo.py holds every generated code against workbench.domain.identifiers.
"""

from __future__ import annotations

import random
from bisect import bisect
from datetime import date

from workbench.domain.labels import BusinessKind
from workbench.domain.uscc import CHARSET

KIND_DIGIT: dict[str, str] = {BusinessKind.ENTERPRISE: "1", BusinessKind.HOUSEHOLD: "2", BusinessKind.COOPERATIVE: "3"}
# 三证合一: enterprises got credit codes from 2015-10-01, households (换照) from 2016-12-01.
NEW_CODES_FROM: dict[str, date] = {
    BusinessKind.ENTERPRISE: date(2015, 10, 1),
    BusinessKind.COOPERATIVE: date(2015, 10, 1),
    BusinessKind.HOUSEHOLD: date(2016, 12, 1),
}
# Mobile prefixes of Faker's zh_CN provider (13x/14x/15x/18x) plus newer 17x/19x ones.
MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "187",
    "188",
    "130",
    "131",
    "132",
    "145",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "181",
    "189",
    "177",
    "199",
    "198",
)
# Where operators' ID numbers were issued: mostly Wenzhou, Lucheng first. People born before a county was
# renamed carry its old code (瓯海县 330321, 洞头县 330322, 乐清县 330323, 瑞安县 330325):
# (current code, old code, last birth year with the old code, weight).
ID_REGIONS = (
    ("330302", None, 0, 42),
    ("330303", None, 0, 6),
    ("330304", "330321", 1975, 9),
    ("330305", "330322", 1998, 1),
    ("330324", None, 0, 9),
    ("330326", None, 0, 6),
    ("330327", None, 0, 5),
    ("330328", None, 0, 4),
    ("330329", None, 0, 3),
    ("330381", "330325", 1970, 8),
    ("330382", "330323", 1976, 7),
)
_VALUE = {char: index for index, char in enumerate(CHARSET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_VALUE = {char: int(char, 36) for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_ORG_PART_WEIGHTS = _USCC_WEIGHTS[8:]
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


def org_check(body: str) -> str:
    """GB 11714 over 8 characters: letters count 10 to 35, digits as themselves."""
    v = _ORG_VALUE
    total = (
        v[body[0]] * 3
        + v[body[1]] * 7
        + v[body[2]] * 9
        + v[body[3]] * 10
        + v[body[4]] * 5
        + v[body[5]] * 8
        + v[body[6]] * 4
        + v[body[7]] * 2
    )
    remainder = 11 - total % 11
    return "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)


def regno_check(body: str) -> str:
    product = 10
    for digit in body:
        product = ((product + ord(digit) - 48) % 10 or 10) * 2 % 11
    return str((11 - product) % 10)


def _digit_sum(digits: str, weights: tuple[int, ...]) -> int:
    return sum((ord(char) - 48) * weight for char, weight in zip(digits, weights, strict=False))


def _base31(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 31)
        chars.append(CHARSET[digit])
    return "".join(reversed(chars))


class _Permutation:
    """k -> (k * a + b) mod m: a scramble of a counter that never repeats within m."""

    def __init__(self, modulus: int, rng: random.Random, factors: tuple[int, ...]) -> None:
        self.modulus = modulus
        self.multiplier = rng.randrange(modulus // 3, modulus)
        while any(self.multiplier % factor == 0 for factor in factors):
            self.multiplier += 1
        self.offset = rng.randrange(modulus)

    def __call__(self, k: int) -> int:
        if not 0 <= k < self.modulus:
            raise OverflowError("demo code space exhausted")
        return (k * self.multiplier + self.offset) % self.modulus


class CodeMaker:
    """Credit codes and 注册号 keyed by business id (each id uses each space at most once)."""

    def __init__(self, rng: random.Random) -> None:
        self._new_org = _Permutation(31**5, rng, (31,))  # MA2 + 5 characters + check: 28.6 million
        self._old_org = _Permutation(10**8, rng, (2, 5))  # 8 digits + check: the old 组织机构代码
        self._reg_no = _Permutation(10**7, rng, (2, 5))  # 7 digits after the kind digit of a 注册号
        self._prefix_sums: dict[str, int] = {}

    def org_code(self, k: int, new_style: bool, broken: bool = False) -> str:
        """A 9-character 主体标识码; `broken` gives a wrong GB 11714 digit (a warning, not an error)."""
        body = "MA2" + _base31(self._new_org(k), 5) if new_style else f"{self._old_org(k):08d}"
        check = org_check(body)
        if broken:
            check = "1" if check == "0" else "0"
        return body + check

    def uscc(self, k: int, kind: str, region: str, new_style: bool, broken_org: bool = False) -> str:
        prefix = "9" + KIND_DIGIT[kind] + region
        head = self._prefix_sums.get(prefix)
        if head is None:
            head = self._prefix_sums[prefix] = sum(
                _VALUE[c] * w for c, w in zip(prefix, _USCC_WEIGHTS, strict=False)
            )
        org = self.org_code(k, new_style, broken_org)
        v, w = _VALUE, _ORG_PART_WEIGHTS
        total = head + (
            v[org[0]] * w[0]
            + v[org[1]] * w[1]
            + v[org[2]] * w[2]
            + v[org[3]] * w[3]
            + v[org[4]] * w[4]
            + v[org[5]] * w[5]
            + v[org[6]] * w[6]
            + v[org[7]] * w[7]
            + v[org[8]] * w[8]
        )
        return prefix + org + CHARSET[-total % 31]

    def reg_no(self, k: int, kind: str, region: str) -> str:
        """A 15-digit 注册号: region, kind digit (6 个体工商户, 0 内资), 7 digits, ISO 7064 MOD 11,10."""
        body = region + ("6" if kind == BusinessKind.HOUSEHOLD else "0") + f"{self._reg_no(k):07d}"
        return body + regno_check(body)


class PersonCodes:
    """ID numbers (GB 11643) and phone numbers; `rng` is set per chunk."""

    def __init__(self) -> None:
        self.rng = random.Random(0)
        weights = [row[3] for row in ID_REGIONS]
        self._region_cum = [sum(weights[: index + 1]) / sum(weights) for index in range(len(weights) - 1)]
        self._regions = [
            (code, old, last, _digit_sum(code, _ID_WEIGHTS), _digit_sum(old or code, _ID_WEIGHTS))
            for code, old, last, _weight in ID_REGIONS
        ]
        self._births: dict[int, tuple[str, int, int]] = {}

    def id_number(self, born: int, male: bool) -> str:
        """An 18-character ID for someone born on day `born` (an ordinal)."""
        rng = self.rng
        region, old_code, last_old_year, region_sum, old_sum = self._regions[
            bisect(self._region_cum, rng.random())
        ]
        birth = self._births.get(born)
        if birth is None:
            digits = f"{date.fromordinal(born):%Y%m%d}"
            birth = self._births[born] = (digits, int(digits[:4]), _digit_sum(digits, _ID_WEIGHTS[6:14]))
        if old_code and birth[1] <= last_old_year:
            region, region_sum = old_code, old_sum
        sequence = int(rng.random() * 500) * 2 + (1 if male else 0)
        w = _ID_WEIGHTS
        total = (
            region_sum
            + birth[2]
            + sequence // 100 * w[14]
            + sequence // 10 % 10 * w[15]
            + sequence % 10 * w[16]
        )
        return f"{region}{birth[0]}{sequence:03d}{'10X98765432'[total % 11]}"

    def mobile(self) -> str:
        rng = self.rng
        return MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))] + f"{rng.randrange(10**8):08d}"

    def landline(self) -> str:
        """A Wenzhou fixed line: 0577- and 8 digits starting 5, 6 or 8."""
        rng = self.rng
        return f"0577-{'5688888'[int(rng.random() * 7)]}{rng.randrange(10**7):07d}"
