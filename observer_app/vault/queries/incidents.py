"""Incidents: one by id, the newest ones by station, category or severity, and their events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection
from observer_app.vault.journal import Event, parse_valid

_COLUMNS = (
    "id, feed, seq, station, category, severity, seen, status, follow_up, text, persons,"
    " witnesses, occurred_utc, tz, recorded_utc, amended, voided, void_reason"
)


@dataclass(frozen=True)
class IncidentRow:
    id: str
    feed: str
    seq: int
    station: str
    category: str
    severity: str
    seen: str
    status: str
    follow_up: str
    text: str
    persons: tuple[str, ...]
    witnesses: tuple[str, ...]
    occurred_utc: str
    tz: str
    recorded_utc: str
    amended: int
    voided: bool
    void_reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "feed": self.feed,
            "station": self.station,
            "category": self.category,
            "severity": self.severity,
            "seen": self.seen,
            "status": self.status,
            "follow_up": self.follow_up,
            "text": self.text,
            "persons": list(self.persons),
            "witnesses": list(self.witnesses),
            "time_utc": self.occurred_utc,
            "tz": self.tz,
            "recorded_utc": self.recorded_utc,
            "amended": self.amended,
            "voided": self.voided,
            "void_reason": self.void_reason,
        }


def _row(r: Any) -> IncidentRow:
    return IncidentRow(
        id=str(r[0]),
        feed=str(r[1]),
        seq=int(r[2]),
        station=str(r[3]),
        category=str(r[4]),
        severity=str(r[5]),
        seen=str(r[6]),
        status=str(r[7]),
        follow_up=str(r[8]),
        text=str(r[9]),
        persons=tuple(json.loads(r[10])),
        witnesses=tuple(json.loads(r[11])),
        occurred_utc=str(r[12]),
        tz=str(r[13]),
        recorded_utc=str(r[14]),
        amended=int(r[15]),
        voided=bool(r[16]),
        void_reason=r[17],
    )


def get_incident(conn: Connection, incident_id: str) -> IncidentRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM incidents WHERE id = ?", (incident_id,)).fetchone()
    return None if row is None else _row(row)


def incident_ids(conn: Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute("SELECT id FROM incidents")]


def newest_incidents(
    conn: Connection,
    station: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    limit: int | None = 100,
    include_voided: bool = True,
) -> list[IncidentRow]:
    """Incidents by the time they happened, newest first (index `incidents_station_time`)."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("station", station), ("category", category), ("severity", severity)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if not include_voided:
        clauses.append("voided = 0")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"SELECT {_COLUMNS} FROM incidents {where} ORDER BY occurred_utc DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_row(r) for r in conn.execute(sql, params).fetchall()]


def incident_events(conn: Connection, incident: IncidentRow) -> list[Event]:
    """The events that made the incident what it is: the report, then amendments and void."""
    rows = conn.execute(
        "SELECT payload, signature FROM events WHERE feed = ? AND seq = ?",
        (incident.feed, incident.seq),
    ).fetchall()
    rows += conn.execute(
        # `+feed`, `+seq`: look amendments up by type (few), not by position in the feed (many).
        "SELECT payload, signature FROM events WHERE +feed = ? AND +seq > ?"
        " AND type IN ('incident.amended', 'incident.voided')"
        " AND json_extract(CAST(payload AS TEXT), '$.body.target') = ? ORDER BY seq",
        (incident.feed, incident.seq, incident.id),
    ).fetchall()
    events = (parse_valid(bytes(p), bytes(s)) for p, s in rows)
    return [event for event in events if event is not None]
