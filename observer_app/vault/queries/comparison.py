"""What `protocol compare` and `summary` read: every observer's current figures, the published
figures and the verification marks, each in one pass (optionally of one station)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection

_NUMBER = re.compile(r"([0-9]+)$")


@dataclass(frozen=True)
class FigureRow:
    station: str
    feed: str
    field: str
    value: int


@dataclass(frozen=True)
class MarkRow:
    station: str
    observer: str
    field: str
    verified: bool


def _station_clause(station: str | None) -> tuple[str, tuple[Any, ...]]:
    return ("WHERE station = ?", (station,)) if station is not None else ("", ())


def observer_figures(conn: Connection, station: str | None = None) -> list[FigureRow]:
    where, params = _station_clause(station)
    rows = conn.execute(
        f"SELECT station, feed, field, value FROM protocol_figures {where}", params
    ).fetchall()
    return [FigureRow(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


def published(conn: Connection, station: str | None = None) -> list[FigureRow]:
    where, params = _station_clause(station)
    rows = conn.execute(
        f"SELECT station, feed, field, value FROM published_figures {where}", params
    ).fetchall()
    return [FigureRow(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


def published_of(conn: Connection, station: str) -> dict[str, int]:
    return {row.field: row.value for row in published(conn, station)}


def marks(conn: Connection, station: str | None = None) -> list[MarkRow]:
    """Verification marks, oldest first (so the latest mark of a field wins when folded)."""
    where, params = _station_clause(station)
    rows = conn.execute(
        f"SELECT station, observer, field, verified FROM figure_marks {where} ORDER BY time_utc",
        params,
    ).fetchall()
    return [MarkRow(str(r[0]), str(r[1]), str(r[2]), bool(r[3])) for r in rows]


def station_names(conn: Connection) -> dict[str, str]:
    """code -> name, one name per code (the oldest declaration), for naming stations once."""
    rows = conn.execute(
        "SELECT code, name FROM stations ORDER BY time_utc DESC, feed DESC"
    ).fetchall()
    return {str(code): str(name) for code, name in rows}


def station_sort_key(code: str) -> tuple[int, int, str]:
    """The reader's order of station codes: by trailing number, then code."""
    match = _NUMBER.search(code)
    return (0, int(match[1]), code) if match else (1, 0, code)
