"""Schema 7: the holder's settings and the drafts of records being typed.

Neither is part of the journal: a setting is this vault's preference (never signed, never sent)
and a draft is not an observation until it is saved as a record. Both live inside the encrypted
database, so they are as private as the logbook; neither is a projection, so replaying the
journal leaves them alone and `journal verify` does not compare them.
"""

SQL = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    station TEXT,
    target TEXT,
    content TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    updated_utc TEXT NOT NULL
);
CREATE INDEX drafts_updated ON drafts (updated_utc DESC, id)
"""
