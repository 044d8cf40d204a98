"""A registration list read into memory once: its bytes, their sha256, and what the bytes really are.

An import reads its file once: the sniff, the readers, the header search and the dry run all work from
these bytes, and the sha256 that recognises a repeat import (imports.records) is taken from the same
read. The wizard reads the file again with another sheet, profile or column mapping from the bytes it
already holds, so a file changed on disk meanwhile cannot mix two versions into one import, and a slow
USB stick or network folder is read once. A 100,000-row workbook is ~12 MB.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from imports.errors import UnreadableFile
from imports.sniff import Sniffed, sniff

MAX_BYTES = 1 << 30
"""Larger files are refused before they are read into memory: a sheet holds at most 1,048,576 rows, which
as a registration list is ~120 MB of xlsx or ~250 MB of CSV, so a file of a gigabyte is not one."""


@dataclass(frozen=True, eq=False)
class SourceFile:
    """The file's name, its content as read, the content's sha256 and its real type."""

    path: Path
    data: bytes = field(repr=False)
    sha256: str
    sniffed: Sniffed


def read_source(path: str | Path) -> SourceFile:
    """Open and read the file (the one time an import does), hash those bytes and sniff them.

    Raises OSError when the file cannot be opened, UnreadableFile (in Chinese) when it is not a table.
    """
    path = Path(path)
    return source_of(path, read_file_bytes(path))


def read_file_bytes(path: Path) -> bytes:
    """The file's bytes, refused in Chinese past the import's size limit; OSError when it cannot be opened."""
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > MAX_BYTES:
            raise UnreadableFile(
                f"文件有 {size / (1 << 30):.1f} GB，超过导入上限 1 GB。一张工作表最多约 104 万行，登记名录不会这么大："
                "请确认选对了文件；确需导入的，请拆分成几个文件分别导入"
            )
        return file.read()


def source_of(path: Path, data: bytes) -> SourceFile:
    """Bytes already read (read_file_bytes), hashed and sniffed."""
    return SourceFile(path, data, hashlib.sha256(data).hexdigest(), sniff(path, data))


def as_source(file: str | Path | SourceFile) -> SourceFile:
    """The file as read: read now when given by its path."""
    return file if isinstance(file, SourceFile) else read_source(file)
