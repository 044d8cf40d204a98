"""Which rows a commit applies (--mode, the wizard's choice): a module of its own so that the CLI can check the
option before it starts reading the file, without loading the import's planning modules."""

from __future__ import annotations

from enum import StrEnum


class ImportMode(StrEnum):
    """Which rows a commit applies: new ones, updates of existing ones, or both."""

    INSERT_ONLY = "insert_only"
    UPDATE_ONLY = "update_only"
    INSERT_AND_UPDATE = "insert_and_update"

    @property
    def label(self) -> str:
        return _MODE_LABELS[self]

    @classmethod
    def parse(cls, text: str | ImportMode) -> ImportMode:
        """仅新增 / 仅更新 / 新增并更新, or insert / update / both, or the code names."""
        key = str(text).strip().lower().replace("-", "_")
        for mode in cls:
            if key in (mode.value, mode.label, *_MODE_WORDS[mode]):
                return mode
        choices = "、".join(mode.label for mode in cls)
        raise ValueError(f"导入方式「{text}」无法识别，可选：{choices}（也可写 insert、update、both）")


_MODE_LABELS = {
    ImportMode.INSERT_ONLY: "仅新增",
    ImportMode.UPDATE_ONLY: "仅更新",
    ImportMode.INSERT_AND_UPDATE: "新增并更新",
}
_MODE_WORDS = {
    ImportMode.INSERT_ONLY: ("insert", "new", "新增"),
    ImportMode.UPDATE_ONLY: ("update", "更新"),
    ImportMode.INSERT_AND_UPDATE: ("both", "upsert", "insert_update", "新增和更新"),
}
