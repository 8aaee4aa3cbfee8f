"""Schema 14: the search index holds each incident's category as a one-token code, in small
leaves.

A query word that names incident categories ("бюллетень" names three) finds the text's hits and
those categories' incidents. With the categories outside the index, a count was the union of
FTS5's row ids with the incidents table's, which SQLite sorted and compared row by row: 44 ms
for 50,000 hits at 100,000 events (the text alone: 20 ms). Pages went through two streams
merged in Python, or an INTERSECT for several words. With a `category` column holding
`projection.search.category_code(category)`, one MATCH answers all of it,
`(... OR category : ("<code>" OR ...))`, and streams newest first like any other query.

Pages list hits newest first. FTS5 walks a descending order by loading the row ids of each leaf
it reads into an array grown 8 at a time, an mlock pair each under memory security: ~700 pairs
and 5-6 ms for the MATCH of a page of a common word, in leaves of FTS5's default 4,050 bytes.
In leaves of 1,000 bytes (`pgsz`) it takes 2 ms, and a count of 50,000 hits 32 ms instead of 24.
(Ascending over negated row ids took 0.6 ms, but FTS5 flushes its pending rows whenever a row id
is lower than the one before: every append would have written a segment of its own.)

FTS5 cannot add a column, so the index is written again from the old one (kinds and texts
unchanged), through a copy in an ordinary table of the encrypted database, and merged into
one segment. Renaming a new index into place instead took 0.5 s even in an empty vault: SQLite
parses every trigger of the schema again on a rename. `category_code` is the SQL function
`migrate` registers for this script.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from observer_app.vault.projection.search import category_code

FUNCTIONS: dict[str, Callable[..., Any]] = {"category_code": category_code}

SQL = """
CREATE TABLE search_index_copy (
    rowid_copy INTEGER PRIMARY KEY,
    kind TEXT,
    ref TEXT,
    feed TEXT,
    station TEXT,
    body TEXT,
    names TEXT,
    category TEXT
);
INSERT INTO search_index_copy
SELECT s.rowid, s.kind, s.ref, s.feed, s.station, s.body, s.names, category_code(i.category)
FROM search_index AS s LEFT JOIN incidents AS i ON s.kind = 'incident' AND i.rowid = s.rowid / 4;
DROP TABLE search_index;
CREATE VIRTUAL TABLE search_index USING fts5 (
    kind UNINDEXED,
    ref UNINDEXED,
    feed UNINDEXED,
    station UNINDEXED,
    body,
    names,
    category,
    tokenize = "trigram case_sensitive 0 remove_diacritics 0"
);
INSERT INTO search_index (search_index, rank) VALUES ('pgsz', 1000);
INSERT INTO search_index (rowid, kind, ref, feed, station, body, names, category)
SELECT * FROM search_index_copy ORDER BY rowid_copy;
DROP TABLE search_index_copy;
INSERT INTO search_index (search_index) VALUES ('optimize')
"""
