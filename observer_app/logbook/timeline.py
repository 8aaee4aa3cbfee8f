"""The timeline (`log`): events in time order, with a one-line description each, in pages.

Feature modules add their own describers to DESCRIBERS (those that name catalogue terms, to
RECORD_DESCRIBERS, which are handed the catalogue's words); unknown event types are still listed by
type, so a newer peer's events never vanish from the timeline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.core.paging import DEFAULT_PAGE, MAX_PAGE, Cursor, Page
from observer_app.core.timeline_filter import ALL_EVENTS, TimelineFilter
from observer_app.core.timeutil import to_local
from observer_app.i18n import _
from observer_app.logbook.record_describers import HANDOFF_DESCRIBERS, RECORD_DESCRIBERS
from observer_app.logbook.record_words import RecordWords
from observer_app.logbook.refs import labels_for
from observer_app.vault.connection import Connection
from observer_app.vault.journal import Event, parse_valid
from observer_app.vault.queries import timeline as queries_timeline
from observer_app.vault.queries.timeline import StoredEvent

Describer = Callable[[Event], str]


def _note(event: Event, words: RecordWords) -> str:
    return _("note: {text}").format(text=event.body.get("text", ""))


def _note_amended(event: Event, words: RecordWords) -> str:
    return _("note {id} amended: {text}").format(
        id=words.ref(event.body.get("target")), text=event.body.get("text", "")
    )


def _note_voided(event: Event, words: RecordWords) -> str:
    return _("note {id} voided: {reason}").format(
        id=words.ref(event.body.get("target")), reason=event.body.get("reason", "")
    )


DESCRIBERS: dict[str, Describer] = {
    "identity.certificate": lambda e: _("certificate changed"),
    **HANDOFF_DESCRIBERS,
}
NOTE_DESCRIBERS: dict[str, Callable[[Event, RecordWords], str]] = {
    "note.added": _note,
    "note.amended": _note_amended,
    "note.voided": _note_voided,
}


@dataclass(frozen=True)
class TimelineEntry:
    event: Event
    author: str
    local_time: str
    text: str
    ref: str | None = None  # the short reference of the record the event is about (`I-12`)

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
            "ref": self.ref,
        }


@cache
def shipped_catalogue() -> Catalogue:
    """Read once: a page of the timeline or of search hits must not parse the catalogue again
    (labels are looked up in the UI language when used, so a language switch needs no reload)."""
    return load_catalogue()


def describe(event: Event, words: RecordWords | None = None) -> str:
    """The event in words; `words` (the catalogue's names) is loaded when not given."""
    record_describer = RECORD_DESCRIBERS.get(event.type) or NOTE_DESCRIBERS.get(event.type)
    if record_describer is not None:
        return record_describer(event, words or RecordWords(shipped_catalogue()))
    describer = DESCRIBERS.get(event.type)
    return describer(event) if describer else event.type


def _entries(conn: Connection, stored: Iterable[StoredEvent]) -> list[TimelineEntry]:
    """Parse, check and describe; an event not valid as data is skipped with one warning."""
    events = [parse_valid(row.payload, row.signature) for row in stored]
    valid = [event for event in events if event is not None]
    feeds = json.dumps(sorted({event.feed for event in valid}))
    names = dict(
        conn.execute(
            "SELECT feed, name FROM people WHERE feed IN (SELECT value FROM json_each(?))",
            (feeds,),
        ).fetchall()
    )
    labels = labels_for(conn, (i for event in valid for i in _named_records(event)))
    words = RecordWords(shipped_catalogue(), labels)
    return [
        TimelineEntry(
            event,
            str(names.get(event.feed, event.feed[:16])),
            to_local(event.time_utc, event.tz).isoformat(timespec="seconds"),
            describe(event, words),
            _subject_label(event, labels),
        )
        for event in valid
    ]


def _subject_label(event: Event, labels: dict[str, str]) -> str | None:
    """The reference of the record the event is about: the one it adds, else its target (a
    break has its own id, but people know it by its visit)."""
    for key in ("id", "target", "visit"):
        label = labels.get(str(event.body.get(key) or ""))
        if label is not None:
            return label
    return None


def _named_records(event: Event) -> list[str]:
    """The ids of the records an event creates or names (for their short references)."""
    body = event.body
    ids = [body.get("id"), body.get("target"), body.get("visit"), body.get("derived_from")]
    links = body.get("links")
    link = body.get("link")
    for item in (links if isinstance(links, list) else []) + [link]:
        if isinstance(item, dict):
            ids.append(item.get("ref"))
    return [str(i) for i in ids if isinstance(i, str) and i]


def timeline_page(
    conn: Connection,
    selection: TimelineFilter = ALL_EVENTS,
    after: Cursor | None = None,
    limit: int = DEFAULT_PAGE,
    *,
    newest_first: bool = False,
) -> Page[TimelineEntry]:
    """One page of the timeline read model: typed rows in time order and the next cursor.

    A page may hold fewer rows than `limit` when stored events fail their schema (skipped with
    a warning, issue 10); `next` is None only at the end of the list."""
    stored, cursor = queries_timeline.timeline_page(
        conn, selection, after, limit, newest_first=newest_first
    )
    return Page(tuple(_entries(conn, stored)), cursor)


def timeline_count(conn: Connection, selection: TimelineFilter = ALL_EVENTS) -> int:
    """How many events the filter selects: one indexed count, separate from the pages."""
    return queries_timeline.timeline_count(conn, selection)


def timeline(conn: Connection, selection: TimelineFilter = ALL_EVENTS) -> Iterator[TimelineEntry]:
    """Every selected event, oldest first, read page by page (memory bounded by one page)."""
    cursor: Cursor | None = None
    while True:
        page = timeline_page(conn, selection, cursor, MAX_PAGE)
        yield from page.rows
        if page.next is None:
            return
        cursor = page.next
