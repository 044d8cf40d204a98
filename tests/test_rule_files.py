"""Rule files: shipped default + the office's override, validated with Chinese errors naming file and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workbench.domain.rule_files import (
    RulesError,
    load_rule_file,
    load_with_fallback,
    number_at,
    override_path,
    shipped_path,
)
from workbench.domain.tiers import TierRules, tier_rules_from


def _write(folder: Path, text: str) -> Path:
    path = override_path("classification", folder)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_classification_rules_load_with_a_version_and_their_source() -> None:
    loaded = load_rule_file("classification", tier_rules_from)
    assert loaded.sources == (shipped_path("classification"),)
    assert loaded.version.startswith("2024.1+") and len(loaded.version.split("+")[1]) == 8
    assert loaded.rules == TierRules()  # the dataclass defaults are the shipped numbers


def test_without_an_override_file_the_shipped_rules_apply(tmp_path: Path) -> None:
    assert load_rule_file("classification", tier_rules_from, override_dir=tmp_path).sources == (
        shipped_path("classification"),
    )


def test_an_override_changes_only_the_keys_it_names_and_the_version(tmp_path: Path) -> None:
    path = _write(tmp_path, 'version = "2025.1-五马所"\n[tier.development]\nmin_tax_yuan = 30000\n')
    loaded = load_rule_file("classification", tier_rules_from, override_dir=tmp_path)
    assert loaded.rules.development_min_tax_yuan == 30000
    assert loaded.rules.development_min_years == 2
    assert loaded.sources[-1] == path
    assert loaded.version.startswith("2025.1-五马所+")


def test_the_version_hash_follows_the_content_not_the_comments(tmp_path: Path) -> None:
    shipped = load_rule_file("classification", tier_rules_from).version
    _write(tmp_path, "# 只有注释\n")
    assert load_rule_file("classification", tier_rules_from, override_dir=tmp_path).version == shipped
    _write(tmp_path, "[tier.growth]\nmin_tax_yuan = 2\n")
    assert load_rule_file("classification", tier_rules_from, override_dir=tmp_path).version != shipped


def test_a_misspelt_key_is_refused_naming_the_file_and_the_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "[tier.growth]\nmin_tax_yaun = 2\n")
    with pytest.raises(RulesError) as raised:
        load_rule_file("classification", tier_rules_from, override_dir=tmp_path)
    assert str(path) in raised.value.message_zh
    assert "「tier.growth.min_tax_yaun」" in raised.value.message_zh
    assert "min_tax_yuan" in raised.value.message_zh  # the keys it could have meant
    assert raised.value.key == "tier.growth.min_tax_yaun"


def test_a_misspelt_table_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "[tier.grwoth]\nmin_tax_yuan = 2\n")
    with pytest.raises(RulesError, match="没有「tier.grwoth」这一项"):
        load_rule_file("classification", tier_rules_from, override_dir=tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[tier.growth]\nmin_tax_yuan = "一元"\n', "「tier.growth.min_tax_yuan」应是整数，现在是「'一元'」"),
        ("[tier.not_trading]\nsuspended = 1\n", "「tier.not_trading.suspended」应是是/否（true 或 false）"),
        ("tier = 3\n", "「tier」应是一组设置"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    _write(tmp_path, text)
    with pytest.raises(RulesError) as raised:
        load_rule_file("classification", tier_rules_from, override_dir=tmp_path)
    assert expected in raised.value.message_zh


def test_a_negative_threshold_is_refused_by_the_validator_naming_the_override(tmp_path: Path) -> None:
    path = _write(tmp_path, "[tier.development]\nmin_years = -1\n")
    with pytest.raises(RulesError) as raised:
        load_rule_file("classification", tier_rules_from, override_dir=tmp_path)
    assert raised.value.message_zh == f"规则文件 {path}：「tier.development.min_years」不能小于 0，现在是 -1"


def test_broken_toml_names_the_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "[tier.growth]\nmin_tax_yuan 2\n")
    with pytest.raises(RulesError) as raised:
        load_rule_file("classification", tier_rules_from, override_dir=tmp_path)
    assert raised.value.message_zh.startswith(f"规则文件 {path} 第 2 行第 14 列格式有误")


def test_a_file_not_in_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    override_path("classification", tmp_path).write_bytes("# 规则\n".encode("gb18030"))
    with pytest.raises(RulesError, match="不是 UTF-8 编码"):
        load_rule_file("classification", tier_rules_from, override_dir=tmp_path)


def test_fallback_keeps_the_shipped_rules_and_reports_the_error(tmp_path: Path) -> None:
    _write(tmp_path, "[tier.growth]\nmin_tax_yaun = 2\n")
    loaded, error = load_with_fallback("classification", tier_rules_from, override_dir=tmp_path)
    assert error is not None and "min_tax_yaun" in error.message_zh
    assert loaded.sources == (shipped_path("classification"),)
    assert loaded.rules == TierRules()


def test_fallback_prefers_the_last_good_rules(tmp_path: Path) -> None:
    _write(tmp_path, "[tier.growth]\nmin_tax_yuan = 500\n")
    good, error = load_with_fallback("classification", tier_rules_from, override_dir=tmp_path)
    assert error is None and good.rules.growth_min_tax_yuan == 500
    _write(tmp_path, "[tier.growth\n")
    kept, error = load_with_fallback("classification", tier_rules_from, override_dir=tmp_path, last_good=good)
    assert kept is good and error is not None


def test_open_tables_accept_new_keys(tmp_path: Path) -> None:
    _write(tmp_path, "[tier.growth]\nextra = 1\n")

    def validate(raw: dict[str, Any]) -> float:
        return number_at(raw, "tier.growth.extra")

    loaded = load_rule_file("classification", validate, override_dir=tmp_path, open_tables=["tier.growth"])
    assert loaded.rules == 1


def test_a_missing_key_in_the_merged_rules_is_named() -> None:
    with pytest.raises(RulesError, match="缺少「tier.growth.nothing」这一项"):
        number_at({"tier": {"growth": {}}}, "tier.growth.nothing")
