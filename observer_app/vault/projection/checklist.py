"""Checklist answers: every answer is kept; the latest per author, station and item is current.

The table is append-only: "current" is derived when read (the row with the highest rowid for
its author, station and item), so an answer costs one INSERT instead of an UPDATE of the
superseded row plus an INSERT.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from observer_app.core.answers import MAX_INTEGER
from observer_app.core.schema import Integer, List, OneOf, Text
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import (
    ID,
    SHORT_TEXT,
    STATION_CODE,
    TERM,
    EventSchema,
    Ref,
    body,
    optional,
    required,
)
from observer_app.vault.projection.media import move_links
from observer_app.vault.projection.refs import assign_ref

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

CHECKLIST_ANSWERED = "checklist.answered"


def _answered(conn: Connection, event: Event) -> None:
    body = event.body
    conn.execute(
        "INSERT INTO checklist_answers"
        " (id, feed, station, phase, item, value, note, time_utc, tz)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            body["id"],
            event.feed,
            body["station"],
            body["phase"],
            body["item"],
            json.dumps(body["value"], ensure_ascii=False),
            body.get("note"),
            event.time_utc,
            event.tz,
        ),
    )
    assign_ref(conn, "answer", event.feed, body["id"])
    move_links(conn, "answer", body["id"], body["station"])


PROJECTORS = {CHECKLIST_ANSWERED: _answered}
# An answer is a text (a choice, a time of day), a count, or the choices of a multiple choice.
ANSWER = OneOf((Text(1_000), Integer(0, MAX_INTEGER), List(Text(200), 200)))
SCHEMAS = {
    CHECKLIST_ANSWERED: EventSchema(
        body(
            id=required(ID),
            station=required(STATION_CODE),
            phase=required(TERM),
            item=required(TERM),
            value=required(ANSWER),
            note=optional(SHORT_TEXT),
        ),
        creates=Ref("checklist_answers"),
    )
}
TABLES = ("checklist_answers",)
