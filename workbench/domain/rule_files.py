"""Rule files the office can edit: a shipped default TOML plus an optional override in the config folder.

The override only needs the keys the office changes; it is merged over the default. A key the default
does not have is refused (a typo must not be silently ignored), and so is a value of the wrong type.
Every error is a RulesError whose message, in Chinese, names the file and the key; the caller keeps
running on the last good rules (``load_with_fallback``).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class RulesError(Exception):
    """A rule file that cannot be used; message_zh names the file, the key and the value."""

    def __init__(self, message_zh: str, *, key: str | None = None) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.key = key


@dataclass(frozen=True)
class LoadedRules(Generic[T]):
    """Validated rules with the version results record: declared ``version`` plus a content hash."""

    version: str
    sources: tuple[Path, ...]
    rules: T
    raw: Mapping[str, Any]


def shipped_path(name: str) -> Path:
    """Where the shipped default of a rule file lives (package data under workbench/rules)."""
    return Path(str(resources.files("workbench") / "rules" / _file_name(name)))


def override_path(name: str, override_dir: Path) -> Path:
    """Where the office's override of a rule file goes."""
    return override_dir / _file_name(name)


def load_rule_file(
    name: str,
    validate: Callable[[dict[str, Any]], T],
    *,
    override_dir: Path | None = None,
    open_tables: Collection[str] = (),
) -> LoadedRules[T]:
    """Read the default, merge the override (if the file exists), validate; raise RulesError on any fault.

    ``open_tables`` lists dotted table names whose keys the override may add (e.g. per-industry maps).
    """
    default_file = shipped_path(name)
    merged = _read_toml(default_file)
    sources = [default_file]
    override_keys: set[str] = set()
    if override_dir is not None:
        override_file = override_path(name, override_dir)
        if override_file.is_file():
            override = _read_toml(override_file)
            _merge(merged, override, (), override_file, set(open_tables), override_keys)
            sources.append(override_file)
    try:
        rules = validate(merged)
    except RulesError as error:
        blamed = sources[-1] if error.key in override_keys else sources[0]
        raise RulesError(f"规则文件 {blamed}：{error.message_zh}", key=error.key) from error
    return LoadedRules(_version(merged), tuple(sources), rules, merged)


def load_with_fallback(
    name: str,
    validate: Callable[[dict[str, Any]], T],
    *,
    override_dir: Path | None = None,
    last_good: LoadedRules[T] | None = None,
    open_tables: Collection[str] = (),
) -> tuple[LoadedRules[T], RulesError | None]:
    """The rules to use and the error to show: on a bad override, the last good rules (else the shipped ones)."""
    try:
        return load_rule_file(name, validate, override_dir=override_dir, open_tables=open_tables), None
    except RulesError as error:
        if last_good is not None:
            return last_good, error
        return load_rule_file(name, validate, override_dir=None, open_tables=open_tables), error


def _file_name(name: str) -> str:
    return name if name.endswith(".toml") else f"{name}.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise RulesError(f"规则文件 {path} 无法读取（{error.strerror or error}）") from error
    except UnicodeDecodeError as error:
        raise RulesError(f"规则文件 {path} 不是 UTF-8 编码，请用记事本「另存为 UTF-8」") from error
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"规则文件 {path} {_toml_position(str(error))}格式有误：{error}") from error


def _toml_position(message: str) -> str:
    found = _TOML_POSITION.search(message)
    return f"第 {found.group(1)} 行第 {found.group(2)} 列" if found else ""


def _merge(
    base: dict[str, Any],
    override: Mapping[str, Any],
    path: tuple[str, ...],
    file: Path,
    open_tables: set[str],
    touched: set[str],
) -> None:
    table_name = ".".join(path)
    for key, value in override.items():
        dotted = ".".join((*path, key))
        touched.add(dotted)
        if key not in base:
            if table_name in open_tables:
                base[key] = value
                continue
            known = "、".join(sorted(base)) or "（无）"
            raise RulesError(f"规则文件 {file}：没有「{dotted}」这一项（这里可用的有：{known}）", key=dotted)
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise RulesError(
                    f"规则文件 {file}：「{dotted}」应是一组设置（[{dotted}]），不是单个值", key=dotted
                )
            _merge(base[key], value, (*path, key), file, open_tables, touched)
            continue
        _check_same_type(base[key], value, dotted, file)
        base[key] = value


def _check_same_type(default: Any, value: Any, dotted: str, file: Path) -> None:
    expected = _kind(default)
    if _kind(value) != expected and not (expected == "数字" and _kind(value) == "整数"):
        raise RulesError(f"规则文件 {file}：「{dotted}」应是{expected}，现在是「{value!r}」", key=dotted)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "是/否（true 或 false）"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "数字"
    if isinstance(value, str):
        return "文字（加引号）"
    if isinstance(value, list):
        return "列表（[...]）"
    return type(value).__name__


def _version(merged: Mapping[str, Any]) -> str:
    canonical = json.dumps(merged, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]
    return f"{merged.get('version', '0')}+{digest}"


def number_at(rules: Mapping[str, Any], dotted: str, *, minimum: float | None = 0) -> float:
    """A number in a validated table, refused in Chinese when missing, not a number or below ``minimum``."""
    value = value_at(rules, dotted)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulesError(f"「{dotted}」应是数字，现在是「{value!r}」", key=dotted)
    if minimum is not None and value < minimum:
        raise RulesError(f"「{dotted}」不能小于 {minimum:g}，现在是 {value:g}", key=dotted)
    return float(value)


def value_at(rules: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted key; RulesError naming the key when it is missing."""
    current: Any = rules
    for part in dotted.split("."):
        if not isinstance(current, Mapping) or part not in current:
            raise RulesError(f"缺少「{dotted}」这一项", key=dotted)
        current = current[part]
    return current
