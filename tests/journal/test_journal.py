"""The signed journal: chain, signatures, replay, and tampering caught by `journal verify`."""

from __future__ import annotations

import hashlib
import itertools

import pytest

from observer_app.crypto import keys
from observer_app.crypto.canonical_json import loads_canonical
from observer_app.logbook import notes
from observer_app.logbook.session import LogbookSession
from observer_app.vault import projection
from observer_app.vault.journal import EventFormatError, parse_event, read_events
from observer_app.vault.verify import replay_matches, verify_journal


@pytest.fixture
def busy(session: LogbookSession) -> LogbookSession:
    first = notes.add_note(session, "Открытие: урны пустые, опечатаны")
    second = notes.add_note(session, "Бақылаушыға фото түсіруге тыйым салынды")
    notes.amend_note(session, first, "Открытие в 07:02: урны пустые, опечатаны")
    notes.void_note(session, second, "записано не на том участке")
    notes.add_note(session, "Подсчёт начался в 20:05")
    return session


def test_events_form_a_signed_hash_chain(busy: LogbookSession) -> None:
    events = list(read_events(busy.conn, busy.identity.feed))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[0].prev is None and events[0].type == "identity.declared"
    public = busy.identity.signing_key.public_key()
    for before, after in itertools.pairwise(events):
        assert after.prev == hashlib.sha256(before.payload).hexdigest()
    for event in events:
        assert keys.verify(public, event.signature, event.payload)
        document = loads_canonical(event.payload)
        assert isinstance(document, dict)
        assert set(document) == {"v", "feed", "seq", "prev", "time_utc", "tz", "type", "body"}
        assert document["feed"] == busy.identity.feed
    assert busy.identity.feed == keys.fingerprint(public)


def test_amend_and_void_keep_history(busy: LogbookSession) -> None:
    rows = busy.conn.execute("SELECT text, amended, voided, void_reason FROM notes").fetchall()
    assert ("Открытие в 07:02: урны пустые, опечатаны", 1, 0, None) in rows
    assert ("Бақылаушыға фото түсіруге тыйым салынды", 0, 1, "записано не на том участке") in rows
    types = [e.type for e in read_events(busy.conn)]
    assert types.count("note.added") == 3 and "note.amended" in types and "note.voided" in types


def test_replay_rebuilds_projections_exactly(busy: LogbookSession) -> None:
    before = projection.snapshot(busy.conn)
    busy.conn.execute("BEGIN IMMEDIATE")
    projection.rebuild(busy.conn, read_events(busy.conn))
    busy.conn.execute("COMMIT")
    assert projection.snapshot(busy.conn) == before
    assert before["notes"] and before["people"]


def test_intact_journal_verifies(busy: LogbookSession) -> None:
    report = verify_journal(busy.conn)
    assert report.ok, report.problems
    assert report.feeds == 1 and report.events == 6


def _first_problem(session: LogbookSession) -> tuple[int | None, str]:
    report = verify_journal(session.conn)
    assert not report.ok
    if not report.problems:
        return None, "replay"
    return report.problems[0].seq, report.problems[0].reason


def test_changed_body_is_caught(busy: LogbookSession) -> None:
    payload = busy.conn.execute("SELECT payload FROM events WHERE seq = 4").fetchone()[0]
    forged = bytes(payload).replace(b"07:02", b"09:02")
    busy.conn.execute("UPDATE events SET payload = ? WHERE seq = 4", (forged,))
    assert _first_problem(busy) == (4, "the event's hash does not match its content")


def test_changed_body_with_recomputed_hash_fails_the_signature(busy: LogbookSession) -> None:
    payload = bytes(busy.conn.execute("SELECT payload FROM events WHERE seq = 6").fetchone()[0])
    forged = payload.replace(b"20:05", b"21:05")
    busy.conn.execute(
        "UPDATE events SET payload = ?, hash = ? WHERE seq = 6",
        (forged, hashlib.sha256(forged).hexdigest()),
    )
    busy.conn.execute("UPDATE feeds SET head_hash = ?", (hashlib.sha256(forged).hexdigest(),))
    assert _first_problem(busy) == (6, "bad signature")


