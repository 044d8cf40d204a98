"""Check boxes, radio buttons and selection lists whose state shows without colour.

Why: Textual draws a ticked and an unticked box alike, ▐X▌, and tells them apart by colour only. On a
monochrome terminal, a screen reader's text or a plain `tmux capture-pane`, every 抽查事项 and every filter
looked ticked. Here an unticked box is drawn empty (▐ ▌) and a ticked one keeps its X; the colours stay.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets._toggle_button import ToggleButton

TICKED = ToggleButton.BUTTON_INNER
UNTICKED = " "


class _ShowsItsState:
    """The toggle button's inner character follows its value (mixed into Checkbox and RadioButton)."""

    value: bool
    BUTTON_INNER: str

    @property
    def _button(self) -> Content:
        button: Content = super()._button  # type: ignore[misc]
        if self.value:
            return button
        return Content.assemble(*(
            (UNTICKED if position == 1 else character, style)
            for position, (character, style) in enumerate(_styled_characters(button))
        ))


def _styled_characters(content: Content) -> list[tuple[str, Any]]:
    """The button's three characters, each with the style it was drawn in."""
    styles: list[Any] = [""] * len(content.plain)
    for span in content.spans:
        for position in range(span.start, span.end):
            styles[position] = span.style
    return list(zip(content.plain, styles, strict=True))


class TickBox(_ShowsItsState, Checkbox):
    """A Checkbox drawn ▐X▌ when ticked and ▐ ▌ when not."""


class TickRadio(_ShowsItsState, RadioButton):
    """A RadioButton drawn ▐X▌ when chosen and ▐ ▌ when not."""


class TickList(SelectionList[Any]):
    """A SelectionList whose unselected options are drawn ▐ ▌ (selected ones keep ▐X▌)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != TICKED or segments[1].style is None:
            return strip
        index = segments[1].style.meta.get("option")
        if index is None or self.get_option_at_index(index).value in self.selected:
            return strip
        segments[1] = Segment(UNTICKED, segments[1].style, segments[1].control)
        return Strip(segments, strip.cell_length)
