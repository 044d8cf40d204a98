"""行业代码 by what an officer remembers: part of the name, the pinyin initials, the first digits of the code.
Expected entries are read from the shipped GB/T 4754-2017 table here, not from the lookup."""

from __future__ import annotations

import csv
from importlib import resources

from workbench.services.industry_lookup import industry_matches


def table() -> list[dict[str, str]]:
    text = (resources.files("workbench") / "data" / "gbt4754_2017.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def test_part_of_a_name_offers_the_class_with_that_name_first() -> None:
    found = industry_matches("小吃")
    assert found[0].text == "6291 小吃服务"
    assert all("小吃" in match.name for match in found)


def test_the_pinyin_initials_of_a_name_find_it() -> None:
    assert "6291 小吃服务" in [match.text for match in industry_matches("xcfw")]
    assert "5213 便利店零售" in [match.text for match in industry_matches("bld")]


def test_the_first_digits_of_a_code_list_the_classes_under_them_in_order() -> None:
    under_629 = [f"{entry['code']} {entry['name']}" for entry in table()
                 if entry["code"].startswith("629") and entry["level"] == "4"]
    assert under_629 == ["6291 小吃服务", "6299 其他未列明餐饮业"]
    found = [match.text for match in industry_matches("629")]
    assert found[0] == "629 其他餐饮业"  # the code typed in full comes first
    assert found[1:3] == under_629


def test_a_code_with_the_section_letter_in_front_is_found() -> None:
    assert industry_matches("H6291")[0].text == "6291 小吃服务"


def test_nothing_typed_or_nothing_matching_offers_nothing() -> None:
    assert industry_matches("  ") == []
    assert industry_matches("不存在的行业名称") == []


def test_a_long_match_list_is_cut_to_eight() -> None:
    retail = [entry for entry in table() if "零售" in entry["name"]]
    assert len(retail) > 8
    assert len(industry_matches("零售")) == 8
