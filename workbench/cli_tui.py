"""Opening the interface: `workbench` without a command (issue 17: launch to the first useful screen).

Two ways, the first whenever it can be taken:

- **The last to-do first.** The officer's to-do is saved after each read (workbench/services/last_todo.py).
  When the summary answers what this launch would read (same database, the officer this device remembers,
  today, the same settings and program), the app is built with Textual alone and paints it at once, marked
  「上次的待办（…），正在更新……」(screens/last_todo_screen.py). Behind it a thread imports the data layer,
  checks the database is current, starts the first reads and hands the app its parts; the fresh to-do then
  replaces the last one in place and the keys typed meanwhile go on to it, in order. A database that needs
  upgrading or cannot be opened ends that app and the launch goes the usual way, which upgrades it or says
  what is wrong as always (the keys typed in that moment are the only ones not kept).
- **The usual way**: upgrade the database if needed, start the first screen's reads in a thread
  (screens/first_reads.py), import the screens meanwhile, run the app.

Python's cycle collector is paused while the libraries are imported and what they made is frozen for the
app's life (gc.freeze): it ran 278 times over their 180,000 objects during the launch (100-170 ms of CPU).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import locations

if TYPE_CHECKING:
    from screens.app import WorkbenchApp
    from workbench.services.last_todo import LastTodo, LastTodoStore


def open_tui(url: str) -> int:
    """Run the app on the database at url; returns the process exit code."""
    from workbench.services.last_todo import LastTodoStore

    store = LastTodoStore(locations.data_dir(), url, locations.config_dir())
    last = _usable_last_todo(store) if not _sqlite_file_missing(url) else None
    if last is not None:
        code = _open_on_last_todo(url, last, store)
        if code is not None:
            return code
    return _open(url, store)


def _usable_last_todo(store: LastTodoStore) -> LastTodo | None:
    from workbench.services.device_memory import DeviceMemory

    return store.usable(DeviceMemory(locations.device_memory_path()), date.today())


def _sqlite_file_missing(url: str) -> bool:
    """A SQLite file named (a path, or sqlite:///path) that is not there: the usual way says so at once,
    without painting a last to-do first (a server's database is checked behind the summary)."""
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url if "://" not in url else ""
    return bool(path) and path != ":memory:" and not Path(path).expanduser().is_file()


def _open(url: str, store: LastTodoStore) -> int:
    """The usual way (module docstring)."""
    from workbench.cli_output import say

    try:
        with _collector_paused_for_imports():
            from screens.first_reads import FirstReads
            from workbench.cli_ready import ready_engine
            from workbench.services.gateway import Gateway
            from workbench.services.office import DeviceMemory
            from workbench.services.settings import OfficeSettings

        engine, result = ready_engine(url)  # an upgrade (rare, long) runs with the collector
        if result.backup is not None:
            say(f"数据库已从版本 {result.before} 升级到 {result.after}，升级前的备份：{result.backup}")
        memory = DeviceMemory(locations.device_memory_path())
        database_key = engine.url.render_as_string(hide_password=True)
        first_reads = FirstReads(
            Gateway(engine), memory.officer_uuid(database_key), device_name=locations.device_name(),
            config_folder=locations.config_dir(),
        ).start()  # fmt: skip
        with _collector_paused_for_imports():
            from screens.app import make_app  # Textual and the screens: imported while the first reads run

        tui = make_app(
            engine,
            device_memory=memory,
            database_key=database_key,
            device_name=locations.device_name(),
            settings=OfficeSettings(locations.config_dir()),
            first_reads=first_reads,
            last_todo_store=store,
        )
        tui.run()
    finally:
        gc.unfreeze()
    engine.dispose()
    return tui.return_code or 0


class _Preparation:
    """The data layer, made ready in a thread while the app shows the last to-do (module docstring)."""

    def __init__(self, app: WorkbenchApp, url: str, last: LastTodo, store: LastTodoStore) -> None:
        self.app, self.url, self.last, self.store = app, url, last, store
        self.engine: Any = None
        self.fell_back = False
        self.thread = threading.Thread(target=self._run, name="data-layer", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        try:
            parts = self._parts()
        except Exception:  # noqa: BLE001 - the usual way opens the database again and says what is wrong
            parts = None
        finally:
            gc.freeze()
            gc.enable()
        try:
            if parts is None:
                self.app.call_from_thread(self._fall_back)
            else:
                self.app.call_from_thread(self.app.take_parts, parts)
        except Exception:  # noqa: BLE001 - the app was closed meanwhile (Ctrl+Q on the last to-do): nothing to open
            pass

    def _fall_back(self) -> None:
        self.fell_back = True
        self.app.exit()

    def _parts(self) -> Any:
        from imports.file_gateway import FileGateway
        from screens.app import AppParts
        from screens.first_reads import FirstReads
        from storage.engine import make_engine
        from storage.schema import SCHEMA_HEAD, current_revision
        from workbench.services.gateway import Gateway
        from workbench.services.office import DeviceMemory
        from workbench.services.settings import OfficeSettings

        self.engine = engine = make_engine(self.url)
        database_key = engine.url.render_as_string(hide_password=True)
        if current_revision(engine) != SCHEMA_HEAD or database_key != self.last.database_key:
            return None  # to be upgraded (or not the database the summary was of): the usual way does it
        memory = DeviceMemory(locations.device_memory_path())
        gateway = Gateway(engine)
        first_reads = FirstReads(
            gateway, memory.officer_uuid(database_key), device_name=locations.device_name(),
            config_folder=locations.config_dir(),
        ).start()  # fmt: skip
        # What the app puts up next (the list under the fresh to-do), imported here, not on its thread.
        import screens.business_list
        import screens.reference
        import screens.todo_screen
        import screens.widgets.officer_picker  # noqa: F401

        return AppParts(
            gateway, FileGateway(engine), OfficeSettings(locations.config_dir()), memory, database_key, first_reads,
            self.store,
        )  # fmt: skip


def _open_on_last_todo(url: str, last: LastTodo, store: LastTodoStore) -> int | None:
    """The last to-do first (module docstring); None: it could not be opened so, go the usual way."""
    gc.disable()
    try:
        from screens.app import WorkbenchApp

        gc.freeze()
        tui = WorkbenchApp(None, device_name=locations.device_name(), last_todo=last)
        preparation = _Preparation(tui, url, last, store)
        tui.when_painted = preparation.start
        tui.run()
    finally:
        gc.enable()
        gc.unfreeze()
    if preparation.engine is not None:
        preparation.engine.dispose()
    if preparation.fell_back:
        return None
    return tui.return_code or 0


@contextmanager
def _collector_paused_for_imports() -> Iterator[None]:
    """Python's cycle collector paused while the libraries are imported, then what they made frozen.

    The launch's imports make some 180,000 long-lived objects (SQLAlchemy, pydantic, Textual); the collector
    ran over all of them again and again meanwhile (278 times, 100-170 ms of CPU: issue 17). Frozen
    (gc.freeze), they are not scanned again while the app runs; open_tui unfreezes them when it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
