"""What a media file says about itself: capture time, camera, position, size, duration.

The result goes into a signed journal event, so it holds integers and strings only (coordinates
in microdegrees, durations in milliseconds; canonical JSON has no floats). GPS rationals are
converted exactly with `fractions.Fraction` and rounded once.

Input is untrusted and may be large: photos are read through Pillow's lazy header parsing (no
pixel is decoded), audio and video by walking their container headers with seeks, never reading
the sample data, with a cap on how many boxes or chunks are visited and how many bytes one header
may take. Nothing raises: a file that cannot be parsed gives `MediaMetadata` with `decode_error`
set to a short fixed English phrase (recorded data, like a reason code, not a UI message).
The stream must be seekable (the vault's decrypting reader is).
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import BinaryIO, Final

from PIL import Image

from observer_app.media.sniff import media_kind

# decode_error values: fixed phrases, stable across languages and versions.
ERROR_NOT_IMAGE: Final = "not a readable image"
ERROR_TOO_LARGE: Final = "image too large"
ERROR_NO_DECODER: Final = "no decoder for this format"
ERROR_DAMAGED: Final = "damaged or truncated file"
ERROR_UNREADABLE: Final = "stream cannot be read"

_MAX_HEADER_BYTES: Final = 4 * 1024 * 1024  # one box, chunk or EXIF block read into memory
_MAX_ENTRIES: Final = 4096  # boxes or chunks visited in one file
_MAX_TEXT: Final = 120

_ISO_CONTAINERS: Final = frozenset(
    {"video/mp4", "video/quicktime", "audio/mp4", "video/3gpp", "video/3gpp2"}
)
_HEIF_TYPES: Final = frozenset(
    {"image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence", "image/avif"}
)

# EXIF tags.
_MAKE, _MODEL, _ORIENTATION, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_OFFSET_TIME, _OFFSET_TIME_ORIGINAL, _OFFSET_TIME_DIGITIZED = 0x9010, 0x9011, 0x9012
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4

_EXIF_TIME = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_ISO6709 = re.compile(r"([+-]\d{1,3}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")
_MP4_EPOCH: Final = datetime(1904, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class MediaMetadata:
    """Facts read from a file; None where the file does not say (or says nonsense).

    `capture_time` is ISO 8601, with an offset only where the file records one (EXIF
    OffsetTimeOriginal, QuickTime's creation date, or UTC from an MP4 header); without an
    offset it is the camera's local clock. `width` and `height` are as stored, before
    `orientation` (EXIF 1-8) is applied.
    """

    capture_time: str | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    gps_lat_microdeg: int | None = None
    gps_lon_microdeg: int | None = None
    width: int | None = None
    height: int | None = None
    orientation: int | None = None
    duration_ms: int | None = None
    decode_error: str | None = None

    def as_dict(self) -> dict[str, str | int | None]:
        """The fields for an event body (integers and strings only)."""
        return asdict(self)


class _ParseError(Exception):
    """A container is damaged; the message is one of the ERROR_* phrases."""


def extract_metadata(stream: BinaryIO, mime: str) -> MediaMetadata:
    """Read what the file says about itself; never raises, never reads sample data."""
    try:
        stream.seek(0)
        if mime in _HEIF_TYPES:
            return _heif_metadata(stream)
        if media_kind(mime) == "photo":
            return _image_metadata(stream)
        if mime in _ISO_CONTAINERS:
            return _isobmff_metadata(stream)
        if mime in ("audio/wav", "audio/x-wav", "audio/vnd.wave"):
            return _wav_metadata(stream)
        if mime == "video/x-msvideo":
            return _avi_metadata(stream)
        if mime == "audio/flac":
            return _flac_metadata(stream)
        if mime == "audio/mpeg":
            return _mp3_metadata(stream)
        return MediaMetadata()
    except _ParseError as exc:
        return MediaMetadata(decode_error=str(exc))
    except (OSError, ValueError) as exc:
        error = ERROR_UNREADABLE if isinstance(exc, io.UnsupportedOperation) else ERROR_DAMAGED
        return MediaMetadata(decode_error=error)
    except Exception:  # malformed input must never take the import down
        return MediaMetadata(decode_error=ERROR_DAMAGED)


# --- photos ---------------------------------------------------------------------------------


def _image_metadata(stream: BinaryIO) -> MediaMetadata:
    try:
        image = Image.open(stream)
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
        facts = _exif_facts(exif)
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


def _exif_facts(exif: Image.Exif) -> MediaMetadata:
    """Capture time, camera, position and orientation from a parsed EXIF block."""
    exif_ifd = _safe_ifd(exif, _EXIF_IFD)
    gps_ifd = _safe_ifd(exif, _GPS_IFD)
    capture_time = None
    for time_tag, source, offset_tag in (
        (_DATETIME_ORIGINAL, exif_ifd, _OFFSET_TIME_ORIGINAL),
        (_DATETIME_DIGITIZED, exif_ifd, _OFFSET_TIME_DIGITIZED),
        (_DATETIME, dict(exif), _OFFSET_TIME),
    ):
        capture_time = _exif_time(source.get(time_tag), exif_ifd.get(offset_tag))
        if capture_time is not None:
            break
    orientation = exif.get(_ORIENTATION)
    latitude = _gps_coordinate(gps_ifd.get(_GPS_LAT), gps_ifd.get(_GPS_LAT_REF), b"N", b"S", 90)
    longitude = _gps_coordinate(gps_ifd.get(_GPS_LON), gps_ifd.get(_GPS_LON_REF), b"E", b"W", 180)
    if latitude is None or longitude is None:
        latitude = longitude = None
    return MediaMetadata(
        capture_time=capture_time,
        camera_make=_text(exif.get(_MAKE)),
        camera_model=_text(exif.get(_MODEL)),
        gps_lat_microdeg=latitude,
        gps_lon_microdeg=longitude,
        orientation=orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else None,
    )


def _safe_ifd(exif: Image.Exif, tag: int) -> dict[int, object]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception:
        return {}


def _exif_time(value: object, offset: object) -> str | None:
    """``2008:10:22 16:28:39`` (+ ``+02:00``) -> ``2008-10-22T16:28:39+02:00``; None if bogus."""
    text = _text(value)
    match = _EXIF_TIME.match(text or "")
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, second)  # the camera's local clock
    except ValueError:  # 0000:00:00 00:00:00 and friends
        return None
    return moment.isoformat() + (_offset(_text(offset)) or "")


def _offset(text: str | None) -> str | None:
    match = _OFFSET.fullmatch(text or "")
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


def _text(value: object) -> str | None:
    """A short printable string from an EXIF or box text value; None when empty."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in value).split())
    return cleaned[:_MAX_TEXT] or None


# --- ISO base media (MP4, MOV, M4A, 3GP, HEIF) -------------------------------------------


@dataclass(frozen=True)
class _Box:
    kind: bytes
    start: int  # first payload byte
    end: int  # one past the last byte


class _Budget:
    """Bounds how many boxes or chunks one file may make us visit: no hang on crafted input."""

    def __init__(self) -> None:
        self.left = _MAX_ENTRIES

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _ParseError(ERROR_DAMAGED)


def _stream_length(stream: BinaryIO) -> int:
    length = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    return length


def _read_at(stream: BinaryIO, position: int, count: int) -> bytes:
    if count < 0 or position < 0 or count > _MAX_HEADER_BYTES:
        raise _ParseError(ERROR_DAMAGED)
    stream.seek(position)
    data = stream.read(count)
    while len(data) < count:  # raw streams may return short reads before the end
        more = stream.read(count - len(data))
        if not more:
            raise _ParseError(ERROR_DAMAGED)
        data += more
    return data


def _boxes(stream: BinaryIO, start: int, end: int, budget: _Budget) -> Iterator[_Box]:
    """The boxes between `start` and `end`, by seeking over their payloads.

    A box running past the end (a truncated recording) is cut at the end and is the last one.
    """
    position = start
    while position + 8 <= end:
        budget.spend()
        header = _read_at(stream, position, 8)
        size, kind = struct.unpack(">I4s", header)
        payload = position + 8
        if size == 1:
            size = struct.unpack(">Q", _read_at(stream, payload, 8))[0]
            payload += 8
        elif size == 0:
            size = end - position
        if size < payload - position:
            raise _ParseError(ERROR_DAMAGED)
        yield _Box(kind, payload, min(position + size, end))
        position += size


def _child(stream: BinaryIO, parent: _Box, kind: bytes, budget: _Budget, skip: int = 0) -> _Box:
    for box in _boxes(stream, parent.start + skip, parent.end, budget):
        if box.kind == kind:
            return box
    raise KeyError(kind)


def _payload(stream: BinaryIO, box: _Box) -> bytes:
    return _read_at(stream, box.start, box.end - box.start)


def _isobmff_metadata(stream: BinaryIO) -> MediaMetadata:
    length = _stream_length(stream)
    budget = _Budget()
    root = _Box(b"", 0, length)
    try:
        moov = _child(stream, root, b"moov", budget)
    except KeyError:
        raise _ParseError(ERROR_DAMAGED) from None
    duration_ms = created = None
    timescale = 0
    width = height = orientation = None
    location: tuple[int, int] | None = None
    apple_time = None
    for box in _boxes(stream, moov.start, moov.end, budget):
        if box.kind == b"mvhd":
            timescale, duration_ms, created = _mvhd(_payload(stream, box))
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
        raise _ParseError(ERROR_DAMAGED)
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
    stream: BinaryIO, mvex: _Box, budget: _Budget, timescale: int
) -> int | None:
    """A fragmented MP4 (some phones, DASH) keeps its length in ``mvex/mehd``."""
    try:
        data = _payload(stream, _child(stream, mvex, b"mehd", budget))
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
    stream: BinaryIO, trak: _Box, budget: _Budget
) -> tuple[int | None, int | None, int | None]:
    """Width, height and rotation (as an EXIF orientation) of a video track; Nones otherwise."""
    try:
        tkhd = _payload(stream, _child(stream, trak, b"tkhd", budget))
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
    stream: BinaryIO, meta: _Box, budget: _Budget
) -> tuple[str | None, tuple[int, int] | None]:
    """Creation date (with offset) and ISO 6709 location from QuickTime ``meta/keys+ilst``."""
    skip = _meta_header_size(stream, meta)
    try:
        keys = _payload(stream, _child(stream, meta, b"keys", budget, skip))
        ilst = _child(stream, meta, b"ilst", budget, skip)
    except KeyError:
        return None, None
    names: dict[int, bytes] = {}
    position, index = 8, 1
    while position + 8 <= len(keys) and index <= _MAX_ENTRIES:
        size = int.from_bytes(keys[position : position + 4], "big")
        if size < 8:
            break
        names[index] = keys[position + 8 : position + size]
        position, index = position + size, index + 1
    created = location = None
    for item in _boxes(stream, ilst.start, ilst.end, budget):
        name = names.get(int.from_bytes(item.kind, "big"))
        if name not in (
            b"com.apple.quicktime.creationdate",
            b"com.apple.quicktime.location.ISO6709",
        ):
            continue
        try:
            data = _payload(stream, _child(stream, item, b"data", budget))
        except KeyError:
            continue
        text = _text(data[8:])
        if name == b"com.apple.quicktime.creationdate":
            created = _iso_time(text)
        else:
            location = _iso6709(text)
    return created, location


