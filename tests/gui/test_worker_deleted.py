"""A window closed while its worker runs: the call finishes (or stops at its next check) and
its progress and result go nowhere, instead of an exception on the pool's thread."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThreadPool

from observer_app.core.progress import Cancel, Progress
from observer_app.gui.workers import Worker


def test_a_worker_deleted_while_its_call_runs_tells_nobody_and_asks_it_to_stop(
    qtbot: object, capfd: pytest.CaptureFixture[str]
) -> None:
    started, release = threading.Event(), threading.Event()
    cancelled: list[bool] = []

    def call(progress: Progress, cancel: Cancel) -> int:
        started.set()
        assert release.wait(10)
        progress(1, 2)
        cancelled.append(cancel())
        return 42

    owner = QObject()
    worker = Worker(call, owner)
    worker.start()
    assert started.wait(10)
    shiboken6.delete(owner)  # the window and its worker, while the call runs
    release.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    assert cancelled == [True]  # the lost progress told the call to stop
    assert "Signal source has been deleted" not in capfd.readouterr().err
