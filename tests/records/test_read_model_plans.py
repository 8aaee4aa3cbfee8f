"""The timeline's query paths against a brute-force filter, on a small vault of two feeds.

The SQL of `vault/queries/timeline.py` is shaped for speed (index walks, unions merged in key
order, counts as differences); this checks that every filter, alone and combined, in both
orders and at several page sizes, selects exactly the events a plain reading of the filter's
definition (`core/timeline_filter.py`) selects from every stored event, each once, in key order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.core.ids import new_id
from observer_app.core.paging import Cursor
from observer_app.core.timeline_filter import ALL_EVENTS, TimelineFilter
from observer_app.core.timeutil import format_utc, parse_utc
from observer_app.errors import UsageError
from observer_app.logbook import checklist, incidents, notes, stations
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession
from observer_app.vault import journal, projection
from observer_app.vault.connection import Transaction
from observer_app.vault.migrations import m0012_record_events
from observer_app.vault.queries import timeline as queries

_INCIDENT = {"incident.added", "incident.amended", "incident.voided", "annotation.set"}
_RECORD = _INCIDENT | {"note.amended", "note.voided"}
_VOIDABLE = {
    "incident.added",
    "incident.amended",
    "incident.voided",
    "note.added",
    "note.amended",
    "note.voided",
}


@dataclass(frozen=True)
class Row:
    key: tuple[str, str, int]
    type: str
    record: str | None
    station: str | None
    phase: str | None


def _other_feed(day: LogbookSession, make_session: Callable[..., LogbookSession]) -> journal.Author:
    """A second real author whose identity event is stored in `day`'s vault."""
    other = make_session(name="Second observer", folder="second")
    first = next(journal.read_events(other.conn, other.identity.feed))
    with Transaction(day.conn):
        journal.store_event(day.conn, first, other.identity.public_key_der)
    return other.identity.author


def _fill(day: LogbookSession, catalogue: Catalogue, other: journal.Author) -> None:
    rng = random.Random(12)
    codes = ["101", "AKT-7", "300"]
    stations.add_station(day, catalogue, "300", "Мектеп 300", region="aktobe")
    categories = [c.id for c in catalogue.incident_categories][:4]
    start = parse_utc("2026-03-15T01:00:00Z").timestamp()
    own_incidents: list[str] = []
    own_notes: list[str] = []
    theirs: list[tuple[str, str]] = []
    for index in range(160):
        roll = rng.randrange(10)
        at = f"2026-03-15T{rng.randrange(6, 20):02d}:{rng.randrange(60):02d}"
        code = rng.choice(codes)
        if index % 2:  # the other author, through the journal as an import stores it
            moment = start + rng.randrange(16 * 3600)
            time_utc = format_utc(dt.datetime.fromtimestamp(moment, dt.UTC))
            body: dict[str, Any]
            if roll < 4 or not theirs:
                theirs.append((new_id(), code))
                category = catalogue.category(rng.choice(categories))
                kind, body = "incident.added", {
                    "id": theirs[-1][0], "station": code, "category": category.id,
                    "severity": category.default_severity, "seen": "directly",
                    "status": "unmarked", "follow_up": "none_needed", "text": f"вброс {index}",
                    "persons": [], "witnesses": [], "at": time_utc,
                }  # fmt: skip
            elif roll < 6:
                target, where = theirs.pop()
                kind, body = "incident.voided", {"target": target, "station": where, "reason": "x"}
            elif roll < 8:
                kind, body = "checklist.answered", {
                    "id": new_id(), "station": code, "phase": "opening", "item": "OPN02",
                    "value": "yes", "note": None,
                }  # fmt: skip
            else:
                kind, body = "note.added", {"id": new_id(), "station": code, "text": "заметка"}
            with Transaction(day.conn):
                journal.append(day.conn, other, kind, body, "Asia/Almaty", time_utc=time_utc)
            continue
        if roll < 4 or not own_incidents:
            category_id = rng.choice(categories)
            own_incidents.append(
                incidents.add_incident(
                    day, catalogue, code, category_id, f"инцидент {index}", time=at
                )
            )
        elif roll == 4:
            target = rng.choice(own_incidents)
            changes = rng.choice(
                [
                    IncidentChanges(station=rng.choice(codes)),
                    IncidentChanges(category=rng.choice(categories)),
                    IncidentChanges(severity=rng.choice(["critical", "minor"])),
                ]
            )
            with contextlib.suppress(UsageError):  # the same value again: nothing to amend
                incidents.amend_incident(day, catalogue, target, changes)
        elif roll == 5:
            incidents.void_incident(day, own_incidents.pop(rng.randrange(len(own_incidents))), "x")
        elif roll == 6:
            own_notes.append(notes.add_note(day, f"заметка {index}", code))
        elif roll == 7 and own_notes:
            notes.void_note(day, own_notes.pop(), "дубль")
        else:
            checklist.answer_item(
                day, catalogue, code, *rng.choice([("OPN02", "yes"), ("ARR04", "police")])
            )


