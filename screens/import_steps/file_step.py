"""Step 1, 选择文件: a path box with completion above a folder tree showing only files we can read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Input, Static

READABLE_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".xml"})
"""What staff receive registration lists as; the real type is sniffed from the bytes later."""


def start_folder(home: Path | None = None) -> Path:
    """Downloads (English or Chinese desktop), else the home folder: where received files land."""
    home = home or Path.home()
    for name in ("Downloads", "下载"):
        if (home / name).is_dir():
            return home / name
    return home


class PathSuggester(Suggester):
    """Completes the typed path with the first matching name in its folder (→ or End accepts it)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, prefix = (typed, "") if value.endswith(("/", "\\")) else (typed.parent, typed.name)
        try:
            names = sorted(
                entry.name + ("/" if entry.is_dir() else "")
                for entry in folder.iterdir()
                if entry.name.startswith(prefix) and not entry.name.startswith(".")
            )
        except OSError:
            return None
        return value + names[0][len(prefix) :] if names else None


class RegisterFileTree(DirectoryTree):
    """Folders and the file types an import can read; hidden entries are left out, and so are the ~$名录.xlsx
    owner files Excel and WPS leave beside a workbook while it is open (hidden on Windows, not on a USB stick
    read elsewhere)."""

    ICON_NODE = "+ "
    ICON_NODE_EXPANDED = "- "
    ICON_FILE = "  "

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith((".", "~$"))
            and not _hidden_on_windows(path)
            and (self._safe_is_dir(path) or path.suffix.lower() in READABLE_SUFFIXES)
        ]


def _hidden_on_windows(path: Path) -> bool:
    if os.name != "nt":
        return False
    try:
        attributes = getattr(path.stat(), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & stat.FILE_ATTRIBUTE_HIDDEN) if attributes else False


class FileStep(Vertical):
    """Enter on a file in the tree, or a file path typed in the box, chooses it; a folder path re-roots the tree."""

    class Chosen(Message):
        """The person chose this file."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, folder: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.folder = folder

    def compose(self) -> ComposeResult:
        yield Static(
            "用方向键选择文件后按 Enter；也可以在下面输入文件路径（按右方向键补全）。", classes="import-hint"
        )
        yield Input(
            str(self.folder) + os.sep,
            id="import-path",
            suggester=PathSuggester(),
            select_on_focus=False,
            compact=True,
        )
        yield RegisterFileTree(self.folder, id="import-tree")
        yield Static("", id="import-file-error")

    def show_error(self, message: str) -> None:
        error = self.query_one("#import-file-error", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    @on(DirectoryTree.FileSelected, "#import-tree")
    def _tree_chose(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(Path(event.path)))

    @on(Input.Submitted, "#import-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():  # Path("") is the folder the app was started in: not what anyone meant
            self.show_error("请输入文件路径，或在下面的文件夹中选择文件。")
            return
        typed = Path(event.value.strip()).expanduser()
        if typed.is_dir():
            self.query_one(RegisterFileTree).path = typed
            self.query_one(RegisterFileTree).focus()
            self.show_error("")
        elif typed.is_file():
            self.post_message(self.Chosen(typed))
        else:
            self.show_error(f"找不到「{event.value.strip()}」：请检查路径，或在下面的文件夹中选择。")
