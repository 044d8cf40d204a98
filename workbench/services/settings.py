"""The office's settings, one object: rule files, service lists and holidays, and the user's keymap.

Built once by the composition root (screens.app.make_app, from the CLI) over the config folder and passed
in; nothing else looks for these files. Each file is read the first time it is needed and then kept:
service.toml, holidays.toml and keymap.toml at start (they exist only when the office wrote them), the two
rule files when a screen first classifies or lists candidates, since they are TOML files that are always
there and reading them at start would load the TOML parser before the first paint
(tests/test_architecture.py). `reload()` (F10 / 「重新载入设置」) reads every file again.

A broken file is named in Chinese through `report` and never stops the app, as before: service.toml or
holidays.toml -> the shipped lists and calendar; a rule file -> the last good rules (at first the shipped
ones); keymap.toml -> the entries that can be read, the rest named and ignored.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.services.service_common import DEFAULT_SETTINGS, ServiceSettings, load_settings

if TYPE_CHECKING:
    from workbench.domain.address_grids import AddressGridTable
    from workbench.domain.candidates import CandidateRules
    from workbench.domain.inspection_rules import InspectionRules
    from workbench.domain.report_definitions import ReportTargets
    from workbench.domain.rule_files import LoadedRules
    from workbench.domain.tiers import TierRules

KEYMAP_FILE = "keymap.toml"
IMPORT_PROFILES = "import_profiles"
_KEY = re.compile(r"^[a-z0-9_+\-]+$|^[^\sa-z0-9,]$")
"""One key as Textual names it: ctrl+e, f10, escape, shift+tab, question_mark; or one printable character."""

Report = Callable[[str, int], None]
"""(Chinese message, seconds to show it): how the settings tell the person about a broken file."""


@dataclass(frozen=True)
class KeymapFile:
    """keymap.toml's [keymap] section: binding id -> keys ("ctrl+e" or "f10,ctrl+x"), and what was refused."""

    keys: Mapping[str, str]
    problems: tuple[str, ...] = ()


NO_KEYMAP = KeymapFile({})


def load_keymap(folder: Path | None) -> KeymapFile:
    """The keymap of keymap.toml in folder (none without the file); a broken entry is named and left out."""
    path = folder / KEYMAP_FILE if folder is not None else None
    if path is None or not path.is_file():
        return NO_KEYMAP
    import tomllib  # here: only when the file is there (the launch without one stays without the parser)

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return KeymapFile({}, (f"快捷键设置 {path} 格式有误，未能读取（{error}），仍按默认快捷键办理",))
    section = document.get("keymap")
    if not isinstance(section, dict):
        return KeymapFile({}, (f"快捷键设置 {path} 中没有 [keymap] 一节，仍按默认快捷键办理",))
    keys: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in _flatten(section):
        written = [_key_name(key) for key in value.split(",")] if isinstance(value, str) else []
        if written and all(_KEY.match(key) for key in written):
            keys[binding_id] = ",".join(written)
        else:
            problems.append(
                f"快捷键设置 {path}：「{binding_id}」的值「{value}」不是按键"
                f"（应写成如 \"ctrl+e\" 或 \"f10,ctrl+x\"），已忽略这一项"
            )
    return KeymapFile(keys, tuple(problems))


def _key_name(key: str) -> str:
    """Ctrl+X as written in a manual -> ctrl+x as Textual names it; one character stays as typed (A is shift+a)."""
    key = key.strip()
    return key if len(key) == 1 else key.lower()


