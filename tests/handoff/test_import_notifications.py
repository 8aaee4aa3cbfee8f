"""Bundle import tells subscribers of every event it committed, and nothing of a refused one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from observer_app.core.changes import Change
from observer_app.crypto import keys
from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.handoff.bundle.importer import import_bundle
from observer_app.logbook import notes
from observer_app.logbook.session import LogbookSession
from tests.handoff.handoff_support import add_notes, enroll, event_rows, forge_bundle


def _observer(
    make_session: Callable[..., LogbookSession], coordinator: LogbookSession, tmp_path: Path
) -> LogbookSession:
    observer = make_session(name="Observer", folder="observer")
    enroll(coordinator, observer, tmp_path / "enroll")
    add_notes(observer, 4)
    return observer


def test_an_accepted_bundle_is_one_batch_of_its_events(
    make_session: Callable[..., LogbookSession],
    coordinator: LogbookSession,
    stick: Path,
    tmp_path: Path,
) -> None:
    observer = _observer(make_session, coordinator, tmp_path)
    batches: list[Sequence[Change]] = []
    coordinator.changes.subscribe(batches.append)
    outcome = import_bundle(coordinator, list(export_bundle(observer, stick).paths))
    assert outcome.status == "accepted"
    (batch,) = batches
    sent = event_rows(observer)
    observed = [c for c in batch if c.feed == observer.identity.feed]
    assert [c.seq for c in observed] == [row.seq for row in sent]
    assert [c.event_type for c in observed][-4:] == ["note.added"] * 4
    note_ids = {str(row[0]) for row in coordinator.conn.execute("SELECT id FROM notes")}
    assert {c.records[0] for c in observed if c.event_type == "note.added"} == note_ids
    assert [c.event_type for c in batch if c.feed == coordinator.identity.feed] == [
        "handoff.received"
    ]


def test_a_refused_bundle_tells_nothing(
    make_session: Callable[..., LogbookSession],
    coordinator: LogbookSession,
    stick: Path,
    tmp_path: Path,
) -> None:
    observer = _observer(make_session, coordinator, tmp_path)
    rows = event_rows(observer)
    # The events before the last are stored inside the import's transaction, then refused.
    rows[-1] = replace(rows[-1], signature=keys.sign(keys.generate_signing_key(), rows[-1].payload))
    batches: list[Sequence[Change]] = []
    coordinator.changes.subscribe(batches.append)
    outcome = import_bundle(coordinator, forge_bundle(observer, coordinator, stick, events=rows))
    assert outcome.status == "refused" and outcome.reason_code == "bad_signature"
    assert batches == []
    notes.add_note(coordinator, "coordinator's own note")
    assert [[c.event_type for c in batch] for batch in batches] == [["note.added"]]
