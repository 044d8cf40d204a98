"""The footer every screen uses: keys that do not fit are left out whole, never cut in half.

Textual's Footer clips its row at the terminal's edge, so at 80 columns a screen with many keys showed
「Ctrl+O」 without its label, and the right-docked 「Ctrl+P 命令面板」 covered the last key. Here a key that
would not fit entirely is hidden (with every key after it); F1 help always lists them all, and the
app's narrow breakpoint hides the palette key below 110 columns (workbench.tcss).

How to quit (Ctrl+Q 退出) is always shown: when keys must give way, the screen's last keys go, not that one.
Textual's own words on keys it shows (a Select's open list: 「Dismiss menu」) are shown in Chinese.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from screens.palette import TEXTUAL_WORDS

QUIT_ACTIONS = frozenset({"quit", "app.quit"})


class WorkbenchFooter(Footer):
    """A Footer that shows only the keys it can show whole, and rebuilds its keys only when they change.

    Textual's Footer rebuilds every key whenever the screen's bindings may have changed (each focus
    move, several times while the app starts: ~10 rebuilds of ~12 keys before the first page); most of
    those show the very same keys. Here the changes that arrive before the next refresh are answered by
    one check, and the keys are rebuilt only if what they would show differs.
    """

    _shown: tuple[object, ...] | None = None
    _check_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._check_pending:
            self._check_pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._check_pending = False
        if not self.is_attached:  # the screen went away before the check
            return
        shown = self._what_would_show()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _what_would_show(self) -> tuple[object, ...]:
        return tuple(
            (binding.key, binding.key_display, binding.description, binding.action, binding.group, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        ) + (self.show_command_palette,)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = TEXTUAL_WORDS.get(widget.description, widget.description)
            yield widget

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._hide_overflow)

    def on_resize(self, _event: events.Resize) -> None:
        for key in self._keys():
            key.display = True
        self.call_after_refresh(self._hide_overflow)

    def _keys(self) -> list[FooterKey]:
        return [key for key in self.query(FooterKey) if not key.has_class("-command-palette")]

    def _hide_overflow(self) -> None:
        keys = self._keys()
        if not self.region.width or any(key.display and not key.region.width for key in keys):
            self.set_timer(0.05, self._hide_overflow)  # not laid out yet: measure once it is
            return
        limit = self.region.right
        for palette in self.query(FooterKey).filter(".-command-palette"):
            if palette.display and palette.region.width:
                limit = min(limit, palette.region.x)
        # The quit key keeps its place at the end of the row: the keys before it give way to it.
        quit_keys = [key for key in keys if key.action in QUIT_ACTIONS]
        limit -= sum(key.region.width + key.styles.margin.right for key in quit_keys)
        overflow = False
        for key in keys:
            if key in quit_keys:
                continue
            overflow = overflow or key.region.right > limit
            if overflow:
                key.display = False
