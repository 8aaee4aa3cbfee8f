"""Counts for `summary`, each one grouped query over an indexed table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection


def incidents_by(conn: Connection, column: str) -> dict[str, int]:
    """Live incidents counted by `category` or `severity` (a closed list: never from input)."""
    if column not in ("category", "severity"):
        raise ValueError(column)
    rows = conn.execute(
        f"SELECT {column}, count(*) FROM incidents WHERE voided = 0 GROUP BY {column}"
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def incidents_by_region(conn: Connection) -> dict[str, int]:
    """Live incidents by their station's region (one region per code; none: '')."""
    rows = conn.execute(
        "SELECT coalesce((SELECT region FROM stations AS s WHERE s.code = i.station"
        " ORDER BY s.time_utc LIMIT 1), ''), count(*) FROM incidents AS i"
        " WHERE i.voided = 0 GROUP BY 1"
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


@dataclass(frozen=True)
class CurrentAnswer:
    phase: str
    item: str
    value: Any


def current_answers(conn: Connection) -> list[CurrentAnswer]:
    """The answer in force of every (author, station, item): the latest by rowid."""
    rows = conn.execute(
        "SELECT phase, item, value FROM checklist_answers WHERE rowid IN"
        " (SELECT max(rowid) FROM checklist_answers GROUP BY feed, station, item)"
    ).fetchall()
    return [CurrentAnswer(str(r[0]), str(r[1]), json.loads(r[2])) for r in rows]


@dataclass(frozen=True)
class HandoffRow:
    author: str
    last_utc: str | None
    bundles: int
    events: int


def handoffs_by_author(conn: Connection) -> dict[str, HandoffRow]:
    rows = conn.execute(
        "SELECT author, max(time_utc), count(*), sum(new_events) FROM handoff_received"
        " GROUP BY author"
    ).fetchall()
    return {str(r[0]): HandoffRow(str(r[0]), r[1], int(r[2]), int(r[3] or 0)) for r in rows}


def stations_with(conn: Connection, table: str) -> set[tuple[str, str]]:
    """(feed, station) pairs that have rows in `visits`, `checklist_answers` or
    `protocol_figures` (a closed list)."""
    if table not in ("visits", "checklist_answers", "protocol_figures"):
        raise ValueError(table)
    rows = conn.execute(f"SELECT DISTINCT feed, station FROM {table}").fetchall()
    return {(str(r[0]), str(r[1])) for r in rows}
