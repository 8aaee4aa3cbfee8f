"""Search: words (any form, Cyrillic or Latin, category names too) and filters by phase,
category, severity, station and period; Enter on a result opens the record.

Words go to the full-text index; filters to the timeline's typed filter. With both, a result
must satisfy both (the records the filtered events belong to)."""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.catalogue import Catalogue
from observer_app.core.paging import MAX_PAGE
from observer_app.core.timeline_filter import TimelineFilter
from observer_app.errors import ObserverError
from observer_app.gui.record_refs import RecordRef, record_of
from observer_app.i18n import _
from observer_app.logbook.read_models import search_page
from observer_app.logbook.record_words import RecordWords
from observer_app.logbook.search import timeline_filter
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import list_stations
from observer_app.logbook.timeline import timeline_page

REF_ROLE: Final = Qt.ItemDataRole.UserRole + 1
MAX_RESULTS: Final = MAX_PAGE


def _combo(accessible: str, anything: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    combo.addItem(anything, None)
    return combo


class SearchDialog(QDialog):
    opened = Signal(object)
    """The `RecordRef` of the result chosen (a station: kind "station", id its code)."""

    def __init__(
        self, session: LogbookSession, catalogue: Catalogue, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.catalogue = catalogue
        words = RecordWords(catalogue)
        self.setWindowTitle(_("Search"))
        self.words = QLineEdit()
        self.words.setAccessibleName(_("Words to find"))
        self.words.setPlaceholderText(_("Words in any form, e.g. бюллетень, ballot, сайлау"))
        self.phase = _combo(_("Phase"), _("Any phase"))
        for phase in catalogue.phases:
            self.phase.addItem(words.label(phase.label), phase.id)
        self.category = _combo(_("Category"), _("Any category"))
        for category in catalogue.incident_categories:
            self.category.addItem(words.label(category.label), category.id)
        self.severity = _combo(_("Severity"), _("Any severity"))
        for term in catalogue.severities:
            self.severity.addItem(words.label(term.label), term.id)
        self.station = _combo(_("Station"), _("Any station"))
        for row in list_stations(session):
            self.station.addItem(f"{row.code} · {row.name}", row.code)
        self.since = QLineEdit()
        self.since.setAccessibleName(_("From (date and time)"))
        self.since.setPlaceholderText("2026-03-15T07:00")
        self.until = QLineEdit()
        self.until.setAccessibleName(_("Until (date and time)"))
        self.until.setPlaceholderText("2026-03-15T20:00")
        period = QHBoxLayout()
        period.addWidget(self.since)
        period.addWidget(QLabel("–"))
        period.addWidget(self.until)
        form = QFormLayout()
        for text, widget in (
            (_("&Words:"), self.words),
            (_("P&hase:"), self.phase),
            (_("&Category:"), self.category),
            (_("Se&verity:"), self.severity),
            (_("&Station:"), self.station),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        period_label = QLabel(_("&Period:"))
        period_label.setBuddy(self.since)
        form.addRow(period_label, period)
        self.results = QListWidget()
        self.results.setAccessibleName(_("Search results"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.results)
        self.resize(760, 560)
        self.words.returnPressed.connect(self.run)
        for combo in (self.phase, self.category, self.severity, self.station):
            combo.activated.connect(lambda index: self.run())
        for edit in (self.since, self.until):
            edit.returnPressed.connect(self.run)
        self.results.itemActivated.connect(self._open)
        self.words.setFocus()

    def _filter(self) -> TimelineFilter | None:
        """The timeline filter of the chosen filters; None when none is chosen."""
        values = {
            "station": self.station.currentData(),
            "category": self.category.currentData(),
            "severity": self.severity.currentData(),
            "phase": self.phase.currentData(),
            "since": self.since.text().strip() or None,
            "until": self.until.text().strip() or None,
        }
        if all(value is None for value in values.values()):
            return None
        return timeline_filter(self.session, self.catalogue, **values)

    def run(self) -> None:
        self.results.clear()
        try:
            selection = self._filter()
            text = self.words.text().strip()
            if text:
                self._show_hits(text, selection)
            elif selection is not None:
                self._show_events(selection)
            else:
                self.summary.setText(_("Type words or choose a filter, then press Enter."))
                return
        except ObserverError as error:
            self.summary.setText(str(error))
            return
        count = self.results.count()
        self.summary.setText(
            _("{count} found").format(count=count) if count else _("Nothing found.")
        )
        if count:
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def _show_hits(self, text: str, selection: TimelineFilter | None) -> None:
        allowed: set[str] | None = None
        if selection is not None:
            page = timeline_page(self.session.conn, selection, limit=MAX_RESULTS)
            allowed = {ref.id for ref in map(record_of, page.rows) if ref is not None}
        for hit in search_page(self.session, text, limit=MAX_RESULTS).rows:
            if allowed is not None and hit.ref not in allowed:
                continue
            shown = f"[{hit.station or '-'}] {hit.snippet}"
            if hit.voided:
                shown += " " + _("(voided)")
            self._add(shown, RecordRef(hit.kind, hit.ref))

    def _show_events(self, selection: TimelineFilter) -> None:
        seen: set[RecordRef] = set()
        for entry in timeline_page(self.session.conn, selection, limit=MAX_RESULTS).rows:
            ref = record_of(entry)
            if ref is None or ref in seen:
                continue
            seen.add(ref)
            self._add(entry.text, ref)

    def _add(self, text: str, ref: RecordRef) -> None:
        item = QListWidgetItem(text)
        item.setData(REF_ROLE, ref)
        self.results.addItem(item)

    def _open(self, item: QListWidgetItem) -> None:
        ref = item.data(REF_ROLE)
        self.accept()
        self.opened.emit(ref)
