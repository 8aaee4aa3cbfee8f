"""Every record event replays to exactly the tables (and the search index) it produced."""

from __future__ import annotations

from observer_app.core.catalogue import Catalogue
from observer_app.logbook import checklist, incidents, mission, notes, protocol_records, visits
from observer_app.logbook.demo_data import populate_demo
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import Transaction
from observer_app.vault.journal import read_events
from observer_app.vault.projection import projection_tables, rebuild
from observer_app.vault.verify import replay_matches, verify_journal


def _many_operations(session: LogbookSession, catalogue: Catalogue) -> None:
    visits.start_visit(session, "101", "2026-03-15T06:30")
    visits.pause_visit(session, "101", "2026-03-15T10:00")
    visits.end_visit(session, "101", "2026-03-15T13:00")
    visits.start_visit(session, "AKT-7", "2026-03-15T14:00")
    for index in range(5):
        checklist.answer_item(session, catalogue, "101", "VOT05", str(index))
    checklist.answer_item(session, catalogue, "101", "ARR04", "police,media")
    for index in range(10):
        incident_id = incidents.add_incident(
            session,
            catalogue,
            "101" if index % 2 else "AKT-7",
            "other",
            f"инцидент {index}",
            persons=[f"лицо {index}"],
        )
        if index % 3 == 0:
            incidents.amend_incident(
                session,
                catalogue,
                incident_id,
                IncidentChanges(text=f"исправлено {index}", station="101", status="confirmed"),
            )
        if index % 4 == 0:
            incidents.void_incident(session, incident_id, "ошибка")
    note_id = notes.add_note(session, "заметка", "101")
    notes.amend_note(session, note_id, "заметка исправлена")
    protocol_records.record_protocol(session, catalogue, "101", ["P1=10", "P3=5"])
    protocol_records.record_protocol(session, catalogue, "101", ["P3=6", "P11[A]=3"])
    mission.set_mission(session, "Renamed", "2026-03-15", ["A=Alpha"], True)


def test_many_operations_then_the_journal_verifies(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    _many_operations(day, catalogue)
    report = verify_journal(day.conn)
    assert report.ok, report.problems
    assert report.events >= 37


def test_the_demo_day_verifies(session: LogbookSession, catalogue: Catalogue) -> None:
    populate_demo(session, catalogue)
    assert verify_journal(session.conn).ok


def test_replay_notices_a_changed_row_in_each_record_table(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    """Proves the comparison covers the new tables: a tampered row must make replay differ."""
    _many_operations(day, catalogue)
    assert {
        "stations",
        "visits",
        "visit_breaks",
        "checklist_answers",
        "incidents",
        "protocol_values",
        "protocol_figures",
        "mission",
        "search_index",
    } <= set(projection_tables())
    tamperings = [
        "UPDATE incidents SET text = 'forged' WHERE rowid = 1",
        "UPDATE checklist_answers SET note = 'forged'",
        "UPDATE protocol_figures SET value = value + 1",
        "DELETE FROM visit_breaks",
        "UPDATE stations SET name = 'forged'",
        "UPDATE mission SET against_all = 0",
        "INSERT INTO search_index (kind, ref, feed, station, body, names)"
        " VALUES ('note', 'x', 'y', NULL, 'planted', '')",
    ]
    for statement in tamperings:
        day.conn.execute(statement)
        assert not replay_matches(day.conn), statement
        with Transaction(day.conn):
            rebuild(day.conn, read_events(day.conn))
        assert replay_matches(day.conn), statement
