"""Incidents: what was seen, where and when, how serious, and what followed.

An incident is never edited in place: an amendment is an event naming the changed fields, a void
is an event with a reason, and `incident show` lists those events as the history. Only the
author amends or voids their own incidents (their feed is the only one they sign).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from observer_app.core.catalogue import Catalogue
from observer_app.core.ids import new_id
from observer_app.core.incidents import VOCABULARY_OF_FIELD, Incident
from observer_app.errors import UsageError, UserActionError
from observer_app.i18n import _
from observer_app.logbook.localtime import local_iso
from observer_app.logbook.observers import names_by_feed, observer_name
from observer_app.logbook.refs import resolve_record
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.logbook.typed_time import record_time
from observer_app.vault.journal import Event
from observer_app.vault.projection.incidents import (
    INCIDENT_ADDED,
    INCIDENT_AMENDED,
    INCIDENT_VOIDED,
)
from observer_app.vault.queries import incidents as queries
from observer_app.vault.queries.annotations import AnnotationRow, annotations_of


@dataclass(frozen=True)
class IncidentChanges:
    """What an amendment may change; None leaves a field as it is."""

    station: str | None = None
    category: str | None = None
    text: str | None = None
    time: str | None = None
    severity: str | None = None
    seen: str | None = None
    status: str | None = None
    follow_up: str | None = None
    persons: tuple[str, ...] | None = None
    witnesses: tuple[str, ...] | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass(frozen=True)
class HistoryEntry:
    """One event of an incident's life: reported, amended (with the changes) or voided."""

    event: Event

    @property
    def kind(self) -> str:
        return self.event.type.removeprefix("incident.")

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.event.type,
            "seq": self.event.seq,
            "hash": self.event.hash,
            "time_utc": self.event.time_utc,
            "local_time": local_iso(self.event.time_utc, self.event.tz),
            "tz": self.event.tz,
            "body": dict(self.event.body),
        }


@dataclass(frozen=True)
class IncidentDetail:
    """An incident with its history, the observer who recorded it and the coordinator's
    annotation of it (if any), which is kept beside the observer's record, never in it."""

    incident: Incident
    history: tuple[HistoryEntry, ...]
    observer: str = ""
    annotation: AnnotationRow | None = None

    def to_json(self) -> dict[str, Any]:
        document = self.incident.to_json()
        document["local_time"] = local_iso(self.incident.occurred_utc, self.incident.tz)
        document["history"] = [entry.to_json() for entry in self.history]
        document["observer"] = self.observer
        document["annotation"] = None if self.annotation is None else self.annotation.to_json()
        return document


def _text(text: str) -> str:
    clean = text.strip()
    if not clean:
        raise UsageError(_("The incident text must not be empty."))
    return clean


def _names(values: Iterable[str]) -> list[str]:
    return [" ".join(v.split()) for v in values if v.strip()]


def _term(catalogue: Catalogue, vocabulary: str, value: str | None) -> str:
    """A vocabulary id (usage error listing the allowed ones); the first entry by default."""
    if value is None:
        return catalogue.vocabulary(vocabulary)[0].id
    return catalogue.term(vocabulary, value).id


def add_incident(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str,
    category: str,
    text: str,
    *,
    time: str | None = None,
    severity: str | None = None,
    seen: str | None = None,
    persons: Iterable[str] = (),
    witnesses: Iterable[str] = (),
    status: str | None = None,
    follow_up: str | None = None,
    draft_id: str | None = None,
) -> str:
    """Record an incident; severity defaults to the category's. Returns the new id.

    `draft_id` names the draft it was typed in, deleted in the same transaction."""
    station = require_station(session, code)
    found_category = catalogue.category(category)
    incident_id = new_id()
    body = {
        "id": incident_id,
        "station": station.code,
        "category": found_category.id,
        "severity": (
            catalogue.severity(severity).id
            if severity is not None
            else found_category.default_severity
        ),
        "seen": _term(catalogue, "seen", seen),
        "status": _term(catalogue, "incident_status", status),
        "follow_up": _term(catalogue, "follow_up", follow_up),
        "text": _text(text),
        "persons": _names(persons),
        "witnesses": _names(witnesses),
        "at": record_time(session, time, station.tz),
    }
    session.record(INCIDENT_ADDED, body, tz=station.tz, draft_id=draft_id)
    return incident_id


def resolve_incident_id(session: LogbookSession, prefix: str) -> str:
    """The full id for a reference (`I-12`, `I-12@author`) or a unique prefix of 8+ characters
    (usage error otherwise)."""
    return resolve_record(session, prefix, "incident", queries.incident_ids(session.conn))


