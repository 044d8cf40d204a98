"""Is a 管辖单位 named in a county-wide list this office, another office, or not an office at all?

County systems write the office a business belongs to in many ways: 五马市场监管所, 鹿城区五马市场监督管理所,
五马所, 五马工商所 (the name before the 2018 merger). Two names are the same office when what is left once the
suffix is gone ends the same (五马 / 鹿城区五马). A value with no office suffix (城东片区) is not an office's name:
the import takes it as a grid's, as lists that call their grids 管辖单位 mean.
"""

from __future__ import annotations

import unicodedata

_SUFFIXES = ("市场监督管理所", "市场监督管理分局", "市场监管分局", "市场监管所", "工商行政管理所", "工商所", "监管所",
             "分局", "所")  # fmt: skip


def office_stem(name: str) -> str:
    """The office's own part of a name: 五马 of 鹿城区五马市场监管所 is 鹿城区五马."""
    text = "".join(unicodedata.normalize("NFKC", name).split())
    for suffix in _SUFFIXES:  # longest first
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def is_office_name(name: str) -> bool:
    text = "".join(unicodedata.normalize("NFKC", name).split())
    return len(text) > 1 and text.endswith(("所", "分局"))


def same_office(listed: str, office_name: str) -> bool:
    """Whether a list's 管辖单位 names this office (五马所 and 鹿城区五马市场监管所 are 五马市场监管所)."""
    one, other = office_stem(listed), office_stem(office_name)
    if not one or not other:
        return False
    return one == other or (min(len(one), len(other)) >= 2 and (one.endswith(other) or other.endswith(one)))
