"""Which events a timeline shows: a typed filter instead of SQL fragments (issue 11).

Every field narrows the timeline; None means "any". Values are ids as stored (a feed's full
fingerprint, a station code, catalogue term ids, UTC times): the application layer resolves what
a user typed (a station that must exist, a category of the catalogue, a local time) before it
builds a filter, so that the query layer only ever sees checked values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineFilter:
    """`feed`: one author's feed (the holder's own, or one observer's); `station`: the events
    that name the station, or add, amend or void an incident or note at it now; `phase`: the
    checklist answers of a phase; `category`, `severity`: the events of incidents with these
    current values (their whole history); `region`: the events of stations in the region (a
    catalogue region id), by the station rule above; `since_utc` (inclusive), `until_utc`
    (exclusive): the period; `voided`: only the events of voided incidents and notes (True) or
    none of them (False); `record`: the events that create or change one record (or derive
    media from it)."""

    feed: str | None = None
    station: str | None = None
    phase: str | None = None
    category: str | None = None
    severity: str | None = None
    since_utc: str | None = None
    until_utc: str | None = None
    voided: bool | None = None
    record: str | None = None
    region: str | None = None


ALL_EVENTS = TimelineFilter()
