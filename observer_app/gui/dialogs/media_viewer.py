"""One media item in full: the photo (zoom, pan, rotation for display) or the player, and beside
it what the vault knows: metadata, the GPS position with a warning, hashes, links, and the
history of the item (its consent changes among them).

The photo is decrypted and decoded off the GUI thread and held only by the view; video and audio
play from the encrypted blob. Exporting says first that the file leaves the vault unencrypted,
and a publication copy is offered only when the consent rules allow it. Redaction and the
consent editor belong to other dialogs: the viewer only shows their buttons when the window
gives it the callbacks (`on_redact`, `on_edit_consent`) that open them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.catalogue import Catalogue
from observer_app.core.consent import ConsentState, MediaUse, refusal_reason
from observer_app.core.progress import Cancel, Progress
from observer_app.errors import ObserverError
from observer_app.gui.dialogs.folder_picker import FolderPicker
from observer_app.gui.widgets.media_player_panel import MediaPlayerPanel
from observer_app.gui.widgets.photo_view import PhotoView
from observer_app.gui.workers import Worker
from observer_app.i18n import N_, _
from observer_app.logbook import media
from observer_app.logbook.evidence import media_warnings
from observer_app.logbook.localtime import format_local
from observer_app.logbook.media_history import media_history
from observer_app.logbook.media_words import media_lines, media_words
from observer_app.logbook.read_models import MediaItem
from observer_app.logbook.session import LogbookSession

MediaCallback = Callable[[str], object]
GPS_WARNING = N_(
    "The position recorded in this file identifies a place, and with it possibly who was "
    "there. Do not share the original; a publication copy leaves the position out."
)
LEAVES_VAULT = N_(
    "The file will leave the vault unencrypted: anyone who can open the folder or the stick "
    "it is written to can see it. Continue?"
)
ORIGINAL_LEAVES = N_(
    "The original keeps all its metadata (the time, the camera and any GPS position) and "
    "the people shown in it."
)


def decode_photo(data: bytes) -> QImage:
    """Upright (EXIF orientation applied) and within Qt's allocation limit, on any thread; a
    null image for a file that does not decode or claims huge dimensions."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()
    buffer.close()
    return image


