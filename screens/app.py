"""The workbench App: who is at the keyboard, the office they work for, and the screens on top.

This module imports Textual and nothing of the data layer (tests/test_tui_last_todo.py): a launch with a saved
last to-do builds the app and paints it (screens/last_todo_screen.py) while SQLAlchemy, the services and the
other screens are imported in a thread (workbench/cli_tui.py), which then hands them over (`take_parts`).
The screens and services the app uses are imported where it uses them: by then they are loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.command import Provider
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from screens.actions import bindings, key_names
from screens.app_screens import OpensScreens
from screens.last_todo_screen import LastTodoScreen
from screens.latest_read import LatestRead
from workbench.domain.safe_text import shown
from workbench.services.errors import WorkbenchError

if TYPE_CHECKING:
    from sqlalchemy import Engine  # make_app's parameter only: the screens get the facades built on it

    from imports.file_gateway import FileGateway
    from screens.first_reads import FirstReads
    from screens.reference import OfficeReference
    from screens.widgets.officer_picker import Picked
    from storage.audit import Actor
    from workbench.services.gateway import Gateway
    from workbench.services.last_todo import LastTodo, LastTodoStore
    from workbench.services.office import Choice, DeviceMemory
    from workbench.services.report_cache import ReportCache
    from workbench.services.settings import OfficeSettings


def _commands() -> type[Provider]:
    from screens.commands import WorkbenchCommands  # the palette's commands: imported when it first opens

    return WorkbenchCommands


@dataclass
class AppParts:
    """What the app works with: the database's facades, the office's settings and this device's memory."""

    gateway: Gateway
    files: FileGateway
    settings: OfficeSettings
    device_memory: DeviceMemory
    database_key: str
    first_reads: FirstReads | None = None
    last_todo_store: LastTodoStore | None = None


class ReferenceLoaded(Message):
    """Offices, officers and grids are read; `remembered` is the officer this device last used."""

    def __init__(self, reference: OfficeReference, remembered: str | None) -> None:
        super().__init__()
        self.reference = reference
        self.remembered = remembered


class ReferenceRefreshed(Message):
    """Officers and grids re-read after a change in 干部与网格."""

    def __init__(self, reference: OfficeReference, asked: int) -> None:
        super().__init__()
        self.reference = reference
        self.asked = asked


