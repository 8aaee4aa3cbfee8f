"""Visits to stations with their breaks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class BreakRow:
    id: str
    started_utc: str
    ended_utc: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "started_utc": self.started_utc, "ended_utc": self.ended_utc}


@dataclass(frozen=True)
class VisitRow:
    id: str
    feed: str
    station: str
    started_utc: str
    ended_utc: str | None
    tz: str
    breaks: tuple[BreakRow, ...]

    @property
    def open_break(self) -> BreakRow | None:
        return next((b for b in self.breaks if b.ended_utc is None), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "feed": self.feed,
            "station": self.station,
            "started_utc": self.started_utc,
            "ended_utc": self.ended_utc,
            "tz": self.tz,
            "breaks": [b.to_json() for b in self.breaks],
        }


def _breaks(conn: Connection, visit_id: str) -> tuple[BreakRow, ...]:
    rows = conn.execute(
        "SELECT id, started_utc, ended_utc FROM visit_breaks WHERE visit = ?"
        " ORDER BY started_utc, id",
        (visit_id,),
    ).fetchall()
    return tuple(BreakRow(str(r[0]), str(r[1]), r[2]) for r in rows)


def _visits(conn: Connection, where: str, params: tuple[Any, ...]) -> list[VisitRow]:
    rows = conn.execute(
        "SELECT id, feed, station, started_utc, ended_utc, tz FROM visits"
        f" {where} ORDER BY started_utc, id",
        params,
    ).fetchall()
    return [
        VisitRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], str(r[5]), _breaks(conn, r[0]))
        for r in rows
    ]


def open_visit(conn: Connection, feed: str, station: str) -> VisitRow | None:
    """The author's visit to the station that has not ended yet (at most one)."""
    found = _visits(conn, "WHERE feed = ? AND station = ? AND ended_utc IS NULL", (feed, station))
    return found[-1] if found else None


def list_visits(
    conn: Connection, feed: str | None = None, station: str | None = None
) -> list[VisitRow]:
    clauses, params = [], []
    if feed is not None:
        clauses.append("feed = ?")
        params.append(feed)
    if station is not None:
        clauses.append("station = ?")
        params.append(station)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return _visits(conn, where, tuple(params))
