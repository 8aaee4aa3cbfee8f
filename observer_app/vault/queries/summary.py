"""Counts for `summary`, each one grouped query over an indexed table."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class LiveIncidentCounts:
    by_category: dict[str, int]
    by_severity: dict[str, int]
    by_region: dict[str, int]


def live_incident_counts(conn: Connection) -> LiveIncidentCounts:
    """Live incidents counted by category, severity and their station's region (one region per
    code, the oldest declaration's; none: ''), from one pass over the partial index
    `incidents_live` (migration 11) instead of three scans of the incidents' rows."""
    regions: dict[str, str] = {}
    for code, region in conn.execute(
        "SELECT code, region FROM stations ORDER BY time_utc DESC"
    ).fetchall():
        regions[str(code)] = str(region or "")  # the oldest is written last
    by_category: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    for category, severity, station, count in conn.execute(
        "SELECT category, severity, station, count(*) FROM incidents WHERE voided = 0"
        " GROUP BY category, severity, station"
    ).fetchall():
        by_category[str(category)] += int(count)
        by_severity[str(severity)] += int(count)
        by_region[regions.get(str(station), "")] += int(count)
    return LiveIncidentCounts(dict(by_category), dict(by_severity), dict(by_region))


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
