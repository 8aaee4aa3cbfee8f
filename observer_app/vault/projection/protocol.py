"""Results-protocol figures: every recorded value is kept; the latest per field is current."""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.vault.connection import Connection

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
TABLES = ("protocol_values", "protocol_figures")