class WorkbenchApp(OpensScreens):
    """Keyboard-first workbench for the staff of one market-supervision office.

    Only the screens of the first paint (officer picker, to-do, list) are imported with the app; the others
    are imported by the key that opens them, so the app starts without loading Excel writers and readers,
    the detail screen's tabs or the import wizard (see tests/test_architecture.py).
    """

    TITLE = "基层所市场主体服务工作台"
    CSS_PATH = "workbench.tcss"
    BINDINGS = bindings("app")
    COMMANDS = {_commands}
    # Below 110 columns the footer cannot hold a screen's keys and the right-docked 「Ctrl+P 命令面板」:
    # the palette key (still working, and listed by F1) gives way to the screen's own keys.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    officer: reactive[Choice | None] = reactive(None)
    data_version: reactive[int] = reactive(0)
    """Goes up after every save, so screens underneath know to re-read when they come back."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification (screens' too: Widget.notify asks for markup) quotes names and paths from files
        and the database: they are shown as typed (control characters as \\x1b), never read as markup."""
        del markup  # never: a business named 「[red]x[/]」 is a name
        super().notify(shown(message, multiline=True), title=title, severity=severity, timeout=timeout, markup=False)

    def __init__(self, parts: AppParts | None, *, device_name: str, last_todo: LastTodo | None = None) -> None:
        """parts None: the app paints `last_todo` first and gets its parts from the launch (`take_parts`)."""
        super().__init__()
        self.keymap_in_force: dict[str, str] = {}
        self._clashes_told: set[frozenset[str]] = set()
        self.device_name = device_name
        self.office: Choice | None = None
        self.today: Callable[[], date] = date.today
        self.begin_as: str | None = None
        """The officer to start as once the reference is read again (a laptop's database just made)."""
        self.reference_reads = LatestRead()
        """Two changes in 干部与网格 close together re-read twice: only the last read is kept."""
        self.last_todo = last_todo
        """The last to-do painted at launch, until the fresh one replaces it (keys wait meanwhile)."""
        self.waiting_for_parts = parts is None
        self.when_painted: Callable[[], None] | None = None
        """Called once the last to-do is painted (the launch then imports the data layer behind it)."""
        self.gateway: Gateway
        """The database, one unit of work per call (workbench.services.gateway)."""
        self.files: FileGateway
        """Import and export of Excel files (imports.file_gateway)."""
        self.settings: OfficeSettings
        """Rule files, service lists, holidays and the keymap, read once (workbench.services.settings)."""
        self.device_memory: DeviceMemory
        self.database_key: str
        self.first_reads: FirstReads | None = None
        """The reference and to-do the CLI started reading before the screens were imported (or None)."""
        self.last_todo_store: LastTodoStore | None = None
        """Where the officer's to-do is saved after each read, for the next launch to paint first."""
        self.report_cache: ReportCache
        """The 统计看板's last count of each month on this device, shown while it counts again."""
        self.reference: OfficeReference
        if parts is not None:
            self._take(parts)

    def _take(self, parts: AppParts) -> None:
        from screens.reference import OfficeReference
        from workbench.services.report_cache import ReportCache

        self.gateway, self.files, self.settings = parts.gateway, parts.files, parts.settings
        self.device_memory, self.database_key = parts.device_memory, parts.database_key
        self.first_reads, self.last_todo_store = parts.first_reads, parts.last_todo_store
        self.report_cache = ReportCache(parts.device_memory.path.parent / "report-cache", parts.database_key)
        self.reference = OfficeReference([], {}, {})
        self.waiting_for_parts = False

    @property
    def actor(self) -> Actor:
        """Every change is recorded under the current officer's name and this device."""
        from storage.audit import Actor

        assert self.office is not None and self.officer is not None, "no officer chosen yet"
        return Actor(
            who=self.officer.name, device=self.device_name, office_id=self.office.id, officer_id=self.officer.id
        )

    def names(self) -> dict[str, dict[int, str]]:
        return self.reference.names(self.office.id) if self.office else {}

    def get_key_display(self, binding: Binding) -> str:
        """Keys as help names them (Esc, Ctrl+S), also those of Textual's own bindings (a Select's list)."""
        return binding.key_display or key_names(binding.key.replace(" ", ""))

    def format_title(self, title: str, sub_title: str) -> Content:
        return Content.assemble(title, ("    ", ""), (sub_title, "bold")) if sub_title else Content(title)

    def on_mount(self) -> None:
        if self.waiting_for_parts:
            if self.last_todo is not None:
                self.sub_title = self.last_todo.sub_title
                self.push_screen(LastTodoScreen(self.last_todo))
            if self.when_painted is not None:
                self.call_after_refresh(self.when_painted)
            return
        self._start()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Before the app has its parts (the last to-do on screen) nothing but quitting acts: the keys wait
        anyway (first_screen_pending); this keeps a click on the footer from acting early too."""
        if self.waiting_for_parts and action != "quit":
            return None
        return super().check_action(action, parameters)

    def take_parts(self, parts: AppParts) -> None:
        """The data layer is imported and the database open (workbench/cli_tui.py): start as always."""
        self._take(parts)
        self._start()

    def _start(self) -> None:
        self.settings.report = self.tell_settings_problem
        self.settings.load_at_start()
        self._apply_keymap()
        self._load_reference(self.device_memory.officer_uuid(self.database_key))

    @work(thread=True, exclusive=True, exit_on_error=False, group="startup", description="读取所、干部与网格")
    def _load_reference(self, remembered: str | None) -> None:
        from screens.reference import load_reference

        reference = self.first_reads.reference() if self.first_reads is not None else None
        if reference is None:
            reference = load_reference(self.gateway)
        self.post_message(ReferenceLoaded(reference, remembered))

    def first_screen_pending(self) -> bool:
        """Only the default screen is up (the officers are still being read), or the last to-do painted at
        launch (screens/last_todo_screen.py) is not yet replaced by the fresh one. Keys typed during the
        launch wait for the first screen (the fresh to-do, the officer picker, the first-run dialog or an
        error)."""
        return len(self.screen_stack) <= 1 or self.last_todo is not None

    def fresh_todo_shown(self) -> None:
        """The fresh to-do replaced the last one: the keys typed meanwhile go on to it."""
        if self.last_todo is not None:
            self.last_todo = None
            self.release_keys()

    def _leave_last_todo(self) -> None:
        """The launch goes elsewhere than the to-do (the picker, first run): the last to-do is not left below."""
        if isinstance(self.screen, LastTodoScreen):
            self.pop_screen()
        self.last_todo = None

    def on_reference_loaded(self, message: ReferenceLoaded) -> None:
        from screens.widgets.officer_picker import OfficerPicker

        self.reference = message.reference
        located = self.reference.locate_officer(message.remembered)
        if located is not None:
            self._begin(located)
        elif not self.reference.offices:
            self._leave_last_todo()
            from screens.sync_entries import first_run

            first_run(self)  # the office's CLI step, or a new laptop's 外业包
        else:
            self._leave_last_todo()
            self.push_screen(OfficerPicker(self.reference, cancellable=False), self._picked)
        self.release_keys()  # the keys typed during the launch go on to the first screen

    def _picked(self, picked: Picked | None) -> None:
        if picked is not None:
            self._begin(picked)

    def _begin(self, picked: Picked) -> None:
        from screens.business_list import BusinessListScreen
        from screens.format import short_office_name
        from screens.todo_screen import TodoScreen

        office, officer = picked
        self.office = office
        self.officer = officer
        self.device_memory.remember_officer(self.database_key, officer.uuid)
        self.sub_title = f"使用人：{officer.name}（{short_office_name(office.name)}）"
        if not any(isinstance(screen, BusinessListScreen) for screen in self.screen_stack):
            last = self.last_todo if self.last_todo is not None and self.last_todo.officer_uuid == officer.uuid else None
            if isinstance(self.screen, LastTodoScreen):
                self.switch_screen(BusinessListScreen())  # under the to-do, which shows the last one until read
            else:
                self.push_screen(BusinessListScreen())
            self.push_screen(TodoScreen(last))  # the day starts on the to-do; Esc (or typing a name) goes to the list
            if last is None:
                self.last_todo = None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.show_error(event.worker.error)

    def show_error(self, error: BaseException) -> None:
        """A typed error in its own words; anything else as 意外错误 with its type, never a crash."""
        from screens.widgets.dialogs import ErrorDialog

        starting = self.first_screen_pending()
        self.last_todo = None
        for screen in self.screen_stack:
            if isinstance(screen, LastTodoScreen):
                screen.not_updated()  # it stays, marked as the last one that could not be updated
        if isinstance(error, WorkbenchError):
            self.push_screen(ErrorDialog(error.title, error.message))
        else:
            self.log.error(repr(error))
            self.push_screen(ErrorDialog("出现意外错误", f"{type(error).__name__}: {error}\n\n请把这段文字告诉维护人员。"))
        if starting:
            self.release_keys()  # keys typed during a launch that failed: the dialog has them now

    def data_changed(self) -> None:
        self.data_version += 1

    def refresh_reference(self) -> None:
        """Re-read offices, officers and grids after 干部与网格 changed them (pickers and filters use them)."""
        self._reread_reference(self.reference_reads.ask())

    @work(thread=True, exclusive=True, exit_on_error=False, group="reference", description="重读干部与网格")
    def _reread_reference(self, asked: int) -> None:
        from screens.reference import load_reference

        self.post_message(ReferenceRefreshed(load_reference(self.gateway), asked))

    def on_reference_refreshed(self, message: ReferenceRefreshed) -> None:
        from screens.widgets.officer_picker import OfficerPicker

        if not self.reference_reads.is_latest(message.asked):
            return  # read before a later change: the officers and grids as they were
        self.reference = message.reference
        if self.begin_as is not None and self.officer is None:
            begin = next(((office, officer) for office in self.reference.offices
                          for officer in self.reference.officers.get(office.id, []) if officer.name == self.begin_as),
                         None)  # fmt: skip
            self.begin_as = None
            if begin is not None:
                self._begin(begin)
            elif self.reference.offices:
                self.push_screen(OfficerPicker(self.reference, cancellable=False), self._picked)

    # settings (F10): the office's files read again, the keymap applied again

    def tell_settings_problem(self, message: str, seconds: int) -> None:
        """A settings file with a mistake, named in Chinese; the app goes on with the defaults or last good."""
        self.notify(message, severity="warning", timeout=seconds)

    def _apply_keymap(self) -> None:
        from screens.keymap import usable_keymap

        usable, problems = usable_keymap(self.settings.keymap)
        for problem in problems:
            self.tell_settings_problem(problem, 12)
        self.keymap_in_force = usable
        self.set_keymap(usable)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: object) -> None:
        """A keymap that gives a key already in use: said once; the keymap's binding wins (Textual's rule)."""
        names = frozenset(binding.id or binding.action for binding in clashed_bindings)
        if names not in self._clashes_told:
            self._clashes_told.add(names)
            keys = "、".join(sorted({binding.key for binding in clashed_bindings}))
            self.tell_settings_problem(
                f"快捷键设置：按键「{keys}」已有其他用途（{'、'.join(sorted(names))}），现按快捷键设置中的用途", 12
            )

    def action_reload_settings(self) -> None:
        """Rule files, service lists, holidays and the keymap read again; screens re-read with them."""
        self.settings.reload()
        self._apply_keymap()
        self.data_changed()
        self.notify("已重新载入设置（规则文件、服务清单、节假日、快捷键）")


def make_app(
    engine: Engine, *, device_memory: DeviceMemory, database_key: str, device_name: str,
    settings: OfficeSettings | None = None, first_reads: FirstReads | None = None,
    last_todo_store: LastTodoStore | None = None,
) -> WorkbenchApp:  # fmt: skip
    """The one way to build the app: the CLI and the tests both call this. The screens get facades built on
    the engine and the office's settings (by default over the user's config folder), never the engine.
    `first_reads`: the first screen's reads, started by the CLI before it imported this (screens/first_reads.py)."""
    from imports.file_gateway import FileGateway
    from workbench.services.gateway import Gateway
    from workbench.services.settings import OfficeSettings

    parts = AppParts(
        Gateway(engine), FileGateway(engine), settings or OfficeSettings.of_this_user(), device_memory, database_key,
        first_reads, last_todo_store,
    )  # fmt: skip
    return WorkbenchApp(parts, device_name=device_name)

