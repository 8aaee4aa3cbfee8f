"""Every event checked as data: its envelope, its body's schema, and the authorisation rule.

One place, applied alike on append (our own code), on import (a peer's bundle) and on replay
(`journal verify`, rebuilding the projections), so that projections only ever see valid events
and the tables hold valid data only. Views that read events themselves (the timeline, report
sources, incident history) use `parse_valid`, which skips an invalid stored event with a
warning instead of crashing on it.

- Envelope (every event, known type or not): `v` 1..EVENT_VERSION, `feed` 64 hex, `seq`
  1..2^53-1, `prev` 64 hex or null (null iff seq 1), `time_utc` a time 2000..2100, `tz` an IANA
  zone, `type` a short dotted lowercase name, the whole event at most MAX_EVENT_BYTES.
- Body: the `EventSchema` its projection module declares; a type this program does not know
  (a newer peer's) keeps the forward-compatible rule (kept, listed, changes no table) and its
  body need only be JSON of bounded depth.
- Authorisation (DESIGN.md): an event may create only records whose id nobody holds yet, and
  may change only records its own feed created; the coordinator's annotations (a schema with
  `annotates` and `author_role`) may name any author's record the vault holds, only from a feed
  that declared that role, and change nothing of that record.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

from observer_app.core.schema import JsonValue, SchemaViolation, Text, UtcTime, Zone
from observer_app.crypto import keys
from observer_app.errors import EventSchemaError
from observer_app.i18n import _
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import FEED, HASH, SEQ, EventSchema, Ref
from observer_app.vault.projection import event_schemas

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

EVENT_VERSION: Final = 1
MAX_EVENT_BYTES: Final = 4 * 1024 * 1024
EVENT_TYPE: Final = Text(64, 3, re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+", re.ASCII))
UNKNOWN_BODY: Final = JsonValue(max_depth=16)
_TIME: Final = UtcTime()
_ZONE: Final = Zone()


class InvalidEventSkipped(UserWarning):
    """A view skipped a stored event that is not valid; the CLI prints one line for all."""


def _refusal(event: Event, path: str, reason: str) -> EventSchemaError:
    feed = keys.format_fingerprint(event.feed, short=True) if _is_feed(event.feed) else "?"
    return EventSchemaError(
        _("event {feed} seq {seq} ({type}) is not valid: {field}: {reason}").format(
            feed=feed, seq=event.seq, type=event.type[:64], field=path, reason=reason
        ),
        feed=event.feed,
        seq=event.seq,
        event_type=event.type,
        path=path,
        reason=reason,
    )


def _is_feed(value: str) -> bool:
    try:
        FEED.check(value, "feed")
    except SchemaViolation:
        return False
    return True


def _check_envelope(event: Event) -> None:
    if len(event.payload) > MAX_EVENT_BYTES:
        raise SchemaViolation("", _("larger than {limit} bytes").format(limit=MAX_EVENT_BYTES))
    SEQ.check(event.seq, "seq")
    if not 1 <= event.v <= EVENT_VERSION:
        raise SchemaViolation("v", _("not a known version"))
    FEED.check(event.feed, "feed")
    if event.seq == 1:
        if event.prev is not None:
            raise SchemaViolation("prev", _("must be null for the first event"))
    else:
        HASH.check(event.prev, "prev")
    _TIME.check(event.time_utc, "time_utc")
    _ZONE.check(event.tz, "tz")
    EVENT_TYPE.check(event.type, "type")


def check_event(event: Event) -> None:
    """Envelope and body of one event; EventSchemaError naming the event and the field."""
    try:
        _check_envelope(event)
        schema = event_schemas().get(event.type)
        if schema is None:
            UNKNOWN_BODY.check(event.body, "body")
        else:
            schema.body.check(event.body, "body")
    except SchemaViolation as violation:
        raise _refusal(event, violation.path or _("the event"), violation.reason) from None


def _exists(conn: Connection, ref: Ref, record_id: Any) -> bool:
    row = conn.execute(
        f"SELECT 1 FROM {ref.table} WHERE {ref.id_column} = ? LIMIT 1",
        (record_id,),
    ).fetchone()
    return row is not None


def _owned(conn: Connection, ref: Ref, record_id: Any, feed: str) -> bool:
    where = f"{ref.id_column} = ? AND {ref.owner_column} = ?"
    row = conn.execute(
        f"SELECT 1 FROM {ref.table} WHERE {where} LIMIT 1", (record_id, feed)
    ).fetchone()
    return row is not None


def authorise(conn: Connection, event: Event, schema: EventSchema) -> None:
    """The authorisation rule against the records as they are (call after `check_event`)."""
    body = event.body
    if schema.creates is not None and _exists(conn, schema.creates, body["id"]):
        raise _refusal(event, "body.id", _("a record with this id exists already"))
    for name, ref in schema.targets.items():
        if not _owned(conn, ref, body[name], event.feed):
            raise _refusal(
                event, f"body.{name}", _("names no record that the event's own author created")
            )
    for name, ref in schema.annotates.items():
        if not _exists(conn, ref, body[name]):
            raise _refusal(event, f"body.{name}", _("names no record that this vault holds"))
    if schema.author_role is not None and not _has_role(conn, event.feed, schema.author_role):
        raise _refusal(event, "type", _("only a coordinator may record this"))


def _has_role(conn: Connection, feed: str, role: str) -> bool:
    """The feed declared `role` and this vault did not enroll it as an observer: a role is the
    author's own claim, so an enrolled observer's claim to coordinate is not believed."""
    row = conn.execute("SELECT role FROM people WHERE feed = ?", (feed,)).fetchone()
    if row is None or str(row[0]) != role:
        return False
    enrolled = conn.execute(
        "SELECT 1 FROM enrolled_observers WHERE feed = ? LIMIT 1", (feed,)
    ).fetchone()
    return enrolled is None


def validate(conn: Connection, event: Event) -> None:
    """Everything an event must satisfy before it is stored or projected."""
    check_event(event)
    schema = event_schemas().get(event.type)
    if schema is not None:
        authorise(conn, event, schema)


def valid_for_replay(
    conn: Connection, events: Iterable[Event], refused: Callable[[EventSchemaError], None]
) -> Iterator[Event]:
    """`events` that pass `validate` against `conn` as it is when each is reached (so lazily,
    while a rebuild applies them); each one that fails goes to `refused` and is skipped."""
    for event in events:
        try:
            validate(conn, event)
        except EventSchemaError as error:
            refused(error)
            continue
        yield event


def warn_skipped(error: Exception) -> None:
    """Tell the user (once per command, see the CLI) that a view skipped an invalid event."""
    warnings.warn(InvalidEventSkipped(str(error)), stacklevel=3)
