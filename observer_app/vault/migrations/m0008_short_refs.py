"""Schema 8: short references (`I-12`), one row per record, numbered within its author's feed.

Existing records are numbered in the order they were projected (their feed's seq order, which
`rowid` follows: rows are only ever appended, and a rebuild re-inserts them in seq order), which
is what a replay of the same journal assigns (`vault/projection/refs.py`).
"""

SQL = """
CREATE TABLE short_refs (
    feed TEXT NOT NULL,
    kind TEXT NOT NULL,
    number INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (feed, kind, number)
);
CREATE INDEX short_refs_id ON short_refs (id);
INSERT INTO short_refs (feed, kind, number, id)
    SELECT feed, 'I', ROW_NUMBER() OVER (PARTITION BY feed ORDER BY seq), id FROM incidents;
INSERT INTO short_refs (feed, kind, number, id)
    SELECT feed, 'N', ROW_NUMBER() OVER (PARTITION BY feed ORDER BY rowid), id FROM notes;
INSERT INTO short_refs (feed, kind, number, id)
    SELECT feed, 'M', ROW_NUMBER() OVER (PARTITION BY feed ORDER BY rowid), id FROM media;
INSERT INTO short_refs (feed, kind, number, id)
    SELECT feed, 'V', ROW_NUMBER() OVER (PARTITION BY feed ORDER BY rowid), id FROM visits;
INSERT INTO short_refs (feed, kind, number, id)
    SELECT feed, 'A', ROW_NUMBER() OVER (PARTITION BY feed ORDER BY rowid), id
    FROM checklist_answers
"""