def _flatten(section: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """list.export = "…" written without quotes is a table in TOML: joined back into the id "list.export"."""
    found: list[tuple[str, Any]] = []
    for key, value in section.items():
        if isinstance(value, dict):
            found += _flatten(value, f"{prefix}{key}.")
        else:
            found.append((f"{prefix}{key}", value))
    return found


class OfficeSettings:
    """The settings the app runs on; every screen asks this object, never the config folder."""

    def __init__(self, folder: Path, *, report: Report | None = None) -> None:
        """`folder`: the config folder (`workbench locate`); a file missing there means the shipped one."""
        self.folder = folder
        self.report: Report = report or (lambda _message, _seconds: None)
        self._lock = threading.Lock()
        self._service: ServiceSettings | None = None
        self._keymap: KeymapFile | None = None
        self._classification: LoadedRules[TierRules] | None = None
        self._candidates: LoadedRules[CandidateRules] | None = None
        self._report_targets: ReportTargets | None = None
        self._inspection: LoadedRules[InspectionRules] | None = None

    @classmethod
    def of_this_user(cls, *, report: Report | None = None) -> OfficeSettings:
        """Over the user's config folder (`workbench locate` prints it)."""
        from workbench.locations import config_dir

        return cls(config_dir(), report=report)

    @property
    def import_profiles(self) -> Path:
        """Where the import wizard keeps named column mappings."""
        return self.folder / IMPORT_PROFILES

    def load_at_start(self) -> None:
        """The small files that change how the app looks at once: the service lists and the keymap."""
        _ = self.service, self.keymap

    def address_grids(self) -> AddressGridTable:
        """address_grids.csv (地址→网格表), read afresh each time an import asks (a clerk edits it between
        imports); a broken file is named and the import assigns nobody by address."""
        from workbench.domain.address_grids import NO_TABLE, load_table
        from workbench.domain.rule_files import RulesError

        try:
            return load_table(self.folder)
        except RulesError as error:
            self.report(f"{error.message_zh}（本次导入不按地址分派）", 12)
            return NO_TABLE

    @property
    def service(self) -> ServiceSettings:
        """service.toml and holidays.toml over the shipped lists and calendar."""
        with self._lock:
            if self._service is None:
                try:
                    self._service = load_settings(self.folder)
                except ValueError as problem:
                    self._service = DEFAULT_SETTINGS
                    self.report(f"{problem}（已按默认设置办理）", 10)
            return self._service

    @property
    def keymap(self) -> KeymapFile:
        with self._lock:
            if self._keymap is None:
                self._keymap = load_keymap(self.folder)
                for problem in self._keymap.problems:
                    self.report(problem, 12)
            return self._keymap

    @property
    def report_targets(self) -> ReportTargets:
        """report.toml: the monthly report's targets; a broken file is named and the defaults kept."""
        from workbench.domain.report_definitions import DEFAULT_TARGETS
        from workbench.services.report_settings import load_report_targets

        with self._lock:
            if self._report_targets is None:
                try:
                    self._report_targets = load_report_targets(self.folder)
                except ValueError as problem:
                    self._report_targets = DEFAULT_TARGETS
                    self.report(f"{problem}（已按默认目标值办理）", 12)
            return self._report_targets

    @property
    def classification(self) -> LoadedRules[TierRules]:
        """classification.toml (shipped + the office's override)."""
        with self._lock:
            if self._classification is None:
                self._classification = self._read_classification(None)
            return self._classification

    @property
    def candidates(self) -> LoadedRules[CandidateRules]:
        """candidates.toml (shipped + the office's override)."""
        with self._lock:
            if self._candidates is None:
                self._candidates = self._read_candidates(None)
            return self._candidates

    @property
    def inspection(self) -> LoadedRules[InspectionRules]:
        """inspection.toml (双随机: 抽查事项清单, result codes, risk classes, time limits; shipped + override)."""
        with self._lock:
            if self._inspection is None:
                self._inspection = self._read_inspection(None)
            return self._inspection

    def reload_classification(self) -> LoadedRules[TierRules]:
        """Read classification.toml again (重新试算); a faulty file keeps the last good rules."""
        with self._lock:
            self._classification = self._read_classification(self._classification)
            return self._classification

    def reload_candidates(self) -> LoadedRules[CandidateRules]:
        with self._lock:
            self._candidates = self._read_candidates(self._candidates)
            return self._candidates

    def reload(self) -> None:
        """Every file again: rules keep their last good version on a mistake, lists and keys their defaults."""
        with self._lock:
            self._service = None
            self._keymap = None
            self._report_targets = None
            had_classification, had_candidates = self._classification, self._candidates
            had_inspection = self._inspection
        self.load_at_start()
        with self._lock:
            self._classification = self._read_classification(had_classification)
            self._candidates = self._read_candidates(had_candidates)
            if had_inspection is not None:  # read again only if something used it (TOML stays unloaded)
                self._inspection = self._read_inspection(had_inspection)

    def _read_classification(self, last_good: LoadedRules[TierRules] | None) -> LoadedRules[TierRules]:
        from workbench.domain.rule_files import LoadedRules, RulesError
        from workbench.domain.tiers import TierRules
        from workbench.services.classification import load_rules

        try:
            loaded, problem = load_rules(self.folder, last_good=last_good)
        except RulesError as error:  # the shipped file itself is broken: the built-in defaults, said so
            loaded, problem = last_good or LoadedRules("内置默认", (), TierRules(), {}), error
        if problem is not None:
            self.report(f"{problem.message_zh}（仍按上次有效的规则分型）", 12)
        return loaded

    def _read_candidates(self, last_good: LoadedRules[CandidateRules] | None) -> LoadedRules[CandidateRules]:
        from workbench.domain.candidates import RULES_NAME, load_candidate_rules, validate_candidate_rules
        from workbench.domain.rule_files import RulesError, load_with_fallback

        try:
            loaded, problem = load_with_fallback(
                RULES_NAME, validate_candidate_rules, override_dir=self.folder, last_good=last_good
            )
        except RulesError as error:  # the shipped file itself is broken: nothing better to run on
            loaded, problem = load_candidate_rules(None), error
        if problem is not None:
            self.report(f"{problem.message_zh}（仍按上次有效的规则计算）", 12)
        return loaded

    def _read_inspection(self, last_good: LoadedRules[InspectionRules] | None) -> LoadedRules[InspectionRules]:
        from workbench.domain.inspection_rules import RULES_NAME, validate_inspection_rules
        from workbench.domain.rule_files import RulesError, load_with_fallback

        try:
            loaded, problem = load_with_fallback(
                RULES_NAME, validate_inspection_rules, override_dir=self.folder, last_good=last_good
            )
        except RulesError as error:  # the shipped file itself is broken: nothing better to run on
            raise RuntimeError(error.message_zh) from error
        if problem is not None:
            self.report(f"{problem.message_zh}（仍按上次有效的抽查清单办理）", 12)
        return loaded
