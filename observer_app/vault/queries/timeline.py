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
records that match. Category and severity choose between looking up and walking by how many
incidents match (`_incident_terms`); `tests/records/test_read_model_plans.py` checks every path
against a brute-force reading of the filter.
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


def _where(
    conn: Connection, selection: TimelineFilter, *, for_page: bool
) -> tuple[list[str], list[Any]]:
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
        values = [value for _, value in terms]
        clauses.append(_incident_terms(conn, [c for c, _ in terms], values, for_page))
        params += values
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
        clauses.append(_voided_clause(conn, selection.voided, for_page))
    if selection.record is not None:
        clauses.append(
            "(record = ? OR (type = 'media.derived' AND record IN"
            " (SELECT id FROM media WHERE derived_from = ?)))"
        )
        params += [selection.record] * 2
    return clauses, params


# A page of incident events by category or severity is found one of three ways, by how many
# incidents match (`_incident_terms`): few, their events are looked up (`events_record`) and
# sorted; many, `events_time` is walked and each incident event's incident probed, which stops
# after one page; in between, the walk tests membership in the list of matching incidents
# (building a list of thousands costs more than the probes a walk of a common term needs).
FEW_INCIDENTS = 300
MANY_INCIDENTS_SHARE = 8  # "many": more than one incident in this many


def _voided_records(conn: Connection) -> int:
    """How many incidents and notes are voided (partial indexes of migration 9: cheap)."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM incidents WHERE voided <> 0)"
        " + (SELECT count(*) FROM notes WHERE voided <> 0)"
    ).fetchone()
    return int(row[0])


def _voided_clause(conn: Connection, voided: bool, for_page: bool) -> str:
    """The events of voided incidents and notes (`voided`), or every other event.

    A count and a page of few voided records look their events up by record. Otherwise a page
    walks `events_time` and probes each incident or note event's record: building the list of
    thousands of voided ids for every page cost more than the probes of one page's walk."""
    looked_up = (
        f"(type IN {_VOIDABLE_EVENTS} AND record IN"
        " (SELECT id FROM incidents WHERE voided <> 0"
        " UNION ALL SELECT id FROM notes WHERE voided <> 0))"
    )
    if not for_page or (voided and _voided_records(conn) < FEW_INCIDENTS):
        return looked_up if voided else f"NOT coalesce({looked_up}, 0)"
    probed = (
        f"(+type IN {_VOIDABLE_EVENTS} AND (EXISTS (SELECT 1 FROM incidents AS i"
        " WHERE i.id = events.record AND i.voided <> 0) OR EXISTS (SELECT 1 FROM notes AS n"
        " WHERE n.id = events.record AND n.voided <> 0)))"
    )
    return probed if voided else f"NOT {probed}"


def _incident_terms(conn: Connection, columns: list[str], values: list[Any], for_page: bool) -> str:
    """The clause selecting the events of the incidents with these current values (`columns`
    from a closed list: category, severity)."""
    joined = " AND ".join(f"{column} = ?" for column in columns)
    matching_ids = f"(SELECT id FROM incidents WHERE {joined})"
    looked_up = f"(type IN {_INCIDENT_EVENTS} AND record IN {matching_ids})"
    if not for_page:
        return looked_up
    held = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM incidents").fetchone()[0])
    cap = max(FEW_INCIDENTS, held // MANY_INCIDENTS_SHARE) + 1
    matching = int(
        conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM incidents WHERE {joined} LIMIT ?)",
            (*values, cap),
        ).fetchone()[0]
    )
    if matching < FEW_INCIDENTS:
        return looked_up
    if matching < cap:
        return f"(+type IN {_INCIDENT_EVENTS} AND +record IN {matching_ids})"
    probed = " AND ".join(f"i.{column} = ?" for column in columns)
    return (
        f"(+type IN {_INCIDENT_EVENTS} AND EXISTS (SELECT 1 FROM incidents AS i"
        f" WHERE i.id = events.record AND {probed}))"
    )


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
    clauses, params = _where(conn, selection, for_page=True)
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
    clauses, params = _where(conn, selection, for_page=False)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    # The planner prefers `events_record` (one seek per incident and event type, at random in
    # a large index); the partial index of incident events is a third of its size and stays
    # in the page cache (migration 11).
    table = "events"
    if selection.category is not None or selection.severity is not None:
        table = "events INDEXED BY events_incident_record"
    return int(conn.execute(f"SELECT count(*) FROM {table} {where}", params).fetchone()[0])
