"""The timeline (`log`): events in time order, with a one-line description each.

Feature modules add their own describers to DESCRIBERS (those that name catalogue terms, to
RECORD_DESCRIBERS, which are handed the catalogue's words); unknown event types are still listed by
type, so a newer peer's events never vanish from the timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from observer_app.core.catalogue import load_catalogue
from observer_app.core.timeutil import to_local
from observer_app.i18n import _
from observer_app.logbook.record_describers import HANDOFF_DESCRIBERS, RECORD_DESCRIBERS
from observer_app.logbook.record_words import RecordWords
from observer_app.vault.connection import Connection
from observer_app.vault.journal import Event, parse_valid

Describer = Callable[[Event], str]


def _note(event: Event) -> str:
    return _("note: {text}").format(text=event.body.get("text", ""))


def _note_amended(event: Event) -> str:
    return _("note {id} amended: {text}").format(
        id=str(event.body.get("target", ""))[:13], text=event.body.get("text", "")
    )


def _note_voided(event: Event) -> str:
    return _("note {id} voided: {reason}").format(
        id=str(event.body.get("target", ""))[:13], reason=event.body.get("reason", "")
    )


DESCRIBERS: dict[str, Describer] = {
    "identity.certificate": lambda e: _("certificate changed"),
    "note.added": _note,
    "note.amended": _note_amended,
    "note.voided": _note_voided,
    **HANDOFF_DESCRIBERS,
}


@dataclass(frozen=True)
class TimelineEntry:
    event: Event
    author: str
    local_time: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.event.feed,
            "seq": self.event.seq,
            "hash": self.event.hash,
            "time_utc": self.event.time_utc,
            "tz": self.event.tz,
            "local_time": self.local_time,
            "author": self.author,
            "type": self.event.type,
            "body": self.event.body,
            "text": self.text,
        }


def describe(event: Event, words: RecordWords | None = None) -> str:
    """The event in words; `words` (the catalogue's names) is loaded when not given."""
    record_describer = RECORD_DESCRIBERS.get(event.type)
    if record_describer is not None:
        return record_describer(event, words or RecordWords(load_catalogue()))
    describer = DESCRIBERS.get(event.type)
    return describer(event) if describer else event.type


def timeline(
    conn: Connection, where: str = "", params: tuple[Any, ...] = ()
) -> Iterator[TimelineEntry]:
    names = dict(conn.execute("SELECT feed, name FROM people").fetchall())
    words = RecordWords(load_catalogue())
    sql = "SELECT payload, signature FROM events"
    if where:
        sql += f" WHERE {where}"
    sql += " ORDER BY time_utc, feed, seq"
    for payload, signature in conn.execute(sql, params):
        event = parse_valid(bytes(payload), bytes(signature))
        if event is None:
            continue
        local = to_local(event.time_utc, event.tz).isoformat(timespec="seconds")
        yield TimelineEntry(
            event, str(names.get(event.feed, event.feed[:16])), local, describe(event, words)
        )
