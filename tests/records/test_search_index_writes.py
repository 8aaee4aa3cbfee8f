"""A transaction of appends writes the search index once, at its end.

FTS5 flushes the rows it holds whenever a statement journal opens, and SQLite opens one for a
statement with triggers that could abort alone (migration 12's `record_events` triggers): each
event then wrote a segment of its own, 5x slower appends and an index that every later search
reads in pieces. The statements take `OR ROLLBACK` so that none opens."""

from __future__ import annotations

from observer_app.core.ids import new_id
from observer_app.logbook import search
from observer_app.logbook.session import LogbookSession
from observer_app.vault import journal
from observer_app.vault.connection import Transaction


def _segments(session: LogbookSession) -> int:
    row = session.conn.execute("SELECT count(DISTINCT segid) FROM search_index_idx").fetchone()
    return int(row[0])


def test_appends_in_one_transaction_write_one_index_segment(day: LogbookSession) -> None:
    # FTS5's own merging off, so that the segments written are counted, not their merge.
    day.conn.execute("INSERT INTO search_index (search_index, rank) VALUES ('automerge', 0)")
    before = _segments(day)
    with Transaction(day.conn):
        for index in range(40):
            journal.append(
                day.conn,
                day.identity.author,
                "note.added",
                {"id": new_id(), "station": "101", "text": f"бюллетень номер {index}"},
                "Asia/Almaty",
            )
    assert _segments(day) <= before + 1
    assert len(search.search(day, "бюллетень", 100)) == 40
