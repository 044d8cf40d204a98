"""Search index seam (stub until the search backends land): derived search columns for a business."""

from __future__ import annotations


def search_fields(name: str, operator: str, address: str) -> dict[str, str]:
    """The derived columns the search index reads: pinyin of the name and one token per character."""
    chars = " ".join(ch for ch in f"{name}{operator}{address}" if not ch.isspace())
    return {"name_pinyin": "", "search_chars": chars}
