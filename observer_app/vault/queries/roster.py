"""The coordinator's roster: observers enrolled (and revoked) by this vault's holder."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from observer_app.crypto import keys
from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class EnrolledObserver:
    feed: str
    name: str
    accreditation: str | None
    public_key_der: bytes
    age_recipient: str
    certificate_pem: bytes
    stations: tuple[str, ...]
    mission: str | None
    enrolled_utc: str
    revoked: bool
    revoked_reason: str | None
    revoked_utc: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "fingerprint": keys.format_fingerprint(self.feed),
            "name": self.name,
            "accreditation": self.accreditation,
            "stations": list(self.stations),
            "mission": self.mission,
            "enrolled_utc": self.enrolled_utc,
            "revoked": self.revoked,
            "revoked_reason": self.revoked_reason,
            "revoked_utc": self.revoked_utc,
        }


_ENROLLED_COLUMNS = (
    "feed, name, accreditation, public_key, age_recipient, certificate, stations, mission,"
    " enrolled_utc, revoked, revoked_reason, revoked_utc"
)


def _enrolled_row(row: Sequence[Any]) -> EnrolledObserver:
    return EnrolledObserver(
        feed=str(row[0]),
        name=str(row[1]),
        accreditation=row[2],
        public_key_der=bytes(row[3]),
        age_recipient=str(row[4]),
        certificate_pem=bytes(row[5]),
        stations=tuple(json.loads(row[6])),
        mission=row[7],
        enrolled_utc=str(row[8]),
        revoked=bool(row[9]),
        revoked_reason=row[10],
        revoked_utc=row[11],
    )


def enrolled_observer(conn: Connection, enroller: str, feed: str) -> EnrolledObserver | None:
    row = conn.execute(
        f"SELECT {_ENROLLED_COLUMNS} FROM enrolled_observers WHERE enroller = ? AND feed = ?",
        (enroller, feed),
    ).fetchone()
    return None if row is None else _enrolled_row(tuple(row))


def list_enrolled(conn: Connection, enroller: str) -> list[EnrolledObserver]:
    rows = conn.execute(
        f"SELECT {_ENROLLED_COLUMNS} FROM enrolled_observers WHERE enroller = ?"
        " ORDER BY name, feed",
        (enroller,),
    ).fetchall()
    return [_enrolled_row(tuple(row)) for row in rows]
