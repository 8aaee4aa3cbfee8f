"""The full-text index over notes, incidents and stations.

The projectors of notes, incidents and stations call `index` in the same transaction as their
rows (triggers would be simpler but make FTS5 flush on every statement: ~15x slower appends).
An index row's id is derived from its source row's id, so a change replaces it without a scan,
and grows with every record stored: FTS5 writes the rows a transaction adds as one segment only
while their ids ascend (it flushes whenever an id is lower than the one before).
Listing the table here makes `journal verify` compare it after a replay like any other
projection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from observer_app.vault.connection import Connection

# Must match migration 2's back-fill of existing notes (notes are 1).
KIND_NUMBERS: Mapping[str, int] = {"note": 1, "incident": 2, "station": 3}

PROJECTORS: Mapping[str, Callable[..., Any]] = {}
SCHEMAS: Mapping[str, Any] = {}
TABLES = ("search_index",)


_IDEOGRAPHS = 0x4E00  # CJK Unified Ideographs: 20,992 letters from here
_IDEOGRAPH_COUNT = 20_992


def category_code(category: str | None) -> str | None:
    """An incident category as the index holds it (migration 14): three CJK ideographs drawn
    from the SHA-256 of its id, so that the whole code is one trigram, one FTS5 token, and a
    query word naming categories finds their incidents with the text's hits in one MATCH (a
    count of 50,000 hits: 44 -> 23 ms; the union with the incidents table sorted them all).
    Codes of different ids collide with probability ~1 in 9 * 10^12 a pair; the shipped
    catalogue's are distinct (tested). Never change this: the codes are stored in every vault,
    and a new function needs a migration that indexes every incident again."""
    if category is None:
        return None
    digest = hashlib.sha256(category.encode("utf-8")).digest()
    return "".join(
        chr(_IDEOGRAPHS + int.from_bytes(digest[2 * i : 2 * i + 2], "big") % _IDEOGRAPH_COUNT)
        for i in range(3)
    )


def index_rowid(kind: str, source_rowid: int) -> int:
    """The index row id of a record: its row id * 4 + its kind's number."""
    return source_rowid * 4 + KIND_NUMBERS[kind]


def index(
    conn: Connection,
    kind: str,
    source_rowid: int,
    ref: str,
    feed: str,
    station: str | None,
    body: str,
    names: Iterable[str] = (),
    *,
    category: str | None = None,
    replace: bool = False,
) -> None:
    """Add (or, with `replace`, renew) the index entry of one record (`category`: an
    incident's)."""
    rowid = index_rowid(kind, source_rowid)
    if replace:
        conn.execute("DELETE FROM search_index WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO search_index (rowid, kind, ref, feed, station, body, names, category)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            rowid,
            kind,
            ref,
            feed,
            station,
            body,
            " ".join(n for n in names if n),
            category_code(category),
        ),
    )


def merge_index(conn: Connection) -> None:
    """Merge the index's segments into one (FTS5 `optimize`; call inside a transaction).

    Each transaction that adds rows writes segments of its own, and FTS5 merges them only in
    part, while every search reads each segment (and, under memory security, pays an mlock pair
    for each reader it allocates). After a coordinator's imports of 100,000 events, a page of
    hits deep in a common word's 50,000 took 15 ms, 3.7 ms merged; the merge took 0.3 s.
    Bundle imports call it; an observer's own entries stay few enough for FTS5's own merging.
    """
    conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")


def inserted_rowid(cursor: Any) -> int:
    """The row id of the row an INSERT just added (the source id of its index entry)."""
    value = cursor.lastrowid
    if not isinstance(value, int):
        raise RuntimeError("an insert reported no row id")
    return value
