"""Searching with the cheaper FTS5 query (two short pieces within NEAR) finds exactly the rows the
whole phrase finds, counted and paged: checked against Python's reading on texts made of a few
letters, where the pieces often lie close together without forming the stem, and on texts that
place them at every other distance NEAR could accept."""

from __future__ import annotations

import itertools
import random
import re

import sqlcipher3

from observer_app.vault import migrations
from observer_app.vault.queries.search import QueryWord, count_hits, match_expression, search

LETTERS = "абвгАБ"


def _index(texts: list[str]) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA cipher_memory_security = ON")
    migrations.migrate(conn)
    conn.executemany(
        "INSERT INTO search_index (rowid, kind, ref, feed, station, body, names)"
        " VALUES (?, 'note', ?, 'feed', NULL, ?, '')",
        [(row * 4 + 1, f"note-{row}", text) for row, text in enumerate(texts)],
    )
    return conn


def _pieces(stem: str) -> list[str]:
    """The pieces the count's query uses for the stem (none: it keeps the phrase)."""
    query = match_expression([QueryWord((stem,))]) or ""
    near = re.search(r"NEAR\((.*), \d+\)", query)
    return re.findall(r'"(\w+)"', near.group(1)) if near else []


def _decoys(stem: str, rng: random.Random) -> list[str]:
    """Texts holding the stem's pieces at every other set of starts close enough for NEAR to
    accept, and a little further (any order, overlapping or apart), where the letters allow."""
    pieces = _pieces(stem)
    if not pieces:
        return []
    reach = len(stem) - 2  # wider than NEAR's: starts it must refuse are tried too
    texts = []
    for others in itertools.product(range(-reach, reach + 1), repeat=len(pieces) - 1):
        starts = (0, *others)
        if max(starts) - min(starts) > reach:
            continue
        low = min(starts)
        letters: dict[int, str] = {}
        clash = False
        for start, piece in zip(starts, pieces, strict=True):
            for index, letter in enumerate(piece):
                clash |= letters.setdefault(start - low + index, letter) != letter
        if not clash:
            width = max(letters) + 1
            texts.append("".join(letters.get(i, rng.choice(LETTERS)) for i in range(width)))
    return rng.sample(texts, min(len(texts), 60))


def test_counts_with_pieces_equal_the_rows_holding_the_stem() -> None:
    rng = random.Random(12)
    texts = ["".join(rng.choice(LETTERS) for _ in range(rng.randrange(5, 60))) for _ in range(600)]
    stems = {
        "".join(rng.choice(LETTERS[:4]) for _ in range(rng.randrange(7, 18))) for _ in range(200)
    }
    for text in texts[:150]:  # stems that occur, cut from the texts
        start = rng.randrange(0, max(1, len(text) - 16))
        stem = text[start : start + rng.randrange(7, 18)].casefold()
        if len(stem) >= 7:
            stems.add(stem)
    for stem in sorted(stems):
        texts.extend(_decoys(stem, rng))
    conn = _index(texts)
    pieces = 0
    try:
        for stem in sorted(stems):
            words = [QueryWord((stem,))]
            pieces += "NEAR" in (match_expression(words) or "")
            expected = sum(stem in text.casefold() for text in texts)
            assert count_hits(conn, words) == expected, stem
            assert len(search(conn, words, 1_000)) == expected, stem
    finally:
        conn.close()
    # Both ways were taken: most stems by their pieces, periodic ones by the whole phrase.
    assert pieces >= 50
    assert pieces < len(stems)


def _counted(stem: str) -> str | None:
    return match_expression([QueryWord((stem,))])


def test_a_stem_whose_pieces_could_overlap_otherwise_is_counted_by_its_phrase() -> None:
    text = "({body names} : (%s))"
    assert _counted("абабабаб") == text % '"абабабаб"'
    assert _counted("бюллетен") == text % 'NEAR("бюллет" "ллетен", 0)'
    # Short stems are cheap already; 12-16 letters take three pieces, longer ones the phrase.
    assert _counted("бюллет") == text % '"бюллет"'
    assert _counted("избирательн") == text % 'NEAR("избира" "ательн", 1)'
    assert _counted("председатели") == text % 'NEAR("предсе" "дседат" "датели", 2)'
    assert _counted("видеонаблюден") == text % 'NEAR("видеон" "еонабл" "блюден", 3)'
    assert _counted("абвгдежзийклмнопр") == text % '"абвгдежзийклмнопр"'  # 17 letters
