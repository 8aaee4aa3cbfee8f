"""ISO base media files (MP4, MOV, M4A, 3GP): box walking and the movie-level facts.

Video files are large and mostly sample data, so this walks the box tree by seeking over
payloads and reads only the few small header boxes that carry duration, frame size, rotation,
creation time and position. Phones store those in different places (``mvhd``, ``mvex/mehd``,
``tkhd``, QuickTime ``meta/keys``, ``udta/©xyz``), hence one helper per place. The box walker
itself is reused by the HEIF reader, which is the same container holding a still image.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Final

from observer_app.media.container_io import (
    MAX_ENTRIES,
    Box,
    Budget,
    SeekableStream,
    read_at,
    stream_length,
)
from observer_app.media.exif_reader import EXIF_TIME, clean_text, exif_time, utc_offset
from observer_app.media.metadata_model import ERROR_DAMAGED, MediaMetadata, ParseError

_ISO6709 = re.compile(r"([+-]\d{1,3}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")
_MP4_EPOCH: Final = datetime(1904, 1, 1, tzinfo=UTC)


def boxes(stream: SeekableStream, start: int, end: int, budget: Budget) -> Iterator[Box]:
    """The boxes between `start` and `end`, by seeking over their payloads.

    A box running past the end (a truncated recording) is cut at the end and is the last one.
    """
    position = start
    while position + 8 <= end:
        budget.spend()
        header = read_at(stream, position, 8)
        size, kind = struct.unpack(">I4s", header)
        payload = position + 8
        if size == 1:
            size = struct.unpack(">Q", read_at(stream, payload, 8))[0]
            payload += 8
        elif size == 0:
            size = end - position
        if size < payload - position:
            raise ParseError(ERROR_DAMAGED)
        yield Box(kind, payload, min(position + size, end))
        position += size


def child(stream: SeekableStream, parent: Box, kind: bytes, budget: Budget, skip: int = 0) -> Box:
    """The first box of `kind` inside `parent`; KeyError when there is none."""
    for box in boxes(stream, parent.start + skip, parent.end, budget):
        if box.kind == kind:
            return box
    raise KeyError(kind)


def payload(stream: SeekableStream, box: Box) -> bytes:
    """A (header) box's whole payload, within `read_at`'s size cap."""
    return read_at(stream, box.start, box.end - box.start)


def isobmff_metadata(stream: SeekableStream) -> MediaMetadata:
    """Duration, frame size, rotation, creation time and position of a movie."""
    length = stream_length(stream)
    budget = Budget()
    root = Box(b"", 0, length)
    try:
        moov = child(stream, root, b"moov", budget)
    except KeyError:
        raise ParseError(ERROR_DAMAGED) from None
    duration_ms = created = None
    timescale = 0
    width = height = orientation = None
    location: tuple[int, int] | None = None
    apple_time = None
    for box in boxes(stream, moov.start, moov.end, budget):
        if box.kind == b"mvhd":
            timescale, duration_ms, created = _mvhd(payload(stream, box))
        elif box.kind == b"mvex" and duration_ms is None and timescale:
            duration_ms = _fragmented_duration(stream, box, budget, timescale)
        elif box.kind == b"trak" and width is None:
            width, height, orientation = _video_track(stream, box, budget)
        elif box.kind == b"meta":
            apple_time, apple_location = _apple_keys(stream, box, budget)
            location = location or apple_location
        elif box.kind == b"udta":
            location = location or _udta_location(stream, box, budget)
    return MediaMetadata(
        capture_time=apple_time or created,
        gps_lat_microdeg=location[0] if location else None,
        gps_lon_microdeg=location[1] if location else None,
        width=width,
        height=height,
        orientation=orientation,
        duration_ms=duration_ms,
    )


def _mvhd(data: bytes) -> tuple[int, int | None, str | None]:
    """Timescale, duration in ms and creation time (UTC) from a movie header."""
    version = data[0] if data else -1
    if version == 1 and len(data) >= 32:
        created, _modified, timescale, duration = struct.unpack(">QQIQ", data[4:32])
        unknown = 0xFFFFFFFFFFFFFFFF
    elif version == 0 and len(data) >= 20:
        created, _modified, timescale, duration = struct.unpack(">IIII", data[4:20])
        unknown = 0xFFFFFFFF
    else:
        raise ParseError(ERROR_DAMAGED)
    duration_ms = duration * 1000 // timescale if timescale and 0 < duration < unknown else None
    return timescale, duration_ms, _mp4_time(created)


def _mp4_time(seconds: int) -> str | None:
    """Seconds since 1904 (UTC) -> ISO; None for zero or absurd values (unset clocks)."""
    if not seconds:
        return None
    moment = _MP4_EPOCH + timedelta(seconds=min(seconds, 10**10))
    if not 1990 <= moment.year <= 2100:
        return None
    return moment.isoformat()


def _fragmented_duration(
    stream: SeekableStream, mvex: Box, budget: Budget, timescale: int
) -> int | None:
    """A fragmented MP4 (some phones, DASH) keeps its length in ``mvex/mehd``."""
    try:
        data = payload(stream, child(stream, mvex, b"mehd", budget))
    except KeyError:
        return None
    if data[:1] == b"\x01" and len(data) >= 12:
        duration = int.from_bytes(data[4:12], "big")
    elif len(data) >= 8:
        duration = int.from_bytes(data[4:8], "big")
    else:
        return None
    return duration * 1000 // timescale if duration else None


def _video_track(
    stream: SeekableStream, trak: Box, budget: Budget
) -> tuple[int | None, int | None, int | None]:
    """Width, height and rotation (as an EXIF orientation) of a video track; Nones otherwise."""
    try:
        tkhd = payload(stream, child(stream, trak, b"tkhd", budget))
    except KeyError:
        return None, None, None
    base = 4 + (32 if tkhd[:1] == b"\x01" else 20)
    matrix_at = base + 8 + 8  # reserved(8), layer, group, volume, reserved (8)
    if len(tkhd) < matrix_at + 44:
        return None, None, None
    matrix = struct.unpack(">9i", tkhd[matrix_at : matrix_at + 36])
    width, height = struct.unpack(">II", tkhd[matrix_at + 36 : matrix_at + 44])
    width, height = width >> 16, height >> 16
    if not width or not height:
        return None, None, None  # an audio track
    one = 0x10000
    rotations = {(one, 0, 0, one): 1, (0, one, -one, 0): 6, (-one, 0, 0, -one): 3}
    rotations[(0, -one, one, 0)] = 8
    orientation = rotations.get((matrix[0], matrix[1], matrix[3], matrix[4]))
    return width, height, orientation


def _apple_keys(
    stream: SeekableStream, meta: Box, budget: Budget
) -> tuple[str | None, tuple[int, int] | None]:
    """Creation date (with offset) and ISO 6709 location from QuickTime ``meta/keys+ilst``."""
    skip = _meta_header_size(stream, meta)
    try:
        keys = payload(stream, child(stream, meta, b"keys", budget, skip))
        ilst = child(stream, meta, b"ilst", budget, skip)
    except KeyError:
        return None, None
    names: dict[int, bytes] = {}
    position, index = 8, 1
    while position + 8 <= len(keys) and index <= MAX_ENTRIES:
        size = int.from_bytes(keys[position : position + 4], "big")
        if size < 8:
            break
        names[index] = keys[position + 8 : position + size]
        position, index = position + size, index + 1
    created = location = None
    for item in boxes(stream, ilst.start, ilst.end, budget):
        name = names.get(int.from_bytes(item.kind, "big"))
        if name not in (
            b"com.apple.quicktime.creationdate",
            b"com.apple.quicktime.location.ISO6709",
        ):
            continue
        try:
            data = payload(stream, child(stream, item, b"data", budget))
        except KeyError:
            continue
        text = clean_text(data[8:])
        if name == b"com.apple.quicktime.creationdate":
            created = _iso_time(text)
        else:
            location = _iso6709(text)
    return created, location


def _meta_header_size(stream: SeekableStream, meta: Box) -> int:
    """QuickTime's ``meta`` holds boxes directly; ISO's is a full box (4 bytes of version and
    flags first). Tell them apart by where the ``hdlr`` box starts."""
    head = read_at(stream, meta.start, min(12, meta.end - meta.start))
    return 0 if head[4:8] == b"hdlr" else 4


def _iso_time(text: str | None) -> str | None:
    """``2019-06-15T10:20:30+0200`` -> ``2019-06-15T10:20:30+02:00``."""
    match = EXIF_TIME.match(text or "")
    if match is None or text is None:
        return None
    local = exif_time(match.group(0), None)
    zone = re.sub(r"^\.\d+", "", text[match.end() :])
    offset = "+00:00" if zone == "Z" else utc_offset(zone)
    return None if local is None else local + (offset or "")


def _udta_location(stream: SeekableStream, udta: Box, budget: Budget) -> tuple[int, int] | None:
    """Android and older QuickTime: ``udta/©xyz`` holds an ISO 6709 string."""
    try:
        data = payload(stream, child(stream, udta, b"\xa9xyz", budget))
    except KeyError:
        return None
    return _iso6709(clean_text(data[4:]))


def _iso6709(text: str | None) -> tuple[int, int] | None:
    match = _ISO6709.match(text or "")
    if match is None:
        return None
    latitude, longitude = (Fraction(part) for part in match.groups())
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    return round(latitude * 1_000_000), round(longitude * 1_000_000)