def test_swapped_events_are_caught(busy: LogbookSession) -> None:
    conn = busy.conn
    rows = {
        seq: tuple(
            conn.execute(
                "SELECT hash, prev, time_utc, tz, type, payload, signature FROM events"
                " WHERE seq = ?",
                (seq,),
            ).fetchone()
        )
        for seq in (2, 3)
    }
    conn.execute("UPDATE events SET hash = 'x' WHERE seq = 2")
    for seq, other in ((3, 2), (2, 3)):
        conn.execute(
            "UPDATE events SET hash = ?, prev = ?, time_utc = ?, tz = ?, type = ?, payload = ?,"
            " signature = ? WHERE seq = ?",
            (*rows[other], seq),
        )
    seq, reason = _first_problem(busy)
    assert seq == 2
    assert "another position" in reason


def test_deleted_event_is_caught(busy: LogbookSession) -> None:
    busy.conn.execute("DELETE FROM events WHERE seq = 4")
    assert _first_problem(busy) == (5, "missing seq 4..4")


def test_deleted_last_event_is_caught_by_the_head(busy: LogbookSession) -> None:
    busy.conn.execute("DELETE FROM events WHERE seq = 6")
    _seq, reason = _first_problem(busy)
    assert reason == "the feed head does not match its last event"


def test_projection_edited_behind_the_journal_is_caught(busy: LogbookSession) -> None:
    busy.conn.execute("UPDATE notes SET text = 'Всё спокойно' WHERE amended = 1")
    assert not replay_matches(busy.conn)
    assert _first_problem(busy) == (None, "replay")


def test_non_canonical_or_newer_events_are_refused(busy: LogbookSession) -> None:
    event = next(read_events(busy.conn))
    spaced = event.payload.replace(b'"v":1', b'"v": 1')
    with pytest.raises(EventFormatError):
        parse_event(spaced, event.signature)
    newer = event.payload.replace(b'"v":1', b'"v":2')
    with pytest.raises(EventFormatError, match="newer"):
        parse_event(newer, event.signature)


def test_parallel_verification_matches_serial(
    session: LogbookSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from observer_app.vault import verify as verify_module

    for i in range(60):
        notes.add_note(session, f"заметка {i}")
    real_pool = verify_module._pool
    pools: list[object] = []

    def counted_pool(total: int) -> object:
        pool = real_pool(total)
        pools.append(pool)
        return pool

    monkeypatch.setattr(verify_module.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(verify_module, "_pool", counted_pool)
    old_threshold, old_batch = verify_module.PARALLEL_THRESHOLD, verify_module.BATCH
    verify_module.PARALLEL_THRESHOLD, verify_module.BATCH = 10, 16
    try:
        assert verify_journal(session.conn).ok
        payload = bytes(
            session.conn.execute("SELECT payload FROM events WHERE seq = 40").fetchone()[0]
        )
        forged = payload.replace("заметка".encode(), "замечан".encode())
        session.conn.execute(
            "UPDATE events SET payload = ?, hash = ? WHERE seq = 40",
            (forged, hashlib.sha256(forged).hexdigest()),
        )
        new_hash = hashlib.sha256(forged).hexdigest()
        session.conn.execute("UPDATE events SET prev = ? WHERE seq = 41", (new_hash,))
        parallel = verify_journal(session.conn)
    finally:
        verify_module.PARALLEL_THRESHOLD, verify_module.BATCH = old_threshold, old_batch
    assert pools and all(pool is not None for pool in pools)  # the pool really ran
    serial = verify_journal(session.conn)
    found = [(p.seq, p.reason) for p in parallel.problems]
    assert found == [(40, "bad signature")]
    assert found == [(p.seq, p.reason) for p in serial.problems]


def test_station_column_must_match_the_signed_body(busy: LogbookSession) -> None:
    busy.conn.execute("UPDATE events SET station = '999' WHERE seq = 2")
    assert _first_problem(busy) == (2, "the event's stored columns differ from its signed content")


def test_a_note_names_only_a_known_station(session: LogbookSession) -> None:
    from observer_app.errors import UserActionError

    with pytest.raises(UserActionError, match="Unknown station"):
        notes.add_note(session, "очередь у входа", "NOPE")
    assert notes.note_ids(session) == []


def test_the_verify_pool_never_forks(
    session: LogbookSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked child of a process running Qt threads inherits their locks mid-use."""
    from observer_app.vault import verify as verify_module

    monkeypatch.setattr(verify_module.os, "cpu_count", lambda: 4)
    pool = verify_module._pool(verify_module.PARALLEL_THRESHOLD + 1)
    assert pool is not None
    try:
        assert pool._mp_context.get_start_method() in ("forkserver", "spawn")
        # ... and it works: a worker started that way checks signatures.
        key = session.identity.public_key_der
        assert pool.submit(verify_module._first_bad_signature, key, []).result() is None
    finally:
        pool.shutdown()
