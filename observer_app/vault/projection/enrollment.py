"""Enrollment as events: whom a coordinator enrolled or revoked, and whom an observer pinned.

`observer.enrolled` / `observer.revoked` are written by a coordinator into its own feed;
`coordinator.pinned` by an observer into theirs when accepting a setup package. Rows are keyed by
the feed that wrote the event, so replaying a vault that holds several feeds gives each author's
view back unchanged, and an observer's pin imported into a coordinator vault changes nothing
about whom that coordinator trusts.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

from observer_app.core.schema import Object, Text
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import (
    AGE_RECIPIENT,
    BASE64_KEY,
    FEED,
    ID,
    NAME,
    PEM,
    REASON,
    STATION_CODE,
    STATION_FIELDS,
    EventSchema,
    Ref,
    body,
    nullable,
    optional,
    required,
    stations_list,
)
from observer_app.vault.projection.mission import MISSION

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

OBSERVER_ENROLLED = "observer.enrolled"
OBSERVER_REVOKED = "observer.revoked"
COORDINATOR_PINNED = "coordinator.pinned"


def _enrolled(conn: Connection, event: Event) -> None:
    body = event.body
    # Re-enrolling (a new mission, new stations) replaces the row; a revocation stays in force,
    # the service refuses to re-enroll a revoked key before it gets here.
    conn.execute(
        "INSERT INTO enrolled_observers (enroller, feed, name, accreditation, public_key,"
        " age_recipient, certificate, stations, mission, package_id, enrolled_utc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (enroller, feed) DO UPDATE SET name = excluded.name,"
        " accreditation = excluded.accreditation, age_recipient = excluded.age_recipient,"
        " certificate = excluded.certificate, stations = excluded.stations,"
        " mission = excluded.mission, package_id = excluded.package_id,"
        " enrolled_utc = excluded.enrolled_utc",
        (
            event.feed,
            body["observer"],
            body["name"],
            body.get("accreditation"),
            base64.b64decode(body["public_key"]),
            body["age_recipient"],
            body["certificate"].encode("ascii"),
            json.dumps(body["stations"], ensure_ascii=False),
            body.get("mission"),
            body["package_id"],
            event.time_utc,
        ),
    )


def _revoked(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE enrolled_observers SET revoked = 1, revoked_reason = ?, revoked_utc = ?"
        " WHERE enroller = ? AND feed = ?",
        (event.body["reason"], event.time_utc, event.feed, event.body["observer"]),
    )


def _pinned(conn: Connection, event: Event) -> None:
    body = event.body
    coordinator = body["coordinator"]
    conn.execute(
        "INSERT INTO coordinator_pins (feed, seq, coordinator, coordinator_name,"
        " coordinator_public_key, coordinator_certificate, coordinator_age_recipient,"
        " organisation_ca, mission, stations, package_id, time_utc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.feed,
            event.seq,
            coordinator["feed"],
            coordinator["name"],
            base64.b64decode(coordinator["public_key"]),
            coordinator["certificate"].encode("ascii"),
            coordinator["age_recipient"],
            body["organisation_ca"].encode("ascii"),
            None if body.get("mission") is None else json.dumps(body["mission"], sort_keys=True),
            json.dumps(body["stations"], ensure_ascii=False, sort_keys=True),
            body["package_id"],
            event.time_utc,
        ),
    )


PROJECTORS = {
    OBSERVER_ENROLLED: _enrolled,
    OBSERVER_REVOKED: _revoked,
    COORDINATOR_PINNED: _pinned,
}
STATION_DOCUMENT = Object(STATION_FIELDS)
"""A station as a setup package carries it (a `station.added` body without its id)."""
SCHEMAS = {
    OBSERVER_ENROLLED: EventSchema(
        body(
            observer=required(FEED),
            name=required(NAME),
            accreditation=optional(Text(200)),
            public_key=required(BASE64_KEY),
            age_recipient=required(AGE_RECIPIENT),
            certificate=required(PEM),
            stations=required(stations_list(STATION_CODE)),
            mission=optional(NAME),
            package_id=required(ID),
            request_id=optional(ID),
        )
    ),
    OBSERVER_REVOKED: EventSchema(
        body(observer=required(FEED), reason=required(REASON)),
        targets={"observer": Ref("enrolled_observers", "feed", "enroller")},
    ),
    COORDINATOR_PINNED: EventSchema(
        body(
            package_id=required(ID),
            coordinator=required(
                Object(
                    {
                        "feed": required(FEED),
                        "name": required(NAME),
                        "public_key": required(BASE64_KEY),
                        "certificate": required(PEM),
                        "age_recipient": required(AGE_RECIPIENT),
                    }
                )
            ),
            organisation_ca=required(PEM),
            mission=nullable(MISSION),
            stations=required(stations_list(STATION_DOCUMENT)),
        )
    ),
}
TABLES = ("enrolled_observers", "coordinator_pins")
