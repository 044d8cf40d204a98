"""Holding one read back in its thread, to prove a slower earlier read does not overwrite a newer one.

A Textual thread worker cannot be stopped: when a newer read (F6, F9, a filter typed) replaces one still under
way, the older thread runs on and posts its answer. On a slow machine it can arrive last; here it is made to, by
holding it once it has started until the newer one is on screen (screens/latest_read.py is the fix).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from test_tui_support import settle

HOLD_AT_MOST_SECONDS = 10.0
"""A held read goes on by itself after this long, so a test that fails does not hang."""


class HeldRead:
    """Replaces `owner.name` (a gateway read): the first call whose arguments `holds` picks waits, once started,
    until released (`release_after`); every other call reads at once. `after_reading`: it reads first and then
    waits, so that what it answers is what the database held before the test changes it."""

    def __init__(
        self, owner: object, name: str, holds: Callable[..., bool] = lambda *_args, **_kwargs: True,
        *, after_reading: bool = False,
    ) -> None:  # fmt: skip
        self.read = getattr(owner, name)
        self.holds = holds
        self.after_reading = after_reading
        self.started = threading.Event()
        self.may_finish = threading.Event()
        self._lock = threading.Lock()
        self._held = False
        setattr(owner, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            hold = not self._held and self.holds(*args, **kwargs)
            self._held = self._held or hold
        if not hold:
            return self.read(*args, **kwargs)
        answer = self.read(*args, **kwargs) if self.after_reading else None
        self.started.set()
        self.may_finish.wait(HOLD_AT_MOST_SECONDS)
        return answer if self.after_reading else self.read(*args, **kwargs)

    async def wait_until_started(self, pilot: Any) -> None:
        for _ in range(int(HOLD_AT_MOST_SECONDS / 0.02)):
            if self.started.is_set():
                return
            await pilot.pause(0.02)
        raise TimeoutError("the read to hold back never started")

    async def release_after(self, pilot: Any, newer_shown: Callable[[], bool]) -> None:
        """Wait until the newer read is on screen, then let the held one finish and its answer be handled."""
        for _ in range(int(HOLD_AT_MOST_SECONDS / 0.02)):
            await pilot.pause(0.02)
            if newer_shown():
                break
        self.may_finish.set()
        await settle(pilot)
