"""Every line the command line prints goes through here: text from a file or the database is shown, never obeyed.

A business name can hold `\\x1b]0;PWNED\\x07` (it sets the terminal's title) or a CSI sequence that moves
the cursor; `say` writes such characters out visibly (workbench.domain.safe_text.shown). JSON stays exact
data: json.dumps already escapes C0 controls, and `say_json` escapes the ones it leaves raw (DEL, C1,
bidirectional overrides, lone surrogates) the JSON way (\\u009b), so a script reads back the same text.
"""

from __future__ import annotations

import json
import re
from typing import Any

import typer

from workbench.domain.safe_text import shown

_RAW_IN_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def say(text: object = "", *, err: bool = False) -> None:
    """Print one message (tabs and line breaks kept, every other control character shown as \\x1b)."""
    typer.echo(shown(str(text), multiline=True), err=err)


def json_text(data: Any, **options: Any) -> str:
    """json.dumps(data, ensure_ascii=False, **options) with no character a terminal would obey."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def say_json(data: Any, **options: Any) -> None:
    typer.echo(json_text(data, **options))


def say_table(headers: tuple[str, ...], rows: list[tuple[object, ...]], *, indent: str = "  ") -> None:
    """Rows under their column headers, each column as wide as its widest cell on screen (a Chinese
    character takes two columns, so tabs or str.ljust would leave the columns ragged)."""
    from rich.cells import cell_len

    cells = [list(headers), *[[shown(str(cell)) for cell in row] for row in rows]]
    widths = [max(cell_len(line[column]) for line in cells) for column in range(len(headers))]
    for line in cells:
        padded = [cell + " " * (width - cell_len(cell)) for cell, width in zip(line, widths, strict=True)]
        typer.echo((indent + "  ".join(padded)).rstrip())
