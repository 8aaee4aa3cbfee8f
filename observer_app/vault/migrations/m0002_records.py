"""Schema 2: polling-day records (stations, visits, checklist, incidents, protocol, mission) and
the full-text index.

Every table here is a projection of journal events (see `vault/projection/`), keyed by the
author's ids so that a coordinator's vault can hold the records of many feeds side by side. The
index on the station named in an event's body serves `log --station` (queries/timeline.py).

The full-text index (`search_index`) is written by the projectors of incidents and stations
(`projection/search.py`) and, for notes, whose projector lives elsewhere, by triggers on the
notes table; either way in the same transaction as the rows, so a replay rebuilds it exactly.
Direct writes are preferred: FTS5 flushes its pending terms at every statement savepoint, which a
trigger forces, and with SQLCipher's memory security that costs ~0.3 ms per row instead of
~0.02 ms (measured). Inside a trigger body a semicolon opens a line instead of ending one,
because the migration runner splits scripts on a semicolon at the end of a line. An index row id
is its source row id times 4 plus a kind number (1 note, 2 incident, 3 station), so a change
replaces its index row by id instead of scanning. The `trigram` tokenizer matches any substring
of 3+ characters, so a Kazakh or Russian stem finds its inflected forms, and it folds case for
Cyrillic, the Kazakh letters and Latin; `remove_diacritics 0` keeps й/и and ё/е apart. (Prefix
queries over `unicode61` tokens were measured at ~0.4 s for a common stem in 100,000 incidents;
trigram phrases at ~20 ms.)
"""

SQL = """
CREATE INDEX events_body_station ON events (json_extract(CAST(payload AS TEXT), '$.body.station'));
CREATE TABLE stations (
    id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    code TEXT NOT NULL,
    number INTEGER,
    name TEXT NOT NULL,
    address TEXT,
    region TEXT,
    commission TEXT,
    tz TEXT NOT NULL,
    time_utc TEXT NOT NULL,
    UNIQUE (feed, code)
);
CREATE INDEX stations_code ON stations (code);
CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    station TEXT NOT NULL,
    started_utc TEXT NOT NULL,
    ended_utc TEXT,
    tz TEXT NOT NULL
);
CREATE INDEX visits_station ON visits (station, started_utc);
CREATE TABLE visit_breaks (
    id TEXT PRIMARY KEY,
    visit TEXT NOT NULL,
    feed TEXT NOT NULL,
    started_utc TEXT NOT NULL,
    ended_utc TEXT
);
CREATE INDEX visit_breaks_visit ON visit_breaks (visit, started_utc);
CREATE TABLE checklist_answers (
    id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    station TEXT NOT NULL,
    phase TEXT NOT NULL,
    item TEXT NOT NULL,
    value TEXT NOT NULL,
    note TEXT,
    time_utc TEXT NOT NULL,
    tz TEXT NOT NULL
);
CREATE INDEX checklist_answers_item ON checklist_answers (feed, station, item);
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    seq INTEGER NOT NULL,
    station TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    seen TEXT NOT NULL,
    status TEXT NOT NULL,
    follow_up TEXT NOT NULL,
    text TEXT NOT NULL,
    persons TEXT NOT NULL,
    witnesses TEXT NOT NULL,
    occurred_utc TEXT NOT NULL,
    tz TEXT NOT NULL,
    recorded_utc TEXT NOT NULL,
    amended INTEGER NOT NULL DEFAULT 0,
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT
);
CREATE INDEX incidents_station_time ON incidents (station, occurred_utc, id);
CREATE INDEX incidents_time ON incidents (occurred_utc, id);
CREATE INDEX incidents_category ON incidents (category);
CREATE INDEX incidents_severity ON incidents (severity);
CREATE TABLE protocol_values (
    record TEXT NOT NULL,
    feed TEXT NOT NULL,
    station TEXT NOT NULL,
    field TEXT NOT NULL,
    value INTEGER NOT NULL,
    time_utc TEXT NOT NULL,
    PRIMARY KEY (record, field)
);
CREATE INDEX protocol_values_station ON protocol_values (feed, station, field);
CREATE TABLE protocol_figures (
    feed TEXT NOT NULL,
    station TEXT NOT NULL,
    field TEXT NOT NULL,
    value INTEGER NOT NULL,
    record TEXT NOT NULL,
    time_utc TEXT NOT NULL,
    PRIMARY KEY (feed, station, field)
);
CREATE TABLE mission (
    feed TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    date TEXT NOT NULL,
    candidates TEXT NOT NULL,
    against_all INTEGER NOT NULL,
    time_utc TEXT NOT NULL
);
CREATE VIRTUAL TABLE search_index USING fts5 (
    kind UNINDEXED,
    ref UNINDEXED,
    feed UNINDEXED,
    station UNINDEXED,
    body,
    names,
    tokenize = "trigram case_sensitive 0 remove_diacritics 0"
);
INSERT INTO search_index (rowid, kind, ref, feed, station, body, names)
SELECT rowid * 4 + 1, 'note', id, feed, station, text, '' FROM notes
"""
