"""Which record a timeline event belongs to: an incident, a note or a media item, by id (others:
none).

Added events carry the record's `id`, amendments and voids its `target`; the details panel, amend
and void need the record, not the event.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer_app.logbook.timeline import TimelineEntry

RECORD_KINDS = ("incident", "note", "media")
EDITABLE_KINDS = ("incident", "note")  # amended and voided in their forms


@dataclass(frozen=True, slots=True)
class RecordRef:
    kind: str
    id: str


def record_of(entry: TimelineEntry) -> RecordRef | None:
    kind, _, action = entry.event.type.partition(".")
    if kind not in RECORD_KINDS:
        return None
    key = "id" if action in ("added", "derived") else "target"
    value = entry.event.body.get(key)
    return RecordRef(kind, value) if isinstance(value, str) and value else None
