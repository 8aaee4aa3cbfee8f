"""The timeline read model over `events`: pages in (time_utc, feed, seq) order and counts.

A `TimelineFilter` becomes SQL here and nowhere else. An event belongs to a station when its
body names the station, when it adds the station, or when it adds, amends or voids something (an
incident, a note) that is at the station now: an incident moved to another station shows its
whole history under both. Category and severity select incident events by the incident's
current values, with its whole history; `voided` by whether the incident or note is voided.

Each part is an ordered index range, not a scan of the journal. The body's station, record and
phase are columns of `events` (migrations 5 and 9) set from the signed body; a record's state
now is in `record_events` (migration 12), one row per event about a record, kept by triggers.
A filter is answered from one of two sources (`_sources`):
- a filter on a record's state (category, severity, voided only) reads `record_events` alone;
- a station or region reads two ranges, the events whose body names it (`events`) and the events
  of records at it now (`record_events`), each limited to one page in key order and merged;
- any other filter reads `events`.
A page selects keys in order first and then reads the payloads of those rows only, so that a
filter that matches thousands of events never sorts or reads their payloads.
`tests/records/test_read_model_plans.py` checks every path against a brute-force reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from observer_app.core.paging import Cursor, check_cursor, check_limit
from observer_app.core.timeline_filter import TimelineFilter
from observer_app.vault.connection import Connection

_KEY_SHAPE = (str, str, int)


class _Table(Enum):
    """Where a branch of a query reads its keys."""

    EVENTS = "events"
    RECORD_EVENTS = "record_events"


@dataclass(frozen=True)
class StoredEvent:
    """One row of a timeline page: the signed bytes, parsed and checked by the caller."""

    payload: bytes
    signature: bytes


@dataclass(frozen=True)
class _Branch:
    """One key range of a query: a table and the conditions on its rows."""

    table: _Table
    clauses: tuple[str, ...]
    params: tuple[Any, ...]


_REGION_CODES = "(SELECT code FROM stations WHERE region = ?)"


def _place(table: _Table, test: str) -> str:
    """The station rule (`test` on a station code column, e.g. `= ?`) as a condition on rows
    of `table`: the body's station or, for events about a record, the record's station now."""
    if table is _Table.RECORD_EVENTS:
        return f"(station {test} OR at_station {test})"
    return (
        f"(station {test} OR (feed, seq) IN"
        f" (SELECT feed, seq FROM record_events WHERE at_station {test}))"
    )


def _conditions(
    table: _Table, selection: TimelineFilter, *, skip_place: bool = False
) -> tuple[list[str], list[Any]]:
    """The filter's conditions on rows of `table` (without station and region: `skip_place`)."""
    clauses: list[str] = []
    params: list[Any] = []
    records = table is _Table.RECORD_EVENTS
    if selection.feed is not None:
        clauses.append("feed = ?")
        params.append(selection.feed)
    if not skip_place and selection.station is not None:
        clauses.append(_place(table, "= ?"))
        params += [selection.station] * 2
    if not skip_place and selection.region is not None:
        clauses.append(_place(table, f"IN {_REGION_CODES}"))
        params += [selection.region] * 2
    # With a category, the severity is tested on the category index's entries (`+`: not the
    # severity index, whose range is larger and holds no category).
    severity = "+severity" if selection.category is not None else "severity"
    for column, value in (("category", selection.category), (severity, selection.severity)):
        if value is not None:
            clauses.append(f"{column} = ?" if records else "0")
            params += [value] if records else []
    if selection.phase is not None:
        clauses.append("phase = ?")
        params.append(selection.phase)
    if selection.since_utc is not None:
        clauses.append("time_utc >= ?")
        params.append(selection.since_utc)
    if selection.until_utc is not None:
        clauses.append("time_utc < ?")
        params.append(selection.until_utc)
    if selection.voided is True:
        clauses.append("voided = 1" if records else "0")
    elif selection.voided is False:
        # Probed in the voided events' own index, which the page's walk in time order reads a
        # few neighbouring entries of; the planner chose `record_events`' primary key, whose
        # wide rows for random (feed, seq) pushed the page's rows out of the page cache (a page
        # deep in 85,000 events: 19 -> 7 ms on a freshly built vault).
        clauses.append(
            "voided IS NOT 1"
            if records
            else "NOT EXISTS (SELECT 1 FROM record_events AS v INDEXED BY record_events_voided"
            " WHERE v.voided = 1 AND v.time_utc = events.time_utc AND v.feed = events.feed"
            " AND v.seq = events.seq)"
        )
    if selection.record is not None:
        if records:
            clauses.append("record = ?")
            params.append(selection.record)
        else:
            clauses.append(
                "(record = ? OR (type = 'media.derived' AND record IN"
                " (SELECT id FROM media WHERE derived_from = ?)))"
            )
            params += [selection.record] * 2
    return clauses, params