def _meta_header_size(stream: BinaryIO, meta: _Box) -> int:
    """QuickTime's ``meta`` holds boxes directly; ISO's is a full box (4 bytes of version and
    flags first). Tell them apart by where the ``hdlr`` box starts."""
    head = _read_at(stream, meta.start, min(12, meta.end - meta.start))
    return 0 if head[4:8] == b"hdlr" else 4


def _iso_time(text: str | None) -> str | None:
    """``2019-06-15T10:20:30+0200`` -> ``2019-06-15T10:20:30+02:00``."""
    match = _EXIF_TIME.match(text or "")
    if match is None or text is None:
        return None
    local = _exif_time(match.group(0), None)
    zone = re.sub(r"^\.\d+", "", text[match.end() :])
    offset = "+00:00" if zone == "Z" else _offset(zone)
    return None if local is None else local + (offset or "")


def _udta_location(stream: BinaryIO, udta: _Box, budget: _Budget) -> tuple[int, int] | None:
    """Android and older QuickTime: ``udta/©xyz`` holds an ISO 6709 string."""
    try:
        data = _payload(stream, _child(stream, udta, b"\xa9xyz", budget))
    except KeyError:
        return None
    return _iso6709(_text(data[4:]))


def _iso6709(text: str | None) -> tuple[int, int] | None:
    match = _ISO6709.match(text or "")
    if match is None:
        return None
    latitude, longitude = (Fraction(part) for part in match.groups())
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    return round(latitude * 1_000_000), round(longitude * 1_000_000)


