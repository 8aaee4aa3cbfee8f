"""Photos through Pillow and EXIF: size, camera, capture time, position and orientation.

Pillow parses headers lazily, so `Image.open` plus `getexif` reads no pixels; that is why photos
need no hand-written parser. The EXIF value parsers (`exif_facts`, `exif_time`, `utc_offset`,
`clean_text`) are shared with the HEIF and QuickTime readers, which meet the same encodings inside
their own boxes. GPS rationals are converted exactly with `fractions.Fraction` and rounded once,
because the result is signed into the journal as integers.
"""

from __future__ import annotations

import re
from datetime import datetime
from fractions import Fraction
from typing import IO, Final, cast

from PIL import Image

from observer_app.media.container_io import SeekableStream
from observer_app.media.metadata_model import ERROR_NOT_IMAGE, ERROR_TOO_LARGE, MediaMetadata

_MAX_TEXT: Final = 120

# EXIF tags.
_MAKE, _MODEL, _ORIENTATION, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_OFFSET_TIME, _OFFSET_TIME_ORIGINAL, _OFFSET_TIME_DIGITIZED = 0x9010, 0x9011, 0x9012
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4

EXIF_TIME: Final = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def image_metadata(stream: SeekableStream) -> MediaMetadata:
    """Size and EXIF facts of a photo Pillow can identify; `decode_error` when it cannot."""
    try:
        # Pillow annotates `fp` as IO[bytes] but only reads, seeks and tells on a file object.
        image = Image.open(cast(IO[bytes], stream))
    except Image.DecompressionBombError:
        return MediaMetadata(decode_error=ERROR_TOO_LARGE)
    except Exception:
        return MediaMetadata(decode_error=ERROR_NOT_IMAGE)
    width, height = image.size
    try:
        # A PNG's eXIf chunk after the pixels would make getexif() decode them all: skip it.
        if image.format == "PNG" and "exif" not in image.info:
            exif = Image.Exif()
        else:
            exif = image.getexif()
        facts = exif_facts(exif)
    except Exception:
        facts = MediaMetadata()
    return MediaMetadata(
        capture_time=facts.capture_time,
        camera_make=facts.camera_make,
        camera_model=facts.camera_model,
        gps_lat_microdeg=facts.gps_lat_microdeg,
        gps_lon_microdeg=facts.gps_lon_microdeg,
        width=width,
        height=height,
        orientation=facts.orientation,
    )


def exif_facts(exif: Image.Exif) -> MediaMetadata:
    """Capture time, camera, position and orientation from a parsed EXIF block."""
    exif_ifd = _safe_ifd(exif, _EXIF_IFD)
    gps_ifd = _safe_ifd(exif, _GPS_IFD)
    capture_time = None
    for time_tag, source, offset_tag in (
        (_DATETIME_ORIGINAL, exif_ifd, _OFFSET_TIME_ORIGINAL),
        (_DATETIME_DIGITIZED, exif_ifd, _OFFSET_TIME_DIGITIZED),
        (_DATETIME, dict(exif), _OFFSET_TIME),
    ):
        capture_time = exif_time(source.get(time_tag), exif_ifd.get(offset_tag))
        if capture_time is not None:
            break
    orientation = exif.get(_ORIENTATION)
    latitude = _gps_coordinate(gps_ifd.get(_GPS_LAT), gps_ifd.get(_GPS_LAT_REF), b"N", b"S", 90)
    longitude = _gps_coordinate(gps_ifd.get(_GPS_LON), gps_ifd.get(_GPS_LON_REF), b"E", b"W", 180)
    if latitude is None or longitude is None:
        latitude = longitude = None
    return MediaMetadata(
        capture_time=capture_time,
        camera_make=clean_text(exif.get(_MAKE)),
        camera_model=clean_text(exif.get(_MODEL)),
        gps_lat_microdeg=latitude,
        gps_lon_microdeg=longitude,
        orientation=orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else None,
    )


def _safe_ifd(exif: Image.Exif, tag: int) -> dict[int, object]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception:
        return {}


def exif_time(value: object, offset: object) -> str | None:
    """``2008:10:22 16:28:39`` (+ ``+02:00``) -> ``2008-10-22T16:28:39+02:00``; None if bogus."""
    value_text = clean_text(value)
    match = EXIF_TIME.match(value_text or "")
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, second)  # the camera's local clock
    except ValueError:  # 0000:00:00 00:00:00 and friends
        return None
    return moment.isoformat() + (utc_offset(clean_text(offset)) or "")


def utc_offset(offset_text: str | None) -> str | None:
    """``+0200`` or ``+02:00`` -> ``+02:00``; None unless it is a real UTC offset."""
    match = _OFFSET.fullmatch(offset_text or "")
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    if int(hours) > 14 or int(minutes) > 59:
        return None
    return f"{sign}{hours}:{minutes}"


def _gps_coordinate(
    value: object, ref: object, positive: bytes, negative: bytes, limit: int
) -> int | None:
    """Degrees, minutes, seconds as EXIF rationals -> signed integer microdegrees, exactly."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    parts = [_fraction(part) for part in value]
    if any(part is None or part < 0 for part in parts):
        return None
    degrees, minutes, seconds = (part for part in parts if part is not None)
    total = degrees + minutes / 60 + seconds / 3600
    if total > limit:
        return None
    ref_bytes = ref.encode("ascii", "replace") if isinstance(ref, str) else ref
    if not isinstance(ref_bytes, bytes):
        return None
    ref_bytes = ref_bytes.strip(b"\x00 ").upper()
    if ref_bytes == negative:
        total = -total
    elif ref_bytes != positive:
        return None  # a position without its hemisphere is not a position
    return round(total * 1_000_000)


def _fraction(value: object) -> Fraction | None:
    """An EXIF rational (Pillow's IFDRational, a (num, den) pair or an int) as a Fraction."""
    if isinstance(value, tuple) and len(value) == 2:
        numerator, denominator = value
    else:
        numerator = getattr(value, "numerator", None)
        denominator = getattr(value, "denominator", None)
    if not isinstance(numerator, int) or not isinstance(denominator, int) or denominator == 0:
        return None
    return Fraction(numerator, denominator)


def clean_text(value: object) -> str | None:
    """A short printable string from an EXIF or box text value; None when empty."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in value).split())
    return cleaned[:_MAX_TEXT] or None
