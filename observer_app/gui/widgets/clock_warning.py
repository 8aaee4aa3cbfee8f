"""The warning a form shows under its time while the person types: the record's time far from
the mission's polling day, or this computer's zone unlike the stations' (`logbook.clock_warnings`
decides). It only warns: the record can still be saved."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from observer_app.i18n import _
from observer_app.logbook.clock_warnings import recording_warnings
from observer_app.logbook.session import LogbookSession


class ClockWarning(QLabel):
    def __init__(self, session: LogbookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWordWrap(True)
        self.setStyleSheet("color: #8a5300;")
        self.setAccessibleName(_("Clock warning"))
        self.hide()

    def check(self, typed: str | None, zone_name: str) -> None:
        """Judge the time the form would record (`typed`, None: now) in the station's zone."""
        warnings = recording_warnings(self.session, typed, zone_name)
        self.setText("\n".join("⚠ " + each for each in warnings))
        self.setVisible(bool(warnings))