# --- HEIF / HEIC without a decoder ----------------------------------------------------------


def _heif_metadata(stream: BinaryIO) -> MediaMetadata:
    """Pillow with a HEIF plug-in if one is installed; else the EXIF and size from the boxes.

    Without a decoder the pixels cannot be shown (`decode_error` says so) but the capture time,
    camera and position are still known: they are what an iPhone photo's evidence needs.
    """
    with_plugin = _image_metadata(stream)
    if with_plugin.decode_error is None:
        return with_plugin
    stream.seek(0)
    facts = _heif_boxes(stream)
    return MediaMetadata(
        capture_time=facts.capture_time,
        camera_make=facts.camera_make,
        camera_model=facts.camera_model,
        gps_lat_microdeg=facts.gps_lat_microdeg,
        gps_lon_microdeg=facts.gps_lon_microdeg,
        width=facts.width,
        height=facts.height,
        orientation=facts.orientation,
        decode_error=ERROR_NO_DECODER,
    )


def _heif_boxes(stream: BinaryIO) -> MediaMetadata:
    length = _stream_length(stream)
    budget = _Budget()
    try:
        meta = _child(stream, _Box(b"", 0, length), b"meta", budget)
    except KeyError:
        return MediaMetadata()
    children = {box.kind: box for box in _boxes(stream, meta.start + 4, meta.end, budget)}
    primary = _heif_primary(stream, children)
    width = height = orientation = None
    if b"iprp" in children and primary is not None:
        width, height, orientation = _heif_properties(stream, children[b"iprp"], primary, budget)
    facts = MediaMetadata()
    exif_item = _heif_exif_item(stream, children)
    if exif_item is not None and b"iloc" in children:
        exif_bytes = _heif_item_bytes(stream, children, exif_item)
        if exif_bytes is not None and len(exif_bytes) > 4:
            skip = int.from_bytes(exif_bytes[:4], "big")
            exif = Image.Exif()
            exif.load(exif_bytes[4 + skip :])
            facts = _exif_facts(exif)
    return MediaMetadata(
        capture_time=facts.capture_time,
        camera_make=facts.camera_make,
        camera_model=facts.camera_model,
        gps_lat_microdeg=facts.gps_lat_microdeg,
        gps_lon_microdeg=facts.gps_lon_microdeg,
        width=width,
        height=height,
        orientation=orientation,
    )


