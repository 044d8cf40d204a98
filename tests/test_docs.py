"""Every command a person can type is in the README (the sqlite-utils habit)."""

from __future__ import annotations

from pathlib import Path

import typer.main

from workbench.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _command_paths(group: typer.Typer, prefix: str = "workbench") -> list[str]:
    click_group = typer.main.get_command(group)
    paths: list[str] = []
    for name, command in getattr(click_group, "commands", {}).items():
        paths.append(f"{prefix} {name}")
        paths += [f"{prefix} {name} {sub}" for sub in getattr(command, "commands", {})]
    return paths


def test_every_cli_command_is_documented_in_the_readme() -> None:
    missing = [path for path in _command_paths(app) if path.split()[-1] not in README]
    assert missing == []


def test_the_quick_start_is_exactly_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = quick_start.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert [line.split()[0] for line in commands] == ["scripts/demo", "scripts/test"]
