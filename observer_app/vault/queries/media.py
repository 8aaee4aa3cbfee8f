"""Media items (the `media` and `media_links` projections) with their links, in one query.

One row type for every reader: the media commands, the service's rules (consent, purge,
redaction) and the reports. An item's links come with it from the same statement (a JSON
array built by SQLite), so that listing a thousand items is one query, not a thousand and one.
The thumbnails' keys are read the same way for a report; the thumbnails themselves are read from
the blob store one at a time by the caller, and the full-size content never.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any, Final

from observer_app.core.paging import Cursor, Page, check_cursor, check_limit
from observer_app.vault.connection import Connection

_COLUMNS = (
    "id, feed, sha256, size, mime, kind, original_name, capture_time, camera_make, camera_model,"
    " gps_lat_microdeg, gps_lon_microdeg, width, height, orientation, duration_ms, decode_error,"
    " consent, consent_note, derived_from, redaction, purged, purge_reason, time_utc, tz"
)
_FIELDS = tuple(name.strip() for name in _COLUMNS.split(","))
# The item's links as one JSON array of [kind, ref], sorted, beside its columns.
_SELECT = (
    f"SELECT {_COLUMNS}, (SELECT json_group_array(json_array(kind, ref) ORDER BY kind, ref)"
    " FROM media_links WHERE media_links.media_id = media.id) FROM media"
)


@dataclass(frozen=True)
class MediaItem:
    id: str
    feed: str
    sha256: str
    size: int
    mime: str
    kind: str
    original_name: str
    capture_time: str | None
    camera_make: str | None
    camera_model: str | None
    gps_lat_microdeg: int | None
    gps_lon_microdeg: int | None
    width: int | None
    height: int | None
    orientation: int | None
    duration_ms: int | None
    decode_error: str | None
    consent: str
    consent_note: str | None
    derived_from: str | None
    redaction: str | None
    purged: bool
    purge_reason: str | None
    time_utc: str
    tz: str
    links: tuple[tuple[str, str], ...] = field(default=())  # (kind, ref), sorted

    @property
    def is_derivative(self) -> bool:
        return self.derived_from is not None

    def to_json(self) -> dict[str, Any]:
        document = {f.name: getattr(self, f.name) for f in fields(self)}
        document["links"] = [{"kind": kind, "ref": ref} for kind, ref in self.links]
        return document


def _item(row: Any) -> MediaItem:
    values: dict[str, Any] = dict(zip(_FIELDS, row[:-1], strict=True))
    values["purged"] = bool(values["purged"])
    links = tuple((str(kind), str(ref)) for kind, ref in json.loads(row[-1] or "[]"))
    return MediaItem(**values, links=links)


def get_media(conn: Connection, media_id: str) -> MediaItem | None:
    row = conn.execute(f"{_SELECT} WHERE id = ?", (media_id,)).fetchone()
    return None if row is None else _item(row)


def list_media(
    conn: Connection, *, link_kind: str | None = None, link_ref: str | None = None
) -> list[MediaItem]:
    """Every item (or those linked to `link_kind`/`link_ref`), oldest first: one query."""
    if link_kind is None:
        rows = conn.execute(f"{_SELECT} ORDER BY time_utc, id").fetchall()
    else:
        rows = conn.execute(
            f"{_SELECT} WHERE id IN"
            " (SELECT media_id FROM media_links WHERE kind = ? AND ref = ?) ORDER BY time_utc, id",
            (link_kind, link_ref),
        ).fetchall()
    return [_item(row) for row in rows]


#: The orders a media list may be read in: by import (the event's time) or by capture time
#: (the camera's own claim; items without one fall back to their import time).
MEDIA_ORDERS: Final = ("imported", "captured")
_ORDER_KEY = {"imported": "time_utc", "captured": "COALESCE(capture_time, time_utc)"}
# Linked to a station directly (station, protocol) or through a record made at it: the links
# hold that station (migration 15, `projection.media.link_station`).
_AT_STATION = "id IN (SELECT media_id FROM media_links WHERE station = :station)"


def _media_where(
    link_kind: str | None,
    link_ref: str | None,
    station: str | None = None,
    kind: str | None = None,
    consent: str | None = None,
) -> tuple[list[str], dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if link_kind is not None:
        clauses.append(
            "id IN (SELECT media_id FROM media_links WHERE kind = :link_kind AND ref = :link_ref)"
        )
        params.update(link_kind=link_kind, link_ref=link_ref)
    if station is not None:
        clauses.append(_AT_STATION)
        params["station"] = station
    if kind is not None:
        clauses.append("kind = :kind")
        params["kind"] = kind
    if consent is not None:
        clauses.append("consent = :consent")
        params["consent"] = consent
    return clauses, params


def order_key(item: MediaItem, order: str) -> str:
    """The value an item is sorted by in `order` (what a cursor after it holds)."""
    return item.time_utc if order == "imported" else (item.capture_time or item.time_utc)


def media_page(
    conn: Connection,
    after: Cursor | None = None,
    limit: int = 100,
    *,
    link_kind: str | None = None,
    link_ref: str | None = None,
    station: str | None = None,
    kind: str | None = None,
    consent: str | None = None,
    order: str = "imported",
) -> Page[MediaItem]:
    """Items with their links, oldest first by (time_utc, id) after the cursor (`media_time`),
    or by capture time; narrowed to one record's, one station's, one kind or one consent state.
    """
    limit = check_limit(limit)
    if order not in _ORDER_KEY:
        raise ValueError(f"unknown media order {order!r}")
    sort = _ORDER_KEY[order]
    clauses, params = _media_where(link_kind, link_ref, station, kind, consent)
    key = check_cursor(after, (str, str))
    if key is not None:
        clauses.append(f"({sort}, id) > (:after_key, :after_id)")
        params.update(after_key=key[0], after_id=key[1])
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    params["limit"] = limit
    rows = conn.execute(f"{_SELECT} {where} ORDER BY {sort}, id LIMIT :limit", params).fetchall()
    items = [_item(row) for row in rows]
    last = items[-1] if len(items) == limit else None
    return Page(tuple(items), None if last is None else Cursor((order_key(last, order), last.id)))


def count_media(
    conn: Connection,
    *,
    link_kind: str | None = None,
    link_ref: str | None = None,
    station: str | None = None,
    kind: str | None = None,
    consent: str | None = None,
) -> int:
    clauses, params = _media_where(link_kind, link_ref, station, kind, consent)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return int(conn.execute(f"SELECT count(*) FROM media {where}", params).fetchone()[0])


def media_ids(conn: Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute("SELECT id FROM media")]


def find_by_sha256(conn: Connection, sha256: str, feed: str) -> MediaItem | None:
    row = conn.execute(
        f"{_SELECT} WHERE sha256 = ? AND feed = ? AND derived_from IS NULL", (sha256, feed)
    ).fetchone()
    return None if row is None else _item(row)


def live_kind(conn: Connection, sha256: str) -> str | None:
    """The kind of a media item with these bytes whose content is still held, if any."""
    row = conn.execute(
        "SELECT kind FROM media WHERE sha256 = ? AND purged = 0 LIMIT 1", (sha256,)
    ).fetchone()
    return None if row is None else str(row[0])


@dataclass(frozen=True)
class ThumbnailKey:
    """Where a photo's encrypted thumbnail is and the key that opens it."""

    file: str
    key: bytes


def thumbnail_keys(conn: Connection, media_ids: Iterable[str]) -> dict[str, ThumbnailKey]:
    """media id -> its thumbnail's file and key, in one query.

    Items that are purged, unknown, or have no thumbnail (not a photo, too large, not decodable)
    are absent: the caller shows a placeholder for them. The ids travel as one JSON array
    parameter, so that no limit on the number of SQL variables applies.
    """
    ids = json.dumps(sorted(set(media_ids)))
    rows = conn.execute(
        "SELECT m.id, b.thumb_file, b.thumb_key FROM media AS m"
        " JOIN blobs AS b ON b.sha256 = m.sha256"
        " WHERE m.purged = 0 AND b.thumb_file IS NOT NULL AND b.thumb_key IS NOT NULL"
        " AND m.id IN (SELECT value FROM json_each(?))",
        (ids,),
    )
    return {str(media_id): ThumbnailKey(str(file), bytes(key)) for media_id, file, key in rows}
