"""Media sniffing and metadata readers: any file gives a MIME type and metadata that can be
signed into the journal.

`sniff_mime` and `extract_metadata` document that they never raise: a file they cannot read
gives `decode_error`. The metadata goes into a signed `media.added` event as canonical JSON
(integers within +/-(2**53 - 1), strings, None), so a value outside that is a finding too: it
would make `media add` fail with an internal fault.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.crypto.canonical_json import canonicalize_signed
from observer_app.media.metadata import MediaMetadata, extract_metadata
from observer_app.media.sniff import SNIFF_BYTES, media_kind, sniff_mime
from tests.fuzz.fuzz_support import examples, mutations

# Damaged EXIF blocks make Pillow warn; the files are damaged on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

MEDIA = Path(__file__).parent.parent / "data" / "media"


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _riff(form: bytes, chunks: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + form + chunks


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) & 1)


def _mvhd(version: int, timescale: int, duration: int) -> bytes:
    if version == 1:
        return _box(
            b"mvhd", b"\x01\0\0\0" + struct.pack(">QQIQ", 3 * 10**9, 0, timescale, duration)
        )
    return _box(b"mvhd", bytes(4) + struct.pack(">IIII", 3000000000, 0, timescale, duration))


MP4 = _box(b"ftyp", b"isom\0\0\0\0mp41") + _box(b"moov", _mvhd(0, 1000, 5000))
FRAGMENTED_MP4 = _box(b"ftyp", b"iso6\0\0\0\0") + _box(
    b"moov", _mvhd(0, 1000, 0) + _box(b"mvex", _box(b"mehd", b"\x01\0\0\0" + struct.pack(">Q", 7)))
)
AVI = _riff(
    b"AVI ",
    _chunk(
        b"LIST", b"hdrl" + _chunk(b"avih", struct.pack("<10I", 40000, 0, 0, 0, 25, 0, 0, 0, 64, 48))
    ),
)
WAV = _riff(
    b"WAVE",
    _chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)) + _chunk(b"data", bytes(320)),
)
FLAC = b"fLaC\x00\x00\x00\x22" + bytes(10) + (8000 << 44 | 80000).to_bytes(8, "big") + bytes(16)
MP3 = b"\xff\xfb\x90\x64" + bytes(400)

ARTIFACTS: dict[str, bytes] = {
    "mp4": MP4,
    "fmp4": FRAGMENTED_MP4,
    "avi": AVI,
    "wav": WAV,
    "flac": FLAC,
    "mp3": MP3,
    "jpeg": (MEDIA / "gps_DSCN0010.jpg").read_bytes(),
    "jpeg-orientation": (MEDIA / "orientation_portrait_8.jpg").read_bytes(),
    "heic": (MEDIA / "heic_IMG_5195.HEIC").read_bytes(),
}
MIMES = [
    "video/mp4",
    "video/quicktime",
    "video/x-msvideo",
    "audio/wav",
    "audio/flac",
    "audio/mpeg",
    "image/jpeg",
    "image/png",
    "image/heic",
    "image/avif",
    "application/pdf",
]


def signable_metadata(data: bytes, mime: str) -> MediaMetadata:
    """Sniff and extract as `media add` does; the result must be signable as it stands."""
    found = sniff_mime(data[:SNIFF_BYTES], "IMG_0001")
    assert media_kind(found) in ("photo", "video", "audio", "document", "other")
    metadata = extract_metadata(io.BytesIO(data), mime)
    canonicalize_signed(metadata.as_dict())
    return metadata


def test_the_real_artifacts_give_metadata() -> None:
    assert signable_metadata(MP4, "video/mp4").duration_ms == 5000
    assert signable_metadata(FRAGMENTED_MP4, "video/mp4").duration_ms == 7
    assert signable_metadata(AVI, "video/x-msvideo").duration_ms == 1000
    assert signable_metadata(WAV, "audio/wav").duration_ms == 20
    assert signable_metadata(FLAC, "audio/flac").duration_ms == 10000
    assert signable_metadata(ARTIFACTS["jpeg"], "image/jpeg").gps_lat_microdeg is not None
    assert signable_metadata(ARTIFACTS["heic"], "image/heic").camera_make == "Apple"


_CONTAINERS = {
    "mp4": "video/mp4",
    "fmp4": "video/mp4",
    "avi": "video/x-msvideo",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
}


@settings(max_examples=examples(500))
@given(
    st.sampled_from(sorted(_CONTAINERS)).flatmap(
        lambda name: st.tuples(st.just(_CONTAINERS[name]), mutations(ARTIFACTS[name], 3))
    )
)
def test_mutated_containers_give_signable_metadata(case: tuple[str, bytes]) -> None:
    mime, data = case
    signable_metadata(data, mime)


@settings(max_examples=examples(120))
@given(
    st.sampled_from(["jpeg", "jpeg-orientation", "heic"]).flatmap(
        lambda name: st.tuples(st.just(name), mutations(ARTIFACTS[name], 3))
    )
)
def test_mutated_photos_give_signable_metadata(case: tuple[str, bytes]) -> None:
    name, data = case
    signable_metadata(data, "image/heic" if name == "heic" else "image/jpeg")


# Crafted files state extremes: small divisors, huge counts, the "unknown" all-ones values.
_U32 = st.sampled_from([0, 1, 2, 25, 1000, 2**31, 2**32 - 2, 2**32 - 1]) | st.integers(
    min_value=0, max_value=2**32 - 1
)
_U64 = st.sampled_from([1, 2**32 - 1, 2**53, 2**63, 2**64 - 2, 2**64 - 1]) | st.integers(
    min_value=0, max_value=2**64 - 1
)


@st.composite
def near_valid_containers(draw: st.DrawFn) -> tuple[str, bytes]:
    """Headers with hostile but well-framed numbers: what a crafted file states."""
    kind = draw(st.sampled_from(["mvhd0", "mvhd1", "mehd", "avi", "wav", "flac", "mp3"]))
    if kind == "mvhd0":
        data = _box(b"ftyp", b"isom\0\0\0\0") + _box(b"moov", _mvhd(0, draw(_U32), draw(_U32)))
    elif kind == "mvhd1":
        data = _box(b"ftyp", b"isom\0\0\0\0") + _box(b"moov", _mvhd(1, draw(_U32), draw(_U64)))
    elif kind == "mehd":
        mehd = _box(b"mehd", b"\x01\0\0\0" + struct.pack(">Q", draw(_U64)))
        data = _box(b"ftyp", b"iso6\0\0\0\0") + _box(
            b"moov", _mvhd(0, draw(_U32), 0) + _box(b"mvex", mehd)
        )
        return "video/mp4", data
    elif kind == "avi":
        avih = struct.pack("<10I", draw(_U32), 0, 0, 0, draw(_U32), 0, 0, 0, draw(_U32), draw(_U32))
        return "video/x-msvideo", _riff(b"AVI ", _chunk(b"LIST", b"hdrl" + _chunk(b"avih", avih)))
    elif kind == "wav":
        fmt = struct.pack("<HHIIHH", 1, 1, draw(_U32), draw(_U32), 2, 16)
        fact = _chunk(b"fact", struct.pack("<I", draw(_U32))) if draw(st.booleans()) else b""
        return "audio/wav", _riff(b"WAVE", _chunk(b"fmt ", fmt) + fact + _chunk(b"data", bytes(8)))
    elif kind == "flac":
        packed = draw(st.integers(min_value=0, max_value=2**64 - 1))
        streaminfo = bytes(10) + packed.to_bytes(8, "big") + bytes(16)
        return "audio/flac", b"fLaC\x00\x00\x00\x22" + streaminfo
    else:
        xing = b"Xing" + struct.pack(">I", 1) + struct.pack(">I", draw(_U32))
        return "audio/mpeg", b"\xff\xfb\x90\x64" + bytes(32) + xing + bytes(200)
    return "video/mp4", data


@settings(max_examples=examples(400))
@given(near_valid_containers())
def test_crafted_container_numbers_give_signable_metadata(case: tuple[str, bytes]) -> None:
    mime, data = case
    signable_metadata(data, mime)


@settings(max_examples=examples(300))
@given(st.binary(max_size=SNIFF_BYTES * 2), st.text(max_size=20))
def test_sniffing_any_head_and_name_gives_a_type(head: bytes, name: str) -> None:
    mime = sniff_mime(head, name)
    assert "/" in mime
    assert media_kind(mime) in ("photo", "video", "audio", "document", "other")
