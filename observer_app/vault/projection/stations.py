"""Polling stations as the holder (or, in a coordinator vault, each author) declared them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import ID, STATION_FIELDS, EventSchema, Ref, body, required
from observer_app.vault.projection.search import index, inserted_rowid

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

STATION_ADDED = "station.added"


def _added(conn: Connection, event: Event) -> None:
    body = event.body
    # A second declaration of a code by the same author is ignored (first wins), so that a
    # peer's bundle with such a slip still imports and replays to the same tables.
    cursor = conn.execute(
        "INSERT OR IGNORE INTO stations"
        " (id, feed, code, number, name, address, region, commission, tz, time_utc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            body["id"],
            event.feed,
            body["code"],
            body.get("number"),
            body["name"],
            body.get("address"),
            body.get("region"),
            body.get("commission"),
            body["tz"],
            event.time_utc,
        ),
    )
    if cursor.rowcount == 1:
        names = [body["code"], body.get("address") or "", body.get("commission") or ""]
        index(
            conn,
            "station",
            inserted_rowid(cursor),
            body["id"],
            event.feed,
            body["code"],
            body["name"],
            names,
        )


PROJECTORS = {STATION_ADDED: _added}
SCHEMAS = {
    STATION_ADDED: EventSchema(body(id=required(ID), **STATION_FIELDS), creates=Ref("stations"))
}
TABLES = ("stations",)
