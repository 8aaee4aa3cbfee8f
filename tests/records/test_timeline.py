from __future__ import annotations

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.errors import UsageError, UserActionError
from observer_app.logbook import checklist, incidents, notes, visits
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.localtime import format_local, local_iso, resolve_time
from observer_app.logbook.search import timeline_filter
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.timeline import timeline


def _types(session: LogbookSession, catalogue: Catalogue, **filters: str) -> list[str]:
    selection = timeline_filter(session, catalogue, **filters)
    return [entry.event.type for entry in timeline(session.conn, selection)]


def test_log_filters_by_station_category_and_severity(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    visits.start_visit(day, "101", "2026-03-15T06:30")
    checklist.answer_item(day, catalogue, "AKT-7", "OPN02", "yes")
    stuffing = incidents.add_incident(day, catalogue, "AKT-7", "ballot_stuffing", "x")
    incidents.amend_incident(day, catalogue, stuffing, IncidentChanges(station="101"))
    other = incidents.add_incident(day, catalogue, "AKT-7", "campaigning", "y")
    incidents.void_incident(day, other, "ошибка")
    notes.add_note(day, "note at 101", "101")
    assert _types(day, catalogue, station="101") == [
        "station.added",
        "visit.started",
        "incident.added",
        "incident.amended",
        "note.added",
    ]
    assert _types(day, catalogue, station="AKT-7") == [
        "station.added",
        "checklist.answered",
        "incident.added",
        "incident.added",
        "incident.voided",
    ]
    assert _types(day, catalogue, category="campaigning") == ["incident.added", "incident.voided"]
    assert _types(day, catalogue, severity="critical") == ["incident.added", "incident.amended"]
    assert _types(day, catalogue, station="AKT-7", severity="low") == [
        "incident.added",
        "incident.voided",
    ]
    with pytest.raises(UsageError):
        timeline_filter(day, catalogue, severity="urgent")
    with pytest.raises(UserActionError):
        timeline_filter(day, catalogue, station="999")


def test_every_record_event_has_a_description(day: LogbookSession, catalogue: Catalogue) -> None:
    visits.start_visit(day, "101", "2026-03-15T06:30")
    visits.pause_visit(day, "101", "2026-03-15T10:00")
    visits.end_visit(day, "101", "2026-03-15T12:00")
    checklist.answer_item(day, catalogue, "101", "ARR04", "police,media")
    incident_id = incidents.add_incident(
        day, catalogue, "101", "other", "текст", time="2026-03-15T09:15"
    )
    incidents.amend_incident(day, catalogue, incident_id, IncidentChanges(status="confirmed"))
    incidents.void_incident(day, incident_id, "дубль")
    texts = {e.event.type: e.text for e in timeline(day.conn)}
    assert texts["visit.started"] == "arrived at station 101 at 06:30"
    assert texts["visit.paused"] == "break at station 101 from 10:00"
    assert texts["visit.resumed"] == "break at station 101 ended at 12:00"
    # Items, answers, categories and severities by their names, not their ids.
    assert texts["checklist.answered"] == (
        "station 101: Who else is present: Police, Media representatives"
    )
    other, low = catalogue.category("other").label.en, catalogue.severity("low").label.en
    assert texts["incident.added"] == f"incident at 101 ({other}, {low}) at 09:15: текст"
    assert texts["incident.amended"].endswith("amended: status")
    assert texts["incident.voided"].endswith("voided: дубль")
    assert texts["station.added"] == "station AKT-7 added: Ақтөбе мектебі"
    assert texts["mission.set"] == "mission set: Test mission (2026-03-15)"


def test_local_times_are_formatted_per_language() -> None:
    stored = resolve_time("2026-03-15T07:05", "Asia/Almaty")
    assert stored == "2026-03-15T02:05:00.000Z"
    assert local_iso(stored, "Asia/Almaty") == "2026-03-15T07:05:00+05:00"
    assert format_local(stored, "Asia/Almaty", "en") == "Mar 15, 2026, 07:05"
    assert format_local(stored, "Asia/Almaty", "ru") == "15 мар. 2026\u202fг., 07:05"
    assert format_local(stored, "Asia/Almaty", "kk") == "2026\u202fж. 15 наурыз, 07:05"
    assert resolve_time("2026-03-15T07:05+06:00", "Asia/Almaty") == "2026-03-15T01:05:00.000Z"
