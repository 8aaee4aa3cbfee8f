"""The timeline read model over `events`: pages in (time_utc, feed, seq) order and counts.

A `TimelineFilter` becomes SQL here and nowhere else. An event belongs to a station when its
body names the station, when it adds the station, or when it adds, amends or voids something (an
incident, a note) that is at the station now: an incident moved to another station shows its
whole history under both. Category and severity select incident events by the incident's
current values, with its whole history; `voided` by whether the incident or note is voided.

Each part is an index lookup, not a scan of the journal: the body's station, record and phase
are columns of `events` (migrations 5 and 9) set from the signed body. A page selects row ids
in key order first (`events_time`, or `events_feed_time` for one feed) and reads the payloads of
those rows only, so that a filter that matches thousands of events never sorts their payloads.
The event type is tested as `+type` (no index): the type index would otherwise drive the lookup
and read every incident event's row, where the record index (migration 9) answers from the few
records that match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from observer_app.core.paging import Cursor, check_cursor, check_limit
from observer_app.core.timeline_filter import TimelineFilter
from observer_app.vault.connection import Connection

_INCIDENT_EVENTS = "('incident.added', 'incident.amended', 'incident.voided', 'annotation.set')"
_RECORD_EVENTS = (
    "('incident.added', 'incident.amended', 'incident.voided', 'note.amended', 'note.voided',"
    " 'annotation.set')"
)
_VOIDABLE_EVENTS = (
    "('incident.added', 'incident.amended', 'incident.voided',"
    " 'note.added', 'note.amended', 'note.voided')"
)
_KEY_SHAPE = (str, str, int)


@dataclass(frozen=True)
class StoredEvent:
    """One row of a timeline page: the signed bytes, parsed and checked by the caller."""

    payload: bytes
    signature: bytes


def _where(selection: TimelineFilter, *, for_page: bool) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if selection.feed is not None:
        clauses.append("feed = ?")
        params.append(selection.feed)
    if selection.station is not None:
        # For a page, unary + keeps the planner off the station and record indexes: an OR over
        # three index searches collects every matching event and sorts them all (O(matches) per
        # page); a walk of `events_time` (which holds type, record and station, so the walk reads
        # index entries only) stops after one page. A count takes the index searches.
        walk = "+" if for_page else ""
        clauses.append(
            f"({walk}station = ?"
            f" OR (+type = 'station.added' AND {walk}record IN"
            " (SELECT id FROM stations WHERE code = ?))"
            f" OR (+type IN {_RECORD_EVENTS} AND {walk}record IN (SELECT id FROM incidents"
            " WHERE station = ? UNION ALL SELECT id FROM notes WHERE station = ?)))"
        )
        params += [selection.station] * 4
    if selection.region is not None:
        codes = "(SELECT code FROM stations WHERE region = ?)"
        clauses.append(
            f"(station IN {codes}"
            f" OR (type = 'station.added' AND record IN (SELECT id FROM stations WHERE region = ?))"
            f" OR (type IN {_RECORD_EVENTS} AND record IN (SELECT id FROM incidents"
            f" WHERE station IN {codes} UNION ALL SELECT id FROM notes WHERE station IN {codes})))"
        )
        params += [selection.region] * 4
    terms = [
        (column, value)
        for column, value in (("category", selection.category), ("severity", selection.severity))
        if value is not None
    ]
    if terms:
        joined = " AND ".join(f"{column} = ?" for column, _ in terms)
        clauses.append(
            f"(+type IN {_INCIDENT_EVENTS} AND record IN (SELECT id FROM incidents WHERE {joined}))"
        )
        params += [value for _, value in terms]
    if selection.phase is not None:
        clauses.append("phase = ?")
        params.append(selection.phase)
    if selection.since_utc is not None:
        clauses.append("time_utc >= ?")
        params.append(selection.since_utc)
    if selection.until_utc is not None:
        clauses.append("time_utc < ?")
        params.append(selection.until_utc)
    if selection.voided is not None:
        voided = (
            f"(+type IN {_VOIDABLE_EVENTS} AND record IN"
            " (SELECT id FROM incidents WHERE voided <> 0"
            " UNION ALL SELECT id FROM notes WHERE voided <> 0))"
        )
        clauses.append(voided if selection.voided else f"NOT coalesce({voided}, 0)")
    if selection.record is not None:
        clauses.append(
            "(record = ? OR (type = 'media.derived' AND record IN"
            " (SELECT id FROM media WHERE derived_from = ?)))"
        )
        params += [selection.record] * 2
    return clauses, params


def timeline_page(
    conn: Connection,
    selection: TimelineFilter,
    after: Cursor | None = None,
    limit: int = 100,
    *,
    newest_first: bool = False,
) -> tuple[list[StoredEvent], Cursor | None]:
    """Up to `limit` events after the cursor, oldest (or newest) first, and the next cursor."""
    limit = check_limit(limit)
    key = check_cursor(after, _KEY_SHAPE)
    clauses, params = _where(selection, for_page=True)
    if key is not None:
        clauses.append(f"(time_utc, feed, seq) {'<' if newest_first else '>'} (?, ?, ?)")
        params += list(key)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    direction = "DESC" if newest_first else ""
    order = f"time_utc {direction}, feed {direction}, seq {direction}"
    rows = conn.execute(
        f"SELECT payload, signature, time_utc, feed, seq FROM events WHERE rowid IN"
        f" (SELECT rowid FROM events {where} ORDER BY {order} LIMIT ?) ORDER BY {order}",
        (*params, limit),
    ).fetchall()
    events = [StoredEvent(bytes(r[0]), bytes(r[1])) for r in rows]
    last: Sequence[Any] | None = rows[-1] if len(rows) == limit else None
    cursor = None if last is None else Cursor((str(last[2]), str(last[3]), int(last[4])))
    return events, cursor


def timeline_count(conn: Connection, selection: TimelineFilter) -> int:
    """How many stored events the filter selects (events a view skips as invalid included).

    "Not voided" is counted as all minus voided: both are index lookups, where testing each
    event for not being voided visits every event."""
    if selection.voided is False:
        return timeline_count(conn, replace(selection, voided=None)) - timeline_count(
            conn, replace(selection, voided=True)
        )
    clauses, params = _where(selection, for_page=False)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return int(conn.execute(f"SELECT count(*) FROM events {where}", params).fetchone()[0])
