"""Text from a file or the database made safe to store and to print.

Two different jobs, one place:

- `without_controls` at the boundary where text comes in (an imported cell, a form field, the search
  box): NUL and the other C0 control characters are removed. PostgreSQL refuses a NUL in text outright
  (a DataError on insert, update or search), SQLite's full-text query stumbles on it, and no register
  value means anything by a BEL or an ESC. Tab, line feed and carriage return stay (a note may have lines).
- `shown` wherever text is printed (a CLI line, a TUI cell): control characters are written out as
  Python writes them in a string (`\\x1b`, `\\x07`, `\\u202e`), so a cell holding `\\x1b]0;PWNED\\x07` shows
  those characters and never sets the terminal's title, moves the cursor or reverses the line. The
  convention is one for the whole app: what repr() shows, readable and unambiguous.
"""

from __future__ import annotations

import re

# C0 controls except tab, line feed, carriage return; and DEL.
_INCOMING = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What must never reach a terminal raw: C0 and C1 controls, DEL, the bidirectional overrides and
# isolates (they reverse what follows on the screen: "txt.exe" shown as "exe.txt"), line and paragraph
# separators, and lone surrogates (text that was not valid UTF-8; printing them raises).
_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSHOWN_EXCEPT_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def without_controls(text: str) -> str:
    """The text with NUL and the other control characters removed (tab and line breaks kept)."""
    return _INCOMING.sub("", text) if not text.isprintable() else text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(text: str, *, multiline: bool = False) -> str:
    """The text with every control character written out visibly (`\\x1b`).

    multiline keeps tab and line feed, which move the cursor only as text does (the CLI's own tables use
    them); a single line (a TUI cell, a title) shows them too, as they would break its layout.
    """
    if text.isprintable():  # the common case, and fast: no control character at all
        return text
    return (_UNSHOWN_EXCEPT_LAYOUT if multiline else _UNSHOWN).sub(_escape, text)


def has_lone_surrogate(text: str) -> bool:
    """Whether the text holds a lone surrogate: bytes that were not UTF-8, kept by Python's surrogateescape."""
    return any("\ud800" <= char <= "\udfff" for char in text)
