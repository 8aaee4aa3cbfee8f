"""The mission each author declared: its name, polling date and the ballot's choices."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from observer_app.vault.connection import Connection

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
TABLES = ("mission",)
