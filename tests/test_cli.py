"""The console script as a person or a script meets it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual.app import App
from typer.testing import CliRunner

from workbench import cli

runner = CliRunner()


def test_code_command_explains_valid_and_invalid_codes() -> None:
    result = runner.invoke(cli.app, ["code", "91330100799655058B", "91330100799655058C"])
    assert result.exit_code == 1
    assert "有效" in result.output
    assert "无效" in result.output


def test_code_command_json_for_scripts() -> None:
    result = runner.invoke(cli.app, ["code", "--json", "91330100799655058B", "330302000003031"])
    assert result.exit_code == 0, result.output
    described = json.loads(result.output)
    assert [item["valid"] for item in described] == [True, True]


def test_code_command_names_excel_damage() -> None:
    result = runner.invoke(cli.app, ["code", "9.16201055811843E+17"])
    assert result.exit_code == 1
    assert "Excel" in result.output and "文本" in result.output


def test_locate_prints_paths_under_the_user_data_dir(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["locate"])
    assert result.exit_code == 0
    assert "数据库" in result.output and "备份" in result.output
    only_path = runner.invoke(cli.app, ["--db", str(tmp_path / "x.db"), "locate", "--db-path"])
    assert only_path.output.strip() == str(tmp_path / "x.db")


def test_demo_builds_then_reuses_with_if_missing(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    first = runner.invoke(cli.app, ["--db", str(target), "demo", "--size", "60", "--seed", "3"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(cli.app, ["--db", str(target), "demo", "--size", "60", "--if-missing"])
    assert again.exit_code == 0 and "直接使用" in again.output
    refused = runner.invoke(cli.app, ["--db", str(target), "demo", "--size", "60"])
    assert refused.exit_code == 1


class _CrashingApp(App[None]):
    def on_mount(self) -> None:
        raise RuntimeError("boom")

    def run(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        return super().run(headless=True)


def test_a_crash_in_the_app_gives_a_non_zero_exit_code(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import screens.app
    from workbench.cli_ready import ready_engine

    ready_engine(str(tmp_path / "crash.db"), create=True)[0].dispose()
    monkeypatch.setattr(screens.app, "make_app", lambda *args, **kwargs: _CrashingApp())
    assert cli.open_tui(str(tmp_path / "crash.db")) != 0


def test_console_script_help_is_chinese() -> None:
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "工作台" in result.stdout


def test_help_speaks_chinese_down_to_typers_own_words() -> None:
    for args in (["--help"], ["staff", "add", "--help"], ["import", "--help"]):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0
        assert "Show this message" not in result.output and "Options" not in result.output
        assert "选项" in result.output and "显示本帮助并退出" in result.output


def test_flags_in_help_take_no_value_and_values_are_named_in_chinese() -> None:
    result = runner.invoke(cli.app, ["import", "--help"], env={"COLUMNS": "100"})
    lines = {line.split()[1]: line for line in result.output.splitlines() if line.startswith("│ --")}
    for flag in ("--dry-run", "--json", "--confirm-name-matches", "--help"):
        assert lines[flag].split()[2] != "<" and "<" not in lines[flag], lines[flag]  # nothing to type after it
    assert "<文字>" in lines["--sheet"] and "<路径>" in lines["--errors"]
    assert "<bool>" not in result.output and "<str>" not in result.output


@pytest.mark.parametrize(
    ("arguments", "shown"),
    [
        (["--nosuch"], "没有这个选项：--nosuch"),
        (["imprt"], "没有这个命令「imprt」。您要找的是不是 'import'？"),
        (["code"], "缺少参数「codes」。"),
        (["demo", "--size", "abc"], "「--size」的值不对：应为整数"),
        (["demo", "--size"], "选项「--size」后面要跟一个值。"),
        (["import", "/no/such/名录.xlsx"], "「/no/such/名录.xlsx」不存在。"),
    ],
)
def test_mistakes_on_the_command_line_are_explained_in_chinese(arguments: list[str], shown: str) -> None:
    result = runner.invoke(cli.app, arguments, prog_name="workbench")
    assert result.exit_code == 2
    output = " ".join(result.output.replace("│", " ").split())  # the error panel wraps long lines
    assert shown in output, output
    if arguments != ["demo", "--size"]:  # click gives that error no context, so no usage line
        assert "用法：workbench" in output
    assert not any(word in output for word in ("Usage", "No such", "Missing", "Invalid value", "Input should"))


def test_a_message_no_pattern_knows_is_left_as_it_was() -> None:
    from workbench.cli_errors_chinese import chinese_message

    assert chinese_message("数据库中还没有市场监管所") == "数据库中还没有市场监管所"
    assert chinese_message("Something new in a later Typer") == "Something new in a later Typer"
    assert chinese_message("Input should be greater than or equal to 1") == "应大于或等于 1"
