"""Results-protocol figures: every recorded value is kept; the latest per field is current."""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.core.protocol import FIGURE_NAME, MAX_FIGURE
from observer_app.core.schema import Integer, Map, Text
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import ID, STATION_CODE, EventSchema, Ref, body, required

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

PROTOCOL_RECORDED = "protocol.recorded"


def _recorded(conn: Connection, event: Event) -> None:
    body = event.body
    for field, value in sorted(body["figures"].items()):
        conn.execute(
            "INSERT INTO protocol_values (record, feed, station, field, value, time_utc)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (body["id"], event.feed, body["station"], field, value, event.time_utc),
        )
        conn.execute(
            "INSERT INTO protocol_figures (feed, station, field, value, record, time_utc)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (feed, station, field) DO UPDATE SET"
            " value = excluded.value, record = excluded.record, time_utc = excluded.time_utc",
            (event.feed, body["station"], field, value, body["id"], event.time_utc),
        )


PROJECTORS = {PROTOCOL_RECORDED: _recorded}
SCHEMAS = {
    PROTOCOL_RECORDED: EventSchema(
        body(
            id=required(ID),
            station=required(STATION_CODE),
            figures=required(Map(Text(64, 1, FIGURE_NAME), Integer(0, MAX_FIGURE), 1_000, 1)),
        ),
        creates=Ref("protocol_values", id_column="record"),
    )
}
TABLES = ("protocol_values", "protocol_figures")
