"""The mission each author declared: its name, polling date and the ballot's choices."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from observer_app.core.protocol import CANDIDATE_ID
from observer_app.core.schema import Boolean, Date, List, Object, Text
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import NAME, EventSchema, body, required

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

MISSION_SET = "mission.set"


def _set(conn: Connection, event: Event) -> None:
    body = event.body
    conn.execute(
        "INSERT INTO mission (feed, name, date, candidates, against_all, time_utc)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (feed) DO UPDATE SET name = excluded.name, date = excluded.date,"
        " candidates = excluded.candidates, against_all = excluded.against_all,"
        " time_utc = excluded.time_utc",
        (
            event.feed,
            body["name"],
            body["date"],
            json.dumps(body["candidates"], ensure_ascii=False),
            1 if body["against_all"] else 0,
            event.time_utc,
        ),
    )


PROJECTORS = {MISSION_SET: _set}
CANDIDATE = Object({"id": required(Text(32, 1, CANDIDATE_ID)), "name": required(NAME)})
MISSION = body(
    name=required(NAME),
    date=required(Date()),
    candidates=required(List(CANDIDATE, 500)),
    against_all=required(Boolean()),
)
"""A mission as `mission.set` and a setup package carry it."""
SCHEMAS = {MISSION_SET: EventSchema(MISSION)}
TABLES = ("mission",)
