"""Schema 1: the journal (signed feeds), the holder's identity, people, notes and faults."""

SQL = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE events (
    feed TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    prev TEXT,
    time_utc TEXT NOT NULL,
    tz TEXT NOT NULL,
    type TEXT NOT NULL,
    payload BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (feed, seq)
);
CREATE INDEX events_type ON events (type);
CREATE TABLE feeds (
    feed TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    head_seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL
);
CREATE TABLE identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    feed TEXT NOT NULL,
    role TEXT NOT NULL,
    signing_key BLOB NOT NULL,
    certificate BLOB NOT NULL,
    age_identity TEXT NOT NULL,
    default_tz TEXT NOT NULL
);
CREATE TABLE organisation_ca (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    signing_key BLOB NOT NULL,
    certificate BLOB NOT NULL
);
CREATE TABLE people (
    feed TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    accreditation TEXT,
    age_recipient TEXT NOT NULL,
    certificate BLOB NOT NULL
);
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    station TEXT,
    text TEXT NOT NULL,
    time_utc TEXT NOT NULL,
    tz TEXT NOT NULL,
    amended INTEGER NOT NULL DEFAULT 0,
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT
);
CREATE TABLE faults (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time_utc TEXT NOT NULL,
    summary TEXT NOT NULL,
    details TEXT NOT NULL
)
"""
