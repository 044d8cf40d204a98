"""The first screen's reads, started while the interface is still being imported (issue 17: launch).

`workbench` opens on 今日待办, which needs the office's officers (to find the one this device remembers) and
then that officer's to-do. The CLI starts both reads in a thread as soon as the database is ready, before it
imports Textual and the screens; the app takes the answers when it asks the same questions, instead of
asking after its screens are up. Nothing shown changes: a question asked differently (another officer,
another day, other service settings) is read afresh, and so is anything after the first to-do. A read that
fails here is left to the app, which reads again and says what went wrong as it always does.

This module imports no Textual: importing it must not wait for the interface it runs alongside.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from screens.reference import OfficeReference, load_reference
from storage.audit import Actor
from workbench.services.gateway import Gateway
from workbench.services.reminders import TodoItem
from workbench.services.service_common import ServiceSettings
from workbench.services.settings import OfficeSettings

TodoQuestion = tuple[Actor, int | None, date, ServiceSettings]
"""What a to-do is read for: the actor, whose items (None: the whole office), the day, the service settings."""


class FirstReads:
    """Offices, officers and grids, then the remembered officer's to-do, read in a thread of their own."""

    def __init__(
        self, gateway: Gateway, remembered: str | None, *, device_name: str, config_folder: Path,
        today: date | None = None,
    ) -> None:  # fmt: skip
        self._gateway = gateway
        self._remembered = remembered
        self._device_name = device_name
        self._config_folder = config_folder
        self._today = today or date.today()
        self._reference: OfficeReference | None = None
        self._todo: tuple[TodoQuestion, list[TodoItem]] | None = None
        self._reference_read = threading.Event()
        self._todo_read = threading.Event()
        self._thread = threading.Thread(target=self._read, name="first-reads", daemon=True)

    def start(self) -> FirstReads:
        self._thread.start()
        return self

    def _read(self) -> None:
        try:
            self._reference = load_reference(self._gateway)
        except Exception:  # noqa: BLE001 - the app reads again and reports it
            pass
        finally:
            self._reference_read.set()
        try:
            self._todo = self._read_todo()
        except Exception:  # noqa: BLE001 - the app reads again and reports it
            pass
        finally:
            self._todo_read.set()

    def _read_todo(self) -> tuple[TodoQuestion, list[TodoItem]] | None:
        located = self._reference.locate_officer(self._remembered) if self._reference else None
        if located is None:
            return None  # the officer picker comes first: the to-do waits for the person's choice
        office, officer = located
        actor = Actor(who=officer.name, device=self._device_name, office_id=office.id, officer_id=officer.id)
        # The settings as the app will read them, from a copy of its own: a mistake in a file is the app's to
        # report, once, when it reads them itself.
        settings = OfficeSettings(self._config_folder).service
        question: TodoQuestion = (actor, officer.id, self._today, settings)
        return question, self._gateway.service.todo(actor, officer_id=officer.id, today=self._today, settings=settings)

    def reference(self) -> OfficeReference | None:
        """The office reference read at start (once; None if it failed: read it again)."""
        self._reference_read.wait()
        reference, self._reference = self._reference, None
        return reference

    def todo(self, question: TodoQuestion) -> list[TodoItem] | None:
        """The to-do read at start, if it answers this question (once; else None: read it now)."""
        self._todo_read.wait()
        answer, self._todo = self._todo, None
        return answer[1] if answer is not None and _same(answer[0], question) else None


def _same(asked: TodoQuestion, question: TodoQuestion) -> bool:
    """The same question; settings by what they hold (each read of holidays.toml makes a new calendar)."""
    (actor, whose, day, settings), (actor_now, whose_now, day_now, settings_now) = asked, question
    return (actor, whose, day) == (actor_now, whose_now, day_now) and (
        settings.lists == settings_now.lists and settings.calendar.office == settings_now.calendar.office
    )
