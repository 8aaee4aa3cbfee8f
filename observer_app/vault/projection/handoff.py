"""Handoff as events: what a coordinator received (`handoff.received`, in its own feed) and what
an observer's coordinator acknowledged by receipt (`handoff.acknowledged`, in the observer's).

Keyed by the writing feed, like every projection, so the observer's acknowledgements that travel
to the coordinator in the next bundle are kept apart from the coordinator's own records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.core.schema import List, UtcTime
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import (
    COUNT,
    FEED,
    HASH,
    ID,
    SEQ,
    EventSchema,
    body,
    required,
)

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
MAX_RECEIPT_MEDIA = 50_000
SCHEMAS = {
    HANDOFF_ACKNOWLEDGED: EventSchema(
        body(
            coordinator=required(FEED),
            receipt_id=required(ID),
            bundle_id=required(ID),
            up_to_seq=required(SEQ),
            head_hash=required(HASH),
            media=required(List(HASH, MAX_RECEIPT_MEDIA)),
            issued_utc=required(UtcTime()),
        )
    ),
    HANDOFF_RECEIVED: EventSchema(
        body(
            author=required(FEED),
            bundle_id=required(ID),
            from_seq=required(SEQ),
            to_seq=required(SEQ),
            head_hash=required(HASH),
            new_events=required(COUNT),
            media_count=required(COUNT),
            media_bytes=required(COUNT),
            receipt_id=required(ID),
        )
    ),
}
TABLES = ("handoff_acknowledgements", "acknowledged_media", "handoff_received")
