"""Count the opens of one file, and take the file away after its first open.

Python opens files through io.open (pathlib, zipfile) or the builtin open (ElementTree): both are
watched. A library that opens the file itself (calamine in Rust) is not, so the file is unlinked as soon
as it is first opened: the handle already open still reads (POSIX), but any later read of the path, by
Python or by Rust, fails with FileNotFoundError and the import with it.
"""

from __future__ import annotations

import builtins
import io
import os
from pathlib import Path
from typing import Any

import pytest


class OpenSpy:
    """`opens`: how many times the watched file was opened; it is gone from disk after the first."""

    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        self.opens = 0


def watch_opens(monkeypatch: pytest.MonkeyPatch, path: Path) -> OpenSpy:
    spy = OpenSpy(path)
    real_open = io.open

    def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | os.PathLike) and Path(file).resolve() == spy.path:
            spy.opens += 1
            handle = real_open(file, *args, **kwargs)
            os.unlink(file)
            return handle
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", counting_open)
    monkeypatch.setattr(builtins, "open", counting_open)
    return spy
