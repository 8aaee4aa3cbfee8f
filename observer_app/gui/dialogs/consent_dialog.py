"""The consent editor of one media item: its state, why it changed, who gave consent and how,
the history of changes, and what the chosen state allows, in words, before it is saved.

What a state allows comes from `core.consent` (the one place the rule lives), never decided
here. An anonymised copy keeps its state (only the redaction process sets it), so for a copy the
editor shows the state and history read-only. Saving goes through `Commands`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.consent import ConsentState, MediaUse, can_person_set, refusal_reason
from observer_app.errors import ObserverError
from observer_app.gui.actions import Commands
from observer_app.i18n import _
from observer_app.logbook.localtime import format_local
from observer_app.logbook.media import require_media
from observer_app.logbook.media_history import media_history
from observer_app.logbook.record_words import RecordWords


class ConsentDialog(QDialog):
    saved = Signal(str)  # the state saved

    def __init__(self, commands: Commands, media_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.commands = commands
        self.media_id = media_id
        self.words = RecordWords(commands.catalogue)
        item = require_media(commands.session, media_id)
        self.is_copy = item.is_derivative
        self.setWindowTitle(_("Consent for a media item"))
        title = QLabel(_("{name}: consent").format(name=item.original_name))
        title.setWordWrap(True)
        self.state_box = QComboBox()
        states = [ConsentState(item.consent)] if self.is_copy else list(ConsentState)
        for state in states:
            if self.is_copy or can_person_set(state):
                self.state_box.addItem(self.words.consent(state.value), state.value)
        self.state_box.setCurrentIndex(max(0, self.state_box.findData(item.consent)))
        self.state_box.setEnabled(not self.is_copy)
        self.allows = QLabel()
        self.allows.setWordWrap(True)
        self.reason = QLineEdit()
        self.note = QLineEdit(item.consent_note or "")
        self.note.setPlaceholderText(_("e.g. the chairperson, verbally, in front of a witness"))
        form = QFormLayout()
        form.addRow(_("&State:"), self.state_box)
        form.addRow(_("What it allows:"), self.allows)
        form.addRow(_("&Reason for the change:"), self.reason)
        form.addRow(_("&Who gave consent, and how:"), self.note)
        self.history = QListWidget()
        self.history.setAccessibleName(_("History of the item"))
        self.history.setWordWrap(True)  # long file names and reasons wrap, not scroll sideways
        self.status = QLabel()
        self.status.setWordWrap(True)
        if self.is_copy:
            self.status.setText(_("An anonymised copy keeps its state; change the original's."))
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setEnabled(not self.is_copy)
        self.save_button.clicked.connect(self.save)
        close = QPushButton(_("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("History:")))
        layout.addWidget(self.history)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.state_box.currentIndexChanged.connect(lambda _index: self._show_allows())
        self._show_allows()
        self._show_history()
        self.setMinimumWidth(640)
        self.reason.setFocus()

    def state(self) -> ConsentState:
        return ConsentState(str(self.state_box.currentData()))

    def _show_allows(self) -> None:
        """Each use in words: allowed, or not and why (the rule's own reason)."""
        lines = []
        for use in MediaUse:
            reason = refusal_reason(self.state(), use, is_derivative=self.is_copy)
            name = self.words.media_use(use.value)
            if reason is None:
                lines.append(_("{use}: allowed").format(use=name))
            else:
                lines.append(_("{use}: not allowed. {reason}").format(use=name, reason=reason))
        self.allows.setText("\n".join(lines))

    def _show_history(self) -> None:
        self.history.clear()
        for entry in media_history(self.commands.session.conn, self.media_id):
            when = format_local(entry.event.time_utc, entry.event.tz)
            text = entry.text
            note = entry.event.body.get("note") if entry.event.type == "media.consent" else None
            if isinstance(note, str) and note:
                text += " — " + note
            self.history.addItem(f"{when} — {text}")

    def save(self) -> None:
        note = self.note.text().strip() or None
        try:
            self.commands.set_consent(self.media_id, self.state().value, self.reason.text(), note)
        except ObserverError as error:
            self.status.setText(str(error))
            return
        self.saved.emit(self.state().value)
        self.accept()
