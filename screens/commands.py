"""The command palette: every registry action of the app and of the current screen, and the global commands
(帮扶台账, 诉求一览, 新增帮扶 …) from every screen, in Chinese."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from screens.actions import SCOPE_TITLES, KeyAction, palette_actions
from screens.keymap import effective_key_display


class WorkbenchCommands(Provider):
    """Titles like「新增市场主体 (new)」, so typing Chinese or the Latin keyword both find them."""

    def _actions(self) -> list[KeyAction]:
        scope = str(getattr(self.screen, "SCOPE", ""))
        return palette_actions(("app", scope) if scope else ("app",))

    def _keys(self, item: KeyAction) -> str:
        if not item.bound:
            return "（没有快捷键，在命令面板中使用）"
        keys = effective_key_display(item, getattr(self.app, "keymap_in_force", {}))
        if item.scope in ("app", str(getattr(self.screen, "SCOPE", ""))):
            return f"快捷键 {keys}"
        return f"快捷键 {keys}（{SCOPE_TITLES.get(item.scope, item.scope)}）"  # a global command's key is one screen's

    def _run(self, item: KeyAction) -> None:
        # A global command's action is the app's ("app.route"), so it runs on whichever screen is below.
        target = self.app if item.scope == "app" else self.screen
        self.app.call_later(self.app.run_action, item.action, target)

    async def discover(self) -> Hits:
        for item in self._actions():
            yield DiscoveryHit(item.palette_title, partial(self._run, item), help=self._keys(item))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for item in self._actions():
            score = matcher.match(item.palette_title)
            if score > 0:
                yield Hit(score, matcher.highlight(item.palette_title), partial(self._run, item),
                          help=self._keys(item))
