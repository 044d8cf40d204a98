"""Code names and their Chinese labels: status (RULES.md §6.3), kind, composition."""

from __future__ import annotations

import re
import unicodedata

STATUS_LABELS: dict[str, str] = {
    "active": "存续",
    "revoked": "吊销，未注销",
    "revoked_deregistered": "吊销，已注销",
    "deregistered": "注销",
    "cancelled": "撤销",
    "moved_out": "迁出",
    "other": "其他",
}

# Registry exports and commercial data use many words for the same status; 在业/开业/在营 mean 存续.
_STATUS_SYNONYMS: dict[str, str] = {
    "存续": "active",
    "在营": "active",
    "开业": "active",
    "在业": "active",
    "在册": "active",
    "存续(在营、开业、在册)": "active",
    "存续（在营、开业、在册）": "active",
    "正常": "active",
    "1": "active",
    "吊销": "revoked",
    "吊销，未注销": "revoked",
    "吊销,未注销": "revoked",
    "吊销未注销": "revoked",
    "2": "revoked",
    "吊销，已注销": "revoked_deregistered",
    "吊销,已注销": "revoked_deregistered",
    "吊销已注销": "revoked_deregistered",
    "3": "revoked_deregistered",
    "注销": "deregistered",
    "已注销": "deregistered",
    "4": "deregistered",
    "撤销": "cancelled",
    "已撤销": "cancelled",
    "5": "cancelled",
    "迁出": "moved_out",
    "已迁出": "moved_out",
    "6": "moved_out",
    "其他": "other",
    "9": "other",
}

_BRACKETED = re.compile(r"([^(]+)\(([^)]+)\)")  # after NFKC: 在营(开业)
_NOTE_WORDS = re.compile(r"[、,，;；/]")

KIND_LABELS: dict[str, str] = {
    "individual": "个体工商户",
    "enterprise": "企业",
    "cooperative": "农民专业合作社",
}

COMPOSITION_LABELS: tuple[str, ...] = ("个人经营", "家庭经营")


def normalise_status(raw: str | None) -> str | None:
    """Map a status word from any register to its code name; None when it is not recognised.

    A word with a bracketed note (在营（开业）, 注销（已注销）, 吊销（已注销）) is read whole first (吊销已注销),
    then by the word before the bracket, then by the words inside it."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "")
    found = _status_word(text)
    bracketed = _BRACKETED.fullmatch(text) if found is None else None
    if bracketed is None:
        return found
    word, note = bracketed.groups()
    candidates = (word + note, word, *_NOTE_WORDS.split(note))
    return next((code for code in map(_status_word, candidates) if code is not None), None)


def _status_word(text: str) -> str | None:
    if text in STATUS_LABELS:
        return text
    return _STATUS_SYNONYMS.get(text) or _STATUS_SYNONYMS.get(text.replace(",", "，"))


def status_label(code: str) -> str:
    return STATUS_LABELS.get(code, code)


def kind_label(code: str) -> str:
    return KIND_LABELS.get(code, code)


def normalise_kind(raw: str | None) -> str | None:
    """Map 个体工商户 / 企业 / 合作社 (or a code name) to the kind code name."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if text in KIND_LABELS:
        return text
    if "个体" in text:
        return "individual"
    if "合作社" in text:
        return "cooperative"
    if "企业" in text or "公司" in text:
        return "enterprise"
    return None
