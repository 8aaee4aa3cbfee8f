"""The emergency wipe, asked for in settings: a typed word (never a reflex click), a warning
when records still wait for handoff, then a short countdown that can still be cancelled.

The dialog only decides; `confirmed` tells the session flow, which closes the window and the
session, destroys the vault (`logbook/wipe.py`, no passphrase needed) and returns to the
chooser without it.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.i18n import _, ngettext
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.wipe import records_waiting

COUNTDOWN_SECONDS = 5
TICK_MS = 1000  # one second; the tests shorten it (a countdown is not a thing to sleep through)


class WipeDialog(QDialog):
    confirmed = Signal()
    """The countdown ran out: wipe now."""

    def __init__(
        self,
        session: LogbookSession,
        parent: QWidget | None = None,
        *,
        seconds: int | None = None,
        tick_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Emergency wipe"))
        # Translators: the word a person types to confirm the emergency wipe (capitals are fine).
        self.word = _("WIPE")
        intro = QLabel(
            _(
                "This destroys the vault on this computer for good: its keys and every record, "
                "photo and draft. Nothing can be recovered afterwards, not even with the "
                "passphrase."
            )
        )
        intro.setWordWrap(True)
        waiting = records_waiting(session)
        self.waiting = QLabel(
            ngettext(
                "{count} record waits for handoff and will be lost.",
                "{count} records wait for handoff and will be lost.",
                waiting,
            ).format(count=waiting)
            if waiting
            else ""
        )
        self.waiting.setObjectName("waiting")
        self.waiting.setStyleSheet("color: #b00020; font-weight: bold")
        self.waiting.setWordWrap(True)
        self.waiting.setVisible(bool(waiting))
        prompt = QLabel(_("Type {word} to go on:").format(word=self.word))
        self.typed = QLineEdit()
        self.typed.setAccessibleName(_("Confirmation word"))
        prompt.setBuddy(self.typed)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.wipe_button = QPushButton(_("&Wipe the vault"))
        self.wipe_button.setEnabled(False)
        self.wipe_button.clicked.connect(self.start_countdown)
        self.typed.textChanged.connect(self._typed)
        self.typed.returnPressed.connect(self.start_countdown)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.wipe_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.waiting)
        layout.addWidget(prompt)
        layout.addWidget(self.typed)
        layout.addWidget(self.countdown)
        layout.addLayout(buttons)
        self.seconds = seconds or COUNTDOWN_SECONDS
        self.left = self.seconds
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms or TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.setMinimumWidth(560)
        self.typed.setFocus()

    def _matches(self) -> bool:
        answer = self.typed.text().strip().casefold()
        return answer in {self.word.casefold(), "wipe"}

    def _typed(self, _text: str) -> None:
        self.wipe_button.setEnabled(self._matches() and not self.timer.isActive())

    def start_countdown(self) -> None:
        if not self._matches() or self.timer.isActive():
            return
        self.left = self.seconds
        self.typed.setEnabled(False)
        self.wipe_button.setEnabled(False)
        self._show_left()
        self.cancel_button.setFocus()
        self.timer.start()

    def _show_left(self) -> None:
        self.countdown.setText(
            ngettext(
                "Wiping in {count} second — press Cancel or Esc to stop.",
                "Wiping in {count} seconds — press Cancel or Esc to stop.",
                self.left,
            ).format(count=self.left)
        )

    def _tick(self) -> None:
        self.left -= 1
        if self.left > 0:
            self._show_left()
            return
        self.timer.stop()
        self.countdown.setText(_("Wiping…"))
        self.accept()
        self.confirmed.emit()

    def cancel(self) -> None:
        """Stop the countdown (nothing was touched); a second Cancel closes the dialog."""
        if self.timer.isActive():
            self.timer.stop()
            self.countdown.setText(_("Cancelled: nothing was wiped."))
            self.typed.setEnabled(True)
            self._typed(self.typed.text())
            self.typed.setFocus()
            return
        self.reject()

    def reject(self) -> None:
        if self.timer.isActive():  # Esc during the countdown stops it first
            self.cancel()
            return
        super().reject()
