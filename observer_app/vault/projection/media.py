"""Media items: what was imported (hash and metadata), what it is linked to, and its consent."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from observer_app.core.consent import ConsentState
from observer_app.core.media_terms import LINK_KINDS, MEDIA_KINDS, REDACTION_STYLES
from observer_app.core.schema import Integer, List, Object, Text, UtcTime
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import (
    HASH,
    ID,
    REASON,
    SHORT_TEXT,
    EventSchema,
    Ref,
    body,
    optional,
    required,
)
from observer_app.vault.projection.refs import assign_ref

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

MEDIA_ADDED = "media.added"
MEDIA_LINKED = "media.linked"
MEDIA_CONSENT = "media.consent"
MEDIA_DERIVED = "media.derived"
MEDIA_PURGED = "media.purged"

METADATA_FIELDS = (
    "capture_time",
    "camera_make",
    "camera_model",
    "gps_lat_microdeg",
    "gps_lon_microdeg",
    "width",
    "height",
    "orientation",
    "duration_ms",
    "decode_error",
)


def _insert(
    conn: Connection, event: Event, derived_from: str | None, redaction: str | None
) -> None:
    body = event.body
    metadata = body.get("metadata") or {}
    columns = [
        "id",
        "feed",
        "sha256",
        "size",
        "mime",
        "kind",
        "original_name",
        *METADATA_FIELDS,
        "consent",
        "consent_note",
        "derived_from",
        "redaction",
        "time_utc",
        "tz",
    ]
    values = [
        body["id"],
        event.feed,
        body["sha256"],
        body["size"],
        body["mime"],
        body["kind"],
        body["original_name"],
        *(metadata.get(name) for name in METADATA_FIELDS),
        body["consent"],
        body.get("consent_note"),
        derived_from,
        redaction,
        event.time_utc,
        event.tz,
    ]
    placeholders = ", ".join("?" for _ in columns)
    conn.execute(f"INSERT INTO media ({', '.join(columns)}) VALUES ({placeholders})", values)
    assign_ref(conn, "media", event.feed, body["id"])
    for link in body.get("links", []):
        _link(conn, body["id"], link)


# The records a link can name that are made at a station, and their tables (migration 15).
_RECORDS_AT_STATIONS = {"incident": "incidents", "answer": "checklist_answers"}


def link_station(conn: Connection, kind: str, ref: str) -> str | None:
    """The station a link is at: the station (or protocol) it names, or the station of the
    incident or answer it names (None while that record is unknown)."""
    if kind in ("station", "protocol"):
        return ref
    table = _RECORDS_AT_STATIONS.get(kind)
    if table is None:
        return None
    row = conn.execute(f"SELECT station FROM {table} WHERE id = ?", (ref,)).fetchone()
    return None if row is None else str(row[0])


def move_links(conn: Connection, kind: str, ref: str, station: str) -> None:
    """A linked record arrived or moved to `station`: its links move with it."""
    conn.execute(
        "UPDATE media_links SET station = ? WHERE kind = ? AND ref = ? AND station IS NOT ?",
        (station, kind, ref, station),
    )


def _link(conn: Connection, media_id: str, link: dict[str, str]) -> None:
    """The item is its author's own: `SCHEMAS` (the authorisation rule) saw to that."""
    kind, ref = link["kind"], link["ref"]
    conn.execute(
        "INSERT OR IGNORE INTO media_links (media_id, kind, ref, station) VALUES (?, ?, ?, ?)",
        (media_id, kind, ref, link_station(conn, kind, ref)),
    )


def _added(conn: Connection, event: Event) -> None:
    _insert(conn, event, None, None)


def _derived(conn: Connection, event: Event) -> None:
    redaction = json.dumps(event.body.get("redaction"), sort_keys=True)
    _insert(conn, event, event.body["derived_from"], redaction)


def _linked(conn: Connection, event: Event) -> None:
    _link(conn, event.body["target"], event.body["link"])


def _consent(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE media SET consent = ?, consent_note = ? WHERE id = ? AND feed = ?",
        (event.body["state"], event.body.get("note"), event.body["target"], event.feed),
    )


def _purged(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE media SET purged = 1, purge_reason = ? WHERE id = ? AND feed = ?",
        (event.body["reason"], event.body["target"], event.feed),
    )


PROJECTORS = {
    MEDIA_ADDED: _added,
    MEDIA_DERIVED: _derived,
    MEDIA_LINKED: _linked,
    MEDIA_CONSENT: _consent,
    MEDIA_PURGED: _purged,
}
_PIXELS = Integer(0, 1_000_000)
METADATA = Object(
    {
        "capture_time": optional(UtcTime(offset_optional=True, whole_calendar=True)),
        "camera_make": optional(Text(200)),
        "camera_model": optional(Text(200)),
        "gps_lat_microdeg": optional(Integer(-90_000_000, 90_000_000)),
        "gps_lon_microdeg": optional(Integer(-180_000_000, 180_000_000)),
        "width": optional(_PIXELS),
        "height": optional(_PIXELS),
        "orientation": optional(Integer(1, 8)),
        "duration_ms": optional(Integer(0)),
        "decode_error": optional(Text(200)),
    }
)
LINK = Object({"kind": required(Text(32, vocabulary=LINK_KINDS)), "ref": required(Text(64, 1))})
CONSENT = Text(32, vocabulary=frozenset(ConsentState))
_ITEM_FIELDS = {
    "id": required(ID),
    "sha256": required(HASH),
    "size": required(Integer(0)),
    "mime": required(Text(128, 3, re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+"))),
    "kind": required(Text(16, vocabulary=MEDIA_KINDS)),
    "original_name": required(Text(1_024)),
    "metadata": optional(METADATA),
    "consent": required(CONSENT),
    "consent_note": optional(SHORT_TEXT),
    "links": optional(List(LINK, 1_000)),
}
_BOX = List(Integer(0, 1_000_000), 4, 4)
REDACTION = Object(
    {
        "style": required(Text(16, vocabulary=REDACTION_STYLES)),
        "boxes": required(List(_BOX, 1_000, 1)),
    }
)
MEDIA = Ref("media")
SCHEMAS = {
    MEDIA_ADDED: EventSchema(body(**_ITEM_FIELDS), creates=MEDIA),
    MEDIA_DERIVED: EventSchema(
        body(**_ITEM_FIELDS, derived_from=required(ID), redaction=required(REDACTION)),
        creates=MEDIA,
        targets={"derived_from": MEDIA},
    ),
    MEDIA_LINKED: EventSchema(
        body(target=required(ID), link=required(LINK)), targets={"target": MEDIA}
    ),
    MEDIA_CONSENT: EventSchema(
        body(
            target=required(ID),
            state=required(CONSENT),
            reason=required(REASON),
            note=optional(SHORT_TEXT),
        ),
        targets={"target": MEDIA},
    ),
    MEDIA_PURGED: EventSchema(
        body(target=required(ID), reason=required(REASON)), targets={"target": MEDIA}
    ),
}
TABLES = ("media", "media_links")
