"""report.toml: the office's targets for the monthly report's indicators (issue 18).

    [targets]
    active_rate = 0.70        # 活跃度, a ratio (70 % may also be written 70)
    survival_rate = 0.60      # 三年存活率
    active_lookback_months = 12
    random_share = 0.60       # 双随机抽查占比 (of all inspections, 户次)
    joint_share = 0.40        # 跨部门联合双随机占比 (of the 双随机 inspections, 户次)

A missing file or key keeps the default of workbench.domain.report_definitions; a wrong value raises
ValueError with one Chinese sentence naming the key (OfficeSettings names it and keeps the defaults).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from workbench.domain.report_definitions import DEFAULT_TARGETS, ReportTargets

REPORT_FILE = "report.toml"
RATE_KEYS = ("active_rate", "survival_rate", "random_share", "joint_share")


def load_report_targets(folder: Path | None) -> ReportTargets:
    path = folder / REPORT_FILE if folder is not None else None
    if path is None or not path.is_file():
        return DEFAULT_TARGETS
    import tomllib  # only when the office wrote the file

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"月报设置 {path} 格式有误，未能读取（{error}）") from None
    section = document.get("targets", {})
    if not isinstance(section, dict):
        raise ValueError(f"月报设置 {path} 的 targets 应是一节 [targets]")
    values: dict[str, Any] = {}
    for key in RATE_KEYS:
        if key in section:
            values[key] = _rate(path, key, section[key])
    if "active_lookback_months" in section:
        months = section["active_lookback_months"]
        if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 60:
            raise ValueError(f"月报设置 {path}：active_lookback_months 应是 1 到 60 之间的整数，而不是「{months}」")
        values["active_lookback_months"] = months
    unknown = sorted(set(section) - {*RATE_KEYS, "active_lookback_months"})
    if unknown:
        raise ValueError(f"月报设置 {path}：不认识的设置项「{'、'.join(unknown)}」")
    return replace(DEFAULT_TARGETS, **values)


def _rate(path: Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"月报设置 {path}：{key} 应是比例（如 0.7 或 70），而不是「{value}」")
    rate = value / 100 if value > 1 else float(value)
    if not 0 < rate <= 1:
        raise ValueError(f"月报设置 {path}：{key} 应在 0 到 100% 之间，而不是「{value}」")
    return rate
