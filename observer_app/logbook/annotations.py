"""The coordinator's annotations: a status and follow-up on an observer's incident, and
"verified" marks on the figures of an observer's protocol copy.

Both are the coordinator's own signed events (`annotation.set`, `protocol.verified`), never
edits of the observer's events: the observer's signed record stays what they wrote, and every
view shows the coordinator's judgement beside it. Only a coordinator's vault records them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from observer_app.core.catalogue import Catalogue
from observer_app.core.protocol import field_name
from observer_app.errors import UsageError, UserActionError
from observer_app.i18n import _
from observer_app.logbook.incidents import get_incident, resolve_incident_id
from observer_app.logbook.mission import ballot
from observer_app.logbook.protocol_records import ProtocolView, protocol_view
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.projection.coordinator import ANNOTATION_SET, PROTOCOL_VERIFIED
from observer_app.vault.queries import annotations as queries
from observer_app.vault.queries.annotations import AnnotationRow as AnnotationRow

MAX_NOTE = 16_384


def _require_coordinator(session: LogbookSession) -> None:
    if session.identity.role != "coordinator":
        raise UserActionError(
            _("Only a coordinator's vault annotates records; an observer amends their own.")
        )


def annotate(
    session: LogbookSession,
    catalogue: Catalogue,
    reference: str,
    status: str,
    follow_up: str | None = None,
    note: str | None = None,
) -> AnnotationRow:
    """Record the coordinator's status (and follow-up, note) of an incident, any author's.

    A follow-up not given keeps the one of the previous annotation, else the incident's own."""
    _require_coordinator(session)
    incident = get_incident(session, resolve_incident_id(session, reference))
    status_id = catalogue.term("incident_status", status).id
    earlier = queries.annotations_of(session.conn, [incident.id]).get(incident.id)
    if follow_up is not None:
        follow_up_id = catalogue.term("follow_up", follow_up).id
    else:
        follow_up_id = earlier.follow_up if earlier is not None else incident.follow_up
    clean_note = note.strip() if note is not None and note.strip() else None
    if clean_note is not None and len(clean_note) > MAX_NOTE:
        raise UsageError(_("The note is longer than {limit} characters.").format(limit=MAX_NOTE))
    body: dict[str, Any] = {"target": incident.id, "status": status_id, "follow_up": follow_up_id}
    if clean_note is not None:
        body["note"] = clean_note
    session.record(ANNOTATION_SET, body, tz=incident.tz)
    return queries.annotations_of(session.conn, [incident.id])[incident.id]


def annotations_for(session: LogbookSession, ids: Collection[str]) -> dict[str, AnnotationRow]:
    """record id -> its latest annotation, for the records a view shows."""
    return queries.annotations_of(session.conn, ids)


def all_annotations(session: LogbookSession) -> list[AnnotationRow]:
    return queries.all_annotations(session.conn)


def mark_verified(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str,
    observer: str,
    fields: Iterable[str],
    *,
    verified: bool = True,
) -> ProtocolView:
    """Mark figures of one observer's protocol copy as checked against the paper (or not)."""
    _require_coordinator(session)
    station = require_station(session, code)
    current = protocol_view(session, catalogue, station.code, observer)
    if not current.figures and not current.ignored:
        raise UserActionError(
            _("That observer copied no figures at station {code}.").format(code=station.code)
        )
    ballot_now = ballot(session)
    names: list[str] = []
    for text in fields:
        name = field_name(text, catalogue, ballot_now.candidates, ballot_now.against_all)
        if name not in current.figures:
            raise UsageError(_("The observer's copy has no figure {field}.").format(field=name))
        names.append(name)
    if not names:
        raise UsageError(_("Give at least one field."))
    session.record(
        PROTOCOL_VERIFIED,
        {
            "station": station.code,
            "observer": observer,
            "fields": sorted(set(names)),
            "verified": verified,
        },
        tz=station.tz,
    )
    return protocol_view(session, catalogue, station.code, observer)
