"""The left-hand panel: the stations (or all of them) and the visits to the selected one."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QVBoxLayout, QWidget

from observer_app.gui.models.station_model import StationModel
from observer_app.i18n import _
from observer_app.logbook.localtime import format_local, format_local_time
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.visits import list_visits


class StationPanel(QWidget):
    station_changed = Signal(object)
    """The selected station's code, or None for all stations."""

    def __init__(self, session: LogbookSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = StationModel(session)
        self.stations = QListView()
        self.stations.setModel(self.model)
        self.stations.setAccessibleName(_("Stations"))
        self.visits = QListWidget()
        self.visits.setAccessibleName(_("Visits to the selected station"))
        # A visit's line is long in Kazakh ("2026 ж. 15 наурыз, 06:15 – 13:30"): wrap it in the
        # narrow column rather than hide its end behind a horizontal scroll bar.
        self.visits.setWordWrap(True)
        self.visits.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        stations_label = QLabel(_("&Stations"))
        stations_label.setBuddy(self.stations)
        visits_label = QLabel(_("Visits"))
        visits_label.setBuddy(self.visits)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(stations_label)
        layout.addWidget(self.stations, 3)
        layout.addWidget(visits_label)
        layout.addWidget(self.visits, 2)
        self._shown_code: str | None = None
        self.stations.selectionModel().selectionChanged.connect(self._selected)
        self.stations.setCurrentIndex(self.model.index(0))
        self._show_visits()

    @property
    def current_code(self) -> str | None:
        index = self.stations.currentIndex()
        return self.model.code(index.row()) if index.isValid() else None

    def select(self, code: str | None) -> None:
        self.stations.setCurrentIndex(self.model.index(self.model.row_of(code)))

    def reload(self) -> None:
        code = self.current_code
        self.model.reload()
        self.stations.setCurrentIndex(self.model.index(self.model.row_of(code)))
        self._show_visits()

    def _selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show_visits()
        code = self.current_code
        if code != self._shown_code:
            self._shown_code = code
            self.station_changed.emit(code)

    def _show_visits(self) -> None:
        self.visits.clear()
        code = self.current_code
        for visit in list_visits(self._session, code):
            start = format_local(visit.started_utc, visit.tz)
            if visit.ended_utc is None:
                text = _("{station}: since {start}").format(station=visit.station, start=start)
            else:
                text = _("{station}: {start} – {end}").format(
                    station=visit.station,
                    start=start,
                    end=format_local_time(visit.ended_utc, visit.tz),
                )
            for pause in visit.breaks:
                end = format_local_time(pause.ended_utc, visit.tz) if pause.ended_utc else _("now")
                text += "\n    " + _("break {start} – {end}").format(
                    start=format_local_time(pause.started_utc, visit.tz), end=end
                )
            self.visits.addItem(text)
