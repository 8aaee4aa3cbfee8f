"""Change notifications: subscribers hear of exactly what a transaction committed, once."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.core.changes import Change
from observer_app.core.ids import new_id
from observer_app.errors import EventSchemaError
from observer_app.logbook import incidents, notes, visits
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import Transaction


class Heard:
    """A subscriber that keeps every batch it is told of."""

    def __init__(self) -> None:
        self.batches: list[Sequence[Change]] = []

    def __call__(self, changes: Sequence[Change]) -> None:
        self.batches.append(changes)

    def types(self) -> list[list[str]]:
        return [[change.event_type for change in batch] for batch in self.batches]


def test_one_record_is_one_batch_after_commit(day: LogbookSession, catalogue: Catalogue) -> None:
    heard = Heard()
    day.changes.subscribe(heard)
    incident_id = incidents.add_incident(day, catalogue, "101", "campaigning", "агитация у входа")
    assert heard.types() == [["incident.added"]]
    (change,) = heard.batches[0]
    assert change.feed == day.identity.feed and change.station == "101"
    assert change.records == (incident_id,)
    row = day.conn.execute(
        "SELECT seq FROM events WHERE feed = ? AND type = 'incident.added'", (change.feed,)
    ).fetchone()
    assert change.seq == row[0]  # told after the event was stored and committed


def test_a_multi_event_service_is_one_batch(day: LogbookSession) -> None:
    visits.start_visit(day, "101", "2026-03-15T06:30")
    visits.pause_visit(day, "101", "2026-03-15T10:00")
    heard = Heard()
    day.changes.subscribe(heard)
    visits.end_visit(day, "101", "2026-03-15T12:00")  # ends the break and the visit together
    assert heard.types() == [["visit.resumed", "visit.ended"]]
    resumed, ended = heard.batches[0]
    assert resumed.station == ended.station == "101"
    assert len(resumed.records) == 2  # the break and the visit it belongs to


def test_nothing_is_told_of_a_rolled_back_or_refused_write(day: LogbookSession) -> None:
    heard = Heard()
    unsubscribe = day.changes.subscribe(heard)
    with pytest.raises(RuntimeError), Transaction(day.conn):
        day.append_in_transaction("note.added", {"id": new_id(), "station": None, "text": "a"})
        day.append_in_transaction("note.added", {"id": new_id(), "station": None, "text": "b"})
        raise RuntimeError("power cut")
    with pytest.raises(EventSchemaError):
        day.record("note.added", {"id": "not an id", "station": None, "text": "c"})
    assert heard.batches == []
    note_id = notes.add_note(day, "после отката")
    assert heard.types() == [["note.added"]]  # the rolled-back ones are not carried over
    assert heard.batches[0][0].records == (note_id,)
    unsubscribe()
    notes.add_note(day, "no longer heard")
    assert len(heard.batches) == 1


def test_every_subscriber_is_told_even_when_one_raises(day: LogbookSession) -> None:
    heard = Heard()

    def broken(_changes: Sequence[Change]) -> None:
        raise ValueError("a window's bug")

    day.changes.subscribe(broken)
    day.changes.subscribe(heard)
    with pytest.raises(ValueError, match="a window's bug"):
        notes.add_note(day, "x")
    assert heard.types() == [["note.added"]]
    assert day.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 1  # committed
