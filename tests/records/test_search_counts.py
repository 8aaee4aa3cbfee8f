"""Counting search hits with the cheaper FTS5 query (two short pieces within NEAR) finds exactly
the rows the whole phrase finds: checked against Python's reading on texts made of a few letters,
where the pieces often lie close together without forming the stem."""

from __future__ import annotations

import random

import sqlcipher3

from observer_app.vault import migrations
from observer_app.vault.queries.search import QueryWord, count_hits, match_expression

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


def test_counts_with_pieces_equal_the_rows_holding_the_stem() -> None:
    rng = random.Random(12)
    texts = ["".join(rng.choice(LETTERS) for _ in range(rng.randrange(5, 60))) for _ in range(600)]
    conn = _index(texts)
    stems = {
        "".join(rng.choice(LETTERS[:4]) for _ in range(rng.randrange(7, 11))) for _ in range(150)
    }
    for text in texts[:150]:  # stems that occur, cut from the texts
        start = rng.randrange(0, max(1, len(text) - 10))
        stem = text[start : start + rng.randrange(7, 11)].casefold()
        if len(stem) >= 7:
            stems.add(stem)
    pieces = 0
    try:
        for stem in sorted(stems):
            words = [QueryWord((stem,))]
            pieces += "NEAR" in (match_expression(words, counting=True) or "")
            expected = sum(stem in text.casefold() for text in texts)
            assert count_hits(conn, words) == expected, stem
    finally:
        conn.close()
    # Both ways were taken: most stems by their pieces, periodic ones by the whole phrase.
    assert pieces >= 50
    assert pieces < len(stems)


def test_a_stem_whose_pieces_could_overlap_otherwise_is_counted_by_its_phrase() -> None:
    assert match_expression([QueryWord(("абабабаб",))], counting=True) == '("абабабаб")'
    assert match_expression([QueryWord(("бюллетен",))], counting=True) == (
        '(NEAR("бюллет" "ллетен", 0))'
    )
    # Short stems are cheap already, long ones are not cut; pages always use the phrase.
    assert match_expression([QueryWord(("бюллет",))], counting=True) == '("бюллет")'
    assert match_expression([QueryWord(("избирательн",))], counting=True) == '("избирательн")'
    assert match_expression([QueryWord(("бюллетен",))]) == '("бюллетен")'
