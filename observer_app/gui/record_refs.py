"""Which record a timeline event belongs to: an incident, a note, a media item or a visit, by
id (others: none).

Added events carry the record's `id`, amendments and voids its `target`; the details panel, amend
and void need the record, not the event. A visit's events (arrival, departure, a break's start
and end) all belong to the visit, which the details panel shows with its breaks; only incidents
and notes (`EDITABLE_KINDS`) can be amended or voided.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer_app.logbook.timeline import TimelineEntry

RECORD_KINDS = ("incident", "note", "media")
EDITABLE_KINDS = ("incident", "note")
"""The records a holder amends and voids (in their forms)."""
VISIT_KEYS = {"started": "id", "ended": "target", "paused": "target", "resumed": "visit"}
"""Where each visit event names its visit (a break's own id is `id` or `target` otherwise)."""


@dataclass(frozen=True, slots=True)
class RecordRef:
    kind: str
    id: str


def record_of(entry: TimelineEntry) -> RecordRef | None:
    kind, _, action = entry.event.type.partition(".")
    if kind == "visit" and action in VISIT_KEYS:
        key = VISIT_KEYS[action]
    elif kind in RECORD_KINDS:
        key = "id" if action in ("added", "derived") else "target"
    else:
        return None
    value = entry.event.body.get(key)
    return RecordRef(kind, value) if isinstance(value, str) and value else None
