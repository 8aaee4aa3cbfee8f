"""Full-text search over notes, incidents and stations (FTS5 `trigram` tokens).

What the user types is never passed to FTS5 as query syntax: each word of 3+ characters becomes a
quoted phrase, so `"`, `*`, `-` or `AND` in a search cannot raise a syntax error. With trigram
tokens a phrase matches anywhere inside a word, so a Kazakh or Russian stem finds its inflected
forms (`учаске` finds `учаскесі`). Shorter words cannot be looked up in a trigram index and are
left out of the query.

Results come newest first (by index row id, which follows the order records were stored), not
by relevance: FTS5 walks its lists in row-id order and stops after `limit` hits, whereas ranking
by bm25 scores every hit (about 0.5 s for a common word in 100,000 incidents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from observer_app.vault.connection import Connection

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_WORD = 3


@dataclass(frozen=True)
class SearchHit:
    kind: str
    ref: str
    feed: str
    station: str | None
    snippet: str
    voided: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.ref,
            "feed": self.feed,
            "station": self.station,
            "snippet": self.snippet,
            "voided": self.voided,
        }


def match_expression(text: str) -> str | None:
    """`вброс бюл в` -> `"вброс" "бюл"` (all must occur); None when no word is long enough."""
    words = [word for word in _WORD.findall(text) if len(word) >= MIN_WORD]
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words)


def search(conn: Connection, text: str, limit: int = 50) -> list[SearchHit]:
    expression = match_expression(text)
    if expression is None:
        return []
    rows = conn.execute(
        "SELECT s.kind, s.ref, s.feed, s.station,"
        " snippet(search_index, -1, '[', ']', '…', 12),"
        " coalesce(i.voided, n.voided, 0)"
        " FROM search_index AS s"
        " LEFT JOIN incidents AS i ON s.kind = 'incident' AND i.id = s.ref"
        " LEFT JOIN notes AS n ON s.kind = 'note' AND n.id = s.ref"
        " WHERE search_index MATCH ? ORDER BY s.rowid DESC LIMIT ?",
        (expression, limit),
    ).fetchall()
    return [SearchHit(str(r[0]), str(r[1]), str(r[2]), r[3], str(r[4]), bool(r[5])) for r in rows]
