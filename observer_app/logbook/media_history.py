"""The history of one media item: every journal event that concerns it, in order."""

from __future__ import annotations

from observer_app.logbook.timeline import TimelineEntry, timeline
from observer_app.vault.connection import Connection


def media_history(conn: Connection, media_id: str) -> list[TimelineEntry]:
    pattern = f'%"{media_id}"%'
    return list(timeline(conn, "type LIKE 'media.%' AND CAST(payload AS TEXT) LIKE ?", (pattern,)))
