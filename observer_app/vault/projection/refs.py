"""Short references (`core/refs.py`): each record's number among its kind in its author's feed.

A projection column rather than a body field: the number follows from the feed alone (records
are projected in seq order and a feed is held whole from seq 1, since a bundle with a gap is
refused), so every vault holding the feed derives the same references, older events need
nothing, and a peer cannot claim a reference that another of its records already has.
"""

from __future__ import annotations

from observer_app.core.refs import REF_KINDS, format_ref
from observer_app.vault.connection import Connection

PROJECTORS: dict[str, object] = {}
SCHEMAS: dict[str, object] = {}
TABLES = ("short_refs",)


def assign_ref(conn: Connection, kind: str, feed: str, record_id: str) -> str:
    """Give a newly projected record the next number of its kind in `feed`; returns `I-12`."""
    letter = REF_KINDS[kind]
    row = conn.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM short_refs WHERE feed = ? AND kind = ?",
        (feed, letter),
    ).fetchone()
    number = int(row[0])
    conn.execute(
        "INSERT INTO short_refs (feed, kind, number, id) VALUES (?, ?, ?, ?)",
        (feed, letter, number, record_id),
    )
    return format_ref(letter, number)
