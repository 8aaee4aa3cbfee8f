"""`handoff status`: what still waits to be handed over (observer), or what arrived (coordinator).

The observer's view is the export plan itself, so "waiting" is exactly what the next
`handoff export` would put on the stick. `to_json` of each result is the `--json` contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observer_app.crypto import keys
from observer_app.handoff.bundle.exporter import plan_export
from observer_app.handoff.holder import HolderSession
from observer_app.vault.journal import feed_head
from observer_app.vault.queries.handoff import (
    LastReceipt,
    StoredForkAlert,
    fork_alerts,
    last_receipt,
    received_totals,
)
from observer_app.vault.queries.pins import current_pin
from observer_app.vault.queries.roster import list_enrolled


@dataclass(frozen=True)
class PinnedCoordinator:
    feed: str
    name: str


@dataclass(frozen=True)
class ObserverStatus:
    """What the next export would carry; the waiting media are None while not enrolled."""

    coordinator: PinnedCoordinator | None
    head_seq: int
    head_hash: str | None
    acknowledged_seq: int
    events_waiting: int
    media_waiting: int | None
    media_waiting_bytes: int | None
    last_receipt: LastReceipt | None

    @property
    def enrolled(self) -> bool:
        return self.coordinator is not None

    def to_json(self) -> dict[str, Any]:
        coordinator = self.coordinator
        return {
            "role": "observer",
            "enrolled": self.enrolled,
            "coordinator": None
            if coordinator is None
            else {
                "feed": coordinator.feed,
                "fingerprint": keys.format_fingerprint(coordinator.feed),
                "name": coordinator.name,
            },
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "acknowledged_seq": self.acknowledged_seq,
            "events_waiting": self.events_waiting,
            "media_waiting": self.media_waiting,
            "media_waiting_bytes": self.media_waiting_bytes,
            "last_receipt": None if self.last_receipt is None else self.last_receipt.to_json(),
        }


@dataclass(frozen=True)
class ObserverReceived:
    """One enrolled observer as the coordinator holds them."""

    feed: str
    name: str
    revoked: bool
    held_seq: int
    held_hash: str | None
    bundles: int
    last_bundle_utc: str | None
    media_received: int
    media_bytes_received: int

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "fingerprint": keys.format_fingerprint(self.feed),
            "name": self.name,
            "revoked": self.revoked,
            "held_seq": self.held_seq,
            "held_hash": self.held_hash,
            "bundles": self.bundles,
            "last_bundle_utc": self.last_bundle_utc,
            "media_received": self.media_received,
            "media_bytes_received": self.media_bytes_received,
        }


@dataclass(frozen=True)
class CoordinatorStatus:
    observers: tuple[ObserverReceived, ...]
    fork_alerts: tuple[StoredForkAlert, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "role": "coordinator",
            "observers": [o.to_json() for o in self.observers],
            "fork_alerts": [_fork_alert_json(a) for a in self.fork_alerts],
        }


def _fork_alert_json(alert: StoredForkAlert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "feed": alert.feed,
        "fingerprint": keys.format_fingerprint(alert.feed),
        "seq": alert.seq,
        "held_hash": alert.held_hash,
        "other_hash": alert.other_hash,
        "bundle_id": alert.bundle_id,
        "detected_utc": alert.detected_utc,
    }


HandoffStatus = ObserverStatus | CoordinatorStatus


def handoff_status(session: HolderSession) -> HandoffStatus:
    """The observer's or the coordinator's status, by the vault's role."""
    if session.identity.role == "coordinator":
        return _coordinator_status(session)
    return _observer_status(session)


def _observer_status(session: HolderSession) -> ObserverStatus:
    conn, feed = session.conn, session.identity.feed
    head_seq, head_hash = feed_head(conn, feed)
    pin = current_pin(conn, feed)
    if pin is None:
        return ObserverStatus(None, head_seq, head_hash, 0, head_seq, None, None, None)
    plan = plan_export(session)
    return ObserverStatus(
        coordinator=PinnedCoordinator(pin.coordinator, pin.coordinator_name),
        head_seq=head_seq,
        head_hash=head_hash,
        acknowledged_seq=plan.acknowledged_seq,
        events_waiting=plan.waiting_events,
        media_waiting=len(plan.media),
        media_waiting_bytes=plan.media_bytes,
        last_receipt=last_receipt(conn, feed, pin.coordinator),
    )


def _coordinator_status(session: HolderSession) -> CoordinatorStatus:
    conn, feed = session.conn, session.identity.feed
    observers = []
    for observer in list_enrolled(conn, feed):
        held_seq, held_hash = feed_head(conn, observer.feed)
        totals = received_totals(conn, feed, observer.feed)
        observers.append(
            ObserverReceived(
                feed=observer.feed,
                name=observer.name,
                revoked=observer.revoked,
                held_seq=held_seq,
                held_hash=held_hash,
                bundles=totals.bundles,
                last_bundle_utc=totals.last_bundle_utc,
                media_received=totals.media_count,
                media_bytes_received=totals.media_bytes,
            )
        )
    return CoordinatorStatus(tuple(observers), tuple(fork_alerts(conn)))
