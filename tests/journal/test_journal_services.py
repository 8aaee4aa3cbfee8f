"""The logbook's `journal verify` and fault services over a real vault: what the shells render
comes from them, so the verdict's wording, its JSON and the fault record are checked here."""

from __future__ import annotations

from observer_app.logbook import notes
from observer_app.logbook.faults import record_fault
from observer_app.logbook.journal_check import verify_vault_journal
from observer_app.logbook.session import LogbookSession


def test_an_intact_journal_is_valid(session: LogbookSession) -> None:
    notes.add_note(session, "Открытие: урны пустые, опечатаны")
    verdict = verify_vault_journal(session)
    assert verdict.valid and verdict.messages() == []
    assert verdict.to_json() == {
        "valid": True,
        "feeds": 1,
        "events": 2,
        "replay_matches": True,
        "problems": [],
    }


def test_a_changed_event_is_named_by_feed_and_seq(session: LogbookSession) -> None:
    notes.add_note(session, "Подсчёт начался в 20:05")
    payload = session.conn.execute("SELECT payload FROM events WHERE seq = 2").fetchone()[0]
    session.conn.execute(
        "UPDATE events SET payload = ? WHERE seq = 2", (bytes(payload).replace(b"20:05", b"21:05"),)
    )
    verdict = verify_vault_journal(session)
    assert not verdict.valid
    reason = "the event's hash does not match its content"
    assert verdict.to_json()["problems"] == [
        {"feed": session.identity.feed, "seq": 2, "reason": reason}
    ]
    assert verdict.to_json()["valid"] is False
    [line] = verdict.messages()
    assert line.endswith(f"seq 2: {reason}")


def test_tables_edited_behind_the_journal_are_reported(session: LogbookSession) -> None:
    notes.add_note(session, "Подсчёт начался в 20:05")
    session.conn.execute("UPDATE notes SET text = 'changed behind the journal'")
    verdict = verify_vault_journal(session)
    assert not verdict.valid and verdict.problems == ()
    assert verdict.to_json()["replay_matches"] is False
    assert verdict.messages() == ["the tables differ from a replay of the journal"]


def test_a_fault_is_kept_inside_the_vault_and_ends_the_open_transaction(
    session: LogbookSession,
) -> None:
    notes.add_note(session, "Сайлау учаскесі 102")
    session.conn.execute("BEGIN")
    session.conn.execute("DELETE FROM notes")
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        fault_id = record_fault(session, error)
    assert not session.conn.in_transaction
    assert notes.note_ids(session) != []  # the half-done deletion was rolled back
    summary, details = session.conn.execute(
        "SELECT summary, details FROM faults WHERE rowid = ?", (fault_id,)
    ).fetchone()
    assert summary == "RuntimeError"
    assert details.startswith("Traceback") and "RuntimeError: boom" in details
    assert "test_a_fault_is_kept_inside_the_vault" in details
