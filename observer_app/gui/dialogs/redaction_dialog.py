"""The redaction tool: cover faces and other details of a photo for an anonymised copy.

The photo is decrypted and decoded on the worker, held in memory only (the canvas's `QImage`)
and dropped when the dialog closes; the window closes it when the vault locks. The person draws
the areas to cover, or asks for face suggestions (the detector runs on the worker, with progress
and a working cancel) and accepts, adjusts or rejects each. "Save" is refused while a
suggestion is undecided, because an unseen suggestion is a face that would be published. Saving
makes a new derived item through `Commands` (decoded pixels, no metadata, consent
"anonymised"); the original is never modified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from PIL import Image
from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.media_terms import RedactionStyle
from observer_app.core.progress import Cancel, Progress
from observer_app.errors import ObserverError, OperationCancelled
from observer_app.gui.actions import Commands
from observer_app.gui.widgets.redaction_canvas import BoxKind, RedactionCanvas
from observer_app.gui.workers import ServiceCall, Worker
from observer_app.i18n import N_, _, ngettext
from observer_app.logbook import media

STYLE_NAMES: Final[tuple[tuple[RedactionStyle, str], ...]] = (
    ("fill", N_("Solid fill (nothing to recover)")),
    ("blur", N_("Strong blur")),
    ("pixelate", N_("Coarse pixelation")),
)
PREVIEW_SIDE: Final = 1280  # the preview is computed on a copy this size, on the GUI thread
HINT: Final = N_(
    "Drag on the photo to draw an area to cover; drag an area to move it, or its corners to "
    "resize it. Keys: Tab goes through the areas, arrows move one, Shift+arrows resize it, "
    "Enter accepts a suggested face, Delete removes an area or rejects a suggestion."
)


def to_qimage(image: Image.Image) -> QImage:
    """A `QImage` that owns a copy of the pixels (Pillow's buffer can go after)."""
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    shown = QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888)
    return shown.copy()


