"""Code names and their Chinese labels: status (docs/rules.md §6.3), kind, composition."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Any


class StoredWord(StrEnum):
    """A code name stored in a text column. Pickled as the plain text, so the import's packed rows and the
    demo's chunks (which cross processes by the hundred thousand) carry strings, not enum look-ups; the
    text compares equal to the member on the other side."""

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, tuple[str]]:
        return str, (self._value_,)


class BusinessKind(StoredWord):
    """主体类型 as stored in business.kind (GLOSSARY: a household is kind `individual`)."""

    HOUSEHOLD = "individual"  # 个体工商户
    ENTERPRISE = "enterprise"  # 企业
    COOPERATIVE = "cooperative"  # 农民专业合作社


def guess_kind(name: str) -> BusinessKind:
    """The kind of a new business whose list has no 主体类型 column: by its name (the code is not a guide:
    a 个转企 keeps its code)."""
    if "合作社" in name:
        return BusinessKind.COOPERATIVE
    if "公司" in name or "企业" in name or "厂" in name:
        return BusinessKind.ENTERPRISE
    return BusinessKind.HOUSEHOLD


class BusinessStatus(StoredWord):
    """登记状态 as stored in business.status (docs/rules.md §6.3). 歇业 is no status: it is the `suspended`
    flag on an ACTIVE business."""

    ACTIVE = "active"
    REVOKED = "revoked"
    REVOKED_DEREGISTERED = "revoked_deregistered"
    DEREGISTERED = "deregistered"
    CANCELLED = "cancelled"
    MOVED_OUT = "moved_out"
    OTHER = "other"


class LicenseStatus(StoredWord):
    """A licence's state as stored in license.status. A renewal is a new licence (renews_uuid names the old
    one) and the old one becomes RENEWED: its history stays and its expiry reminder ends."""

    VALID = "valid"  # 有效
    RENEWED = "renewed"  # 已换证
    CANCELLED = "cancelled"  # 已注销


LICENSE_STATUS_LABELS: dict[str, str] = {
    LicenseStatus.VALID: "有效",
    LicenseStatus.RENEWED: "已换证",
    LicenseStatus.CANCELLED: "已注销",
}


class ImportKind(StoredWord):
    """Which list an import read (import_record.kind): the three lists an office receives."""

    REGISTER = "register"  # 登记名录
    FIGURES = "figures"  # 经营数据
    LICENSES = "licenses"  # 许可证


IMPORT_KIND_LABELS: dict[str, str] = {
    ImportKind.REGISTER: "登记名录",
    ImportKind.FIGURES: "经营数据",
    ImportKind.LICENSES: "许可证",
}


STATUS_LABELS: dict[str, str] = {
    BusinessStatus.ACTIVE: "存续",
    BusinessStatus.REVOKED: "吊销，未注销",
    BusinessStatus.REVOKED_DEREGISTERED: "吊销，已注销",
    BusinessStatus.DEREGISTERED: "注销",
    BusinessStatus.CANCELLED: "撤销",
    BusinessStatus.MOVED_OUT: "迁出",
    BusinessStatus.OTHER: "其他",
}

# Registry exports and commercial data use many words for the same status; 在业/开业/在营 mean 存续.
_STATUS_SYNONYMS: dict[str, str] = {
    "存续": BusinessStatus.ACTIVE,
    "在营": BusinessStatus.ACTIVE,
    "开业": BusinessStatus.ACTIVE,
    "在业": BusinessStatus.ACTIVE,
    "在册": BusinessStatus.ACTIVE,
    "存续(在营、开业、在册)": BusinessStatus.ACTIVE,
    "存续（在营、开业、在册）": BusinessStatus.ACTIVE,
    "正常": BusinessStatus.ACTIVE,
    "1": BusinessStatus.ACTIVE,
    "吊销": BusinessStatus.REVOKED,
    "吊销，未注销": BusinessStatus.REVOKED,
    "吊销,未注销": BusinessStatus.REVOKED,
    "吊销未注销": BusinessStatus.REVOKED,
    "2": BusinessStatus.REVOKED,
    "吊销，已注销": BusinessStatus.REVOKED_DEREGISTERED,
    "吊销,已注销": BusinessStatus.REVOKED_DEREGISTERED,
    "吊销已注销": BusinessStatus.REVOKED_DEREGISTERED,
    "3": BusinessStatus.REVOKED_DEREGISTERED,
    "注销": BusinessStatus.DEREGISTERED,
    "已注销": BusinessStatus.DEREGISTERED,
    "4": BusinessStatus.DEREGISTERED,
    "撤销": BusinessStatus.CANCELLED,
    "已撤销": BusinessStatus.CANCELLED,
    "5": BusinessStatus.CANCELLED,
    "迁出": BusinessStatus.MOVED_OUT,
    "已迁出": BusinessStatus.MOVED_OUT,
    "6": BusinessStatus.MOVED_OUT,
    "其他": BusinessStatus.OTHER,
    "9": BusinessStatus.OTHER,
}

_BRACKETED = re.compile(r"([^(]+)\(([^)]+)\)")  # after NFKC: 在营(开业)
_NOTE_WORDS = re.compile(r"[、,，;；/]")

KIND_LABELS: dict[str, str] = {
    BusinessKind.HOUSEHOLD: "个体工商户",
    BusinessKind.ENTERPRISE: "企业",
    BusinessKind.COOPERATIVE: "农民专业合作社",
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
        return BusinessKind.HOUSEHOLD
    if "合作社" in text:
        return BusinessKind.COOPERATIVE
    if "企业" in text or "公司" in text:
        return BusinessKind.ENTERPRISE
    return None
