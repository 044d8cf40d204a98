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


def test_a_name_stands_for_one_industry_or_lists_the_candidates() -> None:
    from workbench.services.industry_lookup import industry_named

    def code(typed: str) -> str | None:
        chosen, _candidates = industry_named(typed)
        return chosen.code if chosen else None

    assert code("餐饮业") == "62" and code("餐饮") == "62"  # the classes under 62 start with 餐饮 too
    assert code("批发") == "51" and code("零售") == "52"  # 批发业, not F 批发和零售业
    assert code("住宿和餐饮业") == "H" and code("小吃") == "6291" and code("理发") == "804"
    chosen, candidates = industry_named("美容")
    assert chosen is None and [match.code for match in candidates] == ["804", "3856", "8223"]
    assert industry_named("超市") == (None, []) and industry_named(" ") == (None, [])