def _brute(day: LogbookSession, selection: TimelineFilter) -> list[tuple[str, str, int]]:
    """The filter's definition applied to every stored event, one by one."""
    conn = day.conn
    rows = [
        Row((str(r[0]), str(r[1]), int(r[2])), str(r[3]), r[4], r[5], r[6])
        for r in conn.execute(
            "SELECT time_utc, feed, seq, type, record, station, phase FROM events"
        )
    ]
    incident_rows = conn.execute("SELECT id, station, category, severity, voided FROM incidents")
    incident = {str(r[0]): (r[1], r[2], r[3], bool(r[4])) for r in incident_rows}
    note = {
        str(r[0]): (r[1], bool(r[2])) for r in conn.execute("SELECT id, station, voided FROM notes")
    }
    station_ids = {str(r[0]): str(r[1]) for r in conn.execute("SELECT id, code FROM stations")}
    regions = {str(r[0]): r[1] for r in conn.execute("SELECT code, region FROM stations")}

    def at_station(row: Row, wanted: Callable[[str | None], bool]) -> bool:
        if wanted(row.station):
            return True
        if row.type == "station.added" and row.record in station_ids:
            return wanted(station_ids[row.record])
        if row.type in _RECORD and row.record is not None:
            if row.record in incident and wanted(incident[row.record][0]):
                return True
            return row.record in note and wanted(note[row.record][0])
        return False

    def selected(row: Row) -> bool:
        s = selection
        if s.feed is not None and row.key[1] != s.feed:
            return False
        if s.station is not None and not at_station(row, lambda code: code == s.station):
            return False
        if s.region is not None and not at_station(
            row, lambda code: code is not None and regions.get(code) == s.region
        ):
            return False
        if s.category is not None or s.severity is not None:
            if row.type not in _INCIDENT or row.record not in incident:
                return False
            _station, category, severity, _voided = incident[row.record]
            if s.category is not None and category != s.category:
                return False
            if s.severity is not None and severity != s.severity:
                return False
        if s.phase is not None and row.phase != s.phase:
            return False
        if s.since_utc is not None and row.key[0] < s.since_utc:
            return False
        if s.until_utc is not None and row.key[0] >= s.until_utc:
            return False
        if s.voided is not None:
            voided = row.type in _VOIDABLE and (
                (row.record in incident and incident[row.record][3])
                or (row.record in note and note[row.record][1])
            )
            if voided != s.voided:
                return False
        return True

    return sorted(row.key for row in rows if selected(row))


def _paged(day: LogbookSession, selection: TimelineFilter, size: int, newest: bool) -> list[Any]:
    keys: list[Any] = []
    cursor = None
    while True:
        stored, cursor = queries.timeline_page(
            day.conn, selection, cursor, size, newest_first=newest
        )
        keys.extend(
            (e.time_utc, e.feed, e.seq)
            for e in (journal.parse_event(s.payload, s.signature) for s in stored)
        )
        if cursor is None:
            return keys


