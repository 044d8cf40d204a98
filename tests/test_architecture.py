"""The layer rules of docs/architecture.md: contracts hold, the core runs without Textual, imports create nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from storage.engine import make_engine
from storage.schema import upgrade

ROOT = Path(__file__).resolve().parent.parent
HEADLESS_PACKAGES = ["workbench.domain", "workbench.services", "storage", "imports"]
# Alembic runs these as scripts with its own context; importing them as modules means nothing.
NOT_IMPORTABLE = ("storage.migrations",)


def run_python(code: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, **kwargs
    )


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_headless_modules_do_not_load_textual() -> None:
    result = run_python(f"""
        import importlib, pkgutil, sys

        def fail(name):
            raise ImportError(f"cannot import {{name}}")

        imported = []
        for package_name in {HEADLESS_PACKAGES!r}:
            package = importlib.import_module(package_name)
            imported.append(package_name)
            for module in pkgutil.walk_packages(package.__path__, package_name + ".", onerror=fail):
                if not module.name.startswith({NOT_IMPORTABLE!r}):
                    importlib.import_module(module.name)
                    imported.append(module.name)
        textual = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
        print(len(imported), "modules;", "textual loaded:" if textual else "no textual", *textual[:5])
        sys.exit(1 if textual else 0)
    """)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_app_starts_without_the_screens_and_libraries_it_does_not_show_first(tmp_path: Path) -> None:
    """Start-up (launch to first page) imports only the first paint's screens; Excel readers and writers,
    the demo's faker and the other screens come with the key that opens them (screens/app.py). Alembic
    only when the database needs upgrading (storage/schema.py), tomllib only when a service.toml or
    holidays.toml is there to read, typer.rich_utils only for help and errors (workbench/cli_chinese.py)."""
    heavy = ["openpyxl", "xlsxwriter", "python_calamine", "faker", "numpy", "pandas", "screens.business_detail",
             "screens.import_wizard", "screens.business_form", "imports.export", "workbench.services.demo",
             "alembic", "tomllib", "typer.rich_utils", "workbench.services.visits"]
    database = tmp_path / "current.db"
    engine = make_engine(str(database))
    upgrade(engine)
    engine.dispose()
    result = run_python(f"""
        import sys
        import workbench.cli, screens.app
        from workbench.cli_ready import ready_engine
        engine, _ = ready_engine({str(database)!r})  # already current: recognised without Alembic
        loaded = [name for name in {heavy!r} if name in sys.modules]
        print("loaded at start-up:", loaded)
        sys.exit(1 if loaded else 0)
    """)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module", ["storage.engine", "workbench.cli"])
def test_importing_creates_no_files(module: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    environment = {"HOME": str(empty), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ["XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"]:
        environment[name] = str(empty / name.lower())
    result = run_python(f"import {module}", cwd=empty, env=environment)
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(empty).as_posix() for p in empty.rglob("*")) == []


def test_tests_never_see_the_testers_own_files(tmp_path: Path) -> None:
    import platformdirs

    assert Path(platformdirs.user_data_dir("workbench")).is_relative_to(tmp_path)
    assert Path(platformdirs.user_config_dir("workbench")).is_relative_to(tmp_path)
    assert Path.home().is_relative_to(tmp_path)
    assert "WORKBENCH_DB" not in os.environ


def test_the_screens_contract_refuses_a_screen_that_opens_a_session(tmp_path: Path) -> None:
    """The contract of pyproject.toml, run on a copy of the tree with one screen that opens its own Session
    and reads the config folder: it must break, naming both imports (the tree as it is passes it:
    test_import_contracts_hold)."""
    import shutil
    import tomllib

    for package in ("workbench", "screens", "storage", "imports"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "screens" / "sneaky.py").write_text(
        "from sqlmodel import Session\nfrom workbench.locations import config_dir\n", encoding="utf-8"
    )
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    [contract] = [c for c in settings["contracts"] if c["type"] == "forbidden" and c["source_modules"] == ["screens"]]
    assert {"sqlmodel", "sqlalchemy", "workbench.locations"} <= set(contract["forbidden_modules"])
    lines = ["[importlinter]", "root_packages =\n    " + "\n    ".join(settings["root_packages"]),
             "include_external_packages = True", "", "[importlinter:contract:screens]"]
    for key, value in contract.items():
        lines.append(f"{key} = " + ("\n    " + "\n    ".join(value) if isinstance(value, list) else str(value)))
    (tmp_path / "screens.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", "screens.ini"], cwd=tmp_path, capture_output=True,
        text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "screens.sneaky -> sqlmodel" in result.stdout
    assert "screens.sneaky -> workbench.locations" in result.stdout
