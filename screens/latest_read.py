"""Only the answer to the last read asked for is shown: a slower earlier read that finishes after it is dropped.

A Textual thread worker cannot be stopped. `@work(thread=True, exclusive=True)` marks the older worker of its
group cancelled when a newer one starts, but the older thread still runs to its end and still posts its answer.
When the older read is the slower one (a filter changed, F5 or F6 pressed, a save refreshed the screen while a
read was under way), its answer arrives last and would be shown over the newer one: the rows of the filter
before, under the title of the filter now.

So a screen numbers its reads of one kind when it asks for them, the number travels with the answer, and the
answer is shown only if its number is still the last one asked for. Both happen on the app's own thread (when
the read is asked for, and when its message is handled), so nothing can slip in between a check and a post as
it could with `get_current_worker().is_cancelled` checked in the worker thread.
"""

from __future__ import annotations


class LatestRead:
    """Hands out numbers for one kind of read of one screen and tells whether an answer is the latest's."""

    def __init__(self) -> None:
        self.asked = 0
        """How many reads were asked for; the last one's number."""

    def ask(self) -> int:
        """The number of a read about to be started: pass it to the worker, which puts it in its answer."""
        self.asked += 1
        return self.asked

    def forget_earlier(self) -> None:
        """Answers to the reads asked for so far are no longer wanted (the next one is not asked for yet)."""
        self.asked += 1

    def is_latest(self, asked: int) -> bool:
        """Whether an answer, numbered `asked`, answers the last read asked for (else: drop it)."""
        return asked == self.asked
