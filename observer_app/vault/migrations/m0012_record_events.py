"""Schema 12: `record_events`, the timeline's filters by a record's current state (issue 12).

The timeline's station, category, severity and "voided" filters select an event by the record it
concerns as that record is now: an incident moved to another station, re-classified or voided
takes its whole history along. Answered from `events` alone, a page walked `events_time` and
probed each record (or looked up the events of thousands of matching records and sorted them):
25-40 ms a page and 60-100 ms a count at 100,000 events, mostly pages that SQLCipher decrypted
again because the indexes of `events` (64-character feed in every entry) do not fit the page
cache.

`record_events` holds one row per event about a record (the incident, note and station events),
with the event's own key and filter columns copied (`time_utc`, `feed`, `seq`, `type`, `record`,
the body's `station` and `phase`) and the record's state now: `at_station` (the station the
incident or note is at, the code a `station.added` adds), `category` and `severity` (an
incident's), `voided` (1 for the events of a voided incident or note). Each state column is set
only for the event types its filter selects, as `vault/queries/timeline.py` defines them. Every
filter on a current state is then an ordered index range (`record_events_at_station`,
`_category`, `_severity`, `_voided`), and a count is a count of index entries. The category
index also holds the severity: category and severity together walk the (smaller) category's
entries alone.

Triggers keep the table in step in the same transaction as the change: an event inserted, an
incident, note or station inserted, changed in a filtered column, or deleted (a projection
rebuild deletes and re-inserts every record). Nothing else writes it. Events are never updated.
Every statement that fires these triggers, and the trigger bodies, take `OR ROLLBACK`: a
statement with triggers that could abort alone gets a statement journal, and opening one makes
FTS5 flush its pending rows, once per event (1,000 note appends 0.35 s before this migration,
1.9 s with ABORT, 1.1 s with ROLLBACK, which fails the whole transaction as every caller does
on any error). The trigger bodies and the filling below are this migration's own copy of the
event-type lists: a migration stays as it was written, and a later change of a list is a later
migration.
"""

from __future__ import annotations

from collections.abc import Callable

_INCIDENT_EVENTS = ("incident.added", "incident.amended", "incident.voided", "annotation.set")
_STATION_EVENTS = (
    "incident.added",
    "incident.amended",
    "incident.voided",
    "note.amended",
    "note.voided",
    "annotation.set",
)
_VOIDABLE_EVENTS = (
    "incident.added",
    "incident.amended",
    "incident.voided",
    "note.added",
    "note.amended",
    "note.voided",
)
_ROW_EVENTS = (
    "incident.added",
    "incident.amended",
    "incident.voided",
    "annotation.set",
    "note.added",
    "note.amended",
    "note.voided",
    "station.added",
)

OneOf = Callable[[str, tuple[str, ...]], str]
"""How a trigger tests that an event type is one of a list, as SQL: `in_list` here."""


def in_list(kind: str, types: tuple[str, ...]) -> str:
    return f"{kind} IN (" + ", ".join(f"'{name}'" for name in types) + ")"


def _state(record: str, kind: str, one_of: OneOf = in_list) -> dict[str, str]:
    """The record's current state as SQL expressions over the record id and event type."""
    return {
        "at_station": (
            f"CASE WHEN {kind} = 'station.added'"
            f" THEN (SELECT code FROM stations WHERE id = {record})"
            f" WHEN {one_of(kind, _STATION_EVENTS)} THEN coalesce("
            f"(SELECT station FROM incidents WHERE id = {record}),"
            f" (SELECT station FROM notes WHERE id = {record})) END"
        ),
        "category": (
            f"CASE WHEN {one_of(kind, _INCIDENT_EVENTS)}"
            f" THEN (SELECT category FROM incidents WHERE id = {record}) END"
        ),
        "severity": (
            f"CASE WHEN {one_of(kind, _INCIDENT_EVENTS)}"
            f" THEN (SELECT severity FROM incidents WHERE id = {record}) END"
        ),
        "voided": (
            f"CASE WHEN {one_of(kind, _VOIDABLE_EVENTS)} AND (EXISTS (SELECT 1 FROM incidents"
            f" WHERE id = {record} AND voided <> 0) OR EXISTS (SELECT 1 FROM notes"
            f" WHERE id = {record} AND voided <> 0)) THEN 1 END"
        ),
    }


