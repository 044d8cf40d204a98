"""The settings object: each file read once, a broken one named in Chinese with the fallback of today, reload."""

from __future__ import annotations

from pathlib import Path

from workbench.domain.service_lists import DEFAULT_LISTS
from workbench.services.settings import OfficeSettings, load_keymap


def settings_in(folder: Path) -> tuple[OfficeSettings, list[str]]:
    told: list[str] = []
    return OfficeSettings(folder, report=lambda message, _seconds: told.append(message)), told


def test_without_files_the_shipped_settings_apply_and_nothing_is_said(tmp_path: Path) -> None:
    settings, told = settings_in(tmp_path)
    settings.load_at_start()
    assert settings.service.lists == DEFAULT_LISTS
    assert settings.keymap.keys == {}
    assert settings.classification.version.startswith("2024.1+")
    assert settings.candidates.sources and told == []
    assert settings.import_profiles == tmp_path / "import_profiles"


def test_a_broken_service_file_is_named_once_and_the_shipped_lists_apply(tmp_path: Path) -> None:
    (tmp_path / "service.toml").write_text("support_types = [\n", encoding="utf-8")
    settings, told = settings_in(tmp_path)
    assert settings.service.lists == DEFAULT_LISTS
    assert settings.service.lists == DEFAULT_LISTS  # read once: said once
    assert len(told) == 1 and "service.toml" in told[0] and told[0].endswith("（已按默认设置办理）")


def test_the_service_lists_are_read_once_until_reload(tmp_path: Path) -> None:
    settings, told = settings_in(tmp_path)
    assert settings.service.lists.support_types == DEFAULT_LISTS.support_types
    (tmp_path / "service.toml").write_text('support_types = ["政策宣讲", "融资对接"]\n', encoding="utf-8")
    assert settings.service.lists.support_types == DEFAULT_LISTS.support_types
    settings.reload()
    assert settings.service.lists.support_types == ("政策宣讲", "融资对接")
    assert told == []


def test_a_broken_rule_override_is_named_and_the_last_good_rules_stay_in_force(tmp_path: Path) -> None:
    rules = tmp_path / "classification.toml"
    rules.write_text('version = "2025-本所"\n[tier.growth]\nmin_tax_yuan = 5000\n', encoding="utf-8")
    settings, told = settings_in(tmp_path)
    assert settings.classification.version.startswith("2025-本所+")
    rules.write_text("[tier.growth\n", encoding="utf-8")
    settings.reload()
    assert settings.classification.version.startswith("2025-本所+")
    assert len(told) == 1 and str(rules) in told[0] and "格式有误" in told[0]
    assert told[0].endswith("（仍按上次有效的规则分型）")


def test_a_broken_override_at_first_read_leaves_the_shipped_rules(tmp_path: Path) -> None:
    (tmp_path / "candidates.toml").write_text("[conversion]\nmin_revenu = 1\n", encoding="utf-8")
    settings, told = settings_in(tmp_path)
    shipped = OfficeSettings(tmp_path / "elsewhere").candidates.version
    assert settings.candidates.version == shipped
    assert len(told) == 1 and "min_revenu" in told[0] and told[0].endswith("（仍按上次有效的规则计算）")


def test_reload_of_one_rule_file_leaves_the_other_alone(tmp_path: Path) -> None:
    settings, told = settings_in(tmp_path)
    candidates = settings.candidates
    (tmp_path / "classification.toml").write_text('version = "2026-本所"\n', encoding="utf-8")
    assert settings.reload_classification().version.startswith("2026-本所+")
    assert settings.candidates is candidates and told == []


def test_the_keymap_takes_quoted_and_dotted_ids_and_names_what_it_refuses(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text(
        '[keymap]\n"app.help" = "F12"\nlist.export = "Ctrl+X, f10"\n"app.todo" = 5\n"app.staff" = "ctrl k"\n',
        encoding="utf-8",
    )
    keymap = load_keymap(tmp_path)
    assert keymap.keys == {"app.help": "f12", "list.export": "ctrl+x,f10"}
    assert len(keymap.problems) == 2
    assert all(str(path) in problem and "已忽略这一项" in problem for problem in keymap.problems)
    assert "「app.todo」的值「5」不是按键" in keymap.problems[0]
    assert "「app.staff」的值「ctrl k」" in keymap.problems[1]


def test_a_keymap_file_that_cannot_be_read_is_named_and_the_default_keys_stay(tmp_path: Path) -> None:
    (tmp_path / "keymap.toml").write_text('[keymap]\n"app.help" = \n', encoding="utf-8")
    settings, told = settings_in(tmp_path)
    assert settings.keymap.keys == {}
    assert len(told) == 1 and "keymap.toml" in told[0] and "格式有误" in told[0] and "默认快捷键" in told[0]


def test_a_keymap_file_without_its_section_says_so(tmp_path: Path) -> None:
    (tmp_path / "keymap.toml").write_text('"app.help" = "f12"\n', encoding="utf-8")
    keymap = load_keymap(tmp_path)
    assert keymap.keys == {} and "没有 [keymap] 一节" in keymap.problems[0]
