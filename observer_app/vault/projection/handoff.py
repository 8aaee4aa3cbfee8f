"""Handoff as events: what a coordinator received (`handoff.received`, in its own feed) and what
an observer's coordinator acknowledged by receipt (`handoff.acknowledged`, in the observer's).

Keyed by the writing feed, like every projection, so the observer's acknowledgements that travel
to the coordinator in the next bundle are kept apart from the coordinator's own records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.vault.connection import Connection

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

HANDOFF_ACKNOWLEDGED = "handoff.acknowledged"
HANDOFF_RECEIVED = "handoff.received"


def _acknowledged(conn: Connection, event: Event) -> None:
    body = event.body
    media = body["media"]
    conn.execute(
        "INSERT INTO handoff_acknowledgements (feed, seq, coordinator, receipt_id, bundle_id,"
        " up_to_seq, head_hash, media_count, issued_utc, time_utc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.feed,
            event.seq,
            body["coordinator"],
            body["receipt_id"],
            body["bundle_id"],
            body["up_to_seq"],
            body["head_hash"],
            len(media),
            body["issued_utc"],
            event.time_utc,
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO acknowledged_media (feed, coordinator, sha256) VALUES (?, ?, ?)",
        [(event.feed, body["coordinator"], sha256) for sha256 in media],
    )


def _received(conn: Connection, event: Event) -> None:
    body = event.body
    conn.execute(
        "INSERT INTO handoff_received (feed, seq, author, bundle_id, from_seq, to_seq, head_hash,"
        " new_events, media_count, media_bytes, receipt_id, time_utc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.feed,
            event.seq,
            body["author"],
            body["bundle_id"],
            body["from_seq"],
            body["to_seq"],
            body["head_hash"],
            body["new_events"],
            body["media_count"],
            body["media_bytes"],
            body["receipt_id"],
            event.time_utc,
        ),
    )


PROJECTORS = {HANDOFF_ACKNOWLEDGED: _acknowledged, HANDOFF_RECEIVED: _received}
TABLES = ("handoff_acknowledgements", "acknowledged_media", "handoff_received")