class MediaViewer(QDialog):
    def __init__(
        self,
        session: LogbookSession,
        catalogue: Catalogue,
        media_id: str,
        *,
        on_redact: MediaCallback | None = None,
        on_edit_consent: MediaCallback | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.catalogue = catalogue
        self.item: MediaItem = media.require_media(session, media_id)
        self.workers: list[Worker] = []
        self.exported: Path | None = None
        self.picker: FolderPicker | None = None
        self.leave_box: QMessageBox | None = None
        self.forgotten = False
        self.setWindowTitle(_("Evidence: {name}").format(name=self.item.original_name))
        self.content = QStackedWidget()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.content.addWidget(self.message)
        self.photo: PhotoView | None = None
        self.player: MediaPlayerPanel | None = None
        self.photo_tools = QWidget()
        self._build_content()
        self.gps_warning = QLabel(_(GPS_WARNING))
        self.gps_warning.setWordWrap(True)
        self.gps_warning.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.details = QTextBrowser()
        self.details.setAccessibleName(_("What the vault knows of this item"))
        self.details.setOpenLinks(False)
        self.history = QListWidget()
        self.history.setAccessibleName(_("History of the item"))
        facts = QWidget()
        facts_layout = QVBoxLayout(facts)
        facts_layout.setContentsMargins(0, 0, 0, 0)
        facts_layout.addWidget(self.gps_warning)
        facts_layout.addWidget(self.details, 1)
        tabs = QTabWidget()
        tabs.addTab(facts, _("&Details"))
        tabs.addTab(self.history, _("&History"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.content, 1)
        left_layout.addWidget(self.photo_tools)
        splitter.addWidget(left)
        splitter.addWidget(tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 440])  # the details readable beside the picture
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Messages"))
        self.consent_button: QPushButton | None = None
        self.redact_button: QPushButton | None = None
        buttons = QHBoxLayout()
        if on_edit_consent is not None:
            self.consent_button = QPushButton(_("C&onsent…"))
            self.consent_button.clicked.connect(lambda: on_edit_consent(self.item.id))
            buttons.addWidget(self.consent_button)
        if on_redact is not None and self.item.kind == "photo":
            self.redact_button = QPushButton(_("&Redact faces…"))
            self.redact_button.clicked.connect(lambda: on_redact(self.item.id))
            buttons.addWidget(self.redact_button)
        self.export_button = QPushButton(_("&Export a publication copy…"))
        self.export_button.clicked.connect(self.export_publication)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        close = QPushButton(_("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.finished.connect(lambda _result: self.forget())
        self._unregister = session.on_lock(self.forget)
        self.resize(1100, 700)
        self.refresh()
        self._load_content()

    # -- what is shown -----------------------------------------------------------------------

    def _build_content(self) -> None:
        item = self.item
        if item.kind == "photo":
            self.photo = PhotoView()
            self.content.addWidget(self.photo)
            tools = QHBoxLayout(self.photo_tools)
            tools.setContentsMargins(0, 0, 0, 0)
            for text, tip, slot in (
                (_("Turn &left"), _("Turn left (Shift+R)"), self.photo.rotate_left),
                (_("Turn righ&t"), _("Turn right (R)"), self.photo.rotate_right),
                (_("Zoom &in"), _("Zoom in (+)"), self.photo.zoom_in),
                (_("Zoom o&ut"), _("Zoom out (-)"), self.photo.zoom_out),
                (_("&Fit"), _("Fit in the window (0)"), self.photo.fit),
            ):
                button = QPushButton(text)
                button.setToolTip(tip + " — " + _("display only; the item is not changed"))
                button.setAutoDefault(False)
                button.clicked.connect(slot)
                tools.addWidget(button)
            tools.addStretch(1)
        else:
            self.photo_tools.setVisible(False)
        self._say_in_content(_("Loading…"))

    def _say_in_content(self, text: str) -> None:
        self.message.setText(text)
        self.content.setCurrentWidget(self.message)

    def _load_content(self) -> None:
        item = self.item
        if item.purged:
            self._say_in_content(_("The content of this item was purged; its record remains."))
            return
        if item.kind == "photo":
            self._load_photo()
        elif item.kind in ("video", "audio"):
            try:
                reader = media.open_playback(self.session, item.id)
            except ObserverError as error:
                self._say_in_content(str(error))
                return
            self.player = MediaPlayerPanel(reader, video=item.kind == "video")
            self.player.export_requested.connect(self.export_original)
            self.content.addWidget(self.player)
            self.content.setCurrentWidget(self.player)
            self.player.load()
            self.player.setFocus()
        else:
            self._say_in_content(
                _("This kind of file is not shown here; export it to open it elsewhere.")
            )

    def _load_photo(self) -> None:
        session, item = self.session, self.item

        def call(progress: Progress, cancel: Cancel) -> QImage:
            with session.worker(cancel):
                data = media.original_bytes(session, item)
            return decode_photo(data)

        self._run(call, self._photo_loaded)

    def _photo_loaded(self, image: QImage) -> None:
        if self.photo is None:
            return
        if image.isNull():
            self._say_in_content(
                _("This photo cannot be shown: it does not decode or is too large.")
            )
            return
        self.content.setCurrentWidget(self.photo)
        self.photo.set_image(image)
        self.photo.setFocus()

    def refresh(self) -> None:
        """Read the item again (after a consent change) and show what the vault knows."""
        self.item = media.require_media(self.session, self.item.id)
        item = self.item
        words = media_words(self.session, [item], self.catalogue)
        lines = media_lines(item, words, media_warnings(self.session, item))
        rows = "".join(
            f"<tr><th align='left' valign='top'>{html.escape(label)}</th>"
            f"<td>{html.escape(value)}</td></tr>"
            for label, value in lines
        )
        self.details.setHtml(f"<table cellspacing='4'>{rows}</table>")
        self.gps_warning.setVisible(item.gps_lat_microdeg is not None)
        self.history.clear()
        for entry in media_history(self.session.conn, item.id):
            shown = format_local(entry.event.time_utc, entry.event.tz)
            self.history.addItem(f"{shown} — {entry.author}: {entry.text}")
        reason = self.publication_refusal()
        self.export_button.setEnabled(reason is None)
        self.export_button.setToolTip(
            reason or _("A copy without metadata, for publication; the original stays as it is.")
        )
        if reason is not None:
            self.status.setText(_("No publication copy: {reason}").format(reason=reason))

    def publication_refusal(self) -> str | None:
        """Why no publication copy can be made of this item, or None when one can."""
        item = self.item
        if item.purged:
            return _("the content was purged.")
        try:
            state = ConsentState(item.consent)
        except ValueError:
            return _("its consent state is unknown.")
        reason = refusal_reason(state, MediaUse.PUBLICATION, is_derivative=item.is_derivative)
        if reason is None and item.kind != "photo":
            return _("metadata can be removed only from photos here.")
        return reason

    # -- export ------------------------------------------------------------------------------

    def export_publication(self) -> QMessageBox | None:
        """Warn that the copy leaves the vault unencrypted; then choose where it goes."""
        if self.publication_refusal() is not None:
            return None
        return self._warn_then_export(publication=True)

    def export_original(self) -> QMessageBox:
        """From the player, for a file Qt cannot decode: the original, after the warning."""
        return self._warn_then_export(publication=False)

    def _warn_then_export(self, *, publication: bool) -> QMessageBox:
        text = _(LEAVES_VAULT) if publication else _(LEAVES_VAULT) + "\n\n" + _(ORIGINAL_LEAVES)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("The file leaves the vault"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(_("&Choose where to write it…"))

        def answered(button: object) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:  # type: ignore[arg-type]
                self._choose_folder(publication)

        box.buttonClicked.connect(answered)
        self.leave_box = box
        box.open()
        return box

    def _choose_folder(self, publication: bool) -> None:
        picker = FolderPicker(_("Where to write the copy"), Path.home(), self)
        picker.chosen.connect(lambda folder: self.export_to(folder, publication=publication))
        self.picker = picker
        picker.open()

    def export_to(self, folder: Path, *, publication: bool) -> None:
        """Write the copy into `folder` off the GUI thread, never over an existing file."""
        name = media.export_file_name(self.item, publication=publication)
        out = folder / name
        number = 2
        while out.exists():
            out = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
            number += 1
        session, media_id = self.session, self.item.id

        def call(progress: Progress, cancel: Cancel) -> Path:
            with session.worker(cancel) as stop:
                return media.export(
                    session, media_id, out, publication=publication, progress=progress, cancel=stop
                )

        self.status.setText(_("Writing {path}…").format(path=out))
        self._run(call, self._exported)

    def _exported(self, path: Path) -> None:
        self.exported = path
        self.status.setText(_("Written, unencrypted: {path}").format(path=path))

    # -- plumbing ----------------------------------------------------------------------------

    def _run(self, call: Callable[[Progress, Cancel], object], done: Callable[..., None]) -> None:
        worker = Worker(call, self)
        worker.signals.succeeded.connect(done)
        worker.signals.failed.connect(self._failed)
        worker.signals.finished.connect(lambda: self._finished(worker))
        self.workers.append(worker)
        worker.start()

    def _finished(self, worker: Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)

    def _failed(self, error: object) -> None:
        self.status.setText(
            str(error)
            if isinstance(error, ObserverError)
            else _("This could not be done ({reason}).").format(reason=type(error).__name__)
        )
        if self.photo is not None and not self.photo.has_image:
            self._say_in_content(_("This photo cannot be shown."))

    @property
    def busy(self) -> bool:
        return bool(self.workers)

    def forget(self) -> None:
        """Drop the decoded picture and stop the player (closing, or the vault locking)."""
        if self.forgotten:
            return
        self.forgotten = True
        for worker in self.workers:
            worker.cancel()
        if self.photo is not None:
            self.photo.clear()
        if self.player is not None:
            self.player.stop()
        self._unregister()
