"""One generic worker: a service call off the GUI thread, with progress and cancel.

The call runs on a `QThreadPool` thread; its progress, result and failure come back as signals,
which Qt delivers on the GUI thread (the receiver lives there), so widgets are only ever touched
on the GUI thread. The service gets the project's `Progress`/`Cancel` pair (`core/progress.py`)
and stays Qt-free.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance

from observer_app.core.progress import Cancel, Progress

ServiceCall = Callable[[Progress, Cancel], Any]


class WorkerSignals(QObject):
    """Lives on the GUI thread; emitted from the worker thread, delivered queued."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class _Task(QRunnable):
    def __init__(self, call: ServiceCall, signals: WorkerSignals, stop: threading.Event) -> None:
        super().__init__()
        self._call = call
        self._signals = signals
        self._stop = stop

    def run(self) -> None:
        try:
            result = self._call(self._progressed, self._stop.is_set)
        except Exception as error:  # delivered to the GUI thread, which shows it
            self._deliver(self._signals.failed, error)
        else:
            self._deliver(self._signals.succeeded, result)
        finally:
            self._deliver(self._signals.finished)

    def _progressed(self, done: int, total: int) -> None:
        self._deliver(self._signals.progressed, done, total)

    def _deliver(self, signal: SignalInstance, *values: object) -> None:
        """Emit, unless the worker is gone: its window closed while the call ran (the call's
        work is done or cancelled; nobody is left to tell)."""
        try:
            signal.emit(*values)
        except RuntimeError:  # "Signal source has been deleted"
            self._stop.set()


class Worker(QObject):
    """Start with `start()`; `cancel()` asks the service to stop at its next check."""

    def __init__(self, call: ServiceCall, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals = WorkerSignals(self)
        self._stop = threading.Event()
        self._call = call
        self.running = False
        # Connected first, so that a receiver of the result may start the next call at once
        # (the `finished` that follows is still queued when the result is delivered).
        self.signals.succeeded.connect(self._done)
        self.signals.failed.connect(self._done)
        self.signals.finished.connect(self._done)

    def start(self) -> None:
        self.running = True
        task = _Task(self._call, self.signals, self._stop)
        task.setAutoDelete(True)
        QThreadPool.globalInstance().start(task)

    def cancel(self) -> None:
        self._stop.set()

    def _done(self, *_outcome: object) -> None:
        self.running = False
