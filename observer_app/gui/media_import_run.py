"""A batch of files imported on the generic worker, with the file in progress told.

The import dialog and the forms' photo attachments share it. The worker's own signal carries
the overall progress; the file that starts and its own progress come from the worker thread
through a relay, connected queued, so every public signal here is emitted on the GUI thread
(a lambda connected to it runs there too).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from observer_app.core.progress import Cancel, Progress, throttled
from observer_app.gui.actions import Commands
from observer_app.gui.workers import Worker
from observer_app.logbook.media import Link
from observer_app.logbook.media_batch import BatchSummary, DeletionSummary, FileOutcome


class _Relay(QObject):
    """Emitted on the worker thread; delivered queued to `ImportRun` on the GUI thread."""

    file_started = Signal(int, int, str)
    file_progressed = Signal(int, int)


class ImportRun(QObject):
    file_started = Signal(int, int, str)
    """(index from 0, count, readable name) of the file that begins."""
    file_progressed = Signal(int, int)
    progressed = Signal(int, int)
    """The whole batch."""
    imported = Signal(object)
    """The BatchSummary, also after a cancel."""
    deleted = Signal(object)
    """The DeletionSummary of `delete`."""
    failed = Signal(object)
    """An exception the batch did not turn into a line (the vault locked, an internal fault)."""

    def __init__(self, commands: Commands, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.commands = commands
        self.worker: Worker | None = None
        self._relay = _Relay(self)
        queued = Qt.ConnectionType.QueuedConnection
        self._relay.file_started.connect(self.file_started, queued)
        self._relay.file_progressed.connect(self.file_progressed, queued)

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.running

    def start(self, paths: Sequence[Path], link: Link) -> bool:
        """Begin importing; False if a batch runs already."""
        chosen = list(paths)
        relay = self._relay
        commands = self.commands

        def call(progress: Progress, cancel: Cancel) -> BatchSummary:
            return commands.import_media(
                chosen,
                link,
                throttled(progress),
                cancel,
                relay.file_started.emit,
                throttled(relay.file_progressed.emit),
            )

        return self._run(call, self.imported)

    def delete(self, files: Sequence[FileOutcome]) -> bool:
        chosen = list(files)
        commands = self.commands

        def call(progress: Progress, cancel: Cancel) -> DeletionSummary:
            return commands.delete_originals(chosen, progress, cancel)

        return self._run(call, self.deleted)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _run(self, call: Any, done: Any) -> bool:
        if self.running:
            return False
        self.worker = Worker(call, self)
        self.worker.signals.progressed.connect(self.progressed)
        self.worker.signals.succeeded.connect(done)
        self.worker.signals.failed.connect(self.failed)
        self.worker.start()
        return True
