"""Media items and their thumbnail keys in a fixed number of queries, for whole-vault readers.

A report lists every media item and previews every photo it shows; asking once per item (its
links, then its blob row) made the query count grow with the number of photos. These read all
rows in one query each. Only the small things are loaded: the rows, the links and the thumbnails'
file names and keys; the thumbnails themselves are read from the blob store one at a time by the
caller, and the full-size content never.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from observer_app.vault.connection import Connection

_COLUMNS = (
    "id, feed, sha256, size, mime, kind, original_name, capture_time, gps_lat_microdeg,"
    " gps_lon_microdeg, duration_ms, decode_error, consent, consent_note, derived_from, purged,"
    " time_utc, tz"
)


@dataclass(frozen=True)
class MediaRow:
    """A media item as a report reads it (the fields of `reports.data.MediaRecord`)."""

    id: str
    feed: str
    sha256: str
    size: int
    mime: str
    kind: str
    original_name: str
    capture_time: str | None
    gps_lat_microdeg: int | None
    gps_lon_microdeg: int | None
    duration_ms: int | None
    decode_error: str | None
    consent: str
    consent_note: str | None
    derived_from: str | None
    purged: bool
    time_utc: str
    tz: str
    links: tuple[tuple[str, str], ...]  # (kind, ref), sorted


@dataclass(frozen=True)
class ThumbnailKey:
    """Where a photo's encrypted thumbnail is and the key that opens it."""

    file: str
    key: bytes


def media_rows(conn: Connection) -> list[MediaRow]:
    """Every media item with its links, oldest first (the order `list_media` gives): two
    queries, whatever the number of items."""
    links: dict[str, list[tuple[str, str]]] = {}
    for media_id, kind, ref in conn.execute(
        "SELECT media_id, kind, ref FROM media_links ORDER BY media_id, kind, ref"
    ):
        links.setdefault(str(media_id), []).append((str(kind), str(ref)))
    rows = conn.execute(f"SELECT {_COLUMNS} FROM media ORDER BY time_utc, id").fetchall()
    return [
        MediaRow(
            id=str(row[0]),
            feed=str(row[1]),
            sha256=str(row[2]),
            size=int(row[3]),
            mime=str(row[4]),
            kind=str(row[5]),
            original_name=str(row[6]),
            capture_time=row[7],
            gps_lat_microdeg=row[8],
            gps_lon_microdeg=row[9],
            duration_ms=row[10],
            decode_error=row[11],
            consent=str(row[12]),
            consent_note=row[13],
            derived_from=row[14],
            purged=bool(row[15]),
            time_utc=str(row[16]),
            tz=str(row[17]),
            links=tuple(links.get(str(row[0]), ())),
        )
        for row in rows
    ]


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