def _refresh(record_id: str, one_of: OneOf) -> str:
    """Recompute the state of every row of one record (inside a trigger)."""
    state = _state("record_events.record", "record_events.type", one_of)
    assignments = ", ".join(f"{column} = {expression}" for column, expression in state.items())
    return f"UPDATE OR ROLLBACK record_events SET {assignments} WHERE record = {record_id};"


def triggers(one_of: OneOf = in_list) -> str:
    """The triggers that keep `record_events` in step (migration 13 writes them again)."""
    new_state = _state("NEW.record", "NEW.type", one_of)
    insert_event = (
        "CREATE TRIGGER record_events_event_added AFTER INSERT ON events"
        f" WHEN NEW.record IS NOT NULL AND {one_of('NEW.type', _ROW_EVENTS)} BEGIN"
        " INSERT OR ROLLBACK INTO record_events (feed, seq, time_utc, type, record, station, phase,"
        " at_station, category, severity, voided) VALUES (NEW.feed, NEW.seq, NEW.time_utc,"
        f" NEW.type, NEW.record, NEW.station, NEW.phase, {new_state['at_station']},"
        f" {new_state['category']}, {new_state['severity']}, {new_state['voided']}); END;\n"
        "CREATE TRIGGER record_events_event_deleted AFTER DELETE ON events BEGIN"
        " DELETE FROM record_events WHERE feed = OLD.feed AND seq = OLD.seq; END;\n"
    )
    watched = {
        "incidents": ("station, category, severity, voided", "id"),
        "notes": ("station, voided", "id"),
        "stations": ("code", "id"),
    }
    records = []
    for table, (columns, key) in watched.items():
        records.append(
            f"CREATE TRIGGER record_events_{table}_added AFTER INSERT ON {table}"
            f" BEGIN {_refresh('NEW.' + key, one_of)} END;\n"
            f"CREATE TRIGGER record_events_{table}_changed AFTER UPDATE OF {columns}, {key}"
            f" ON {table} BEGIN {_refresh('OLD.' + key, one_of)}"
            f" {_refresh('NEW.' + key, one_of)} END;\n"
            f"CREATE TRIGGER record_events_{table}_deleted AFTER DELETE ON {table}"
            f" BEGIN {_refresh('OLD.' + key, one_of)} END;\n"
        )
    return insert_event + "".join(records)


_FILL_STATE = _state("events.record", "events.type")
FILL = (
    "INSERT INTO record_events (feed, seq, time_utc, type, record, station, phase, at_station,"
    " category, severity, voided) SELECT feed, seq, time_utc, type, record, station, phase,"
    f" {_FILL_STATE['at_station']}, {_FILL_STATE['category']}, {_FILL_STATE['severity']},"
    f" {_FILL_STATE['voided']} FROM events"
    f" WHERE record IS NOT NULL AND {in_list('type', _ROW_EVENTS)}"
)

SQL = (
    """
CREATE TABLE record_events (
    feed TEXT NOT NULL,
    seq INTEGER NOT NULL,
    time_utc TEXT NOT NULL,
    type TEXT NOT NULL,
    record TEXT NOT NULL,
    station TEXT,
    phase TEXT,
    at_station TEXT,
    category TEXT,
    severity TEXT,
    voided INTEGER,
    PRIMARY KEY (feed, seq)
) WITHOUT ROWID;
"""
    + FILL
    + """;
CREATE INDEX record_events_record ON record_events (record);
CREATE INDEX record_events_at_station ON record_events (at_station, time_utc, feed, seq)
    WHERE at_station IS NOT NULL;
CREATE INDEX record_events_category ON record_events (category, time_utc, feed, seq, severity)
    WHERE category IS NOT NULL;
CREATE INDEX record_events_severity ON record_events (severity, time_utc, feed, seq)
    WHERE severity IS NOT NULL;
CREATE INDEX record_events_voided ON record_events (time_utc, feed, seq) WHERE voided = 1;
"""
    + triggers()
)