class RedactionDialog(QDialog):
    loaded = Signal()
    suggested = Signal(int)  # how many faces were suggested
    saved = Signal(str)  # the anonymised copy's id
    failed = Signal(str)

    def __init__(self, commands: Commands, media_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commands = commands
        self.media_id = media_id
        self.photo: Image.Image | None = None
        self._small: Image.Image | None = None  # the preview's scaled copy of `photo`
        self.worker: Worker | None = None
        self.setWindowTitle(_("Anonymised copy of a photo"))
        self.canvas = RedactionCanvas()
        hint = QLabel(_(HINT))
        hint.setWordWrap(True)
        self.suggest_button = QPushButton(_("Suggest &faces"))
        self.suggest_button.clicked.connect(self.suggest)
        self.accept_button = QPushButton(_("&Accept the suggestion"))
        self.accept_button.clicked.connect(self.canvas.accept_selected)
        self.reject_button = QPushButton(_("&Reject the suggestion"))
        self.reject_button.clicked.connect(self.canvas.delete_selected)
        self.delete_button = QPushButton(_("Re&move the area"))
        self.delete_button.clicked.connect(self.canvas.delete_selected)
        for button in (self.accept_button, self.reject_button, self.delete_button):
            button.setAutoDefault(False)
        self.style_box = QComboBox()
        for style, name in STYLE_NAMES:
            self.style_box.addItem(_(name), style)
        style_label = QLabel(_("&Cover with:"))
        style_label.setBuddy(self.style_box)
        self.preview_box = QCheckBox(_("&Preview the copy"))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.save_button = QPushButton(_("&Save anonymised copy"))
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(_("Close"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        side = QVBoxLayout()
        side.addWidget(hint)
        side.addSpacing(8)
        side.addWidget(self.suggest_button)
        side.addWidget(self.accept_button)
        side.addWidget(self.reject_button)
        side.addWidget(self.delete_button)
        side.addSpacing(8)
        side.addWidget(style_label)
        side.addWidget(self.style_box)
        side.addWidget(self.preview_box)
        side.addSpacing(8)
        side.addWidget(self.progress)
        side.addWidget(self.status)
        side.addStretch(1)
        side.addWidget(self.save_button)
        side.addWidget(self.cancel_button)
        panel = QWidget()
        panel.setLayout(side)
        panel.setFixedWidth(340)
        layout = QHBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(panel)
        self.canvas.boxes_changed.connect(self._changed)
        self.canvas.selection_changed.connect(self._changed)
        self.style_box.currentIndexChanged.connect(lambda _index: self._changed())
        self.preview_box.toggled.connect(lambda _on: self._changed())
        self.resize(1180, 700)
        self._busy(True)
        self._load()

    # -- the photo ---------------------------------------------------------------------------

    def _load(self) -> None:
        session, media_id = self.commands.session, self.media_id

        def call(progress: Progress, cancel: Cancel) -> Image.Image:
            with session.worker(cancel):
                return media.upright_photo(session, media_id)

        self.status.setText(_("Decrypting the photo…"))
        self._run(call, self._loaded)

    def _loaded(self, photo: Image.Image) -> None:
        self.photo = photo
        small = photo.copy()
        small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.BILINEAR)
        self._small = small
        self.canvas.set_image(to_qimage(photo))
        self._busy(False)
        self.canvas.setFocus()
        self.loaded.emit()

    @property
    def redaction_style(self) -> RedactionStyle:
        value: RedactionStyle = self.style_box.currentData()
        return value

    # -- suggestions -------------------------------------------------------------------------

    def suggest(self) -> None:
        if self.photo is None or self._running():
            return
        commands, media_id = self.commands, self.media_id

        def call(progress: Progress, cancel: Cancel) -> list[media.Box]:
            return commands.suggest_faces(media_id, progress, cancel)

        self.status.setText(_("Looking for faces…"))
        self._run(call, self._suggested)

    def _suggested(self, boxes: list[media.Box]) -> None:
        self._busy(False)
        self.canvas.add_suggestions(boxes)
        if boxes:
            self.canvas.setFocus()
        self._changed()
        if not boxes:
            self.status.setText(_("No face was found. Look for yourself, and draw what to cover."))
        self.suggested.emit(len(boxes))

    # -- saving ------------------------------------------------------------------------------

    def save(self) -> None:
        if self.photo is None or self._running():
            return
        if self.canvas.pending():
            self.status.setText(_("Accept or reject every suggested face first."))
            return
        boxes = self.canvas.covered()
        if not boxes:
            self.status.setText(_("Draw at least one area to cover first."))
            return
        commands, media_id, style = self.commands, self.media_id, self.redaction_style

        def call(progress: Progress, cancel: Cancel) -> str:
            return commands.make_redacted_copy(media_id, boxes, style, progress, cancel)

        self.status.setText(_("Making the anonymised copy…"))
        self._run(call, self._saved)

    def _saved(self, new_id: str) -> None:
        self._busy(False)
        self.saved.emit(new_id)
        self.accept()

    # -- the worker --------------------------------------------------------------------------

    def _run(self, call: ServiceCall, done: Callable[[Any], None]) -> None:
        worker = Worker(call, self)
        self.worker = worker
        worker.signals.progressed.connect(self._progressed)
        worker.signals.succeeded.connect(lambda result: self._finished(worker, done, result))
        worker.signals.failed.connect(lambda error: self._failed(worker, error))
        self._busy(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        worker.start()

    def _finished(self, worker: Worker, done: Callable[[Any], None], result: object) -> None:
        if worker is not self.worker:
            return  # closed or superseded meanwhile: the answer is not used
        self.progress.setVisible(False)
        done(result)

    def _running(self) -> bool:
        return self.worker is not None and self.worker.running

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _failed(self, worker: Worker, error: Exception) -> None:
        if worker is not self.worker:
            return
        self.progress.setVisible(False)
        self._busy(False)
        if isinstance(error, OperationCancelled):
            text = _("Cancelled; nothing was changed.")
        elif isinstance(error, ObserverError):
            text = str(error)
        else:
            text = _("Something went wrong: {reason}").format(reason=type(error).__name__)
        self.status.setText(text)
        self.failed.emit(text)
        self._changed(keep_status=True)

    def cancel(self) -> None:
        """Stop the work under way (nothing is kept of it), else close."""
        if self._running() and self.worker is not None:
            self.worker.cancel()
            return
        self.reject()

    def done(self, result: int) -> None:
        """Closing drops the decoded photo; work under way is cancelled and its answer unused."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None
        self.photo = None
        self._small = None
        self.canvas.clear()
        super().done(result)

    # -- what the buttons say ----------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        loaded = self.photo is not None
        for widget in (self.suggest_button, self.save_button, self.canvas):
            widget.setEnabled(loaded and not busy)
        self.cancel_button.setText(_("Cancel") if busy else _("Close"))
        if not busy:
            self._changed()

    def _changed(self, keep_status: bool = False) -> None:
        box = self.canvas.current()
        suggestion = box is not None and box.kind is BoxKind.SUGGESTED
        idle = not self._running()
        self.accept_button.setEnabled(idle and suggestion)
        self.reject_button.setEnabled(idle and suggestion)
        self.delete_button.setEnabled(idle and box is not None and not suggestion)
        self._show_preview()
        if keep_status or not idle or self.photo is None:
            return
        covered, pending = len(self.canvas.covered()), self.canvas.pending()
        text = ngettext("{count} area to cover.", "{count} areas to cover.", covered).format(
            count=covered
        )
        if pending:
            text += " " + ngettext(
                "{count} suggested face not decided yet.",
                "{count} suggested faces not decided yet.",
                pending,
            ).format(count=pending)
        self.status.setText(text)

    def _show_preview(self) -> None:
        """The result on a scaled copy, drawn by the same code as the saved copy."""
        if not self.preview_box.isChecked() or self.photo is None or self._small is None:
            self.canvas.set_preview(None)
            return
        covered = media.redaction_preview(
            self._small, self.photo.size, self.canvas.covered(), self.redaction_style
        )
        self.canvas.set_preview(to_qimage(covered))
