"""What the handoff services read and store: acknowledgements, the events a bundle carries,
bundles received and fork alerts.

Kept here, beside the other queries, so that `handoff/` holds the rules of a handoff and no SQL;
each function takes a connection and leaves transactions to its caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection


def acknowledged_seq(conn: Connection, feed: str, coordinator: str) -> int:
    """The highest seq of `feed` a receipt of `coordinator` acknowledged (0: none yet)."""
    row = conn.execute(
        "SELECT max(up_to_seq) FROM handoff_acknowledgements WHERE feed = ? AND coordinator = ?",
        (feed, coordinator),
    ).fetchone()
    return int(row[0] or 0)


def acknowledged_media(conn: Connection, feed: str, coordinator: str) -> set[str]:
    """The media hashes of `feed` that receipts of `coordinator` listed."""
    return {
        str(row[0])
        for row in conn.execute(
            "SELECT sha256 FROM acknowledged_media WHERE feed = ? AND coordinator = ?",
            (feed, coordinator),
        )
    }


def receipt_recorded(conn: Connection, feed: str, receipt_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM handoff_acknowledgements WHERE feed = ? AND receipt_id = ?",
        (feed, receipt_id),
    ).fetchone()
    return row is not None


@dataclass(frozen=True)
class LastReceipt:
    receipt_id: str
    up_to_seq: int
    issued_utc: str
    recorded_utc: str

    def to_json(self) -> dict[str, Any]:
        return {
            "receipt_id": self.receipt_id,
            "up_to_seq": self.up_to_seq,
            "issued_utc": self.issued_utc,
            "recorded_utc": self.recorded_utc,
        }


def last_receipt(conn: Connection, feed: str, coordinator: str) -> LastReceipt | None:
    """The receipt of `coordinator` that acknowledged the most of `feed`."""
    row = conn.execute(
        "SELECT receipt_id, up_to_seq, issued_utc, time_utc FROM handoff_acknowledgements"
        " WHERE feed = ? AND coordinator = ? ORDER BY up_to_seq DESC, seq DESC LIMIT 1",
        (feed, coordinator),
    ).fetchone()
    if row is None:
        return None
    return LastReceipt(str(row[0]), int(row[1]), str(row[2]), str(row[3]))


def event_hash(conn: Connection, feed: str, seq: int) -> str | None:
    """The hash of event `seq` of `feed`, None when it is not held (or seq < 1)."""
    if seq < 1:
        return None
    row = conn.execute("SELECT hash FROM events WHERE feed = ? AND seq = ?", (feed, seq)).fetchone()
    return None if row is None else str(row[0])


def event_sizes(conn: Connection, feed: str, after: int, upto: int) -> Iterator[tuple[int, int]]:
    """(payload bytes, signature bytes) of each event of `feed` in `after+1..upto`."""
    for payload, signature in conn.execute(
        "SELECT length(payload), length(signature) FROM events WHERE feed = ? AND seq > ?"
        " AND seq <= ?",
        (feed, after, upto),
    ):
        yield int(payload), int(signature)


def count_events_of_type(conn: Connection, feed: str, after: int, upto: int, kind: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM events WHERE feed = ? AND seq > ? AND seq <= ? AND type = ?",
        (feed, after, upto, kind),
    ).fetchone()
    return int(row[0])


def media_hashes_referenced(
    conn: Connection, feed: str, after: int, upto: int, kinds: tuple[str, str]
) -> Iterator[str]:
    """The `sha256` of each event of `kinds` in `after+1..upto`, in seq order (repeats kept)."""
    for (payload,) in conn.execute(
        "SELECT payload FROM events WHERE feed = ? AND seq > ? AND seq <= ? AND type IN (?, ?)"
        " ORDER BY seq",
        (feed, after, upto, *kinds),
    ):
        yield str(json.loads(bytes(payload))["body"]["sha256"])


def signed_events(conn: Connection, feed: str, after: int, upto: int) -> Iterator[Any]:
    """(payload, signature) of each event of `feed` in `after+1..upto`, a cursor in seq order."""
    return iter(
        conn.execute(
            "SELECT payload, signature FROM events WHERE feed = ? AND seq > ? AND seq <= ?"
            " ORDER BY seq",
            (feed, after, upto),
        )
    )


@dataclass(frozen=True)
class ReceivedTotals:
    """The bundles a coordinator accepted from one author."""

    bundles: int
    last_bundle_utc: str | None
    media_count: int
    media_bytes: int


def received_totals(conn: Connection, feed: str, author: str) -> ReceivedTotals:
    row = conn.execute(
        "SELECT count(*), max(time_utc), coalesce(sum(media_count), 0),"
        " coalesce(sum(media_bytes), 0) FROM handoff_received WHERE feed = ? AND author = ?",
        (feed, author),
    ).fetchone()
    return ReceivedTotals(int(row[0]), row[1], int(row[2]), int(row[3]))


@dataclass(frozen=True)
class StoredForkAlert:
    id: int
    feed: str
    seq: int
    held_hash: str
    other_hash: str
    bundle_id: str | None
    detected_utc: str


def insert_fork_alert(
    conn: Connection,
    *,
    feed: str,
    seq: int,
    held_hash: str,
    other_hash: str,
    other_payload: bytes,
    other_signature: bytes,
    bundle_id: str | None,
    detected_utc: str,
) -> None:
    """Store an alert once per feed, seq and other event (a repeat is ignored)."""
    conn.execute(
        "INSERT OR IGNORE INTO fork_alerts (feed, seq, held_hash, other_hash, other_payload,"
        " other_signature, bundle_id, detected_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (feed, seq, held_hash, other_hash, other_payload, other_signature, bundle_id, detected_utc),
    )


def fork_alerts(conn: Connection) -> list[StoredForkAlert]:
    rows = conn.execute(
        "SELECT id, feed, seq, held_hash, other_hash, bundle_id, detected_utc FROM fork_alerts"
        " ORDER BY id"
    ).fetchall()
    return [
        StoredForkAlert(int(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), r[5], str(r[6]))
        for r in rows
    ]
