"""Incidents: one by id, the newest ones by station, category or severity, their counts per
station, and their histories (the events that made them what they are)."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from observer_app.core.incidents import Incident
from observer_app.core.paging import Cursor, Page, check_cursor, check_limit
from observer_app.vault.connection import Connection
from observer_app.vault.journal import Event, parse_valid
from observer_app.vault.projection.incidents import (
    INCIDENT_ADDED,
    INCIDENT_AMENDED,
    INCIDENT_VOIDED,
)

_COLUMNS = (
    "id, feed, seq, station, category, severity, seen, status, follow_up, text, persons,"
    " witnesses, occurred_utc, tz, recorded_utc, amended, voided, void_reason"
)


def _row(r: Any) -> Incident:
    return Incident(
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


def get_incident(conn: Connection, incident_id: str) -> Incident | None:
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
    feed: str | None = None,
) -> list[Incident]:
    """Incidents by the time they happened, newest first (index `incidents_station_time`);
    one author's (`feed`) or everyone's."""
    clauses, params = _incident_where(station, category, severity, include_voided)
    if feed is not None:
        clauses.append("feed = ?")
        params.append(feed)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"SELECT {_COLUMNS} FROM incidents {where} ORDER BY occurred_utc DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_row(r) for r in conn.execute(sql, params).fetchall()]


def _incident_where(
    station: str | None, category: str | None, severity: str | None, include_voided: bool
) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("station", station), ("category", category), ("severity", severity)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if not include_voided:
        clauses.append("voided = 0")
    return clauses, params


def incidents_page(
    conn: Connection,
    after: Cursor | None = None,
    limit: int = 100,
    *,
    station: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    include_voided: bool = True,
) -> Page[Incident]:
    """Newest first by (occurred_utc, id), after the cursor (indexes `incidents_station_time`,
    `incidents_time`, `incidents_category`, `incidents_severity`)."""
    limit = check_limit(limit)
    clauses, params = _incident_where(station, category, severity, include_voided)
    key = check_cursor(after, (str, str))
    if key is not None:
        clauses.append("(occurred_utc, id) < (?, ?)")
        params += list(key)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = [
        _row(r)
        for r in conn.execute(
            f"SELECT {_COLUMNS} FROM incidents {where} ORDER BY occurred_utc DESC, id DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
    ]
    last = rows[-1] if len(rows) == limit else None
    return Page(tuple(rows), None if last is None else Cursor((last.occurred_utc, last.id)))


def count_incidents(
    conn: Connection,
    *,
    station: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    include_voided: bool = True,
) -> int:
    clauses, params = _incident_where(station, category, severity, include_voided)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return int(conn.execute(f"SELECT count(*) FROM incidents {where}", params).fetchone()[0])


@dataclass(frozen=True)
class IncidentCounts:
    live: int
    voided: int


def incident_counts(conn: Connection, station: str, feed: str | None = None) -> IncidentCounts:
    """How many incidents a station has, live and voided, of every feed (or of one): counted
    in SQL."""
    sql = "SELECT COUNT(*), COALESCE(SUM(voided <> 0), 0) FROM incidents WHERE station = ?"
    params: tuple[str, ...] = (station,)
    if feed is not None:
        sql += " AND feed = ?"
        params += (feed,)
    total, voided = conn.execute(sql, params).fetchone()
    return IncidentCounts(live=int(total) - int(voided), voided=int(voided))


def incident_histories(
    conn: Connection, feed: str, incidents: Collection[Incident] | None = None
) -> dict[str, list[Event]]:
    """incident id -> its events (the report, then amendments and the void), in seq order.

    The one definition of an incident's history, for every incident of the feed (a report) or
    only the ones given (`incident show`). For those, the reports are read at their position
    (`seq`) and the amendments and voids by type (`+feed`, `+seq`: few), not by scanning the
    feed's incident events (many).
    """
    types = (INCIDENT_ADDED, INCIDENT_AMENDED, INCIDENT_VOIDED)
    if incidents is None:
        sql = "SELECT payload, signature FROM events WHERE feed = ? AND type IN (?, ?, ?)"
        params: tuple[Any, ...] = (feed, *types)
    else:
        wanted = [i for i in incidents if i.feed == feed]
        sql = (
            "SELECT payload, signature, seq FROM events WHERE feed = ?"
            " AND seq IN (SELECT value FROM json_each(?)) AND type = ?"
            " UNION ALL SELECT payload, signature, seq FROM events WHERE +feed = ? AND +seq > ?"
            " AND type IN (?, ?) AND json_extract(CAST(payload AS TEXT), '$.body.target')"
            " IN (SELECT value FROM json_each(?))"
        )
        params = (
            feed,
            json.dumps([i.seq for i in wanted]),
            INCIDENT_ADDED,
            feed,
            min((i.seq for i in wanted), default=0),
            INCIDENT_AMENDED,
            INCIDENT_VOIDED,
            json.dumps([i.id for i in wanted]),
        )
    histories: dict[str, list[Event]] = {}
    for row in conn.execute(sql + " ORDER BY seq", params):
        event = parse_valid(bytes(row[0]), bytes(row[1]))
        if event is None:  # not valid as data: left out, with a warning (issue 10)
            continue
        key = event.body.get("id") if event.type == INCIDENT_ADDED else event.body.get("target")
        if isinstance(key, str):
            histories.setdefault(key, []).append(event)
    return histories
