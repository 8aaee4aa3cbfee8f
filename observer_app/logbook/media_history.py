"""The history of one media item: every journal event that concerns it, in order."""

from __future__ import annotations

from observer_app.core.timeline_filter import TimelineFilter
from observer_app.logbook.timeline import TimelineEntry, timeline
from observer_app.vault.connection import Connection


def media_history(conn: Connection, media_id: str) -> list[TimelineEntry]:
    """The item's own events and the derivations made from it."""
    return list(timeline(conn, TimelineFilter(record=media_id)))
