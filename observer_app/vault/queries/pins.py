"""The coordinators an observer pinned by accepting their setup packages (history kept)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from observer_app.crypto import keys
from observer_app.crypto.certificates import certificate_from_pem, organisation_name
from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class Pin:
    seq: int
    coordinator: str
    coordinator_name: str
    coordinator_public_key_der: bytes
    coordinator_certificate_pem: bytes
    coordinator_age_recipient: str
    organisation_ca_pem: bytes
    mission: dict[str, Any] | None
    stations: tuple[dict[str, Any], ...]
    package_id: str
    time_utc: str

    @property
    def coordinator_key(self) -> keys.VerifierKey:
        return keys.load_public_key_der(self.coordinator_public_key_der)

    @property
    def organisation_ca(self) -> x509.Certificate:
        return certificate_from_pem(self.organisation_ca_pem)

    def to_json(self) -> dict[str, Any]:
        return {
            "coordinator": self.coordinator,
            "fingerprint": keys.format_fingerprint(self.coordinator),
            "name": self.coordinator_name,
            "organisation": organisation_name(self.organisation_ca),
            "mission": self.mission,
            "stations": [s["code"] for s in self.stations],
            "package_id": self.package_id,
            "time_utc": self.time_utc,
        }


def pin_history(conn: Connection, feed: str) -> list[Pin]:
    """Every pin the holder recorded, oldest first (re-enrollment keeps the earlier ones)."""
    rows = conn.execute(
        "SELECT seq, coordinator, coordinator_name, coordinator_public_key,"
        " coordinator_certificate, coordinator_age_recipient, organisation_ca, mission, stations,"
        " package_id, time_utc FROM coordinator_pins WHERE feed = ? ORDER BY seq",
        (feed,),
    ).fetchall()
    return [
        Pin(
            seq=int(row[0]),
            coordinator=str(row[1]),
            coordinator_name=str(row[2]),
            coordinator_public_key_der=bytes(row[3]),
            coordinator_certificate_pem=bytes(row[4]),
            coordinator_age_recipient=str(row[5]),
            organisation_ca_pem=bytes(row[6]),
            mission=None if row[7] is None else json.loads(row[7]),
            stations=tuple(json.loads(row[8])),
            package_id=str(row[9]),
            time_utc=str(row[10]),
        )
        for row in rows
    ]


def current_pin(conn: Connection, feed: str) -> Pin | None:
    history = pin_history(conn, feed)
    return history[-1] if history else None
