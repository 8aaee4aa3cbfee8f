"""One-line timeline descriptions of the polling-day record events and of the enrollment and
handoff events (`log`).

They read only the event itself (a peer's event may name a station this vault does not know; in
a coordinator's vault an observer's pins and acknowledgements arrive as part of the observer's
feed), show times in the event's zone, and name catalogue ids, vocabularies and roles in the UI
language through `RecordWords` (no `ARR01 = given` or `(ballot_stuffing, critical)`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from observer_app.core.incidents import FIELD_LABELS
from observer_app.crypto.keys import format_fingerprint
from observer_app.i18n import N_, _
from observer_app.logbook.localtime import format_local_time
from observer_app.logbook.record_words import (
    LINK_KIND_NAMES,
    MEDIA_KIND_NAMES,
    REDACTION_NAMES,
    ROLE_NAMES,
    RecordWords,
    named,
)
from observer_app.vault.journal import Event
from observer_app.vault.projection.enrollment import (
    COORDINATOR_PINNED,
    OBSERVER_ENROLLED,
    OBSERVER_REVOKED,
)
from observer_app.vault.projection.handoff import HANDOFF_ACKNOWLEDGED, HANDOFF_RECEIVED

Describer = Callable[[Event, RecordWords], str]


def _at(event: Event) -> str:
    at = event.body.get("at")
    return format_local_time(str(at), event.tz) if isinstance(at, str) else "?"


def _station_added(event: Event, words: RecordWords) -> str:
    return _("station {code} added: {name}").format(
        code=event.body.get("code", "?"), name=event.body.get("name", "")
    )


def _visit(template: str) -> Describer:
    """`template` is a msgid marked with N_: translated when shown, in the UI language then."""

    def describe(event: Event, words: RecordWords) -> str:
        return _(template).format(station=event.body.get("station", "?"), time=_at(event))

    return describe


def _answered(event: Event, words: RecordWords) -> str:
    body = event.body
    return _("station {station}: {item}: {answer}").format(
        station=body.get("station", "?"),
        item=words.item(body.get("item", "?")),
        answer=words.answer(body.get("item", "?"), body.get("value")),
    )


def _incident_added(event: Event, words: RecordWords) -> str:
    body = event.body
    return _("incident at {station} ({category}, {severity}) at {time}: {text}").format(
        station=body.get("station", "?"),
        category=words.category(body.get("category", "?")),
        severity=words.severity(body.get("severity", "?")),
        time=_at(event),
        text=body.get("text", ""),
    )


def _incident_amended(event: Event, words: RecordWords) -> str:
    changes = event.body.get("changes", {})
    names = (
        ", ".join(named(FIELD_LABELS, k) for k in sorted(changes) if k != "tz")
        if isinstance(changes, dict)
        else ""
    )
    return _("incident {id} amended: {fields}").format(
        id=words.ref(event.body.get("target")), fields=names
    )


def _incident_voided(event: Event, words: RecordWords) -> str:
    return _("incident {id} voided: {reason}").format(
        id=words.ref(event.body.get("target")), reason=event.body.get("reason", "")
    )


def _protocol(event: Event, words: RecordWords) -> str:
    figures = event.body.get("figures", {})
    shown = ", ".join(f"{k}={v}" for k, v in figures.items()) if isinstance(figures, dict) else ""
    return _("protocol of station {station}: {figures}").format(
        station=event.body.get("station", "?"), figures=shown
    )


def _published(event: Event, words: RecordWords) -> str:
    figures = event.body.get("figures", {})
    shown = ", ".join(f"{k}={v}" for k, v in figures.items()) if isinstance(figures, dict) else ""
    return _("published result of station {station}: {figures}").format(
        station=event.body.get("station", "?"), figures=shown
    )


def _verified(event: Event, words: RecordWords) -> str:
    fields = ", ".join(str(f) for f in event.body.get("fields", []))
    observer = format_fingerprint(str(event.body.get("observer", "")), short=True)
    template = (
        _("figures {fields} of {observer} at station {station} marked verified")
        if event.body.get("verified")
        else _("figures {fields} of {observer} at station {station} marked not verified")
    )
    return template.format(fields=fields, observer=observer, station=event.body.get("station"))


def _annotated(event: Event, words: RecordWords) -> str:
    text = _("incident {id} marked: {status}, {follow_up}").format(
        id=words.ref(event.body.get("target")),
        status=words.field_value("status", str(event.body.get("status", ""))),
        follow_up=words.field_value("follow_up", str(event.body.get("follow_up", ""))),
    )
    note = event.body.get("note")
    return f"{text} ({note})" if note else text


def _mission(event: Event, words: RecordWords) -> str:
    return _("mission set: {name} ({date})").format(
        name=event.body.get("name", "?"), date=event.body.get("date", "?")
    )


def _identity(event: Event, words: RecordWords) -> str:
    return _("{name} declared identity ({role})").format(
        name=event.body.get("name", "?"), role=named(ROLE_NAMES, event.body.get("role", "?"))
    )


def _link(link: object, words: RecordWords) -> str:
    if not isinstance(link, dict):
        return "?"
    kind = link.get("kind", "?")
    target = link.get("ref")
    # stations and protocols are linked by their code, records by their id
    shown = words.ref(target) if kind in ("incident", "answer") else str(target or "?")
    return f"{named(LINK_KIND_NAMES, kind)} {shown}"


def _media_added(event: Event, words: RecordWords) -> str:
    body = event.body
    links = body.get("links")
    text = _("{kind} imported: {name} ({consent})").format(
        kind=named(MEDIA_KIND_NAMES, body.get("kind", "?")),
        name=body.get("original_name", ""),
        consent=words.consent(body.get("consent", "?")),
    )
    if isinstance(links, list) and links:
        text += "; " + _("linked to {what}").format(what=", ".join(_link(x, words) for x in links))
    return text


def _media_derived(event: Event, words: RecordWords) -> str:
    redaction = event.body.get("redaction")
    style = redaction.get("style", "?") if isinstance(redaction, dict) else "?"
    return _("anonymised copy of {id} made ({style})").format(
        id=words.ref(event.body.get("derived_from")), style=named(REDACTION_NAMES, style)
    )


def _media_linked(event: Event, words: RecordWords) -> str:
    return _("media item {id} linked to {what}").format(
        id=words.ref(event.body.get("target")), what=_link(event.body.get("link"), words)
    )


def _media_consent(event: Event, words: RecordWords) -> str:
    return _("consent for media item {id} changed: {state} ({reason})").format(
        id=words.ref(event.body.get("target")),
        state=words.consent(event.body.get("state", "?")),
        reason=event.body.get("reason", ""),
    )


def _media_purged(event: Event, words: RecordWords) -> str:
    return _("content of media item {id} purged: {reason}").format(
        id=words.ref(event.body.get("target")), reason=event.body.get("reason", "")
    )


RECORD_DESCRIBERS: Mapping[str, Describer] = {
    "identity.declared": _identity,
    "media.added": _media_added,
    "media.derived": _media_derived,
    "media.linked": _media_linked,
    "media.consent": _media_consent,
    "media.purged": _media_purged,
    "station.added": _station_added,
    "visit.started": _visit(N_("arrived at station {station} at {time}")),
    "visit.ended": _visit(N_("left station {station} at {time}")),
    "visit.paused": _visit(N_("break at station {station} from {time}")),
    "visit.resumed": _visit(N_("break at station {station} ended at {time}")),
    "checklist.answered": _answered,
    "incident.added": _incident_added,
    "incident.amended": _incident_amended,
    "incident.voided": _incident_voided,
    "protocol.recorded": _protocol,
    "protocol.published": _published,
    "protocol.verified": _verified,
    "annotation.set": _annotated,
    "mission.set": _mission,
}


def _short_fingerprint(feed: object) -> str:
    text = str(feed or "")
    return format_fingerprint(text, short=True) if len(text) == 64 else "?"


def _enrolled(event: Event) -> str:
    stations = event.body.get("stations") or []
    return _("enrolled {name} ({fingerprint}), stations: {stations}").format(
        name=event.body.get("name", "?"),
        fingerprint=_short_fingerprint(event.body.get("observer")),
        stations=", ".join(str(s) for s in stations) or "-",
    )


def _revoked(event: Event) -> str:
    return _("revoked the key of {fingerprint}: {reason}").format(
        fingerprint=_short_fingerprint(event.body.get("observer")),
        reason=event.body.get("reason", ""),
    )


def _pinned(event: Event) -> str:
    coordinator = event.body.get("coordinator") or {}
    mission = event.body.get("mission") or {}
    return _("pinned coordinator {name} ({fingerprint}) for {mission}").format(
        name=coordinator.get("name", "?"),
        fingerprint=_short_fingerprint(coordinator.get("feed")),
        mission=mission.get("name", "-"),
    )


def _acknowledged(event: Event) -> str:
    return _("receipt: the coordinator holds this logbook up to seq {seq}").format(
        seq=event.body.get("up_to_seq", "?")
    )


def _received(event: Event) -> str:
    return _(
        "bundle received from {fingerprint}: seq {first}..{last}, media items: {media}"
    ).format(
        fingerprint=_short_fingerprint(event.body.get("author")),
        first=event.body.get("from_seq", "?"),
        last=event.body.get("to_seq", "?"),
        media=event.body.get("media_count", 0),
    )


HANDOFF_DESCRIBERS: Mapping[str, Callable[[Event], str]] = {
    OBSERVER_ENROLLED: _enrolled,
    OBSERVER_REVOKED: _revoked,
    COORDINATOR_PINNED: _pinned,
    HANDOFF_ACKNOWLEDGED: _acknowledged,
    HANDOFF_RECEIVED: _received,
}
