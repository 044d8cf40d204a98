"""A write is confirmed only by a key pressed after the person could see what it confirms.

Ctrl+F then an immediate F8 used to write a reclassification whose dry run had never been on screen. A
screen that shows a preview (a dry run, a count, the row a step will change) keeps a PreviewGate: `shown()`
when the preview is on screen, `hidden()` when it is gone or being redone, and `allows()` in the confirming
action. A confirming key is never kept for later (unlike screens/key_order.py's held keys): replaying it
once the preview appears would confirm it unseen all the same. It is refused with 请先看完预览再确认.

The moment: a key counts only when typed at least SETTLE_SECONDS after the preview was painted. Simple
visual reaction alone takes about a quarter of a second; half a second is the least in which a person
can have taken in a summary line and decided, yet short enough that someone who has read it never meets
the refusal. The key's own time is used (when it was read from the terminal), not the time it is handled,
so a key typed ahead and handled late is still seen for what it was.
"""

from __future__ import annotations

from textual._time import get_time  # the clock Textual stamps every event's `time` with
from textual.widget import Widget

SETTLE_SECONDS = 0.5
TOO_EARLY = "请先看完预览再确认"


class PreviewGate:
    """Whether a confirming key may act on what `owner` (a screen or widget) shows."""

    def __init__(self, owner: Widget, what: str = "") -> None:
        self.owner = owner
        self.what = what
        """Said after TOO_EARLY, e.g. 「（试算结果）」."""
        self.shown_at: float | None = None
        self._showing = 0

    def shown(self) -> None:
        """The preview has been put on screen: the clock starts when it has been painted."""
        self._showing += 1
        showing = self._showing
        self.owner.call_after_refresh(self._painted, showing)

    def _painted(self, showing: int) -> None:
        if showing == self._showing:
            self.shown_at = get_time()

    def hidden(self) -> None:
        """The preview is gone or being redone: nothing may be confirmed until the next one is seen."""
        self._showing += 1
        self.shown_at = None

    def allows(self) -> bool:
        """True when the key being handled came late enough; otherwise tells the person and answers False."""
        pressed_at = getattr(self.owner.app, "key_pressed_at", None)
        pressed = get_time() if pressed_at is None else float(pressed_at)  # a click: now
        if self.shown_at is not None and pressed >= self.shown_at + SETTLE_SECONDS:
            return True
        self.owner.notify(TOO_EARLY + self.what, severity="warning")
        return False

