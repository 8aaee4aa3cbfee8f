"""The session's change notifications as a queued Qt signal.

Notifications run on the thread that committed (a worker's import as well as the GUI thread);
emitting a signal of an object living on the GUI thread, connected queued, brings them to the
GUI thread, where widgets may be touched."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from observer_app.core.changes import Change


class ChangeRelay(QObject):
    """Turns the session's Qt-free change callbacks into a queued Qt signal."""

    changed = Signal(object)

    def __call__(self, changes: Sequence[Change]) -> None:
        self.changed.emit(tuple(changes))
