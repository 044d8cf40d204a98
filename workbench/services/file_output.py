"""Every file Workbench writes appears complete under its name, or not at all, and a failure is one sentence.

A file is written beside its final name (`.市场主体.xlsx.1a2b3c4d.part` in the same folder, so the move is
a rename on one file system) and moved into place with os.replace only when complete: a full disk, a
folder made read-only, a crash or kill midway leave no half-written workbook that Excel would call damaged
or, worse, that someone would take for the whole list. An OSError becomes a WriteFailed with the reason in
Chinese (磁盘已满, 没有写入权限, ...) and what to do.

A path that already exists and is not a regular file (/dev/full, a named pipe) cannot be replaced by a
rename without destroying it: it is written to directly, and its errors are reported the same way.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from workbench.services.errors import WorkbenchError


class WriteFailed(WorkbenchError):
    title = "文件未能保存"


def failure_text(error: OSError, target: Path) -> str:
    """One Chinese sentence: what went wrong writing target, and what to do."""
    code = error.errno
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return f"磁盘已满，无法写入「{target}」：请清理磁盘空间或换一个保存位置后重试（没有生成文件）"
    if code == errno.EROFS:
        return f"「{target.parent}」所在的磁盘是只读的：请换一个保存位置后重试（没有生成文件）"
    if isinstance(error, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return (
            f"没有权限写入「{target}」，或它正被其他程序（如 Excel）打开：请先关闭它，"
            "或换一个保存位置、文件名后重试（没有生成文件）"
        )
    if isinstance(error, IsADirectoryError):
        return f"「{target}」是一个文件夹：请在后面写上文件名，如「{target / '名录.xlsx'}」"
    reason = error.strerror or str(error)
    return f"无法写入「{target}」（{reason}）：请换一个保存位置后重试（没有生成文件）"


def make_folder(folder: Path, failure: type[WriteFailed] = WriteFailed) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise failure(f"无法在「{folder}」建立文件夹（{reason}），请换一个保存位置") from None


def is_special(target: Path) -> bool:
    """Whether target exists and is not a regular file or a folder (a device such as /dev/full, a pipe)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def partial_path(target: Path) -> Path:
    """Where target is written before it is complete: a hidden name in the same folder."""
    if is_special(target):
        return target
    return target.with_name(f".{target.name}.{uuid4().hex[:8]}.part")


def put_in_place(partial: Path, target: Path, failure: type[WriteFailed] = WriteFailed) -> None:
    if partial == target:
        return
    try:
        os.replace(partial, target)
    except OSError as error:
        raise failure(failure_text(error, target)) from None


def discard(partial: Path, target: Path) -> None:
    if partial != target:
        partial.unlink(missing_ok=True)


@contextmanager
def file_in_place(target: Path, failure: type[WriteFailed] = WriteFailed) -> Iterator[Path]:
    """Yield the path to write; on success the file is moved to target, on any failure nothing is left.

    An OSError while writing becomes `failure` with a Chinese sentence; other errors pass unchanged.
    """
    if target.is_dir():
        raise failure(failure_text(IsADirectoryError(errno.EISDIR, "Is a directory"), target))
    make_folder(target.parent, failure)
    partial = partial_path(target)
    try:
        try:
            yield partial
        except OSError as error:
            raise failure(failure_text(error, target)) from None
        put_in_place(partial, target, failure)
    except BaseException:
        discard(partial, target)
        raise


def write_file(target: Path, write: Callable[[Path], object], failure: type[WriteFailed] = WriteFailed) -> Path:
    """write(path) into a temporary file beside target, then move it into place (see file_in_place)."""
    with file_in_place(target, failure) as partial:
        write(partial)
    return target
