"""Writing an event builds no temporary b-tree.

SQLite evaluates `x IN ('a', 'b', 'c')` by filling a temporary b-tree, once per run of the
program that holds it; in a trigger or a partial index's condition that is once per row written,
with its own pager and page cache, and under `cipher_memory_security` each of its ~80
allocations is an mlock/munlock pair (appends were 3x slower for it: migration 13). This test
reads SQLite's own programs for every statement the record services run, triggers included, so
it fails if such a list comes back in a trigger, a partial index or a projection's SQL.
"""

from __future__ import annotations

from observer_app.core.catalogue import Catalogue
from observer_app.logbook import checklist, incidents, notes, stations
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession


def _write_statements(day: LogbookSession, catalogue: Catalogue) -> list[str]:
    """Every write the services ran (with its values, as SQLite expanded them)."""
    seen: list[str] = []
    day.conn.set_trace_callback(seen.append)
    try:
        category = catalogue.incident_categories[0].id
        other = catalogue.incident_categories[1].id
        incident = incidents.add_incident(day, catalogue, "101", category, "вброс")
        incidents.amend_incident(day, catalogue, incident, IncidentChanges(station="AKT-7"))
        incidents.amend_incident(day, catalogue, incident, IncidentChanges(category=other))
        incidents.void_incident(day, incident, "дубль")
        note = notes.add_note(day, "заметка", "101")
        notes.amend_note(day, note, "заметка, исправлено")
        notes.void_note(day, note, "ошибка")
        stations.add_station(day, catalogue, "300", "Мектеп 300", region="aktobe")
        checklist.answer_item(day, catalogue, "101", "OPN02", "yes")
    finally:
        day.conn.set_trace_callback(None)
    writes = ("INSERT", "UPDATE", "DELETE", "REPLACE")
    return [sql for sql in dict.fromkeys(seen) if sql.lstrip().upper().startswith(writes)]


def _opcodes(day: LogbookSession, sql: str) -> list[str]:
    """The statement's program and its triggers' programs (EXPLAIN lists both)."""
    factory = day.conn.text_factory
    day.conn.text_factory = bytes  # a program's operands hold the bound blobs
    try:
        return [bytes(row[1]).decode() for row in day.conn.execute("EXPLAIN " + sql)]
    finally:
        day.conn.text_factory = factory


def test_no_write_of_a_record_fills_a_temporary_btree(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    statements = _write_statements(day, catalogue)
    assert any(sql.startswith("INSERT OR ROLLBACK INTO events") for sql in statements)
    checked = 0
    for sql in statements:
        opcodes = _opcodes(day, sql)
        assert "OpenEphemeral" not in opcodes, sql
        checked += "Program" in opcodes  # the statements that fire record_events' triggers
    assert checked >= 5