def _heif_primary(stream: BinaryIO, children: dict[bytes, _Box]) -> int | None:
    if b"pitm" not in children:
        return None
    data = _payload(stream, children[b"pitm"])
    return int.from_bytes(data[4:6] if data[0] == 0 else data[4:8], "big")


def _heif_exif_item(stream: BinaryIO, children: dict[bytes, _Box]) -> int | None:
    """The id of the item of type ``Exif`` listed in ``iinf``."""
    if b"iinf" not in children:
        return None
    iinf = children[b"iinf"]
    version = _read_at(stream, iinf.start, 1)[0]
    skip = 4 + (2 if version == 0 else 4)
    for infe in _boxes(stream, iinf.start + skip, iinf.end, _Budget()):
        data = _payload(stream, infe)
        if infe.kind != b"infe" or len(data) < 4 or data[0] < 2:
            continue
        id_size = 2 if data[0] == 2 else 4
        item_id = int.from_bytes(data[4 : 4 + id_size], "big")
        item_type = data[4 + id_size + 2 : 4 + id_size + 6]
        if item_type == b"Exif":
            return item_id
    return None


def _heif_item_bytes(stream: BinaryIO, children: dict[bytes, _Box], wanted: int) -> bytes | None:
    """An item's bytes from its ``iloc`` extents (file offsets or the ``idat`` box)."""
    data = _payload(stream, children[b"iloc"])
    reader = _Reader(data)
    version = reader.uint(1)
    reader.uint(3)
    offset_size, length_size = divmod(reader.uint(1), 16)
    base_offset_size, index_size = divmod(reader.uint(1), 16)
    count = reader.uint(2 if version < 2 else 4)
    for _ in range(min(count, _MAX_ENTRIES)):
        item_id = reader.uint(2 if version < 2 else 4)
        method = reader.uint(2) & 0x0F if version in (1, 2) else 0
        reader.uint(2)  # data reference index
        base = reader.uint(base_offset_size)
        extents = []
        for _extent in range(reader.uint(2)):
            if version in (1, 2) and index_size:
                reader.uint(index_size)
            extents.append((reader.uint(offset_size), reader.uint(length_size)))
        if item_id != wanted:
            continue
        origin = 0
        if method == 1 and b"idat" in children:
            origin = children[b"idat"].start
        elif method != 0:
            return None
        return b"".join(_read_at(stream, origin + base + start, size) for start, size in extents)
    return None


