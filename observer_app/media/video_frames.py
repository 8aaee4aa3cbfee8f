"""A video's thumbnail from one decoded frame, read straight from the encrypted blob.

OpenCV (4.10 and later) hands FFmpeg a Python stream instead of a file name: the stream here is
the blob's random-access plaintext view, so FFmpeg seeks and reads (an MP4 whose index sits at
the end costs one or two chunks more) and no plaintext file ever exists. Only the first frame
that decodes is taken. Its size is checked against the picture limit before anything is
decoded, so a video claiming huge dimensions is refused like an image bomb; a file FFmpeg
cannot open or decode is an `ImageDecodeError`, and the caller shows a placeholder instead.
"""

from __future__ import annotations

import io
import os
from typing import Final, cast

import cv2
import numpy as np
from PIL import Image

from observer_app.crypto.blob_reader import BlobReader
from observer_app.i18n import _
from observer_app.media.images import MAX_PIXELS, ImageDecodeError, encode_without_metadata

# FFmpeg's own warnings about damaged input go to stderr too: silenced. OpenCV reads this once,
# when its FFmpeg backend starts, hence at import, before any capture; a developer may set it.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET

#: FFmpeg gives up on a stream that stalls this long (a damaged file, not a network).
_TIMEOUT_MS: Final = 10_000


def video_thumbnail(reader: BlobReader, max_side: int = 512, quality: int = 80) -> bytes:
    """A small, metadata-free JPEG of the video's first frame (upright, as players show it)."""
    frame = first_frame(reader)
    frame.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return encode_without_metadata(frame, "JPEG", quality=quality)


def first_frame(reader: BlobReader) -> Image.Image:
    """The first decodable frame as an RGB picture; ImageDecodeError if there is none."""
    reader.seek(0)
    # OpenCV wants a BufferedIOBase; the buffer holds a little plaintext, in memory only.
    stream = io.BufferedReader(reader, buffer_size=256 * 1024)
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
        _TIMEOUT_MS,
        cv2.CAP_PROP_READ_TIMEOUT_MSEC,
        _TIMEOUT_MS,
    ]
    try:
        return _decode_first(stream, params)
    finally:
        stream.detach()  # the caller owns the reader: it must not be closed with the buffer


def _quiet_decoder() -> None:
    """OpenCV writes warnings about damaged input to stderr, where the CLI promises one line
    per error: errors only."""
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


def _decode_first(stream: io.BufferedReader[BlobReader], params: list[int]) -> Image.Image:
    _quiet_decoder()
    try:
        # At run time OpenCV takes any BufferedIOBase; its stub names its C++ interface.
        source = cast("cv2.IStreamReader", stream)
        capture = cv2.VideoCapture(source, cv2.CAP_FFMPEG, params)
    except cv2.error:
        raise ImageDecodeError(_("The video cannot be decoded.")) from None
    try:
        if not capture.isOpened():
            raise ImageDecodeError(_("The video cannot be decoded."))
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
            raise ImageDecodeError(_("The video's frames are too large to decode safely."))
        ok, frame = capture.read()
        if not ok or frame is None or frame.ndim != 3:
            raise ImageDecodeError(_("The video cannot be decoded."))
        rgb = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_BGR2RGB)
        return Image.fromarray(rgb)
    finally:
        capture.release()
