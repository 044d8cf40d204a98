"""Keys typed in the list while a search is on its way act on the results that search brings.

Typing 陈氏 ↓↓ Enter without a pause used to open row 1, or a row of the list as it was before the search:
the search waits DEBOUNCE_SECONDS for more letters and then runs in a worker, while ↓ and Enter acted at
once on the table still on screen. Now, while the rows shown are not those of the search (and filters)
typed, every key that acts on the rows waits (screens/key_order.py holds it), and goes on when the new
first page has been painted, so the cursor moves within, and Enter opens a row of, the new results.
Letters go on to the search box as before: they change the search, not the rows.
"""

from __future__ import annotations

from screens.key_order import TypedEvent

RESULT_KEYS = frozenset({
    "up", "down", "pageup", "pagedown", "home", "end", "enter", "f4", "f7", "f8", "ctrl+e",
    "space", "shift+up", "shift+down", "ctrl+w",
})  # fmt: skip
"""Keys that move in, open, edit, page, export, mark (space, shift+arrows) or reassign (Ctrl+W) the rows shown."""


def acts_on_results(event: TypedEvent) -> bool:
    return getattr(event, "key", None) in RESULT_KEYS


class SearchInFlight:
    """Which search the rows on screen answer, next to the one typed: the list holds keys while they differ."""

    def __init__(self) -> None:
        self.shown_filter: object | None = None

    def answered(self, shown_filter: object | None) -> None:
        self.shown_filter = shown_filter

    def pending(self, *, debouncing: bool, asked_filter: object | None) -> bool:
        """True while more letters may come (the pause before a search) or the search asked is not shown."""
        return debouncing or asked_filter != self.shown_filter
