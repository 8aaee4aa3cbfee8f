"""Results-protocol figures of one author at one station: current values and history."""

from __future__ import annotations

from dataclasses import dataclass

from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class FigureValue:
    record: str
    field: str
    value: int
    time_utc: str


def current_figures(conn: Connection, feed: str, station: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT field, value FROM protocol_figures WHERE feed = ? AND station = ?",
        (feed, station),
    ).fetchall()
    return {str(field): int(value) for field, value in rows}


def figure_history(conn: Connection, feed: str, station: str) -> list[FigureValue]:
    """Every value ever recorded, oldest first (record ids are UUIDv7, so they sort by time)."""
    rows = conn.execute(
        "SELECT record, field, value, time_utc FROM protocol_values"
        " WHERE feed = ? AND station = ? ORDER BY time_utc, record, field",
        (feed, station),
    ).fetchall()
    return [FigureValue(str(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in rows]


def stations_with_figures(conn: Connection, feed: str) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT station FROM protocol_figures WHERE feed = ? ORDER BY station", (feed,)
    ).fetchall()
    return [str(r[0]) for r in rows]
