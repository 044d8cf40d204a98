"""Worker failures of widgets and dialogs said in a dialog, as WorkbenchScreen says its own.

Textual's Worker.StateChanged does not bubble: a worker started by a tab or a dialog that fails, with
nobody listening on that widget, is silent, and the widget keeps saying 正在读取 for ever. Widgets and
dialogs that start workers mix this in (tests/test_tui_worker_errors.py checks that every one does).
"""

from __future__ import annotations

from typing import Any

from textual.worker import Worker, WorkerState


class ShowsWorkerErrors:
    """Mixed into a Widget or ModalScreen: a failed worker's error goes to the app's error dialog."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(event.worker, event.worker.error)

    def worker_failed(self, _worker: Worker[Any], error: BaseException) -> None:
        """Tell the person; a widget overrides this to also say so in its own place."""
        self.app.show_error(error)  # type: ignore[attr-defined]  # mixed into a Textual node of the WorkbenchApp
