"""Notes: which exist, and whether one of an author's notes is voided."""

from __future__ import annotations

from observer_app.vault.connection import Connection


def note_ids(conn: Connection) -> list[str]:
    """Every note's id (all feeds), for resolving a typed prefix."""
    return [str(row[0]) for row in conn.execute("SELECT id FROM notes")]


def note_voided(conn: Connection, feed: str, note_id: str) -> bool | None:
    """Whether `feed`'s note `note_id` is voided; None when that feed has no such note."""
    row = conn.execute(
        "SELECT voided FROM notes WHERE id = ? AND feed = ?", (note_id, feed)
    ).fetchone()
    return None if row is None else bool(row[0])


def note_text(conn: Connection, note_id: str) -> str | None:
    """The note's text as it stands now (amendments applied); None when there is no such note."""
    row = conn.execute("SELECT text FROM notes WHERE id = ?", (note_id,)).fetchone()
    return None if row is None else str(row[0])