def _sources(selection: TimelineFilter) -> list[_Branch]:
    """The key ranges whose union is the filter's events (see the module's docstring)."""
    if selection.category is not None or selection.severity is not None or selection.voided:
        clauses, params = _conditions(_Table.RECORD_EVENTS, selection)
        return [_Branch(_Table.RECORD_EVENTS, tuple(clauses), tuple(params))]
    if selection.station is None and selection.region is None:
        clauses, params = _conditions(_Table.EVENTS, selection)
        return [_Branch(_Table.EVENTS, tuple(clauses), tuple(params))]
    # Split on the station (or else the region): its two halves are ordered index ranges; the
    # region, when both are given, is tested on each half's rows.
    value: str | None
    if selection.station is not None:
        test, value, rest = "= ?", selection.station, replace(selection, station=None)
    else:
        test, value, rest = f"IN {_REGION_CODES}", selection.region, replace(selection, region=None)
    branches = []
    for table, column in ((_Table.EVENTS, "station"), (_Table.RECORD_EVENTS, "at_station")):
        clauses, params = _conditions(table, rest)
        branches.append(_Branch(table, (f"{column} {test}", *clauses), (value, *params)))
    return branches


def _order(newest_first: bool) -> str:
    direction = " DESC" if newest_first else ""
    return f"time_utc{direction}, feed{direction}, seq{direction}"


def _keys(branch: _Branch, key: Sequence[Any] | None, newest_first: bool) -> tuple[str, list[Any]]:
    """One branch's keys after the cursor, in order, at most one page (the LIMIT is last)."""
    clauses, params = list(branch.clauses), list(branch.params)
    if key is not None:
        clauses.append(f"(time_utc, feed, seq) {'<' if newest_first else '>'} (?, ?, ?)")
        params += list(key)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = (
        f"SELECT time_utc, feed, seq FROM {branch.table.value}{where}"
        f" ORDER BY {_order(newest_first)} LIMIT ?"
    )
    return sql, params


def _one_bound_on_the_near_side(
    selection: TimelineFilter, key: tuple[Any, ...] | None, newest_first: bool
) -> tuple[TimelineFilter, tuple[Any, ...] | None]:
    """The period's start (newest first: its end) or the cursor, whichever the other implies,
    left out. Given both, SQLite began the index walk at the period's start and stepped over
    every row before the cursor: a page deep in a two-hour period read ~6,000 index entries
    (14-18 ms). The rows selected are the same: a cursor at or after the start implies it,
    and a start after the cursor implies the cursor."""
    if key is None:
        return selection, key
    at = str(key[0])
    if not newest_first and selection.since_utc is not None:
        if at >= selection.since_utc:
            return replace(selection, since_utc=None), key
        return selection, None
    if newest_first and selection.until_utc is not None:
        if at < selection.until_utc:
            return replace(selection, until_utc=None), key
        return selection, None
    return selection, key


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
    order = _order(newest_first)
    selection, key = _one_bound_on_the_near_side(selection, key, newest_first)
    parts = [_keys(branch, key, newest_first) for branch in _sources(selection)]
    if len(parts) == 1:
        keys_sql, params = parts[0][0], [*parts[0][1], limit]
    else:
        keys_sql = (
            " UNION ".join(f"SELECT * FROM ({sql})" for sql, _params in parts)
            + f" ORDER BY {order} LIMIT ?"
        )
        params = [value for _sql, part in parts for value in (*part, limit)] + [limit]
    rows = conn.execute(
        "SELECT payload, signature, time_utc, feed, seq FROM events WHERE (feed, seq) IN"
        f" (SELECT feed, seq FROM ({keys_sql})) ORDER BY {order}",
        params,
    ).fetchall()
    events = [StoredEvent(bytes(r[0]), bytes(r[1])) for r in rows]
    last: Sequence[Any] | None = rows[-1] if len(rows) == limit else None
    cursor = None if last is None else Cursor((str(last[2]), str(last[3]), int(last[4])))
    return events, cursor


def timeline_count(conn: Connection, selection: TimelineFilter) -> int:
    """How many stored events the filter selects (events a view skips as invalid included).

    "Not voided" is counted as all minus voided: both are index ranges, where testing each
    event for not being voided visits every event."""
    if selection.voided is False:
        return timeline_count(conn, replace(selection, voided=None)) - timeline_count(
            conn, replace(selection, voided=True)
        )
    parts = []
    params: list[Any] = []
    for branch in _sources(selection):
        where = f" WHERE {' AND '.join(branch.clauses)}" if branch.clauses else ""
        parts.append(f"SELECT feed, seq FROM {branch.table.value}{where}")
        params += branch.params
    if len(parts) == 1:
        sql = parts[0].replace("SELECT feed, seq", "SELECT count(*)", 1)
    else:
        sql = f"SELECT count(*) FROM ({' UNION '.join(parts)})"
    return int(conn.execute(sql, params).fetchone()[0])
