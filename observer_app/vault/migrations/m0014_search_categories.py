"""Schema 14: the search index holds each incident's category, as a one-token code.

A query word that names incident categories ("бюллетень" names three) finds the text's hits and
those categories' incidents. With the categories outside the index, a count was the union of
FTS5's row ids with the incidents table's, which SQLite sorted and compared row by row: 44 ms
for 50,000 hits at 100,000 events (the text alone: 20 ms). Pages went through two streams
merged in Python, or an INTERSECT for several words. With a `category` column holding
`projection.search.category_code(category)`, one MATCH answers all of it,
`(... OR category : ("<code>" OR ...))`, and streams newest first like any other query.

FTS5 cannot add a column, so the index is written again from the old one (kinds, texts and row
ids unchanged; 1.7 s for the 55,000 entries of a 100,000-event vault) and merged into one
segment. `category_code` is the SQL function `migrate` registers for this script.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from observer_app.vault.projection.search import category_code

FUNCTIONS: dict[str, Callable[..., Any]] = {"category_code": category_code}

SQL = """
CREATE VIRTUAL TABLE search_index_14 USING fts5 (
    kind UNINDEXED,
    ref UNINDEXED,
    feed UNINDEXED,
    station UNINDEXED,
    body,
    names,
    category,
    tokenize = "trigram case_sensitive 0 remove_diacritics 0"
);
INSERT INTO search_index_14 (rowid, kind, ref, feed, station, body, names, category)
SELECT s.rowid, s.kind, s.ref, s.feed, s.station, s.body, s.names, category_code(i.category)
FROM search_index AS s LEFT JOIN incidents AS i ON s.kind = 'incident' AND i.rowid = s.rowid / 4;
DROP TABLE search_index;
ALTER TABLE search_index_14 RENAME TO search_index;
INSERT INTO search_index (search_index) VALUES ('optimize')
"""
