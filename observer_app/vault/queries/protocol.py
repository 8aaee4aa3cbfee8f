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


def feeds_with_figures(conn: Connection, station: str) -> list[str]:
    """The authors who copied figures of the station (index `protocol_figures_station`)."""
    rows = conn.execute(
        "SELECT DISTINCT feed FROM protocol_figures WHERE station = ? ORDER BY feed", (station,)
    ).fetchall()
    return [str(r[0]) for r in rows]


def stations_with_any_figures(conn: Connection) -> list[str]:
    """Every station code that an observer's copy or a published result has figures for."""
    rows = conn.execute(
        "SELECT station FROM protocol_figures UNION SELECT station FROM published_figures"
        " ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def published_figures(conn: Connection, station: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT field, value FROM published_figures WHERE station = ?", (station,)
    ).fetchall()
    return {str(field): int(value) for field, value in rows}


def verified_fields(conn: Connection, observer: str, station: str) -> dict[str, bool]:
    """field -> whether a coordinator marked the observer's figure verified (latest mark of
    any coordinator wins; fields never marked are absent)."""
    rows = conn.execute(
        "SELECT field, verified FROM figure_marks WHERE observer = ? AND station = ?"
        " ORDER BY time_utc",
        (observer, station),
    ).fetchall()
    return {str(field): bool(verified) for field, verified in rows}
