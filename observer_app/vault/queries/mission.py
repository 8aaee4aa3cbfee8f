"""The mission in force: the holder's own declaration, else the most recent one received."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str


@dataclass(frozen=True)
class MissionRow:
    feed: str
    name: str
    date: str
    candidates: tuple[Candidate, ...]
    against_all: bool
    time_utc: str

    @property
    def candidate_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.candidates)

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "name": self.name,
            "date": self.date,
            "candidates": [{"id": c.id, "name": c.name} for c in self.candidates],
            "against_all": self.against_all,
            "time_utc": self.time_utc,
        }


def current_mission(conn: Connection, prefer_feed: str | None = None) -> MissionRow | None:
    row = conn.execute(
        "SELECT feed, name, date, candidates, against_all, time_utc FROM mission"
        " ORDER BY feed = ? DESC, time_utc DESC, feed LIMIT 1",
        (prefer_feed or "",),
    ).fetchone()
    if row is None:
        return None
    candidates = tuple(Candidate(str(c["id"]), str(c["name"])) for c in json.loads(row[3]))
    return MissionRow(str(row[0]), str(row[1]), str(row[2]), candidates, bool(row[4]), str(row[5]))
