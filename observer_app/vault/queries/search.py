"""Full-text search over notes, incidents and stations (FTS5 `trigram` tokens).

What the user types is never passed to FTS5 as query syntax: each word becomes quoted phrases
of its stems (`core.stems`), so `"`, `*`, `-` or `AND` in a search cannot raise a syntax error.
With trigram tokens a phrase matches anywhere inside a word, so a stem finds its inflected forms
(`бюллетен` finds `бюллетеней`, `учаске` finds `учаскесі`). Words shorter than three letters
cannot be looked up in a trigram index and are left out of the query.

A word may also name incident categories (the caller matched it against the catalogue's names
in every language): then it finds an incident of those categories as well as any text holding
it. Every word must be found, one way or the other. The index holds each incident's category as
a one-token code (migration 14), so every query, with category words or not, is one MATCH.

Results come newest first (by index row id, which follows the order records were stored), not
by relevance: FTS5 walks its lists in row-id order and stops after `limit` hits, whereas ranking
by bm25 scores every hit (about 0.5 s for a common word in 100,000 incidents).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from observer_app.core.paging import Cursor, Page, check_cursor, check_limit
from observer_app.core.snippets import has_hit, snippet
from observer_app.vault.connection import Connection
from observer_app.vault.projection.search import category_code

_COLUMNS = (
    "SELECT s.kind, s.ref, s.feed, s.station, s.body, s.names, coalesce(i.voided, n.voided, 0)"
)
_JOINS = (
    " LEFT JOIN incidents AS i ON s.kind = 'incident' AND i.id = s.ref"
    " LEFT JOIN notes AS n ON s.kind = 'note' AND n.id = s.ref"
)


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: the stems it is looked up by, and the categories it names."""

    stems: tuple[str, ...]
    categories: tuple[str, ...] = ()


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


# FTS5 tests a phrase of up to four tokens (six letters: four trigrams) in a buffer on the
# stack, a longer one in a buffer it allocates for every row it tests (fts5_expr.c). Under
# `cipher_memory_security` each allocation is an mlock/munlock pair: counting an 8-letter stem
# in 50,000 incidents took 330 ms, a 6-letter one 10 ms.
_STACK_PHRASE = 6
_PIECE_TOKENS = _STACK_PHRASE - 2
_PIECES_UP_TO = 11  # the pieces of a 12-letter stem only touch: any two would do


def _near_distance(stem: str) -> int:
    """NEAR's distance for the stem's two pieces: the tokens that may lie between the end of
    the first and the start of the second (the last piece starts len - 6 letters in)."""
    return max(0, len(stem) - _STACK_PHRASE - _PIECE_TOKENS)


def _pieces_find_only_the_stem(stem: str) -> bool:
    """Whether NEAR(first six letters, last six letters) finds exactly the rows holding `stem`
    (7 to 11 letters). NEAR takes the two pieces starting within `_PIECE_TOKENS` + its
    distance tokens of each other, in either order; they lie at one offset in the stem (its
    length - 6), and overlap at every offset NEAR takes. If they agree on their overlap at no
    other offset, a row holds both that close only where it holds the whole stem."""
    folded = stem.casefold()
    if len(folded) != len(stem):  # a letter that folds into two: do not reason about it
        return False
    first, last = folded[:_STACK_PHRASE], folded[-_STACK_PHRASE:]
    true_offset = len(folded) - _STACK_PHRASE
    reach = _PIECE_TOKENS + _near_distance(folded)
    for offset in range(-reach, reach + 1):
        if offset == true_offset:
            continue
        overlap = range(max(0, offset), min(_STACK_PHRASE, offset + _STACK_PHRASE))
        if all(first[i] == last[i - offset] for i in overlap):
            return False
    return True


def _stem_query(stem: str) -> str:
    """The stem as an FTS5 query finding the same rows, cheap to test (see `_STACK_PHRASE`):
    the phrase itself where it is short, or where its pieces could be found apart."""
    if _STACK_PHRASE < len(stem) <= _PIECES_UP_TO and _pieces_find_only_the_stem(stem):
        pieces = f'"{stem[:_STACK_PHRASE]}" "{stem[-_STACK_PHRASE:]}"'
        return f"NEAR({pieces}, {_near_distance(stem)})"
    return f'"{stem}"'


def _phrases(word: QueryWord) -> str:
    """`({body names} : ("жәшік" OR "жәшіг"))`, `({body names} : (NEAR("бюллет" "ллетен", 0)))`,
    or with the codes of the categories the word names, `(... OR category : ("<code>" OR
    ...))`. Stems hold only word characters."""
    text = "{body names} : (" + " OR ".join(_stem_query(stem) for stem in word.stems) + ")"
    if not word.categories:
        return f"({text})"
    codes = " OR ".join(f'"{category_code(category)}"' for category in word.categories)
    return f"({text} OR category : ({codes}))"


def match_expression(words: Sequence[QueryWord]) -> str | None:
    """The FTS5 query requiring every word; None when no word has a stem."""
    looked_up = [word for word in words if word.stems]
    if not looked_up:
        return None
    return " AND ".join(_phrases(word) for word in looked_up)


def _hit(row: Sequence[Any], stems: Sequence[str]) -> SearchHit:
    body, names = str(row[4]), str(row[5] or "")
    shown = snippet(names, stems) if not has_hit(body, stems) and has_hit(names, stems) else None
    return SearchHit(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        row[3],
        shown if shown is not None else snippet(body, stems),
        bool(row[6]),
    )


def search(conn: Connection, words: Sequence[QueryWord], limit: int = 50) -> list[SearchHit]:
    return list(_hits(conn, words, None, limit).rows)


def search_page(
    conn: Connection, words: Sequence[QueryWord], after: Cursor | None = None, limit: int = 50
) -> Page[SearchHit]:
    """Hits newest first (index row id, descending) after the cursor."""
    return _hits(conn, words, check_cursor(after, (int,)), check_limit(limit))


def count_hits(conn: Connection, words: Sequence[QueryWord]) -> int:
    expression = match_expression(words)
    if expression is None:
        return 0
    row = conn.execute(
        "SELECT count(*) FROM search_index WHERE search_index MATCH ?", (expression,)
    ).fetchone()
    return int(row[0])


def _hits(
    conn: Connection, words: Sequence[QueryWord], key: tuple[int | str, ...] | None, limit: int
) -> Page[SearchHit]:
    """One MATCH: FTS5 streams it in row-id order (newest first) and stops after `limit`."""
    expression = match_expression(words)
    if expression is None:
        return Page((), None)
    stems = [stem for word in words for stem in word.stems]
    before = [] if key is None else list(key)
    rows = conn.execute(
        f"{_COLUMNS}, s.rowid FROM search_index AS s{_JOINS}"
        " WHERE search_index MATCH ?"
        + (" AND s.rowid < ?" if before else "")
        + " ORDER BY s.rowid DESC LIMIT ?",
        (expression, *before, limit),
    ).fetchall()
    hits = tuple(_hit(row, stems) for row in rows)
    last = rows[-1] if len(rows) == limit else None
    return Page(hits, None if last is None else Cursor((int(last[7]),)))
