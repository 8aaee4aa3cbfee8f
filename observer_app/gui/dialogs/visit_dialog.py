"""Arrival, departure or a break at a station: the time prefilled (now, in the station's zone)
and editable; Enter records it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.timeutil import DEFAULT_ZONE
from observer_app.errors import ObserverError
from observer_app.gui.form_values import clock_now
from observer_app.gui.widgets.clock_warning import ClockWarning
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import list_stations

VisitCall = Callable[[str, str | None], str]
"""`(station code, typed time or None for now) -> id`: a `Commands` visit method."""


class VisitDialog(QDialog):
    recorded = Signal(str)

    def __init__(
        self,
        session: LogbookSession,
        title: str,
        call: VisitCall,
        station: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.call = call
        self.station = QComboBox()
        self.station.setAccessibleName(_("Station"))
        self._zones: dict[str, str] = {}
        for row in list_stations(session):
            self.station.addItem(f"{row.code} · {row.name}", row.code)
            self._zones[row.code] = row.tz
        index = self.station.findData(station)
        self.station.setCurrentIndex(max(index, 0))
        self.time = QLineEdit()
        self.time.setAccessibleName(_("Time"))
        self._initial = ""
        self._prefill()
        self.station.currentIndexChanged.connect(lambda index: self._prefill())
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.clock_warning = ClockWarning(session)
        form = QFormLayout()
        for text, widget in ((_("&Station:"), self.station), (_("T&ime:"), self.time)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(self.clock_warning)
        self.time.textChanged.connect(self._check_clock)
        self.station.currentIndexChanged.connect(lambda index: self._check_clock())
        self._check_clock()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        self.time.returnPressed.connect(self.record)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.time.setFocus()
        self.time.selectAll()

    def _prefill(self) -> None:
        zone = self._zones.get(str(self.station.currentData()), DEFAULT_ZONE)
        if self.time.text() in ("", self._initial):
            self._initial = clock_now(zone)
            self.time.setText(self._initial)

    def _typed(self) -> str | None:
        """The time typed, None when it is the prefilled now."""
        typed = self.time.text().strip()
        return None if typed in ("", self._initial) else typed

    def _check_clock(self) -> None:
        zone = self._zones.get(str(self.station.currentData()), DEFAULT_ZONE)
        self.clock_warning.check(self._typed(), zone)

    def record(self) -> None:
        code = self.station.currentData()
        if code is None:
            self.error.setText(_("Add a station first (observer-cli station add)."))
            return
        try:
            visit_id = self.call(str(code), self._typed())
        except ObserverError as error:
            self.error.setText(str(error))
            return
        self.accept()
        self.recorded.emit(visit_id)
