"""The result of metadata extraction and its fixed error phrases, shared by every format reader.

Kept apart from `metadata` (the dispatcher) so the per-format readers can build results without
importing the module that imports them. `observer_app.media.metadata` re-exports everything here;
callers should import from there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Final

# decode_error values: fixed phrases, stable across languages and versions.
ERROR_NOT_IMAGE: Final = "not a readable image"
ERROR_TOO_LARGE: Final = "image too large"
ERROR_NO_DECODER: Final = "no decoder for this format"
ERROR_DAMAGED: Final = "damaged or truncated file"
ERROR_UNREADABLE: Final = "stream cannot be read"


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


class ParseError(Exception):
    """A container is damaged; the message is one of the ERROR_* phrases.

    Readers raise it from deep inside a walk; `extract_metadata` turns it into `decode_error`,
    so no reader needs to thread a failure value back up through its helpers.
    """
