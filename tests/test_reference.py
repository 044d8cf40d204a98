"""Reference tables shipped with the package: divisions, GB/T 4754 (2017 and 2011), Wenzhou lists."""

from __future__ import annotations

import subprocess
import sys

import pytest

from workbench.domain import reference


def test_current_division() -> None:
    lucheng = reference.divisions()["330302"]
    assert (lucheng.name, lucheng.level, lucheng.parent) == ("鹿城区", 3, "330300")
    assert reference.divisions()["330000"].parent is None
    assert reference.division_name("330383") == "龙港市"
    assert reference.division_name("330321") is None


@pytest.mark.parametrize(
    ("code", "full_name"),
    [
        ("330302", "浙江省温州市鹿城区"),
        ("110105", "北京市朝阳区"),
        ("442000", "广东省中山市"),
        ("330000", "浙江省"),
    ],
)
def test_division_full_name(code: str, full_name: str) -> None:
    assert reference.division_full_name(code) == full_name


def test_every_parent_is_listed() -> None:
    listed = reference.divisions()
    assert all(d.parent in listed for d in listed.values() if d.parent)


def test_history_keeps_every_period_oldest_first() -> None:
    periods = reference.division_history()["330302"]
    assert [(p.name, p.start_year, p.end_year) for p in periods] == [
        ("城区", 1983, 1984),
        ("鹿城区", 1984, None),
    ]
    assert reference.division_history()["330321"][0].successor_codes == ("330303", "330304")


def test_retired_division_picks_latest_ended_period() -> None:
    retired = reference.retired_division("132201")
    assert retired is not None and (retired.name, retired.end_year) == ("南宫市", 1993)
    assert reference.retired_division("330302") is None
    assert reference.retired_division("999999") is None


def test_cached_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        reference.divisions()["999999"] = reference.divisions()["330302"]  # type: ignore[index]


def test_industry_2017() -> None:
    codes = reference.industry_codes()
    assert codes["5211"].parent == "521" and codes["5211"].level == 4
    assert reference.industry_name("5211") == reference.industry_codes("2017")["5211"].name
    assert [i.code for i in reference.industry_ancestors("5211")] == ["F", "52", "521"]
    assert reference.industry_ancestors("F") == ()
    assert reference.industry_ancestors("9999") == ()
    assert reference.industry_name("9999") is None


def test_industry_2011_levels_and_parents() -> None:
    codes = reference.industry_codes("2011")
    assert (codes["01"].level, codes["01"].parent) == (2, "A")
    assert (codes["011"].level, codes["011"].parent) == (3, "01")
    assert (codes["0111"].level, codes["0111"].parent) == (4, "011")
    assert codes["A"].level == 1 and codes["A"].parent is None


def test_industry_2011_class_without_group_hangs_under_division() -> None:
    codes = reference.industry_codes("2011")
    assert (codes["0170"].level, codes["0170"].parent, codes["0170"].in_2017) == (4, "01", False)
    assert [i.code for i in reference.industry_ancestors("4500", "2011")] == ["D", "45"]
    assert reference.industry_name("0170", "2011") == "中药材种植"


@pytest.mark.parametrize("version", ["2017", "2011"])
def test_every_code_reaches_a_section(version: str) -> None:
    codes = reference.industry_codes(version)
    assert sum(code.isalpha() for code in codes) == 20
    for code, industry in codes.items():
        chain = reference.industry_ancestors(code, version)
        assert industry.level == 1 or (chain and chain[0].level == 1 and chain[-1].code == industry.parent)


def test_two_digit_codes_follow_their_section() -> None:
    # Section letters are not derivable from the digits: 06 is B (mining) in both versions.
    assert reference.industry_codes("2011")["06"].parent == "B"
    assert reference.industry_codes("2017")["06"].parent == "B"


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match="2017 or 2011"):
        reference.industry_codes("2002")


def test_wenzhou_townships() -> None:
    townships = reference.wenzhou_townships()
    assert len(townships) == 191
    assert townships[0].name == "五马街道" and townships[0].county_code == "330302"
    assert {t.county_code for t in townships} <= set(reference.divisions())


def test_wenzhou_supervision_units() -> None:
    units = reference.wenzhou_supervision_units()
    assert len(units) == 150
    assert units[0].registration_authority == "乐清市市场监督管理局"
    assert all(isinstance(u.rows_in_2017_sample, int) for u in units)


def test_nothing_loads_at_import_and_no_textual() -> None:
    script = (
        "import sys\n"
        "import workbench.domain.identifiers, workbench.services.codes\n"
        "from workbench.domain import reference\n"
        "assert reference.divisions.cache_info().currsize == 0\n"
        "assert 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
