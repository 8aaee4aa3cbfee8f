"""Free-text notes, with amendments and voids that keep the history in the journal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import (
    ID,
    LONG_TEXT,
    REASON,
    STATION_CODE,
    EventSchema,
    Ref,
    body,
    nullable,
    required,
)
from observer_app.vault.projection import search
from observer_app.vault.projection.refs import assign_ref

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

NOTE_ADDED = "note.added"
NOTE_AMENDED = "note.amended"
NOTE_VOIDED = "note.voided"


def _added(conn: Connection, event: Event) -> None:
    body = event.body
    cursor = conn.execute(
        "INSERT OR ROLLBACK INTO notes (id, feed, station, text, time_utc, tz)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (body["id"], event.feed, body.get("station"), body["text"], event.time_utc, event.tz),
    )
    assign_ref(conn, "note", event.feed, body["id"])
    search.index(
        conn,
        "note",
        search.inserted_rowid(cursor),
        body["id"],
        event.feed,
        body.get("station"),
        body["text"],
    )


def _amended(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE OR ROLLBACK notes SET text = ?, amended = amended + 1 WHERE id = ? AND feed = ?",
        (event.body["text"], event.body["target"], event.feed),
    )
    row = conn.execute(
        "SELECT rowid, station FROM notes WHERE id = ? AND feed = ?",
        (event.body["target"], event.feed),
    ).fetchone()
    if row is not None:
        search.index(
            conn,
            "note",
            int(row[0]),
            event.body["target"],
            event.feed,
            row[1],
            event.body["text"],
            replace=True,
        )


def _voided(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE OR ROLLBACK notes SET voided = 1, void_reason = ? WHERE id = ? AND feed = ?",
        (event.body["reason"], event.body["target"], event.feed),
    )


PROJECTORS = {NOTE_ADDED: _added, NOTE_AMENDED: _amended, NOTE_VOIDED: _voided}
NOTES = Ref("notes")
SCHEMAS = {
    NOTE_ADDED: EventSchema(
        body(id=required(ID), station=nullable(STATION_CODE), text=required(LONG_TEXT)),
        creates=NOTES,
    ),
    NOTE_AMENDED: EventSchema(
        body(target=required(ID), text=required(LONG_TEXT)), targets={"target": NOTES}
    ),
    NOTE_VOIDED: EventSchema(
        body(target=required(ID), reason=required(REASON)), targets={"target": NOTES}
    ),
}
TABLES = ("notes",)
