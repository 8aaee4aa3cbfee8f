"""The right-hand panel: the selected record as it stands now, and its history.

An incident shows its fields and each amendment as "field: old → new"; a voided record is
struck through with the reason; a visit (any of its events) its arrival, departure and every
break with its start and end. Everything is escaped: record text is outside data.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from observer_app.core.catalogue import Catalogue
from observer_app.core.timeline_filter import TimelineFilter
from observer_app.errors import ObserverError
from observer_app.gui.models.timeline_model import TimelineRow
from observer_app.gui.record_refs import RecordRef
from observer_app.i18n import _
from observer_app.logbook.incident_history import history_lines
from observer_app.logbook.incidents import incident_detail
from observer_app.logbook.localtime import format_local, format_local_time
from observer_app.logbook.media import require_media
from observer_app.logbook.media_history import media_history
from observer_app.logbook.media_words import media_lines
from observer_app.logbook.record_words import RecordWords
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.timeline import timeline_page
from observer_app.logbook.visits import list_visits


def _heading(text: str, level: int = 3) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


def _paragraph(text: str, struck: bool = False) -> str:
    body = escape(text).replace("\n", "<br>")
    return f"<p><s>{body}</s></p>" if struck else f"<p>{body}</p>"


def _table(rows: list[tuple[str, str]]) -> str:
    """Names and values, the names bold (both escaped)."""
    cells = "".join(
        f"<tr><td><b>{escape(name)}</b></td><td>{escape(value)}</td></tr>" for name, value in rows
    )
    return f"<table>{cells}</table>"


class DetailsPanel(QTextBrowser):
    def __init__(
        self, session: LogbookSession, catalogue: Catalogue, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._session = session
        self._words = RecordWords(catalogue)
        self.current: RecordRef | None = None
        self.setAccessibleName(_("Details of the selected record"))
        self.setOpenLinks(False)
        self.show_nothing()

    def show_nothing(self) -> None:
        self.current = None
        self.setHtml(_paragraph(_("Select an entry of the timeline to see its details.")))

    def show_entry(self, entry: TimelineRow) -> None:
        ref = entry.ref
        self.current = ref
        try:
            if ref is not None:
                self.setHtml(self._record_html(ref))
                return
        except ObserverError as error:
            self.setHtml(_paragraph(str(error)))
            return
        self.setHtml(
            _heading(entry.when)
            + _paragraph(entry.text)
            + _paragraph(_("Recorded by {author}").format(author=entry.author))
        )

    def show_record(self, ref: RecordRef) -> None:
        self.current = ref
        self.refresh()

    def refresh(self) -> None:
        if self.current is None:
            return
        try:
            self.setHtml(self._record_html(self.current))
        except ObserverError:
            self.show_nothing()

    def _record_html(self, ref: RecordRef) -> str:
        if ref.kind == "incident":
            return self._incident_html(ref.id)
        if ref.kind == "media":
            return self._media_html(ref.id)
        if ref.kind == "visit":
            return self._visit_html(ref.id)
        return self._note_html(ref.id)

    def _media_html(self, media_id: str) -> str:
        """A media item's facts and consent (its pixels are shown by the gallery, not here)."""
        item = require_media(self._session, media_id)
        rows = media_lines(item, self._words)
        table = "".join(
            f"<tr><td><b>{escape(name)}</b></td><td>{escape(value)}</td></tr>"
            for name, value in rows
        )
        parts = [_heading(_("Media item")), f"<table>{table}</table>"]
        parts.append(_heading(_("History"), 4))
        for entry in media_history(self._session.conn, media_id):
            when = format_local(entry.event.time_utc, entry.event.tz)
            parts.append(_paragraph(f"{when} — {entry.text}"))
        return "".join(parts)

    def _incident_html(self, incident_id: str) -> str:
        detail = incident_detail(self._session, incident_id)
        incident = detail.incident
        words = self._words
        rows = [
            (_("Category"), words.category(incident.category)),
            (_("Station"), incident.station),
            (_("Time"), format_local(incident.occurred_utc, incident.tz)),
            (_("Severity"), words.severity(incident.severity)),
            (_("Seen"), words.field_value("seen", incident.seen)),
            (_("Follow-up"), words.field_value("follow_up", incident.follow_up)),
            (_("Persons involved"), ", ".join(incident.persons) or "-"),
            (_("Witnesses"), ", ".join(incident.witnesses) or "-"),
        ]
        parts = [_heading(_("Incident"))]
        if incident.voided:
            parts.append(
                _paragraph(_("Voided: {reason}").format(reason=incident.void_reason or ""))
            )
        parts.append(_table(rows))
        parts.append(_paragraph(incident.text, struck=incident.voided))
        parts.append(_heading(_("History"), 4))
        for line in history_lines(detail.history, words, incident.tz):
            parts.append(_paragraph(f"{line.when} — {line.text}"))
        return "".join(parts)

    def _visit_html(self, visit_id: str) -> str:
        visit = next((row for row in list_visits(self._session) if row.id == visit_id), None)
        if visit is None:
            return _paragraph(_("This visit is not in the vault."))
        zone = visit.tz
        rows = [
            (_("Station"), visit.station),
            (_("Arrival"), format_local(visit.started_utc, zone)),
            (
                _("Departure"),
                format_local(visit.ended_utc, zone) if visit.ended_utc else _("still there"),
            ),
        ]
        for number, pause in enumerate(visit.breaks, 1):
            end = format_local_time(pause.ended_utc, zone) if pause.ended_utc else _("not ended")
            span = _("{start} – {end}").format(start=format_local(pause.started_utc, zone), end=end)
            rows.append((_("Break {number}").format(number=number), span))
        return _heading(_("Visit")) + _table(rows)

    def _note_html(self, note_id: str) -> str:
        page = timeline_page(self._session.conn, TimelineFilter(record=note_id), limit=1000)
        text = ""
        voided: str | None = None
        history: list[str] = []
        for entry in page.rows:
            body = entry.event.body
            when = format_local(entry.event.time_utc, entry.event.tz)
            if entry.event.type == "note.added":
                text = str(body.get("text", ""))
                history.append(when + " — " + _("recorded"))
            elif entry.event.type == "note.amended":
                new = str(body.get("text", ""))
                history.append(
                    f"{when} — "
                    + _("amended: {changes}").format(
                        changes=_("{field}: {old} → {new}").format(
                            field=_("text"), old=text, new=new
                        )
                    )
                )
                text = new
            elif entry.event.type == "note.voided":
                voided = str(body.get("reason", ""))
                history.append(f"{when} — " + _("voided: {reason}").format(reason=voided))
        parts = [_heading(_("Note"))]
        if voided is not None:
            parts.append(_paragraph(_("Voided: {reason}").format(reason=voided)))
        parts.append(_paragraph(text, struck=voided is not None))
        parts.append(_heading(_("History"), 4))
        parts.extend(_paragraph(line) for line in history)
        return "".join(parts)
