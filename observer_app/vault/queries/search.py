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
from functools import lru_cache
from itertools import product
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
_PIECES_UP_TO = 16  # three pieces; a longer stem keeps its phrase


def _piece_offsets(length: int) -> tuple[int, ...]:
    """Where the six-letter pieces of a stem of `length` letters start: the first and the last
    piece, and for 12 letters or more (where those two no longer overlap) one in the middle."""
    last = length - _STACK_PHRASE
    return (0, last) if last <= _PIECE_TOKENS + 1 else (0, last // 2, last)


def _near_distance(stem: str) -> int:
    """NEAR's distance for the stem's pieces. FTS5 takes a set of instances, one of each
    piece, when every start lies within 4 (a piece's tokens) + this distance tokens of the
    latest start: the last piece starts len - 6 letters after the first."""
    return max(0, len(stem) - _STACK_PHRASE - _PIECE_TOKENS)


def _agree(pieces: Sequence[str], starts: Sequence[int]) -> bool:
    """Whether the pieces can lie at these starts in one text (they agree where they overlap)."""
    letters: dict[int, str] = {}
    for piece, start in zip(pieces, starts, strict=True):
        for index, letter in enumerate(piece):
            if letters.setdefault(start + index, letter) != letter:
                return False
    return True


def _pieces_find_only_the_stem(stem: str) -> bool:
    """Whether NEAR of the stem's pieces (7 to 16 letters) finds exactly the rows holding it.
    NEAR takes the pieces in any order at any starts within its reach of each other; in the
    stem they lie at one set of starts. If they can lie at no other set of starts within the
    reach (they would disagree where they overlap), a row holds them all that close only
    where it holds the whole stem."""
    folded = stem.casefold()
    if len(folded) != len(stem):  # a letter that folds into two: do not reason about it
        return False
    offsets = _piece_offsets(len(folded))
    pieces = [folded[offset : offset + _STACK_PHRASE] for offset in offsets]
    reach = _PIECE_TOKENS + _near_distance(folded)
    for others in product(range(-reach, reach + 1), repeat=len(pieces) - 1):
        starts = (0, *others)
        if starts == offsets or max(starts) - min(starts) > reach:
            continue
        if _agree(pieces, starts):
            return False
    return True


@lru_cache(maxsize=256)
def _stem_query(stem: str) -> str:
    """The stem as an FTS5 query finding the same rows, cheap to test (see `_STACK_PHRASE`):
    the phrase itself where it is short, or where its pieces could be found apart. Kept per
    stem: checking the placements of three pieces takes ~0.7 ms, and every page and count of a
    search asks again."""
    if _STACK_PHRASE < len(stem) <= _PIECES_UP_TO and _pieces_find_only_the_stem(stem):
        offsets = _piece_offsets(len(stem))
        pieces = " ".join(f'"{stem[offset : offset + _STACK_PHRASE]}"' for offset in offsets)
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
