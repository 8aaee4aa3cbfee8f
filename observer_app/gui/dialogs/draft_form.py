"""What every form dialog shares: nothing typed is lost.

The form's content is saved as a draft in the vault every few seconds while it changes, and at
once when the dialog is closed with Esc or the vault locks; Ctrl+Enter saves the record (which
deletes the draft in the same transaction); discarding is an explicit button. A failed save
shows why and keeps everything in the form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from observer_app.errors import ObserverError
from observer_app.gui.actions import Commands
from observer_app.i18n import _

DRAFT_INTERVAL_MS: Final = 3000
"""At most this much typing is lost to a crash or a power cut."""


class DraftForm(QDialog):
    saved = Signal(str)
    """Emitted with the record's id once it was recorded."""

    draft_kind: str = ""

    def __init__(
        self, commands: Commands, draft_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.draft_id = draft_id
        self._saved_content: str | None = None
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setAccessibleName(_("Problem"))
        self.error.hide()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            _("Save (Ctrl+Enter)"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setAccessibleName(_("Save"))
        self.save_button.setAutoDefault(False)
        self.discard_button = QPushButton(_("Discard the draft"))
        self.discard_button.setAccessibleName(_("Discard the draft"))
        self.discard_button.setAutoDefault(False)
        self.buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.close_button = self.buttons.addButton(
            _("Close, keep the draft (Esc)"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.close_button.setAccessibleName(_("Close and keep the draft"))
        self.close_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.save_record)
        self.buttons.rejected.connect(self.reject)
        self.discard_button.clicked.connect(self.discard)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save_record)
        self.timer = QTimer(self)
        self.timer.setInterval(DRAFT_INTERVAL_MS)
        self.timer.timeout.connect(self.keep_draft)
        self.timer.start()

    # -- for subclasses ----------------------------------------------------------------------

    def content(self) -> Mapping[str, Any]:
        """The form's fields as JSON values (what a draft stores)."""
        raise NotImplementedError

    def draft_station(self) -> str | None:
        return None

    def draft_target(self) -> str | None:
        return None

    def record(self) -> str:
        """Record what the form holds (raises ObserverError); returns the record's id."""
        raise NotImplementedError

    def is_empty(self) -> bool:
        """Nothing typed yet: no draft is worth keeping."""
        return False

    # -- drafts ------------------------------------------------------------------------------

    def keep_draft(self) -> None:
        """Save the draft if the content changed since the last save (a few ms, one UPSERT)."""
        if self.is_empty() and self.draft_id is None:
            return
        content = dict(self.content())
        text = json.dumps(content, sort_keys=True, ensure_ascii=False)
        if text == self._saved_content:
            return
        try:
            self.draft_id = self.commands.save_draft(
                self.draft_kind,
                content,
                self.draft_id,
                station=self.draft_station(),
                target=self.draft_target(),
            )
        except ObserverError as error:
            self.show_problem(str(error))
            return
        self._saved_content = text

    def discard(self) -> None:
        self.timer.stop()
        if self.draft_id is not None:
            try:
                self.commands.discard_draft(self.draft_id)
            except ObserverError as error:
                self.show_problem(str(error))
                return
            self.draft_id = None
        self._saved_content = None
        self.done(QDialog.DialogCode.Rejected)

    def reject(self) -> None:
        """Esc and Close keep what was typed as a draft."""
        self.timer.stop()
        self.keep_draft()
        super().reject()

    def save_record(self) -> None:
        try:
            record_id = self.record()
        except ObserverError as error:
            self.show_problem(str(error))
            return
        self.timer.stop()
        self.draft_id = None
        self.accept()
        self.saved.emit(record_id)

    def show_problem(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
