"""Explain registration codes for the `workbench code` command: plain dicts for --json, Chinese lines otherwise."""

from __future__ import annotations

from typing import Any

from workbench.domain.identifiers import CodeVerdict, check_uscc

KIND_LABELS = {
    "uscc": "统一社会信用代码",
    "reg_no_15": "15 位注册号",
    "reg_no_13": "13 位旧注册号",
    "reg_no_text": "文字式旧注册号",
    "unknown": "无法识别",
}


def conclusion(verdict: CodeVerdict) -> str:
    """有效, 无效, or 有效（旧注册号） for a legacy number that cannot be checked or is kept apart."""
    if not verdict.valid:
        return "无效"
    return "有效" if verdict.kind == "uscc" else "有效（旧注册号）"


def verdict_dict(verdict: CodeVerdict) -> dict[str, Any]:
    """A JSON-ready dict of one verdict."""
    return {
        "raw": verdict.raw,
        "code": verdict.code,
        "kind": verdict.kind,
        "kind_label": KIND_LABELS[verdict.kind],
        "valid": verdict.valid,
        "conclusion": conclusion(verdict),
        "reason": verdict.reason,
        "warnings": list(verdict.warnings),
        "parts": dict(verdict.parts),
        "suggestion": verdict.suggestion,
    }


def describe_codes(raws: list[str]) -> list[dict[str, Any]]:
    """Check each code and return one JSON-ready dict per code, in the given order."""
    return [verdict_dict(check_uscc(raw)) for raw in raws]


def render_verdict_lines(verdict: CodeVerdict) -> list[str]:
    """Chinese lines for a terminal: code, 结论, 原因, 提示, 建议, then the decoded parts."""
    lines = [
        f"代码：{verdict.code or verdict.raw}（{KIND_LABELS[verdict.kind]}）",
        f"结论：{conclusion(verdict)}",
        f"原因：{verdict.reason}",
    ]
    lines += [f"提示：{warning}" for warning in verdict.warnings]
    if verdict.suggestion:
        lines.append(f"建议：{verdict.suggestion}（请核对原件后再改，系统不会自动修改）")
    lines += [f"{name}：{value}" for name, value in verdict.parts.items()]
    return lines
