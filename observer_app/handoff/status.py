"""`handoff status`: what still waits to be handed over (observer), or what arrived (coordinator).

The observer's view is the export plan itself, so "waiting" is exactly what the next
`handoff export` would put on the stick.
"""

from __future__ import annotations

from typing import Any

from observer_app.crypto import keys
from observer_app.handoff.bundle_export import plan_export
from observer_app.handoff.bundle_import import fork_alerts
from observer_app.handoff.holder import HolderSession
from observer_app.handoff.pins import current_pin
from observer_app.handoff.roster import list_enrolled
from observer_app.vault.connection import Connection
from observer_app.vault.journal import feed_head


def handoff_status(session: HolderSession) -> dict[str, Any]:
    """The status as a plain document (also the `--json` contract)."""
    if session.identity.role == "coordinator":
        return _coordinator_status(session)
    return _observer_status(session)


def _last_receipt(conn: Connection, feed: str, coordinator: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT receipt_id, up_to_seq, issued_utc, time_utc FROM handoff_acknowledgements"
        " WHERE feed = ? AND coordinator = ? ORDER BY up_to_seq DESC, seq DESC LIMIT 1",
        (feed, coordinator),
    ).fetchone()
    if row is None:
        return None
    return {
        "receipt_id": str(row[0]),
        "up_to_seq": int(row[1]),
        "issued_utc": str(row[2]),
        "recorded_utc": str(row[3]),
    }


def _observer_status(session: HolderSession) -> dict[str, Any]:
    conn, feed = session.conn, session.identity.feed
    head_seq, head_hash = feed_head(conn, feed)
    pin = current_pin(conn, feed)
    document: dict[str, Any] = {
        "role": "observer",
        "enrolled": pin is not None,
        "coordinator": None,
        "head_seq": head_seq,
        "head_hash": head_hash,
        "acknowledged_seq": 0,
        "events_waiting": head_seq,
        "media_waiting": None,
        "media_waiting_bytes": None,
        "last_receipt": None,
    }
    if pin is None:
        return document
    plan = plan_export(session)
    document.update(
        {
            "coordinator": {
                "feed": pin.coordinator,
                "fingerprint": keys.format_fingerprint(pin.coordinator),
                "name": pin.coordinator_name,
            },
            "acknowledged_seq": plan.acknowledged_seq,
            "events_waiting": plan.waiting_events,
            "media_waiting": len(plan.media),
            "media_waiting_bytes": plan.media_bytes,
            "last_receipt": _last_receipt(conn, feed, pin.coordinator),
        }
    )
    return document


def _coordinator_status(session: HolderSession) -> dict[str, Any]:
    conn, feed = session.conn, session.identity.feed
    observers = []
    for observer in list_enrolled(conn, feed):
        held_seq, held_hash = feed_head(conn, observer.feed)
        row = conn.execute(
            "SELECT count(*), max(time_utc), coalesce(sum(media_count), 0),"
            " coalesce(sum(media_bytes), 0) FROM handoff_received WHERE feed = ? AND author = ?",
            (feed, observer.feed),
        ).fetchone()
        observers.append(
            {
                "feed": observer.feed,
                "fingerprint": keys.format_fingerprint(observer.feed),
                "name": observer.name,
                "revoked": observer.revoked,
                "held_seq": held_seq,
                "held_hash": held_hash,
                "bundles": int(row[0]),
                "last_bundle_utc": row[1],
                "media_received": int(row[2]),
                "media_bytes_received": int(row[3]),
            }
        )
    return {
        "role": "coordinator",
        "observers": observers,
        "fork_alerts": [alert.to_json() for alert in fork_alerts(conn)],
    }
