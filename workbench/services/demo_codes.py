"""Demo identifiers: unique credit codes and 注册号, resident ID numbers and phones, all with correct checks.

Uniqueness comes from construction, not from a set of codes already used: each code body is a counter
pushed through an affine permutation (k * a + b mod m with gcd(a, m) = 1), so the numbers look random but
never repeat. The check characters come from workbench.domain.identifiers, the same functions that judge them.
"""

from __future__ import annotations

import random
from datetime import date

from workbench.domain.identifiers import id_check_char, org_check_char, regno15_check_digit, uscc_check_char
from workbench.domain.uscc import CHARSET

KIND_DIGIT = {"enterprise": "1", "individual": "2", "cooperative": "3"}
# 三证合一: enterprises got credit codes from 2015-10-01, households (换照) from 2016-12-01.
NEW_CODES_FROM = {"enterprise": date(2015, 10, 1), "cooperative": date(2015, 10, 1),
                  "individual": date(2016, 12, 1)}
# Mobile prefixes that Faker's zh_CN provider uses (all start 13/14/15/18), plus newer 17x/19x ones.
MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159",
                   "182", "187", "188", "130", "131", "132", "145", "155", "156", "185", "186", "133", "153",
                   "180", "181", "189", "177", "199", "198")
# Where the operators' ID numbers were issued: most are Wenzhou people, Lucheng first. Older people from
# counties that were later renamed carry the old code (瓯海县 330321, 乐清县 330323, 瑞安县 330325,
# 洞头县 330322); the pair is (current code, old code, last birth year that still got the old code).
ID_REGIONS = (
    ("330302", None, 0, 42), ("330303", None, 0, 6), ("330304", "330321", 1975, 9),
    ("330305", "330322", 1998, 1), ("330324", None, 0, 9), ("330326", None, 0, 6),
    ("330327", None, 0, 5), ("330328", None, 0, 4), ("330329", None, 0, 3),
    ("330381", "330325", 1970, 8), ("330382", "330323", 1976, 7),
)


def _base31(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 31)
        chars.append(CHARSET[digit])
    return "".join(reversed(chars))


class _Permutation:
    """k -> (k * a + b) mod m: a fixed-looking scramble of a counter that never repeats within m."""

    def __init__(self, modulus: int, rng: random.Random, factors: tuple[int, ...]) -> None:
        self.modulus = modulus
        self.multiplier = rng.randrange(modulus // 3, modulus)
        while any(self.multiplier % factor == 0 for factor in factors):
            self.multiplier += 1
        self.offset = rng.randrange(modulus)
        self.count = 0

    def next(self) -> int:
        self.count += 1
        if self.count > self.modulus:
            raise OverflowError("demo code space exhausted")
        return (self.count * self.multiplier + self.offset) % self.modulus


class CodeMaker:
    """Hands out the codes of one demo database; deterministic for a seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._new_org = _Permutation(31**5, rng, (31,))  # MA2 + 5 characters + check: 28.6 million
        self._old_org = _Permutation(10**8, rng, (2, 5))  # 8 digits + check: the old 组织机构代码 space
        self._reg_no = _Permutation(10**7, rng, (2, 5))  # 7 digits after the kind digit of a 注册号

    def org_code(self, new_style: bool, broken: bool = False) -> str:
        """A 9-character 主体标识码; `broken` gives a wrong GB 11714 digit (a warning, not an error)."""
        body = "MA2" + _base31(self._new_org.next(), 5) if new_style else f"{self._old_org.next():08d}"
        check = org_check_char(body)
        if broken:
            check = "0" if check != "0" else "1"
        return body + check

    def uscc(self, kind: str, region: str, new_style: bool, broken_org: bool = False) -> str:
        body = "9" + KIND_DIGIT[kind] + region + self.org_code(new_style, broken_org)
        return body + uscc_check_char(body)

    def reg_no(self, kind: str, region: str) -> str:
        """A 15-digit 注册号: region, kind digit (6 个体工商户, 0 内资), 7 digits, ISO 7064 MOD 11,10."""
        body = region + ("6" if kind == "individual" else "0") + f"{self._reg_no.next():07d}"
        return body + regno15_check_digit(body)


class PersonCodes:
    """ID numbers (GB 11643) and phone numbers for demo people."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        weights = [row[3] for row in ID_REGIONS]
        total = sum(weights)
        self._region_cum = [sum(weights[: index + 1]) / total for index in range(len(weights))]

    def id_number(self, born: date, male: bool) -> str:
        rng = self.rng
        pick = rng.random()
        index = next(i for i, edge in enumerate(self._region_cum) if pick <= edge)
        region, old_code, last_old_year, _weight = ID_REGIONS[index]
        if old_code and born.year <= last_old_year:
            region = old_code
        sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
        body = f"{region}{born:%Y%m%d}{sequence:03d}"
        return body + id_check_char(body)

    def mobile(self) -> str:
        rng = self.rng
        return MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))] + f"{rng.randrange(10**8):08d}"

    def landline(self) -> str:
        """A Wenzhou fixed line: 0577- and 8 digits starting 5, 6 or 8."""
        rng = self.rng
        return f"0577-{'5688888'[int(rng.random() * 7)]}{rng.randrange(10**7):07d}"
