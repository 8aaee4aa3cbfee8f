"""One-line timeline descriptions of the polling-day record events (`log`).

They read only the event itself (a peer's event may name a station this vault does not know),
and show times in the event's zone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from observer_app.i18n import N_, _
from observer_app.logbook.localtime import format_local_time
from observer_app.vault.journal import Event

Describer = Callable[[Event], str]


def _short(value: Any) -> str:
    return str(value or "")[:13]


def _at(event: Event) -> str:
    at = event.body.get("at")
    return format_local_time(str(at), event.tz) if isinstance(at, str) else "?"


def _station_added(event: Event) -> str:
    return _("station {code} added: {name}").format(
        code=event.body.get("code", "?"), name=event.body.get("name", "")
    )


def _visit(template: str) -> Describer:
    """`template` is a msgid marked with N_: translated when shown, in the UI language then."""

    def describe(event: Event) -> str:
        return _(template).format(station=event.body.get("station", "?"), time=_at(event))

    return describe


def _answered(event: Event) -> str:
    value = event.body.get("value")
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return _("station {station}: {item} = {value}").format(
        station=event.body.get("station", "?"), item=event.body.get("item", "?"), value=shown
    )


def _incident_added(event: Event) -> str:
    body = event.body
    return _("incident at {station} ({category}, {severity}) at {time}: {text}").format(
        station=body.get("station", "?"),
        category=body.get("category", "?"),
        severity=body.get("severity", "?"),
        time=_at(event),
        text=body.get("text", ""),
    )


def _incident_amended(event: Event) -> str:
    changes = event.body.get("changes", {})
    names = ", ".join(sorted(k for k in changes if k != "tz")) if isinstance(changes, dict) else ""
    return _("incident {id} amended: {fields}").format(
        id=_short(event.body.get("target")), fields=names
    )


def _incident_voided(event: Event) -> str:
    return _("incident {id} voided: {reason}").format(
        id=_short(event.body.get("target")), reason=event.body.get("reason", "")
    )


def _protocol(event: Event) -> str:
    figures = event.body.get("figures", {})
    shown = ", ".join(f"{k}={v}" for k, v in figures.items()) if isinstance(figures, dict) else ""
    return _("protocol of station {station}: {figures}").format(
        station=event.body.get("station", "?"), figures=shown
    )


def _mission(event: Event) -> str:
    return _("mission set: {name} ({date})").format(
        name=event.body.get("name", "?"), date=event.body.get("date", "?")
    )


RECORD_DESCRIBERS: Mapping[str, Describer] = {
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
    "mission.set": _mission,
}
