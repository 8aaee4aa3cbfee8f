"""Durations of WAV, AVI, FLAC and MP3 files from their headers alone (plus AVI's frame size).

These formats carry no capture time or position worth trusting, only a length, and each states
it in a different header: RIFF chunks (WAV, RF64, AVI with OpenDML), FLAC's STREAMINFO block,
or an MP3 frame header with an optional Xing/VBRI count. Reading that header, never the audio,
keeps importing a long recording as cheap as importing a short one.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Final

from observer_app.media.container_io import Box, Budget, SeekableStream, read_at, stream_length
from observer_app.media.metadata_model import ERROR_DAMAGED, MediaMetadata, ParseError


def _riff_chunks(stream: SeekableStream, start: int, end: int, budget: Budget) -> Iterator[Box]:
    """RIFF chunks (little-endian sizes, padded to even); a truncated last one is cut."""
    position = start
    while position + 8 <= end:
        budget.spend()
        kind, size = struct.unpack("<4sI", read_at(stream, position, 8))
        yield Box(kind, position + 8, min(position + 8 + size, end))
        position += 8 + size + (size & 1)


def wav_metadata(stream: SeekableStream) -> MediaMetadata:
    """Duration of a WAV (or RF64/BW64 over 4 GiB) from ``fact`` or ``fmt `` and ``data``."""
    length = stream_length(stream)
    header = read_at(stream, 0, 12)
    if header[:4] not in (b"RIFF", b"RF64", b"BW64") or header[8:12] != b"WAVE":
        raise ParseError(ERROR_DAMAGED)
    budget = Budget()
    byte_rate = sample_rate = 0
    samples = long_data_size = None
    for chunk in _riff_chunks(stream, 12, length, budget):
        if chunk.kind == b"ds64":  # RF64: the real sizes of files over 4 GiB
            long_data_size = struct.unpack("<Q", read_at(stream, chunk.start + 8, 8))[0]
        elif chunk.kind == b"fmt ":
            fmt = read_at(stream, chunk.start, 16)
            _format, _channels, sample_rate, byte_rate = struct.unpack("<HHII", fmt[:12])
        elif chunk.kind == b"fact" and chunk.end - chunk.start >= 4:
            samples = struct.unpack("<I", read_at(stream, chunk.start, 4))[0]
        elif chunk.kind == b"data":
            size = chunk.end - chunk.start
            if long_data_size is not None:
                size = min(long_data_size, length - chunk.start)
            if samples and sample_rate:
                return MediaMetadata(duration_ms=samples * 1000 // sample_rate)
            if not byte_rate:
                raise ParseError(ERROR_DAMAGED)
            return MediaMetadata(duration_ms=size * 1000 // byte_rate)
    raise ParseError(ERROR_DAMAGED)


def avi_metadata(stream: SeekableStream) -> MediaMetadata:
    """Frame size and duration from ``hdrl/avih``; OpenDML's ``dmlh`` for multi-part files."""
    length = stream_length(stream)
    header = read_at(stream, 0, 12)
    if header[:4] != b"RIFF" or header[8:12] != b"AVI ":
        raise ParseError(ERROR_DAMAGED)
    budget = Budget()
    for chunk in _riff_chunks(stream, 12, length, budget):
        if chunk.kind != b"LIST" or read_at(stream, chunk.start, 4) != b"hdrl":
            continue
        avih = total_frames = None
        for inner in _riff_chunks(stream, chunk.start + 4, chunk.end, budget):
            if inner.kind == b"avih":
                avih = read_at(stream, inner.start, 40)
            elif inner.kind == b"LIST" and read_at(stream, inner.start, 4) == b"odml":
                for dmlh in _riff_chunks(stream, inner.start + 4, inner.end, budget):
                    if dmlh.kind == b"dmlh":  # OpenDML: frames of every RIFF part
                        total_frames = struct.unpack("<I", read_at(stream, dmlh.start, 4))[0]
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
    raise ParseError(ERROR_DAMAGED)


def flac_metadata(stream: SeekableStream) -> MediaMetadata:
    """Duration from STREAMINFO, which the format requires to be the first block."""
    header = read_at(stream, 0, 4 + 4 + 18)
    if header[:4] != b"fLaC" or header[4] & 0x7F != 0:  # STREAMINFO must come first
        raise ParseError(ERROR_DAMAGED)
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


def mp3_metadata(stream: SeekableStream) -> MediaMetadata:
    """Duration from a Xing/Info or VBRI header, else from the bitrate (constant-rate files)."""
    length = stream_length(stream)
    start = 0
    head = read_at(stream, 0, min(10, length))
    if head[:3] == b"ID3" and len(head) == 10:
        size = sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(head[6:10]))
        start = 10 + size + (10 if head[5] & 0x10 else 0)
    window = read_at(stream, start, max(0, min(4096, length - start)))
    sync = next(
        (i for i in range(len(window) - 3) if window[i] == 0xFF and window[i + 1] & 0xE0 == 0xE0),
        None,
    )
    if sync is None:
        raise ParseError(ERROR_DAMAGED)
    start += sync
    frame = window[sync : sync + 64]
    version_bits, layer_bits = (frame[1] >> 3) & 3, (frame[1] >> 1) & 3
    bitrate_index, rate_index = frame[2] >> 4, (frame[2] >> 2) & 3
    if version_bits == 1 or layer_bits == 0 or rate_index == 3 or bitrate_index in (0, 15):
        raise ParseError(ERROR_DAMAGED)
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
    if length >= 128 and read_at(stream, length - 128, 3) == b"TAG":
        audio_bytes -= 128
    return MediaMetadata(duration_ms=audio_bytes * 8 // kbps)
