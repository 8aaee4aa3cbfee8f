"""Visits to a station (arrival to departure) and the breaks within them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.core.schema import UtcTime
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import ID, STATION_CODE, EventSchema, Ref, body, required
from observer_app.vault.projection.refs import assign_ref

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

VISIT_STARTED = "visit.started"
VISIT_ENDED = "visit.ended"
VISIT_PAUSED = "visit.paused"
VISIT_RESUMED = "visit.resumed"


def _started(conn: Connection, event: Event) -> None:
    body = event.body
    conn.execute(
        "INSERT INTO visits (id, feed, station, started_utc, ended_utc, tz)"
        " VALUES (?, ?, ?, ?, NULL, ?)",
        (body["id"], event.feed, body["station"], body["at"], event.tz),
    )
    assign_ref(conn, "visit", event.feed, body["id"])


def _ended(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE visits SET ended_utc = ? WHERE id = ? AND feed = ?",
        (event.body["at"], event.body["target"], event.feed),
    )


def _paused(conn: Connection, event: Event) -> None:
    body = event.body
    conn.execute(
        "INSERT INTO visit_breaks (id, visit, feed, started_utc, ended_utc)"
        " VALUES (?, ?, ?, ?, NULL)",
        (body["id"], body["target"], event.feed, body["at"]),
    )


def _resumed(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE visit_breaks SET ended_utc = ? WHERE id = ? AND feed = ?",
        (event.body["at"], event.body["target"], event.feed),
    )


PROJECTORS = {
    VISIT_STARTED: _started,
    VISIT_ENDED: _ended,
    VISIT_PAUSED: _paused,
    VISIT_RESUMED: _resumed,
}
_AT = required(UtcTime())
_STATION = required(STATION_CODE)
VISITS = Ref("visits")
BREAKS = Ref("visit_breaks")
SCHEMAS = {
    VISIT_STARTED: EventSchema(body(id=required(ID), station=_STATION, at=_AT), creates=VISITS),
    VISIT_ENDED: EventSchema(
        body(target=required(ID), station=_STATION, at=_AT), targets={"target": VISITS}
    ),
    VISIT_PAUSED: EventSchema(
        body(id=required(ID), target=required(ID), station=_STATION, at=_AT),
        creates=BREAKS,
        targets={"target": VISITS},
    ),
    VISIT_RESUMED: EventSchema(
        body(target=required(ID), visit=required(ID), station=_STATION, at=_AT),
        targets={"target": BREAKS, "visit": VISITS},
    ),
}
TABLES = ("visits", "visit_breaks")
