"""Record or amend an incident, keyboard first.

Opens with focus in the category field; typing filters the categories by name, Enter takes the
highlighted one and moves to the text. The station defaults to the current visit's (else the
last used), the time to now (in the station's zone), the severity to the category's until the
observer picks one. Ctrl+Enter saves; Esc closes and keeps a draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.catalogue import Catalogue
from observer_app.core.incidents import Incident
from observer_app.core.timeutil import DEFAULT_ZONE
from observer_app.errors import UsageError
from observer_app.gui.actions import Commands
from observer_app.gui.dialogs.draft_form import DraftForm
from observer_app.gui.form_values import clock_now, clock_of, lines_of
from observer_app.gui.widgets.category_picker import CategoryPicker
from observer_app.gui.widgets.clock_warning import ClockWarning
from observer_app.gui.widgets.photo_attachments import PhotoAttachments
from observer_app.i18n import _
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.media import Link
from observer_app.logbook.record_words import RecordWords
from observer_app.logbook.stations import list_stations


def _combo(accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    return combo


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class IncidentDialog(DraftForm):
    draft_kind = "incident"

    def __init__(
        self,
        commands: Commands,
        catalogue: Catalogue,
        *,
        station: str | None = None,
        incident: Incident | None = None,
        draft_id: str | None = None,
        draft: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(commands, draft_id, parent)
        self.catalogue = catalogue
        self.incident = incident
        words = RecordWords(catalogue)
        self.setWindowTitle(_("Amend the incident") if incident else _("New incident"))
        self.category = CategoryPicker(catalogue)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(_("What happened"))
        self.station = _combo(_("Station"))
        self._zones: dict[str, str] = {}
        for row in list_stations(commands.session):
            self.station.addItem(f"{row.code} · {row.name}", row.code)
            self._zones[row.code] = row.tz
        self.time = QLineEdit()
        self.time.setAccessibleName(_("Time"))
        self.time.setToolTip(_("A time of day such as 19:40, or a full date and time"))
        self.clock_warning = ClockWarning(commands.session)
        self.severity = _combo(_("Severity"))
        for term in catalogue.severities:
            self.severity.addItem(words.label(term.label), term.id)
        self.seen = _combo(_("Seen"))
        for term in catalogue.seen:
            self.seen.addItem(words.label(term.label), term.id)
        self.persons = QPlainTextEdit()
        self.persons.setTabChangesFocus(True)
        self.persons.setAccessibleName(_("Persons involved, one per line"))
        self.witnesses = QPlainTextEdit()
        self.witnesses.setTabChangesFocus(True)
        self.witnesses.setAccessibleName(_("Witnesses, one per line"))
        for box in (self.persons, self.witnesses):
            box.setMaximumHeight(self.fontMetrics().height() * 3 + 12)
        self.follow_up = _combo(_("Follow-up"))
        for term in catalogue.follow_ups:
            self.follow_up.addItem(words.label(term.label), term.id)
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Reason for the amendment"))
        self.photos = PhotoAttachments(commands, self._photo_link, self)
        self.photos.install_shortcut(self)
        form = QFormLayout()
        rows: list[tuple[str, QWidget]] = [
            (_("&Category:"), self.category),
            (_("&What happened:"), self.text),
            (_("&Station:"), self.station),
            (_("T&ime:"), self.time),
            (_("Se&verity:"), self.severity),
            (_("Seen &by:"), self.seen),
            (_("&Persons involved:"), self.persons),
            (_("Wit&nesses:"), self.witnesses),
            (_("&Follow-up:"), self.follow_up),
            (_("Photos:"), self.photos),
        ]
        if incident is not None:
            rows.append((_("&Reason:"), self.reason))
        for text, widget in rows:
            label = QLabel(text)
            label.setBuddy(widget.focusProxy() or widget)
            form.addRow(label, widget)
            if widget is self.time:
                form.addRow(self.clock_warning)
        self.setAcceptDrops(True)  # photos dropped anywhere on the form are attached
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        self._severity_chosen = False
        self._initial_time = ""
        self.category.picked.connect(self._category_picked)
        self.severity.activated.connect(self._severity_touched)
        self.station.currentIndexChanged.connect(self._station_changed)
        if incident is not None:
            self._fill_from(incident)
        else:
            if station is not None:
                _select(self.station, station)
            self._reset_time()
        if draft is not None:
            self.restore(draft)
        self.time.textChanged.connect(self._check_clock)
        self._check_clock()
        self.category.setFocus()

    # -- filling -----------------------------------------------------------------------------

    def _zone(self) -> str:
        return self._zones.get(str(self.station.currentData()), DEFAULT_ZONE)

    def _reset_time(self) -> None:
        self._initial_time = clock_now(self._zone())
        self.time.setText(self._initial_time)

    def _fill_from(self, incident: Incident) -> None:
        self.category.set_category(incident.category)
        self.text.setPlainText(incident.text)
        _select(self.station, incident.station)
        self._initial_time = clock_of(incident.occurred_utc, incident.tz)
        self.time.setText(self._initial_time)
        _select(self.severity, incident.severity)
        self._severity_chosen = True
        _select(self.seen, incident.seen)
        _select(self.follow_up, incident.follow_up)
        self.persons.setPlainText("\n".join(incident.persons))
        self.witnesses.setPlainText("\n".join(incident.witnesses))

    def restore(self, draft: Mapping[str, Any]) -> None:
        if isinstance(draft.get("category"), str):
            self.category.set_category(draft["category"])
        elif isinstance(draft.get("category_text"), str):
            self.category.filter.setText(draft["category_text"])
        self.text.setPlainText(str(draft.get("text", "")))
        _select(self.station, draft.get("station"))
        if isinstance(draft.get("time"), str):
            self.time.setText(draft["time"])
        if isinstance(draft.get("initial_time"), str):
            self._initial_time = draft["initial_time"]
        _select(self.severity, draft.get("severity"))
        self._severity_chosen = bool(draft.get("severity_chosen"))
        _select(self.seen, draft.get("seen"))
        _select(self.follow_up, draft.get("follow_up"))
        self.persons.setPlainText(str(draft.get("persons", "")))
        self.witnesses.setPlainText(str(draft.get("witnesses", "")))
        self.reason.setText(str(draft.get("reason", "")))
        attached = draft.get("media")
        if isinstance(attached, list):
            self.photos.set_media([str(media_id) for media_id in attached])

    def _category_picked(self, category_id: str) -> None:
        if not self._severity_chosen:
            _select(self.severity, self.catalogue.category(category_id).default_severity)
        self.text.setFocus()

    def _photo_link(self) -> Link | None:
        """An incident being amended takes its photos at once; a new one keeps them with its
        station until it is saved (then they are linked to it too)."""
        if self.incident is not None:
            return Link("incident", self.incident.id)
        code = self.station.currentData()
        return Link("station", str(code)) if code else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.photos.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.photos.dropEvent(event)

    def _severity_touched(self, index: int) -> None:
        self._severity_chosen = True

    def _station_changed(self, index: int) -> None:
        if self.incident is None and self.time.text() == self._initial_time:
            self._reset_time()
        self._check_clock()

    def _check_clock(self) -> None:
        """Warn before saving when the time to be recorded (or the computer's zone) looks
        wrong; an amendment that keeps the incident's time is judged on that time."""
        typed = self._typed_time()
        if typed is None and self.incident is not None:
            typed = self.incident.occurred_utc
        self.clock_warning.check(typed, self._zone())

    # -- DraftForm ---------------------------------------------------------------------------

    def content(self) -> Mapping[str, Any]:
        return {
            "category": self.category.chosen,
            "category_text": self.category.filter.text(),
            "text": self.text.toPlainText(),
            "station": self.station.currentData(),
            "time": self.time.text(),
            "initial_time": self._initial_time,
            "severity": self.severity.currentData(),
            "severity_chosen": self._severity_chosen,
            "seen": self.seen.currentData(),
            "follow_up": self.follow_up.currentData(),
            "persons": self.persons.toPlainText(),
            "witnesses": self.witnesses.toPlainText(),
            "reason": self.reason.text(),
            "media": list(self.photos.media_ids),
        }

    def draft_station(self) -> str | None:
        code = self.station.currentData()
        return str(code) if code else None

    def draft_target(self) -> str | None:
        return self.incident.id if self.incident else None

    def is_empty(self) -> bool:
        return (
            not self.text.toPlainText().strip()
            and self.category.chosen is None
            and not self.photos.media_ids
        )

    def _typed_time(self) -> str | None:
        typed = self.time.text().strip()
        return None if typed == self._initial_time or not typed else typed

    def record(self) -> str:
        if self.photos.running:
            raise UsageError(_("The photos are still being imported: wait, or stop them."))
        if self.category.chosen is None:
            self.category.setFocus()
            raise UsageError(_("Choose a category: type part of its name and press Enter."))
        if self.station.currentData() is None:
            raise UsageError(_("Add a station first (observer-cli station add)."))
        if self.incident is not None:
            return self._amend(self.incident)
        fields = {
            "station": str(self.station.currentData()),
            "category": self.category.chosen,
            "text": self.text.toPlainText(),
            "time": self._typed_time(),
            "severity": self.severity.currentData(),
            "seen": self.seen.currentData(),
            "persons": lines_of(self.persons.toPlainText()),
            "witnesses": lines_of(self.witnesses.toPlainText()),
            "follow_up": self.follow_up.currentData(),
            "media": list(self.photos.media_ids),
        }
        return self.commands.add_incident(fields, self.draft_id)

    def _amend(self, incident: Incident) -> str:
        changes = IncidentChanges(
            station=str(self.station.currentData()),
            category=self.category.chosen,
            text=self.text.toPlainText(),
            time=self._typed_time(),
            severity=str(self.severity.currentData()),
            seen=str(self.seen.currentData()),
            follow_up=str(self.follow_up.currentData()),
            persons=tuple(lines_of(self.persons.toPlainText())),
            witnesses=tuple(lines_of(self.witnesses.toPlainText())),
        )
        self.commands.amend_incident(
            incident.id, changes, self.reason.text().strip() or None, self.draft_id
        )
        return incident.id
