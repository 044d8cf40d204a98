"""行业代码 by name: the input offers the GB/T 4754-2017 entries matching what is typed, Enter fills in the code.

「小吃」 (or 「xcfw」, or 「629」) lists 6291 小吃服务 and its neighbours under the field; ↓ / ↑ move in the list,
Enter puts the highlighted entry's code in the field, Esc closes the list. A code typed in full is kept as
typed (a 2011 code too: the form's validation says what it says of it today).

With several=True (a 抽查任务's 范围·行业) the field holds a list of codes (「H 62、5224」): the last word typed is
looked up, and the one chosen replaces only that word.
"""

from __future__ import annotations

import re

from textual import events
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from workbench.services.industry_lookup import industry_matches


class IndustryMatches(OptionList):
    """The list under the field; hidden while there is nothing to offer or the field has not the focus."""

    DEFAULT_CSS = """
    IndustryMatches { height: auto; max-height: 8; margin-left: 14; width: 1fr; display: none; border: none; }
    IndustryMatches.-open { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.can_focus = False  # the field keeps the focus: typing goes on while the list follows


class IndustryInput(Input):
    """An Input whose text looks the industry up; keeps the focus while its list is open."""

    def __init__(self, matches: IndustryMatches, *, several: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.matches = matches
        self.several = several

    def _looked_up(self) -> str:
        """The text the list follows: all of it, or with several codes the last word."""
        return re.split(r"[、,，;；\s]+", self.value)[-1] if self.several else self.value

    @property
    def offering(self) -> bool:
        return self.matches.has_class("-open")

    def offer(self) -> None:
        """List the matches of the text now typed (none: the list closes)."""
        found = industry_matches(self._looked_up()) if self.has_focus else []
        self.matches.clear_options()
        self.matches.add_options([Option(match.text, id=match.code) for match in found])
        self.matches.set_class(bool(found), "-open")
        if found:
            self.matches.highlighted = 0

    def close(self) -> None:
        self.matches.set_class(False, "-open")

    def _on_blur(self, event: events.Blur) -> None:
        self.close()

    def _on_focus(self, event: events.Focus) -> None:
        if self.value:
            self.offer()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self:
            self.offer()

    async def _on_key(self, event: events.Key) -> None:
        if self.offering and event.key in ("down", "up", "enter", "escape"):
            event.stop()
            event.prevent_default()
            if event.key == "down":
                self.matches.action_cursor_down()
            elif event.key == "up":
                self.matches.action_cursor_up()
            elif event.key == "enter":
                self._choose()
            else:
                self.close()
            return
        await super()._on_key(event)

    def _choose(self) -> None:
        index = self.matches.highlighted
        if index is None:
            return
        code = self.matches.get_option_at_index(index).id
        if code:
            value = self.value[: len(self.value) - len(self._looked_up())] + code if self.several else code
            with self.prevent(Input.Changed):
                self.value = value
            self.cursor_position = len(value)
            self.post_message(Input.Changed(self, value))
        self.close()