def get_incident(session: LogbookSession, incident_id: str) -> Incident:
    found = queries.get_incident(session.conn, incident_id)
    if found is None:
        raise UserActionError(_("No incident {id}.").format(id=incident_id))
    return found


def _own_live_incident(session: LogbookSession, incident_id: str) -> Incident:
    incident = get_incident(session, incident_id)
    if incident.feed != session.identity.feed:
        raise UserActionError(
            _(
                "Only the author of an incident can amend or void it; a coordinator marks "
                "another observer's incident with 'annotate ID --status ...'."
            )
        )
    if incident.voided:
        raise UserActionError(_("Incident {id} is voided.").format(id=incident_id))
    return incident


def _amendment(
    session: LogbookSession, catalogue: Catalogue, incident: Incident, changes: IncidentChanges
) -> tuple[dict[str, Any], str]:
    """The changed fields (only those that differ) and the zone of the amended incident."""
    proposed: dict[str, Any] = {}
    zone = incident.tz
    station_code = incident.station
    if changes.station is not None:
        station = require_station(session, changes.station)
        station_code, zone = station.code, station.tz
        proposed["station"] = station.code
        proposed["tz"] = station.tz
    category = incident.category
    if changes.category is not None:
        category = catalogue.category(changes.category).id
        proposed["category"] = category
    for name, vocabulary in VOCABULARY_OF_FIELD.items():
        value = getattr(changes, name)
        if value is not None:
            proposed[name] = _term(catalogue, vocabulary, value)
    if changes.severity is None and category != incident.category:
        # A severity left at the old category's default follows the new category.
        old_default = _default_severity(catalogue, incident.category)
        if incident.severity == old_default:
            proposed["severity"] = catalogue.category(category).default_severity
    if changes.text is not None:
        proposed["text"] = _text(changes.text)
    if changes.time is not None:
        proposed["at"] = record_time(session, changes.time, zone)
    if changes.persons is not None:
        proposed["persons"] = _names(changes.persons)
    if changes.witnesses is not None:
        proposed["witnesses"] = _names(changes.witnesses)
    current = incident.field_values()
    real = {k: v for k, v in proposed.items() if current.get(k) != v}
    if station_code == incident.station:
        real.pop("tz", None)
    return real, zone


def _default_severity(catalogue: Catalogue, category: str) -> str | None:
    try:
        return catalogue.category(category).default_severity
    except UsageError:
        return None


def amend_incident(
    session: LogbookSession,
    catalogue: Catalogue,
    incident_id: str,
    changes: IncidentChanges,
    reason: str | None = None,
    *,
    draft_id: str | None = None,
) -> dict[str, Any]:
    """Record the fields that change; returns them. Nothing to change is a usage error.

    `draft_id` names the amendment's draft, deleted in the same transaction."""
    incident = _own_live_incident(session, incident_id)
    if changes.is_empty():
        raise UsageError(_("Nothing to amend: give at least one field to change."))
    real, zone = _amendment(session, catalogue, incident, changes)
    if not real:
        raise UsageError(_("Nothing to amend: the incident already has these values."))
    body: dict[str, Any] = {
        "target": incident.id,
        "station": real.get("station", incident.station),
        "changes": real,
    }
    if reason is not None and reason.strip():
        body["reason"] = reason.strip()
    session.record(INCIDENT_AMENDED, body, tz=zone, draft_id=draft_id)
    return real


def void_incident(session: LogbookSession, incident_id: str, reason: str) -> None:
    incident = _own_live_incident(session, incident_id)
    if not reason.strip():
        raise UsageError(_("A reason is required to void an incident."))
    session.record(
        INCIDENT_VOIDED,
        {"target": incident.id, "station": incident.station, "reason": reason.strip()},
        tz=incident.tz,
    )


def incident_detail(session: LogbookSession, incident_id: str) -> IncidentDetail:
    incident = get_incident(session, incident_id)
    events = queries.incident_histories(session.conn, incident.feed, [incident])
    return IncidentDetail(
        incident,
        tuple(HistoryEntry(event) for event in events.get(incident.id, ())),
        observer_name(names_by_feed(session), incident.feed),
        annotations_of(session.conn, [incident.id]).get(incident.id),
    )


def list_incidents(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    limit: int | None = 100,
    *,
    feed: str | None = None,
) -> list[Incident]:
    """Newest first, of every feed (or one: `feed`); filters are validated so that a typo is
    an error, not an empty list."""
    return queries.newest_incidents(
        session.conn,
        station=require_station(session, code).code if code is not None else None,
        category=catalogue.category(category).id if category is not None else None,
        severity=catalogue.severity(severity).id if severity is not None else None,
        limit=limit,
        feed=feed,
    )
