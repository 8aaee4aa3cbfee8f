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

This module is the one entry point: it picks a reader by MIME type and turns every failure into
`decode_error`. The readers live beside it, one per family of formats: `exif_reader` (photos),
`isobmff` (MP4/MOV), `heif` (HEIC/AVIF), `durations` (WAV/AVI/FLAC/MP3), on top of the bounded
reads in `container_io`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from typing import Final

from observer_app.crypto.canonical_json import MAX_SAFE_INTEGER
from observer_app.media.container_io import SeekableStream
from observer_app.media.durations import avi_metadata, flac_metadata, mp3_metadata, wav_metadata
from observer_app.media.exif_reader import image_metadata
from observer_app.media.heif import heif_metadata
from observer_app.media.isobmff import isobmff_metadata
from observer_app.media.metadata_model import (
    ERROR_DAMAGED,
    ERROR_NO_DECODER,
    ERROR_NOT_IMAGE,
    ERROR_TOO_LARGE,
    ERROR_UNREADABLE,
    MediaMetadata,
    ParseError,
)
from observer_app.media.sniff import media_kind

__all__ = [
    "ERROR_DAMAGED",
    "ERROR_NOT_IMAGE",
    "ERROR_NO_DECODER",
    "ERROR_TOO_LARGE",
    "ERROR_UNREADABLE",
    "MediaMetadata",
    "SeekableStream",
    "extract_metadata",
]

_ISO_CONTAINERS: Final = frozenset(
    {"video/mp4", "video/quicktime", "audio/mp4", "video/3gpp", "video/3gpp2"}
)
_HEIF_TYPES: Final = frozenset(
    {"image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence", "image/avif"}
)
_EXACT_READERS: Final[dict[str, Callable[[SeekableStream], MediaMetadata]]] = {
    "audio/wav": wav_metadata,
    "audio/x-wav": wav_metadata,
    "audio/vnd.wave": wav_metadata,
    "video/x-msvideo": avi_metadata,
    "audio/flac": flac_metadata,
    "audio/mpeg": mp3_metadata,
}


def extract_metadata(stream: SeekableStream, mime: str) -> MediaMetadata:
    """Read what the file says about itself; never raises, never reads sample data."""
    try:
        stream.seek(0)
        return _signable(_reader_for(mime)(stream))
    except ParseError as exc:
        return MediaMetadata(decode_error=str(exc))
    except (OSError, ValueError) as exc:
        error = ERROR_UNREADABLE if isinstance(exc, io.UnsupportedOperation) else ERROR_DAMAGED
        return MediaMetadata(decode_error=error)
    except Exception:  # malformed input must never take the import down
        return MediaMetadata(decode_error=ERROR_DAMAGED)


def _signable(metadata: MediaMetadata) -> MediaMetadata:
    """Numbers past canonical JSON's exact range (|n| > 2**53 - 1) become None.

    No real file states such a duration or size; a crafted one can (a 64-bit MP4 duration over
    a timescale of 1, AVI's frame count times its frame time), and the event that records the
    metadata could then not be signed at all.
    """
    absurd = {
        name: None
        for name, value in metadata.as_dict().items()
        if isinstance(value, int) and not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    }
    return replace(metadata, **absurd) if absurd else metadata


def _reader_for(mime: str) -> Callable[[SeekableStream], MediaMetadata]:
    """The reader for `mime`; HEIF before other photos, since Pillow may lack its decoder."""
    if mime in _HEIF_TYPES:
        return heif_metadata
    if media_kind(mime) == "photo":
        return image_metadata
    if mime in _ISO_CONTAINERS:
        return isobmff_metadata
    return _EXACT_READERS.get(mime, _no_metadata)


def _no_metadata(stream: SeekableStream) -> MediaMetadata:
    """Formats with nothing worth reading (or not known) say nothing, which is not an error."""
    return MediaMetadata()
