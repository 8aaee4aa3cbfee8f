"""Fork alerts: two different events at one seq of a feed, both validly signed by its author.

That means a copied or compromised key. The bundle that shows it is refused, but the evidence
must not be lost with it: the alert (both hashes, and the other event's signed bytes) is stored
in its own transaction after the bundle's was rolled back. `fork_alerts` is storage, not a
projection: no event produces it, and a replay leaves it alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observer_app.core.timeutil import format_utc, utc_now
from observer_app.crypto import keys
from observer_app.vault.connection import Connection, Transaction


@dataclass(frozen=True)
class ForkAlert:
    feed: str
    seq: int
    held_hash: str
    other_hash: str
    other_payload: bytes
    other_signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "seq": self.seq,
            "held_hash": self.held_hash,
            "other_hash": self.other_hash,
        }


def record_fork_alert(conn: Connection, alert: ForkAlert, bundle_id: str | None) -> None:
    """Store the alert (once per feed, seq and other event) in a transaction of its own."""
    with Transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO fork_alerts (feed, seq, held_hash, other_hash, other_payload,"
            " other_signature, bundle_id, detected_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                alert.feed,
                alert.seq,
                alert.held_hash,
                alert.other_hash,
                alert.other_payload,
                alert.other_signature,
                bundle_id,
                format_utc(utc_now()),
            ),
        )


@dataclass(frozen=True)
class StoredForkAlert:
    id: int
    feed: str
    seq: int
    held_hash: str
    other_hash: str
    bundle_id: str | None
    detected_utc: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "feed": self.feed,
            "fingerprint": keys.format_fingerprint(self.feed),
            "seq": self.seq,
            "held_hash": self.held_hash,
            "other_hash": self.other_hash,
            "bundle_id": self.bundle_id,
            "detected_utc": self.detected_utc,
        }


def fork_alerts(conn: Connection) -> list[StoredForkAlert]:
    rows = conn.execute(
        "SELECT id, feed, seq, held_hash, other_hash, bundle_id, detected_utc FROM fork_alerts"
        " ORDER BY id"
    ).fetchall()
    return [
        StoredForkAlert(int(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), r[5], str(r[6]))
        for r in rows
    ]
