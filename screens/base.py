"""What every workbench screen shares: the typed app, and worker errors shown in a dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import events
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from screens.key_order import TypedEvent, release_keys

if TYPE_CHECKING:
    from screens.app import WorkbenchApp

ResultType = TypeVar("ResultType")


class WorkbenchScreen(Screen[ResultType]):
    """A screen of the workbench; SCOPE names its keys in the action registry."""

    SCOPE = ""

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def business_in_view(self) -> tuple[str, str] | None:
        """The business (uuid, name) this screen is about or has highlighted, for commands that work on one
        business from any screen (新增帮扶, 登记诉求 in the palette); None where there is none."""
        return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(event.worker, event.worker.error)

    def worker_failed(self, _worker: Worker[Any], error: BaseException) -> None:
        """A worker raised: tell the person; screens override to also step back."""
        self.workbench.show_error(error)


class HoldsKeysWhileLoading(WorkbenchScreen[None]):
    """A list screen that holds the keys typed while it reads its rows (`loading`), so they act on the rows
    meant; Esc always goes through. A failed read lets the held keys go. (`loading` is Textual's own.)"""

    def holds_key(self, event: TypedEvent) -> bool:
        return self.loading and not (isinstance(event, events.Key) and event.key == "escape")

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        self.loading = False
        release_keys(self.app)
        super().worker_failed(worker, error)
