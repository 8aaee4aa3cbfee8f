"""The status bar: the holder's role, short fingerprint and what waits for the handoff."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from observer_app.core.roles import role_label
from observer_app.i18n import _, ngettext
from observer_app.logbook.handoff import ObserverStatus, handoff_status, last_failure
from observer_app.logbook.identity import whoami
from observer_app.logbook.session import LogbookSession


class StatusLine(QStatusBar):
    def __init__(self, session: LogbookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        holder = whoami(session)
        self.role = QLabel(role_label(holder.role))
        self.role.setAccessibleName(_("Role"))
        self.fingerprint = QLabel(_("Fingerprint {short}").format(short=holder.fingerprint_short))
        self.fingerprint.setAccessibleName(_("Short fingerprint"))
        self.fingerprint.setToolTip(holder.fingerprint)
        self.waiting = QLabel()
        self.waiting.setAccessibleName(_("Records waiting for handoff"))
        # A handoff that failed says so here until one succeeds (never silently); the vault
        # keeps the notice, so a new window (a lock, a restart) says it too.
        self.handoff_failure = QLabel()
        self.handoff_failure.setObjectName("handoff_failure")
        self.handoff_failure.setStyleSheet("color: #b00020")
        for label in (self.handoff_failure, self.role, self.fingerprint, self.waiting):
            self.addPermanentWidget(label)
        self.show_handoff_failure(last_failure(session))
        self.refresh()

    @property
    def handoff_failure_text(self) -> str | None:
        return self.handoff_failure.toolTip() or None

    def show_handoff_failure(self, text: str | None) -> None:
        self.handoff_failure.setText(_("Last handoff failed") if text else "")
        self.handoff_failure.setToolTip(text or "")
        self.handoff_failure.setVisible(bool(text))

    def refresh(self) -> None:
        status = handoff_status(self._session)
        if isinstance(status, ObserverStatus):
            count = status.events_waiting
            self.waiting.setText(
                ngettext(
                    "{count} record waiting for handoff",
                    "{count} records waiting for handoff",
                    count,
                ).format(count=count)
            )
        else:
            self.waiting.setText(
                ngettext(
                    "{count} observer's feed held",
                    "{count} observers' feeds held",
                    len(status.observers),
                ).format(count=len(status.observers))
            )