def _heif_properties(
    stream: BinaryIO, iprp: _Box, item: int, budget: _Budget
) -> tuple[int | None, int | None, int | None]:
    """Size (``ispe``) and rotation (``irot``, as an EXIF orientation) of one item."""
    try:
        ipco = _child(stream, iprp, b"ipco", budget)
        ipma = _payload(stream, _child(stream, iprp, b"ipma", budget))
    except KeyError:
        return None, None, None
    properties = list(_boxes(stream, ipco.start, ipco.end, budget))
    reader = _Reader(ipma)
    version = reader.uint(1)
    flags = reader.uint(3)
    width = height = orientation = None
    for _ in range(min(reader.uint(4), _MAX_ENTRIES)):
        item_id = reader.uint(2 if version < 1 else 4)
        associations = [reader.uint(2 if flags & 1 else 1) for _ in range(reader.uint(1))]
        if item_id != item:
            continue
        for association in associations:
            index = association & (0x7FFF if flags & 1 else 0x7F)
            if not 1 <= index <= len(properties):
                continue
            prop = properties[index - 1]
            if prop.kind == b"ispe":
                width, height = struct.unpack(">II", _read_at(stream, prop.start + 4, 8))
            elif prop.kind == b"irot":
                angle = _read_at(stream, prop.start, 1)[0] & 0x03  # anticlockwise quarter turns
                orientation = (1, 8, 3, 6)[angle]
        break
    return width, height, orientation


