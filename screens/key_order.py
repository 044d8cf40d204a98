"""Keys are handled one at a time, in the order they were typed, each with the focus its predecessors left.

Why: Textual hands a key to the widget that has the focus when the app reads the key from the terminal,
but a key that moves the focus (Tab, ↓ from the search box, Enter that opens a screen) moves it only
after it has travelled up from that widget, through each ancestor's message queue, to the bindings that
act on it. A fast typist's next keys are read meanwhile and handed to the old widget: `AB` Tab `CD` put
ABCD in 名称, and `480` Tab `300` made 营业收入 480300. Here the app takes each key off the terminal into
a queue and hands on the next one only when the previous key, and everything it set off on its way up
(an Input's Changed message, a focus change, a screen opening), has been handled.

A screen may also hold keys back (`holds_key`): the business form until its values are read, the list
while a search is on its way. Held keys wait, in order, and go on when the screen calls `release_keys()`.
Keys held for a screen that goes away without becoming ready are dropped (the person is told), never
sent to the screen underneath.

To adopt in a screen: define `holds_key(self, event) -> bool` and call `self.app.release_keys()` (or
`release_keys(self.app)`) when what made it hold has changed. See screens/preview_gate.py for the
opposite case, a confirming key that must not be kept for later.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from textual import events
from textual._time import get_time  # the clock Textual stamps every event's `time` with
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.dom import DOMNode
from textual.screen import Screen
from textual.timer import Timer

TypedEvent = events.Key | events.Paste
MAX_WAITS_PER_NODE = 8
"""How often a key's follow-up waits behind other messages at one widget: enough for what a key sets off,
bounded so that a widget flooded by unrelated messages (a timer, a worker) cannot stall the keyboard."""
MAX_ROUNDS = 6
"""Walks up from the focused widget: another one while a walk found messages still queued or ended with
the focus or screen changed (the new screen mounting, a focus() call answered through the app's queue)."""
STUCK_SECONDS = 3.0
"""A key whose follow-up has not moved on for this long (its widget removed mid-way) lets the next keys go:
a keyboard that stops answering is worse than one key handled early. Counted from the follow-up's last step,
so a slow machine that keeps stepping never lets a key go early."""


@dataclass
class _Walk:
    """One walk of a key's follow-up from the focused widget up to the app."""

    token: object
    path: list[DOMNode]
    before: tuple[object, object]
    number: int
    busy: bool = False


@runtime_checkable
class HoldsKeys(Protocol):
    """A screen that is not ready for some keys yet (see the module docstring)."""

    def holds_key(self, event: TypedEvent) -> bool: ...


def release_keys(app: App[Any]) -> None:
    """Let held keys go on (any app; a no-op for one without ordered keys, as in some widget tests)."""
    if isinstance(app, OrderedKeysApp):
        app.release_keys()


class OrderedKeysApp(App[None]):
    """An App whose keys reach the widget the keys before them left the focus on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typed: deque[TypedEvent] = deque()
        self._in_flight: object | None = None
        self._holder: Screen[Any] | None = None
        self._stuck_timer: Timer | None = None
        self.key_pressed_at: float | None = None
        """When the key being handled now was typed (None between keys): screens/preview_gate.py."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if isinstance(event, events.Key) and self._quits(event.key):
                await super().on_event(event)  # quitting never waits behind keys a screen holds
                return
            self._typed.append(event)
            await self._send_next()
            return
        await super().on_event(event)

    def _quits(self, key: str) -> bool:
        return any(binding.action in ("quit", "app.quit") for binding in self._bindings.key_to_bindings.get(key, ()))

    @property
    def keys_waiting(self) -> int:
        """Keys typed and not yet handled (held, queued, or the one under way)."""
        return len(self._typed) + (self._in_flight is not None)

    def pop_screen(self) -> AwaitComplete:
        """A screen closed (dismissed, perhaps while holding keys): what was held for it is settled now."""
        done = super().pop_screen()
        self.release_keys()
        return done

    def release_keys(self) -> None:
        """A screen that held keys is ready (or has gone): let them go on, from the app's own queue."""
        if self._typed and self._in_flight is None:
            self.call_later(self._send_next)

    def first_screen_pending(self) -> bool:
        """True while the app is still putting up its first screen: the keys typed meanwhile (during the
        launch) wait, in order, and go on once it is up and release_keys() is called. Default: never."""
        return False

    async def _send_next(self) -> None:
        while self._typed and self._in_flight is None:
            if self.first_screen_pending():
                return
            try:
                screen = self.screen
            except Exception:  # no screen: the app is closing
                self._typed.clear()
                return
            if self._holder is not None and self._holder is not screen:
                self._drop_held()
                return
            head = self._typed[0]
            if isinstance(screen, HoldsKeys) and screen.holds_key(head):
                self._holder = screen
                return
            self._holder = None
            self._typed.popleft()
            await self._handle(head)

    def _drop_held(self) -> None:
        dropped = len(self._typed)
        self._typed.clear()
        self._holder = None
        self.notify(f"界面已关闭，之前输入的 {dropped} 个按键没有生效", severity="warning")

    async def _handle(self, event: TypedEvent) -> None:
        token = object()
        self._in_flight, self.key_pressed_at = token, event.time
        target: DOMNode = self.focused or self.screen
        try:
            await super().on_event(event)  # the app's priority bindings, else forwarded to `target`
        finally:
            if self._in_flight is token:
                self._stuck_timer = self.set_timer(STUCK_SECONDS, lambda: self._finish(token))
                self._walk(token, target if event.is_forwarded else self, 1)

    def _focus_state(self) -> tuple[object, object]:
        try:
            screen = self.screen
        except Exception:
            return (None, None)
        return (screen, screen.focused)

    def _walk(self, token: object, start: DOMNode, number: int) -> None:
        """Follow the key up from `start` to the app, behind whatever it made each widget send."""
        walk = _Walk(token, start.ancestors_with_self, self._focus_state(), number)
        self._step(walk, 0, 0)

    def _step(self, walk: _Walk, index: int, waits: int) -> None:
        if self._in_flight is not walk.token:
            return
        if self._stuck_timer is not None:
            self._stuck_timer.reset()  # the follow-up moved on: slow (a loaded machine), not stuck
        path = walk.path
        # Something (the key bubbling on, a Changed message) still queued here: go behind it.
        queued = index < len(path) and 0 < waits < MAX_WAITS_PER_NODE and path[index].message_queue_size > 0
        if queued and path[index].call_later(self._step, walk, index, waits + 1):
            walk.busy = True
            return
        if waits > 0:
            index += 1
        while index < len(path):
            if path[index].call_later(self._step, walk, index, 1):
                return
            index += 1  # that widget is gone: its parent still sees whatever it passed on
        # A binding acts at the app, after the key passed the widgets: what it sent them (an OptionList's
        # choice, a focus() through the app's queue) is followed by a second walk, and more until one finds
        # nothing queued and the focus where it was.
        settled = walk.number > 1 and not walk.busy and self._focus_state() == walk.before
        if not settled and walk.number < MAX_ROUNDS:
            focused = self.focused
            self._walk(walk.token, focused if focused is not None else self.screen, walk.number + 1)
            return
        self._finish(walk.token)

    def _finish(self, token: object) -> None:
        if self._in_flight is not token:
            return
        if self._stuck_timer is not None:
            self._stuck_timer.stop()
            self._stuck_timer = None
        self._in_flight, self.key_pressed_at = None, None
        if self._typed:
            self.call_later(self._send_next)

    @staticmethod
    def now() -> float:
        """The clock of events' `time`."""
        return get_time()
