"""Photos attached inside a form (an incident, the posted protocol): picked or dropped, imported
at once with progress and a cancel, listed by name.

The files are encrypted into the vault as soon as they are attached, linked to what `link()`
says (the station for a record not saved yet); the form links them to its record when it is
saved. So a photo is never left on the card for want of a saved form, and a form closed as a
draft keeps its photos by their ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.errors import ObserverError
from observer_app.gui.actions import Commands
from observer_app.gui.dialogs.file_picker import FilePicker
from observer_app.gui.dropped_files import dropped_paths
from observer_app.gui.media_import_run import ImportRun
from observer_app.i18n import _
from observer_app.logbook.media import Link, require_media
from observer_app.logbook.media_batch import BatchSummary

PHOTO_PATTERNS = [
    pattern
    for ext in ("jpg", "jpeg", "png", "heic", "heif", "tif", "tiff", "webp", "mp4", "mov", "avi")
    for pattern in (f"*.{ext}", f"*.{ext.upper()}")
]
SHORTCUT = "Ctrl+Shift+I"


class PhotoAttachments(QWidget):
    finished = Signal()
    """An import ended (the list shows what it attached)."""

    def __init__(
        self, commands: Commands, link: Callable[[], Link | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self._link = link
        self.media_ids: list[str] = []
        self.setAcceptDrops(True)
        self.attach_button = QPushButton(_("&Attach photos…"))
        shown = QKeySequence(SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
        self.attach_button.setToolTip(
            _("Pick a photo, or drop photos on this form ({keys})").format(keys=shown)
        )
        self.attach_button.setAccessibleName(_("Attach photos"))
        self.attach_button.setAutoDefault(False)
        self.attach_button.clicked.connect(self.choose)
        self.cancel_button = QPushButton(_("Stop"))
        self.cancel_button.setAccessibleName(_("Stop importing the photos"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(_("Photos being imported"))
        self.bar.setVisible(False)
        self.names = QListWidget()
        self.names.setAccessibleName(_("Attached photos"))
        self.names.setMaximumHeight(self.fontMetrics().height() * 4 + 10)
        self.names.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.attach_button)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.names)
        column.addWidget(self.message)
        self.run = ImportRun(commands, self)
        self.run.progressed.connect(self._progressed)
        self.run.imported.connect(self._imported)
        self.run.failed.connect(self._failed)

    def install_shortcut(self, window: QWidget) -> None:
        """Ctrl+Shift+I in the form (as the window's import) attaches photos."""
        QShortcut(QKeySequence(SHORTCUT), window, self.choose)

    @property
    def running(self) -> bool:
        return self.run.running

    # -- attaching ---------------------------------------------------------------------------

    def choose(self) -> None:
        if self.running:
            return
        before = QApplication.focusWidget()
        picker = FilePicker(_("A photo to attach"), PHOTO_PATTERNS, None, self)
        picker.chosen.connect(lambda path: self.attach([path]))
        picker.finished.connect(lambda result: self._back_to_form(before))
        picker.open()

    def _back_to_form(self, before: QWidget | None) -> None:
        """Typing goes on where it was (the picker took the focus with it)."""
        self.window().activateWindow()
        if before is not None and before.window() is self.window():
            before.setFocus()

    def attach(self, paths: Sequence[Path]) -> bool:
        link = self._link()
        if link is None:
            self._say(_("Choose the station first: the photos are kept with it until saved."))
            return False
        if self.running:
            return False
        try:
            link = self.commands.media_link(link.kind, link.ref)
        except ObserverError as error:
            self._say(str(error))
            return False
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.attach_button.setEnabled(False)
        return self.run.start(paths, link)

    def cancel(self) -> None:
        self.run.cancel()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()) and not self.running:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if paths and self.attach(paths):
            event.acceptProposedAction()

    # -- showing -----------------------------------------------------------------------------

    def set_media(self, media_ids: Sequence[str]) -> None:
        """Show items attached before (a draft reopened, a record's photos)."""
        for media_id in media_ids:
            if media_id in self.media_ids:
                continue
            try:
                name = require_media(self.commands.session, media_id).original_name
            except ObserverError:
                continue  # purged or gone: nothing to show, nothing lost
            self.media_ids.append(media_id)
            self.names.addItem(name)
        self.names.setVisible(bool(self.media_ids))

    def _progressed(self, done: int, total: int) -> None:
        self.bar.setMaximum(1000)
        self.bar.setValue(done * 1000 // total if total > 0 else 0)

    def _done(self) -> None:
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.attach_button.setEnabled(True)
        self.finished.emit()

    def _imported(self, summary: BatchSummary) -> None:
        self.set_media(summary.media_ids)
        self._say("\n".join(summary.lines()[3:]))  # refusals and warnings; counts are shown
        self._done()

    def _failed(self, error: Exception) -> None:
        reason = str(error) if isinstance(error, ObserverError) else type(error).__name__
        self._say(_("The photos were not imported: {reason}").format(reason=reason))
        self._done()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