class _Reader:
    """Big-endian unsigned integers read one after another from a header held in memory."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def uint(self, size: int) -> int:
        if self.position + size > len(self.data):
            raise _ParseError(ERROR_DAMAGED)
        value = int.from_bytes(self.data[self.position : self.position + size], "big")
        self.position += size
        return value


# --- RIFF (WAV, AVI), FLAC, MP3 -------------------------------------------------------------


def _riff_chunks(stream: BinaryIO, start: int, end: int, budget: _Budget) -> Iterator[_Box]:
    """RIFF chunks (little-endian sizes, padded to even); a truncated last one is cut."""
    position = start
    while position + 8 <= end:
        budget.spend()
        kind, size = struct.unpack("<4sI", _read_at(stream, position, 8))
        yield _Box(kind, position + 8, min(position + 8 + size, end))
        position += 8 + size + (size & 1)


def _wav_metadata(stream: BinaryIO) -> MediaMetadata:
    length = _stream_length(stream)
    header = _read_at(stream, 0, 12)
    if header[:4] not in (b"RIFF", b"RF64", b"BW64") or header[8:12] != b"WAVE":
        raise _ParseError(ERROR_DAMAGED)
    budget = _Budget()
    byte_rate = sample_rate = 0
    samples = long_data_size = None
    for chunk in _riff_chunks(stream, 12, length, budget):
        if chunk.kind == b"ds64":  # RF64: the real sizes of files over 4 GiB
            long_data_size = struct.unpack("<Q", _read_at(stream, chunk.start + 8, 8))[0]
        elif chunk.kind == b"fmt ":
            fmt = _read_at(stream, chunk.start, 16)
            _format, _channels, sample_rate, byte_rate = struct.unpack("<HHII", fmt[:12])
        elif chunk.kind == b"fact" and chunk.end - chunk.start >= 4:
            samples = struct.unpack("<I", _read_at(stream, chunk.start, 4))[0]
        elif chunk.kind == b"data":
            size = chunk.end - chunk.start
            if long_data_size is not None:
                size = min(long_data_size, length - chunk.start)
            if samples and sample_rate:
                return MediaMetadata(duration_ms=samples * 1000 // sample_rate)
            if not byte_rate:
                raise _ParseError(ERROR_DAMAGED)
            return MediaMetadata(duration_ms=size * 1000 // byte_rate)
    raise _ParseError(ERROR_DAMAGED)


def _avi_metadata(stream: BinaryIO) -> MediaMetadata:
    length = _stream_length(stream)
    header = _read_at(stream, 0, 12)
    if header[:4] != b"RIFF" or header[8:12] != b"AVI ":
        raise _ParseError(ERROR_DAMAGED)
    budget = _Budget()
    for chunk in _riff_chunks(stream, 12, length, budget):
        if chunk.kind != b"LIST" or _read_at(stream, chunk.start, 4) != b"hdrl":
            continue
        avih = total_frames = None
        for inner in _riff_chunks(stream, chunk.start + 4, chunk.end, budget):
            if inner.kind == b"avih":
                avih = _read_at(stream, inner.start, 40)
            elif inner.kind == b"LIST" and _read_at(stream, inner.start, 4) == b"odml":
                for dmlh in _riff_chunks(stream, inner.start + 4, inner.end, budget):
                    if dmlh.kind == b"dmlh":  # OpenDML: frames of every RIFF part
                        total_frames = struct.unpack("<I", _read_at(stream, dmlh.start, 4))[0]
        if avih is None:
            break
        micro_per_frame, _rate, _pad, _flags, frames = struct.unpack("<IIIII", avih[:20])
        width, height = struct.unpack("<II", avih[32:40])
        frames = total_frames or frames
        return MediaMetadata(
            width=width or None,
            height=height or None,
            duration_ms=frames * micro_per_frame // 1000 if frames and micro_per_frame else None,
        )
    raise _ParseError(ERROR_DAMAGED)


def _flac_metadata(stream: BinaryIO) -> MediaMetadata:
    header = _read_at(stream, 0, 4 + 4 + 18)
    if header[:4] != b"fLaC" or header[4] & 0x7F != 0:  # STREAMINFO must come first
        raise _ParseError(ERROR_DAMAGED)
    packed = int.from_bytes(header[18:26], "big")
    sample_rate = packed >> 44
    total_samples = packed & 0xFFFFFFFFF
    if not sample_rate or not total_samples:
        return MediaMetadata()
    return MediaMetadata(duration_ms=total_samples * 1000 // sample_rate)


_MP3_BITRATES: Final = {
    (3, 3): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (3, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (3, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 3): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES: Final = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_metadata(stream: BinaryIO) -> MediaMetadata:
    """Duration from a Xing/Info or VBRI header, else from the bitrate (constant-rate files)."""
    length = _stream_length(stream)
    start = 0
    head = _read_at(stream, 0, min(10, length))
    if head[:3] == b"ID3" and len(head) == 10:
        size = sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(head[6:10]))
        start = 10 + size + (10 if head[5] & 0x10 else 0)
    window = _read_at(stream, start, max(0, min(4096, length - start)))
    sync = next(
        (i for i in range(len(window) - 3) if window[i] == 0xFF and window[i + 1] & 0xE0 == 0xE0),
        None,
    )
    if sync is None:
        raise _ParseError(ERROR_DAMAGED)
    start += sync
    frame = window[sync : sync + 64]
    version_bits, layer_bits = (frame[1] >> 3) & 3, (frame[1] >> 1) & 3
    bitrate_index, rate_index = frame[2] >> 4, (frame[2] >> 2) & 3
    if version_bits == 1 or layer_bits == 0 or rate_index == 3 or bitrate_index in (0, 15):
        raise _ParseError(ERROR_DAMAGED)
    family = 3 if version_bits == 3 else 2
    sample_rate = _MP3_RATES[version_bits][rate_index]
    kbps = _MP3_BITRATES[(family, layer_bits)][bitrate_index]
    layer = 4 - layer_bits
    per_frame = 384 if layer == 1 else 1152 if layer == 2 or family == 3 else 576
    mono = (frame[3] >> 6) == 3
    side = (17 if mono else 32) if family == 3 else (9 if mono else 17)
    frames = None
    xing = frame[4 + side : 4 + side + 12]
    if xing[:4] in (b"Xing", b"Info") and len(xing) == 12 and xing[7] & 1:
        frames = int.from_bytes(xing[8:12], "big")
    elif frame[36:40] == b"VBRI" and len(frame) >= 54:
        frames = int.from_bytes(frame[50:54], "big")
    if frames:
        return MediaMetadata(duration_ms=frames * per_frame * 1000 // sample_rate)
    audio_bytes = length - start
    if length >= 128 and _read_at(stream, length - 128, 3) == b"TAG":
        audio_bytes -= 128
    return MediaMetadata(duration_ms=audio_bytes * 8 // kbps)
