"""The journal: one signed, append-only feed per author; tables the GUI reads are projections.

An event is `{v, feed, seq, prev, time_utc, tz, type, body}` in RFC 8785 canonical JSON, hashed with
SHA-256 and signed (ECDSA P-256, DER). We store the exact signed bytes (`payload`) so verification
never depends on re-serialising. Appends update the projections in the same transaction, so the
tables can always be rebuilt from the journal alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from observer_app.core.changes import Change
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.crypto import keys
from observer_app.crypto.canonical_json import canonicalize_signed, loads_canonical
from observer_app.errors import EventSchemaError
from observer_app.vault.connection import Connection
from observer_app.vault.event_schema import EVENT_VERSION, check_event, validate, warn_skipped
from observer_app.vault.projection import apply_event, event_schemas

EVENT_FIELDS = frozenset({"v", "feed", "seq", "prev", "time_utc", "tz", "type", "body"})


class EventFormatError(ValueError):
    """Signed bytes that are not a well-formed event of a version we understand."""


@dataclass(frozen=True)
class Event:
    v: int
    feed: str
    seq: int
    prev: str | None
    time_utc: str
    tz: str
    type: str
    body: Mapping[str, Any]
    payload: bytes
    signature: bytes

    @property
    def station(self) -> str | None:
        """The station code the body names, if any (indexed for `log --station`)."""
        value = self.body.get("station")
        return value if isinstance(value, str) else None

    @property
    def record(self) -> str | None:
        """The id of the record the body creates (`id`), else of the one it changes (`target`)."""
        for name in ("id", "target"):
            value = self.body.get(name)
            if isinstance(value, str):
                return value
        return None

    @property
    def phase(self) -> str | None:
        """The checklist phase the body names, if any (indexed for the timeline's filter)."""
        value = self.body.get("phase")
        return value if isinstance(value, str) else None

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()


@dataclass(frozen=True)
class Author:
    """Whoever may append to a feed: the feed id and the private key that signs for it."""

    feed: str
    key: keys.SignerKey


def build_event(
    author: Author,
    seq: int,
    prev: str | None,
    event_type: str,
    body: Mapping[str, Any],
    tz: str,
    time_utc: str | None = None,
) -> Event:
    document: dict[str, Any] = {
        "v": EVENT_VERSION,
        "feed": author.feed,
        "seq": seq,
        "prev": prev,
        "time_utc": format_utc(utc_now()) if time_utc is None else time_utc,
        "tz": tz,
        "type": event_type,
        "body": dict(body),
    }
    payload = canonicalize_signed(document)
    return Event(
        v=EVENT_VERSION,
        feed=author.feed,
        seq=seq,
        prev=prev,
        time_utc=str(document["time_utc"]),
        tz=tz,
        type=event_type,
        body=document["body"],
        payload=payload,
        signature=keys.sign(author.key, payload),
    )


def parse_event(payload: bytes, signature: bytes) -> Event:
    """Parse signed bytes; refuses non-canonical JSON, unknown fields and newer versions."""
    try:
        document = loads_canonical(payload, allow_floats=False)
    except ValueError as error:
        raise EventFormatError(f"not canonical JSON: {error}") from None
    if not isinstance(document, dict) or set(document) != EVENT_FIELDS:
        raise EventFormatError("fields are not those of an event")
    v = document["v"]
    if not isinstance(v, int) or v < 1:
        raise EventFormatError("bad version")
    if v > EVENT_VERSION:
        raise EventFormatError(f"event version {v} is newer than this program understands")
    seq, prev, body = document["seq"], document["prev"], document["body"]
    if not isinstance(seq, int) or seq < 1:
        raise EventFormatError("bad seq")
    if (seq == 1) != (prev is None) or not (prev is None or isinstance(prev, str)):
        raise EventFormatError("bad prev")
    if not isinstance(body, dict):
        raise EventFormatError("bad body")
    for name in ("feed", "time_utc", "tz", "type"):
        if not isinstance(document[name], str):
            raise EventFormatError(f"bad {name}")
    return Event(
        v=v,
        feed=document["feed"],
        seq=seq,
        prev=prev,
        time_utc=document["time_utc"],
        tz=document["tz"],
        type=document["type"],
        body=body,
        payload=payload,
        signature=signature,
    )


def parse_valid(payload: bytes, signature: bytes) -> Event | None:
    """A stored event for a view, or None (with a warning) when it is not valid as data.

    Stored events were checked when they arrived, but a vault written by an older version (or
    altered) may hold one that fails today's schemas: a view must skip it, never crash on it.
    """
    try:
        event = parse_event(payload, signature)
        check_event(event)
    except (EventFormatError, EventSchemaError) as error:
        warn_skipped(error)
        return None
    return event


def change_of(event: Event) -> Change:
    """What subscribers are told of a committed event: the records are the ids its schema says
    it creates or changes (`creates`, `targets`)."""
    schema = event_schemas().get(event.type)
    names = [] if schema is None else (["id"] if schema.creates else []) + list(schema.targets)
    records = tuple(v for v in (event.body.get(n) for n in names) if isinstance(v, str))
    return Change(event.type, event.feed, event.seq, event.station, records)


def feed_head(conn: Connection, feed: str) -> tuple[int, str | None]:
    row = conn.execute("SELECT head_seq, head_hash FROM feeds WHERE feed = ?", (feed,)).fetchone()
    return (0, None) if row is None else (int(row[0]), str(row[1]))


def append(
    conn: Connection,
    author: Author,
    event_type: str,
    body: Mapping[str, Any],
    tz: str,
    time_utc: str | None = None,
    public_key_der: bytes | None = None,
) -> Event:
    """Sign and store the author's next event and project it. Call inside a transaction."""
    seq, head = feed_head(conn, author.feed)
    event = build_event(author, seq + 1, head, event_type, body, tz, time_utc)
    store_event(conn, event, public_key_der)
    return event


def store_event(
    conn: Connection,
    event: Event,
    public_key_der: bytes | None = None,
    *,
    advance_head: bool = True,
) -> None:
    """Validate an already-verified event, insert it, advance its feed head and project it.

    Validation (`event_schema.validate`: schema and authorisation) comes first, for our own
    appends as for a peer's imported events: EventSchemaError leaves nothing stored.

    A bulk import passes `advance_head=False` and calls `set_feed_head` once at the end, in the
    same transaction: one statement less per event matters when every statement pays for
    SQLCipher's memory locking.
    """
    validate(conn, event)
    conn.execute(  # OR ROLLBACK: no statement journal for its triggers (migration 12)
        "INSERT OR ROLLBACK INTO events"
        " (feed, seq, hash, prev, time_utc, tz, type, payload, signature, station, record, phase)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.feed,
            event.seq,
            event.hash,
            event.prev,
            event.time_utc,
            event.tz,
            event.type,
            event.payload,
            event.signature,
            event.station,
            event.record,
            event.phase,
        ),
    )
    if event.seq == 1:
        if public_key_der is None:
            raise ValueError("the first event of a feed needs the feed's public key")
        conn.execute(
            "INSERT INTO feeds (feed, public_key, head_seq, head_hash) VALUES (?, ?, ?, ?)",
            (event.feed, public_key_der, event.seq, event.hash),
        )
    elif advance_head:
        set_feed_head(conn, event.feed, event.seq, event.hash)
    apply_event(conn, event)


def set_feed_head(conn: Connection, feed: str, seq: int, head_hash: str) -> None:
    conn.execute(
        "UPDATE feeds SET head_seq = ?, head_hash = ? WHERE feed = ?", (seq, head_hash, feed)
    )


def read_events(conn: Connection, feed: str | None = None, after_seq: int = 0) -> Iterator[Event]:
    """Events in the order they were stored (rowid), optionally one feed after a seq."""
    if feed is None:
        cursor = conn.execute("SELECT payload, signature FROM events ORDER BY rowid")
    else:
        cursor = conn.execute(
            "SELECT payload, signature FROM events WHERE feed = ? AND seq > ? ORDER BY seq",
            (feed, after_seq),
        )
    for payload, signature in cursor:
        yield parse_event(bytes(payload), bytes(signature))