def _filters(day: LogbookSession, catalogue: Catalogue) -> list[TimelineFilter]:
    own = day.identity.feed
    category = catalogue.incident_categories[0].id
    period = TimelineFilter(
        since_utc="2026-03-15T05:00:00.000Z", until_utc="2026-03-15T09:00:00.000Z"
    )
    singles = [
        ALL_EVENTS,
        TimelineFilter(feed=own),
        TimelineFilter(station="101"),
        TimelineFilter(station="300"),
        TimelineFilter(region="aktobe"),
        TimelineFilter(phase="opening"),
        TimelineFilter(category=category),
        TimelineFilter(severity="critical"),
        TimelineFilter(category=category, severity="critical"),
        period,
        TimelineFilter(since_utc="2026-03-15T12:00:00.000Z"),
        TimelineFilter(voided=True),
        TimelineFilter(voided=False),
    ]
    combined = [
        replace(TimelineFilter(station="101"), voided=False),
        replace(TimelineFilter(station="101"), feed=own),
        replace(period, station="AKT-7"),
        replace(period, voided=False),
        replace(TimelineFilter(severity="critical"), voided=False),
        replace(TimelineFilter(category=category), station="101", feed=own),
        replace(TimelineFilter(voided=True), station="101"),
        replace(TimelineFilter(region="aktobe"), voided=False),
        replace(TimelineFilter(region="aktobe"), station="300"),
        replace(TimelineFilter(severity="critical"), region="aktobe"),
        replace(TimelineFilter(station="AKT-7"), phase="opening"),
    ]
    return singles + combined


@pytest.fixture
def two_feeds(
    day: LogbookSession, catalogue: Catalogue, make_session: Callable[..., LogbookSession]
) -> LogbookSession:
    _fill(day, catalogue, _other_feed(day, make_session))
    return day


def test_every_filter_pages_exactly_its_events_in_both_orders(
    two_feeds: LogbookSession, catalogue: Catalogue
) -> None:
    """Each source (events, record_events, both merged) gives exactly the filter's rows."""
    day = two_feeds
    nonempty = 0
    for selection in _filters(day, catalogue):
        expected = _brute(day, selection)
        nonempty += bool(expected)
        for size in (3, 100):
            assert _paged(day, selection, size, False) == expected, (selection, size)
            assert _paged(day, selection, size, True) == expected[::-1], (selection, size)
        assert queries.timeline_count(day.conn, selection) == len(expected), selection
    assert nonempty >= 18  # the vault exercises the filters, not only empty answers


def _record_events(day: LogbookSession) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in day.conn.execute("SELECT * FROM record_events ORDER BY feed, seq")]


def test_record_events_after_a_rebuild_equal_those_kept_by_the_triggers(
    two_feeds: LogbookSession,
) -> None:
    """A projection rebuild deletes and re-inserts every record: the triggers give the same
    state as they kept event by event, and as the migration's filling computes it."""
    day = two_feeds
    kept = _record_events(day)
    assert any(row[-1] == 1 for row in kept) and any(row[7] for row in kept)
    with Transaction(day.conn):
        projection.rebuild(day.conn, journal.read_events(day.conn))
    assert _record_events(day) == kept
    with Transaction(day.conn):
        day.conn.execute("DELETE FROM record_events")
        day.conn.execute(m0012_record_events.FILL)
    assert _record_events(day) == kept


def test_a_cursor_outside_the_period_pages_exactly_the_periods_rows_after_it(
    two_feeds: LogbookSession,
) -> None:
    """The page query keeps only the nearer of the period's bound and the cursor (the other is
    implied); a cursor before, inside or after the period gives the rows after it, in it."""
    day = two_feeds
    period = TimelineFilter(
        since_utc="2026-03-15T05:00:00.000Z", until_utc="2026-03-15T09:00:00.000Z"
    )
    in_period = _brute(day, period)
    everything = _brute(day, ALL_EVENTS)
    assert 10 < len(in_period) < len(everything) - 10
    for key in everything[:: max(1, len(everything) // 40)]:
        for newest in (False, True):
            stored, _next = queries.timeline_page(
                day.conn, period, Cursor(key), 5, newest_first=newest
            )
            got = [
                (e.time_utc, e.feed, e.seq)
                for e in (journal.parse_event(s.payload, s.signature) for s in stored)
            ]
            after = [k for k in in_period if (k < key if newest else k > key)]
            assert got == (after[::-1] if newest else after)[:5], (key, newest)
