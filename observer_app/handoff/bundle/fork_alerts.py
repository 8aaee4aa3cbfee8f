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
from observer_app.vault.connection import Connection, Transaction
from observer_app.vault.queries.handoff import insert_fork_alert


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
        insert_fork_alert(
            conn,
            feed=alert.feed,
            seq=alert.seq,
            held_hash=alert.held_hash,
            other_hash=alert.other_hash,
            other_payload=alert.other_payload,
            other_signature=alert.other_signature,
            bundle_id=bundle_id,
            detected_utc=format_utc(utc_now()),
        )
