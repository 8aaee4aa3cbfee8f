"""Paged read models: keyset pages return every row once, filters select, counts agree."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.core.ids import new_id
from observer_app.core.paging import Cursor, Page
from observer_app.core.timeline_filter import ALL_EVENTS, TimelineFilter
from observer_app.errors import UsageError
from observer_app.logbook import checklist, incidents, notes, read_models, visits
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.search import timeline_filter
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import list_stations
from observer_app.logbook.timeline import timeline, timeline_count, timeline_page

Row = TypeVar("Row")


def page_through(fetch: Callable[[Cursor | None], Page[Row]]) -> list[Row]:
    rows: list[Row] = []
    cursor: Cursor | None = None
    while True:
        page = fetch(cursor)
        rows.extend(page.rows)
        if page.next is None:
            return rows
        cursor = page.next


def hashes(session: LogbookSession, selection: TimelineFilter, limit: int = 2) -> list[str]:
    entries = page_through(lambda c: timeline_page(session.conn, selection, c, limit))
    return [entry.event.hash for entry in entries]


def test_every_event_once_across_pages_while_events_are_appended(day: LogbookSession) -> None:
    for index in range(7):
        notes.add_note(day, f"before {index}")
    seen: list[str] = []
    appended: list[str] = []
    cursor: Cursor | None = None
    while True:
        page = timeline_page(day.conn, ALL_EVENTS, cursor, 3)
        seen.extend(entry.event.hash for entry in page.rows)
        if page.next is None:
            break
        cursor = page.next
        notes.add_note(day, f"between pages {len(appended)}")  # recorded while paging
        appended.append(day.conn.execute("SELECT head_hash FROM feeds").fetchone()[0])
    everything = [str(r[0]) for r in day.conn.execute("SELECT hash FROM events")]
    assert len(seen) == len(set(seen))  # none twice
    assert sorted(seen) == sorted(everything)  # none missed, the appended ones included
    assert set(appended) <= set(seen)
    assert timeline_count(day.conn) == len(everything)
    assert seen == [entry.event.hash for entry in timeline(day.conn)]  # one order


def test_newest_first_pages_reverse_the_order_and_skip_nothing(day: LogbookSession) -> None:
    for index in range(5):
        notes.add_note(day, f"note {index}")
    oldest_first = hashes(day, ALL_EVENTS)
    newest = page_through(lambda c: timeline_page(day.conn, ALL_EVENTS, c, 2, newest_first=True))
    newest_seen: list[str] = []
    for entry in newest:
        newest_seen.append(entry.event.hash)
        if len(newest_seen) == 2:
            notes.add_note(day, "newer than the cursor: not in the later pages")
    assert newest_seen == oldest_first[::-1]


def test_each_filter_selects_its_events_and_counts_agree(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    visits.start_visit(day, "101", "2026-03-15T06:30")
    checklist.answer_item(day, catalogue, "101", "OPN02", "yes")
    checklist.answer_item(day, catalogue, "AKT-7", "ARR04", "police")
    kept = incidents.add_incident(day, catalogue, "101", "campaigning", "агитация")
    moved = incidents.add_incident(day, catalogue, "AKT-7", "ballot_stuffing", "вброс")
    incidents.amend_incident(day, catalogue, moved, IncidentChanges(station="101"))
    incidents.void_incident(day, kept, "ошибка")
    note = notes.add_note(day, "at 101", "101")
    notes.void_note(day, note, "дубль")
    early = day.record(
        "note.added",
        {"id": new_id(), "station": None, "text": "early"},
        time_utc="2026-03-14T00:00:00.000Z",
    )

    def types(**filters: object) -> list[str]:
        selection = TimelineFilter(**filters)  # type: ignore[arg-type]
        rows = page_through(lambda c: timeline_page(day.conn, selection, c, 2))
        assert timeline_count(day.conn, selection) == len(rows)
        return sorted(entry.event.type for entry in rows)

    assert types(station="101") == sorted(
        [
            "station.added",
            "visit.started",
            "checklist.answered",
            "incident.added",
            "incident.voided",
            "incident.added",
            "incident.amended",
            "note.added",
            "note.voided",
        ]
    )
    assert types(phase="opening") == ["checklist.answered"]
    assert types(phase="arrival") == ["checklist.answered"]
    assert types(category="ballot_stuffing") == ["incident.added", "incident.amended"]
    assert types(severity="critical") == ["incident.added", "incident.amended"]
    assert types(category="campaigning", severity="critical") == []
    assert types(voided=True) == sorted(
        ["incident.added", "incident.voided", "note.added", "note.voided"]
    )
    total = timeline_count(day.conn)
    assert len(types(voided=False)) == total - 4
    assert types(until_utc="2026-03-15T00:00:00.000Z") == ["note.added"]
    assert len(types(since_utc="2026-03-15T00:00:00.000Z")) == total - 1
    assert types(feed=day.identity.feed) == sorted(e.event.type for e in timeline(day.conn))
    assert types(feed="0" * 64) == []
    assert early.type == "note.added"


def test_filters_are_checked_before_they_reach_a_query(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    assert timeline_filter(day, catalogue, phase="voting").phase == "voting"
    with pytest.raises(UsageError, match="phase"):
        timeline_filter(day, catalogue, phase="lunch")
    with pytest.raises(UsageError, match="fingerprint"):
        timeline_filter(day, catalogue, feed="abc")
    with pytest.raises(UsageError):
        timeline_filter(day, catalogue, since="yesterday")
    period = timeline_filter(day, catalogue, since="2026-03-15T07:00", until="2026-03-15T08:00")
    assert period.since_utc is not None and period.since_utc.endswith("Z")
    with pytest.raises(UsageError):
        timeline_page(day.conn, ALL_EVENTS, None, 0)
    with pytest.raises(UsageError):
        timeline_page(day.conn, ALL_EVENTS, Cursor(("x", 1)), 10)


def test_incident_search_and_station_pages(day: LogbookSession, catalogue: Catalogue) -> None:
    ids = [
        incidents.add_incident(
            day,
            catalogue,
            "101" if i % 2 else "AKT-7",
            "campaigning",
            f"агитация {i}",
            time=f"2026-03-15T08:{i:02d}",
        )
        for i in range(7)
    ]
    incidents.void_incident(day, ids[0], "ошибка")
    visits.start_visit(day, "101", "2026-03-15T06:30")
    paged = page_through(lambda c: read_models.incidents_page(day, c, 3))
    assert [i.id for i in paged] == ids[::-1]  # newest first, each once
    at_101 = page_through(lambda c: read_models.incidents_page(day, c, 2, station="101"))
    assert [i.id for i in at_101] == [i for n, i in enumerate(ids) if n % 2][::-1]
    assert read_models.count_incidents(day, station="101") == len(at_101)
    live = page_through(lambda c: read_models.incidents_page(day, c, 2, include_voided=False))
    assert len(live) == read_models.count_incidents(day, include_voided=False) == 6

    hits = page_through(lambda c: read_models.search_page(day, "агитация", c, 2))
    assert sorted(hit.ref for hit in hits) == sorted(ids)
    assert read_models.count_hits(day, "агитация") == len(hits) == 7

    stations = page_through(lambda c: read_models.stations_page(day, c, 1))
    assert [(r.station.code, r.visits, r.incidents, r.voided_incidents) for r in stations] == [
        ("AKT-7", 0, 4, 1),  # by number (7 < 101), as `station list` orders them
        ("101", 1, 3, 0),
    ]
    assert [r.station for r in stations] == list_stations(day)
    assert read_models.count_stations(day) == 2


def test_a_word_that_names_a_category_pages_text_hits_and_the_category_together(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    # "агитация" is in notes' text (text hits only) and names the category "campaigning" of
    # incidents whose text lacks it (category hits only): both streams meet in one order.
    named = [
        incidents.add_incident(
            day, catalogue, "101", "campaigning", f"листовки {i}", time=f"2026-03-15T08:{i:02d}"
        )
        for i in range(4)
    ]
    written = [notes.add_note(day, f"агитация у входа {i}", "101") for i in range(3)]
    incidents.add_incident(day, catalogue, "101", "other", "без слова", time="2026-03-15T09:00")
    whole = [hit.ref for hit in read_models.search_page(day, "агитация", None, 50).rows]
    assert sorted(whole) == sorted(named + written)
    for size in (1, 2, 3):
        hits = page_through(lambda c, n=size: read_models.search_page(day, "агитация", c, n))
        assert [hit.ref for hit in hits] == whole  # the same order, each hit once
    assert read_models.count_hits(day, "агитация") == 7
