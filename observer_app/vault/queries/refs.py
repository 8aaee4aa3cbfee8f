"""Short references (`I-12`): the records a reference names, and the references of records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from observer_app.core.refs import format_ref
from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class RefHolder:
    """A record that has a given reference in one feed, with its author's name."""

    id: str
    feed: str
    author: str | None


def records_with_ref(conn: Connection, letter: str, number: int) -> list[RefHolder]:
    """Every record (one per feed at most) whose reference is `letter-number`."""
    rows = conn.execute(
        "SELECT r.id, r.feed, p.name FROM short_refs r LEFT JOIN people p ON p.feed = r.feed"
        " WHERE r.kind = ? AND r.number = ? ORDER BY p.name, r.feed",
        (letter, number),
    ).fetchall()
    return [RefHolder(str(row[0]), str(row[1]), row[2]) for row in rows]


def refs_of(conn: Connection, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Record id -> (its reference `I-12`, its author's name or short fingerprint)."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):  # below SQLite's bound-parameter limit
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(
            "SELECT r.id, r.kind, r.number, COALESCE(p.name, substr(r.feed, 1, 16))"
            f" FROM short_refs r LEFT JOIN people p ON p.feed = r.feed WHERE r.id IN ({marks})",
            chunk,
        )
        for record_id, kind, number, author in rows:
            found[str(record_id)] = (format_ref(str(kind), int(number)), str(author))
    return found


def several_feeds_with_records(conn: Connection) -> bool:
    """Whether records with references come from more than one feed (then references carry
    the author). The least and the greatest feed, each one step of the primary key (feed
    first), where counting distinct feeds walked every reference: every timeline page asks."""
    row = conn.execute(
        "SELECT (SELECT min(feed) FROM short_refs) <> (SELECT max(feed) FROM short_refs)"
    ).fetchone()
    return bool(row[0])


def refs_by_feed(conn: Connection, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Record id -> (its reference `I-12`, its author's feed): for a report, which names the
    author as the report's audience may see them (a pseudonym in a public one)."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(
            f"SELECT id, kind, number, feed FROM short_refs WHERE id IN ({marks})", chunk
        )
        for record_id, kind, number, feed in rows:
            found[str(record_id)] = (format_ref(str(kind), int(number)), str(feed))
    return found
