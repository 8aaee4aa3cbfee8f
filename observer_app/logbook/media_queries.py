"""Reading media items (the `media` and `media_links` projections) as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from observer_app.vault.connection import Connection

_COLUMNS = (
    "id, feed, sha256, size, mime, kind, original_name, capture_time, camera_make, camera_model,"
    " gps_lat_microdeg, gps_lon_microdeg, width, height, orientation, duration_ms, decode_error,"
    " consent, consent_note, derived_from, redaction, purged, purge_reason, time_utc, tz"
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
    links: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_derivative(self) -> bool:
        return self.derived_from is not None

    def to_json(self) -> dict[str, Any]:
        document = {name: getattr(self, name) for name in _FIELDS}
        document["purged"] = bool(self.purged)
        document["links"] = [{"kind": kind, "ref": ref} for kind, ref in self.links]
        return document


def _links(conn: Connection, media_id: str) -> tuple[tuple[str, str], ...]:
    rows = conn.execute(
        "SELECT kind, ref FROM media_links WHERE media_id = ? ORDER BY kind, ref", (media_id,)
    )
    return tuple((str(kind), str(ref)) for kind, ref in rows)


_FIELDS = tuple(name.strip() for name in _COLUMNS.split(","))


def _item(conn: Connection, row: Any) -> MediaItem:
    values: dict[str, Any] = dict(zip(_FIELDS, row, strict=True))
    values["purged"] = bool(values["purged"])
    return MediaItem(**values, links=_links(conn, str(values["id"])))


def get_media(conn: Connection, media_id: str) -> MediaItem | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM media WHERE id = ?", (media_id,)).fetchone()
    return None if row is None else _item(conn, row)


def list_media(
    conn: Connection, *, link_kind: str | None = None, link_ref: str | None = None
) -> list[MediaItem]:
    if link_kind is None:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM media ORDER BY time_utc, id").fetchall()
    else:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM media WHERE id IN"
            " (SELECT media_id FROM media_links WHERE kind = ? AND ref = ?) ORDER BY time_utc, id",
            (link_kind, link_ref),
        ).fetchall()
    return [_item(conn, row) for row in rows]


def media_ids(conn: Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute("SELECT id FROM media")]


def find_by_sha256(conn: Connection, sha256: str, feed: str) -> MediaItem | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM media WHERE sha256 = ? AND feed = ? AND derived_from IS NULL",
        (sha256, feed),
    ).fetchone()
    return None if row is None else _item(conn, row)
