"""File type sniffing and metadata extraction, on the real sample photos and on synthetic
containers built byte by byte (WAV, MP4/MOV, AVI, FLAC, MP3)."""

from __future__ import annotations

import io
import struct
import time
import wave
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from observer_app.media.metadata import (
    ERROR_DAMAGED,
    ERROR_NO_DECODER,
    ERROR_NOT_IMAGE,
    ERROR_UNREADABLE,
    MediaMetadata,
    extract_metadata,
)
from observer_app.media.sniff import SNIFF_BYTES, media_kind, sniff_mime

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

DATA = Path(__file__).resolve().parent.parent / "data" / "media"
SAMPLES = sorted(path.name for path in DATA.iterdir() if path.name != "SOURCES.md")
HEIF_PLUGIN = ".heic" in Image.registered_extensions()


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def metadata_of(data: bytes, name: str = "file") -> MediaMetadata:
    return extract_metadata(io.BytesIO(data), sniff_mime(data[:SNIFF_BYTES], name))


# --- sniffing -------------------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full_box(kind: bytes, version: int, payload: bytes) -> bytes:
    return box(kind, bytes([version, 0, 0, 0]) + payload)


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    return box(b"ftyp", major + b"\x00\x00\x02\x00" + b"".join(compatible))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe1\x00\x10Exif", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"RIFF\x10\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"%PDF-1.7\n", "application/pdf"),
        (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"heix", b"mif1"), "image/heic"),
        (ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"mif1", b"mif1"), "image/heif"),
        (ftyp(b"isom", b"isom", b"iso2", b"mp41"), "video/mp4"),
        (ftyp(b"mp42", b"mp42", b"isom"), "video/mp4"),
        (ftyp(b"qt  ", b"qt  "), "video/quicktime"),
        (ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio/mp4"),
        (ftyp(b"3gp4", b"3gp4"), "video/3gpp"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis", "audio/ogg"),
        (b"fLaC\x00\x00\x00\x22", "audio/flac"),
        (b"#!AMR\n\x3c", "audio/amr"),
        (b"#!AMR-WB\n", "audio/amr-wb"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        (b"\xff\xf1\x50\x80\x00", "audio/aac"),
    ],
)
def test_magic_bytes_win_over_the_name(head: bytes, expected: str) -> None:
    assert sniff_mime(head, "misnamed.txt") == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("clip.MOV", "video/quicktime"),
        ("voice.m4a", "audio/mp4"),
        ("voice.amr", "audio/amr"),
        ("IMG_0001.HEIC", "image/heic"),
        ("notes.txt", "text/plain"),
        ("scan.pdf", "application/pdf"),
        ("archive.unknownext", "application/octet-stream"),
        ("no_extension", "application/octet-stream"),
    ],
)
def test_the_name_decides_when_the_bytes_say_nothing(name: str, expected: str) -> None:
    assert sniff_mime(b"\x00\x01\x02\x03 nothing recognisable", name) == expected


def test_samples_are_sniffed_from_their_bytes() -> None:
    assert sniff_mime(sample("heic_IMG_5195.HEIC")[:SNIFF_BYTES], "photo.jpg") == "image/heic"
    assert sniff_mime(sample("mobile_jolla.jpg")[:SNIFF_BYTES], "photo.heic") == "image/jpeg"
    for name in SAMPLES:
        if name.endswith(".jpg"):
            assert sniff_mime(sample(name)[:SNIFF_BYTES], name) == "image/jpeg"


@pytest.mark.parametrize(
    ("mime", "kind"),
    [
        ("image/jpeg", "photo"),
        ("image/heic", "photo"),
        ("video/mp4", "video"),
        ("video/quicktime", "video"),
        ("audio/mp4", "audio"),
        ("audio/amr", "audio"),
        ("application/pdf", "document"),
        ("text/plain", "document"),
        ("image/svg+xml", "document"),
        ("application/octet-stream", "other"),
        ("application/zip", "other"),
    ],
)
def test_media_kind(mime: str, kind: str) -> None:
    assert media_kind(mime) == kind


# --- photos: the real samples --------------------------------------------------------------


def expected_microdegrees(name: str) -> tuple[int, int]:
    """Computed here from the raw EXIF rationals, independently of the module under test."""
    gps = Image.open(DATA / name).getexif().get_ifd(0x8825)

    def convert(parts: tuple[Any, ...], ref: str, negative: str) -> int:
        total = sum(
            Fraction(part.numerator, part.denominator) / scale
            for part, scale in zip(parts, (1, 60, 3600), strict=True)
        )
        return round(total * 1_000_000) * (-1 if ref == negative else 1)

    return convert(gps[2], gps[1], "S"), convert(gps[4], gps[3], "W")


@pytest.mark.parametrize(
    ("name", "latitude", "longitude", "taken"),
    [
        # Cross-checked with exiftool -n: 43.4674483333 N, 11.8851266667 E.
        ("gps_DSCN0010.jpg", 43_467_448, 11_885_127, "2008-10-22T16:28:39"),
        ("gps_DSCN0021.jpg", 43_467_082, 11_884_538, "2008-10-22T16:38:20"),
        ("gps_DSCN0038.jpg", 43_467_255, 11_879_213, "2008-10-22T16:52:15"),
    ],
)
def test_nikon_gps_time_and_camera(name: str, latitude: int, longitude: int, taken: str) -> None:
    meta = metadata_of(sample(name), name)
    assert (meta.gps_lat_microdeg, meta.gps_lon_microdeg) == expected_microdegrees(name)
    assert (meta.gps_lat_microdeg, meta.gps_lon_microdeg) == (latitude, longitude)
    assert 43_460_000 < latitude < 43_470_000 and 11_870_000 < longitude < 11_890_000  # Tuscany
    assert meta.capture_time == taken  # no OffsetTimeOriginal: the camera's local clock
    assert (meta.camera_make, meta.camera_model) == ("NIKON", "COOLPIX P6000")
    assert (meta.width, meta.height, meta.orientation) == (640, 480, 1)
    assert meta.duration_ms is None and meta.decode_error is None


def test_canon_with_an_empty_gps_block() -> None:
    meta = metadata_of(sample("Canon_40D.jpg"))
    assert (meta.camera_make, meta.camera_model) == ("Canon", "Canon EOS 40D")
    assert meta.capture_time == "2008-05-30T15:56:01"
    assert meta.gps_lat_microdeg is None and meta.gps_lon_microdeg is None  # version tag only
    assert (meta.width, meta.height) == (100, 68)


def test_full_size_phone_photo() -> None:
    meta = metadata_of(sample("mobile_jolla.jpg"))
    assert (meta.camera_make, meta.width, meta.height) == ("Jolla", 3264, 2448)
    assert meta.capture_time == "2014-09-21T16:00:56"


@pytest.mark.parametrize(
    ("name", "orientation", "stored"),
    [("orientation_landscape_6.jpg", 6, (450, 600)), ("orientation_portrait_8.jpg", 8, (600, 450))],
)
def test_orientation_and_stored_size(name: str, orientation: int, stored: tuple[int, int]) -> None:
    meta = metadata_of(sample(name))
    assert meta.orientation == orientation
    assert (meta.width, meta.height) == stored


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_gives_metadata_fast_and_without_floats(name: str) -> None:
    started = time.perf_counter()
    meta = metadata_of(sample(name), name)
    assert time.perf_counter() - started < 2
    for value in meta.as_dict().values():
        assert value is None or type(value) in (int, str)


@pytest.mark.parametrize(
    "name", ["corrupted.jpg", "invalid_image01137.jpg", "invalid_image01551.jpg"]
)
def test_damaged_photos_still_give_their_header(name: str) -> None:
    meta = metadata_of(sample(name))
    assert meta.width and meta.height


def test_heic_without_a_decoder_still_gives_its_exif() -> None:
    data = sample("heic_IMG_5195.HEIC")
    meta = metadata_of(data, "heic_IMG_5195.HEIC")
    assert meta.decode_error == (None if HEIF_PLUGIN else ERROR_NO_DECODER)
    # Values cross-checked with exiftool -n.
    assert (meta.camera_make, meta.camera_model) == ("Apple", "iPhone 11 Pro Max")
    assert meta.capture_time == "2021-04-11T15:47:53-05:00"
    assert (meta.gps_lat_microdeg, meta.gps_lon_microdeg) == (39_051_344, -94_288_772)
    assert (meta.width, meta.height) == (2566, 3313)


@pytest.mark.parametrize("cut", [12, 40, 200, 5_000, 400_000])
def test_truncated_heic_does_not_raise(cut: int) -> None:
    meta = extract_metadata(io.BytesIO(sample("heic_IMG_5195.HEIC")[:cut]), "image/heic")
    assert meta.decode_error is not None


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xd8\xff", b"\xff\xd8\xff" + b"\x00" * 100, b"garbage" * 100],
)
def test_broken_images_set_decode_error(data: bytes) -> None:
    assert extract_metadata(io.BytesIO(data), "image/jpeg").decode_error == ERROR_NOT_IMAGE


def test_truncated_samples_never_raise() -> None:
    for name in SAMPLES:
        data = sample(name)
        for cut in (1, 100, 2_000, len(data) // 2):
            meta = metadata_of(data[:cut], name)
            assert isinstance(meta, MediaMetadata)


def jpeg_with_exif(exif: Image.Exif) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "grey").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_offset_time_original_is_kept() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Camera\x00 Maker  "
    exif.get_ifd(0x8769).update({0x9003: "2024:03:01 09:15:00", 0x9011: "+05:00"})
    meta = metadata_of(jpeg_with_exif(exif))
    assert meta.capture_time == "2024-03-01T09:15:00+05:00"
    assert meta.camera_make == "Camera Maker"


def test_unset_camera_clock_gives_no_time() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"
    exif[0x0132] = "2020:02:30 10:00:00"  # no 30 February
    assert metadata_of(jpeg_with_exif(exif)).capture_time is None


def test_digitized_time_is_the_fallback() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769).update({0x9004: "2021:01:17 07:00:01", 0x9012: "+0600"})
    assert metadata_of(jpeg_with_exif(exif)).capture_time == "2021-01-17T07:00:01+06:00"


def gps_exif(lat_ref: str | None, lon_ref: str | None, denominator: int = 100) -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[2] = (IFDRational(43), IFDRational(14), IFDRational(3031, denominator))
    gps[4] = (IFDRational(76), IFDRational(57), IFDRational(2810, denominator))
    if lat_ref is not None:
        gps[1] = lat_ref
    if lon_ref is not None:
        gps[3] = lon_ref
    return exif


def test_southern_and_western_hemispheres_are_negative() -> None:
    meta = metadata_of(jpeg_with_exif(gps_exif("S", "W")))
    # 43 + 14/60 + 30.31/3600 = 43.2417527...; 76 + 57/60 + 28.10/3600 = 76.9578055...
    assert (meta.gps_lat_microdeg, meta.gps_lon_microdeg) == (-43_241_753, -76_957_806)


def test_position_without_hemisphere_or_with_zero_denominator_is_dropped() -> None:
    assert metadata_of(jpeg_with_exif(gps_exif(None, "E"))).gps_lat_microdeg is None
    meta = metadata_of(jpeg_with_exif(gps_exif("N", "E", denominator=0)))
    assert meta.gps_lat_microdeg is None and meta.gps_lon_microdeg is None


def test_png_exif_chunk_is_read() -> None:
    exif = gps_exif("N", "E")
    exif[0x0110] = "Scanner"
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, "PNG", exif=exif.tobytes())
    meta = metadata_of(buffer.getvalue())
    assert (meta.camera_model, meta.gps_lat_microdeg, meta.width) == ("Scanner", 43_241_753, 16)


# --- audio and video ------------------------------------------------------------------------


class CountingStream(io.BytesIO):
    """Counts the bytes read, to prove sample data is skipped rather than read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class UnseekableStream(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        return 0


def wav_bytes(rate: int, channels: int, width: int, frames: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(b"\x00" * (frames * channels * width))
    return buffer.getvalue()


def test_wav_duration() -> None:
    data = wav_bytes(rate=8000, channels=1, width=2, frames=20_000)  # 2.5 s
    assert sniff_mime(data[:SNIFF_BYTES], "x") == "audio/wav"
    assert metadata_of(data) == MediaMetadata(duration_ms=2500)
    stereo = wav_bytes(rate=44100, channels=2, width=2, frames=44100 * 3 + 441)
    assert metadata_of(stereo).duration_ms == 3010


def test_truncated_wav_reports_what_is_there() -> None:
    data = wav_bytes(rate=8000, channels=1, width=2, frames=16_000)  # 2 s declared
    assert metadata_of(data[: 44 + 8000]).duration_ms == 500


def test_wav_with_an_extra_chunk_before_the_data() -> None:
    data = wav_bytes(rate=16000, channels=1, width=2, frames=16_000)
    extra = b"LIST" + struct.pack("<I", 5) + b"INFOx" + b"\x00"  # odd size: padded
    patched = data[:36] + extra + data[36:]
    assert metadata_of(patched).duration_ms == 1000


def mvhd(version: int, timescale: int, duration: int, created: int = 0) -> bytes:
    if version == 1:
        times = struct.pack(">QQIQ", created, created, timescale, duration)
    else:
        times = struct.pack(">IIII", created, created, timescale, duration)
    return full_box(b"mvhd", version, times + b"\x00" * 80)


def tkhd(width: int, height: int, matrix: tuple[int, ...] = (1, 0, 0, 0, 1, 0, 0, 0, 1)) -> bytes:
    one = 0x10000
    fixed = [value * one for value in matrix[:8]] + [matrix[8] * 0x40000000]
    body = struct.pack(">IIIII", 0, 0, 1, 0, 0) + b"\x00" * 16
    return full_box(
        b"tkhd",
        0,
        body + struct.pack(">9i", *fixed) + struct.pack(">II", width * one, height * one),
    )


def mp4(*moov_children: bytes, mdat_size: int = 1000, moov_last: bool = False) -> bytes:
    head = ftyp(b"isom", b"isom", b"mp41")
    moov = box(b"moov", b"".join(moov_children))
    mdat = box(b"mdat", b"\x00" * mdat_size)
    return head + (mdat + moov if moov_last else moov + mdat)


def test_mp4_duration_from_mvhd_version_0_and_1() -> None:
    assert metadata_of(mp4(mvhd(0, 600, 6300))).duration_ms == 10_500
    assert metadata_of(mp4(mvhd(1, 90_000, 90_000 * 3600 * 5))).duration_ms == 5 * 3600 * 1000


def test_mp4_creation_time_is_utc() -> None:
    moment = datetime(2024, 1, 1, 1, 0, tzinfo=UTC) - datetime(1904, 1, 1, tzinfo=UTC)
    meta = metadata_of(mp4(mvhd(0, 1000, 5000, created=int(moment.total_seconds()))))
    assert meta.capture_time == "2024-01-01T01:00:00+00:00"


def test_moov_after_a_large_mdat_is_found_without_reading_the_media() -> None:
    data = mp4(mvhd(0, 1000, 42_000), mdat_size=5_000_000, moov_last=True)
    stream = CountingStream(data)
    meta = extract_metadata(stream, "video/mp4")
    assert meta.duration_ms == 42_000
    assert stream.bytes_read < 4096


def test_rotated_phone_video_track() -> None:
    rotated = tkhd(1920, 1080, (0, 1, 0, -1, 0, 0, 0, 0, 1))
    meta = metadata_of(mp4(mvhd(0, 600, 600), box(b"trak", rotated)))
    assert (meta.width, meta.height, meta.orientation) == (1920, 1080, 6)
    audio_then_video = (box(b"trak", tkhd(0, 0)), box(b"trak", tkhd(640, 480)))
    meta = metadata_of(mp4(mvhd(0, 600, 600), *audio_then_video))
    assert (meta.width, meta.height, meta.orientation) == (640, 480, 1)


def apple_meta(creation: str, location: str) -> bytes:
    names = [b"com.apple.quicktime.creationdate", b"com.apple.quicktime.location.ISO6709"]
    keys = full_box(
        b"keys",
        0,
        struct.pack(">I", len(names))
        + b"".join(struct.pack(">I", 8 + len(name)) + b"mdta" + name for name in names),
    )
    items = b"".join(
        box(struct.pack(">I", index), box(b"data", struct.pack(">II", 1, 0) + value.encode()))
        for index, value in ((1, creation), (2, location))
    )
    handler = full_box(b"hdlr", 0, b"\x00" * 4 + b"mdta" + b"\x00" * 13)
    return box(b"meta", handler + keys + box(b"ilst", items))


def test_iphone_video_creation_date_and_location() -> None:
    data = mp4(
        mvhd(0, 600, 1200), apple_meta("2024-03-17T08:05:09+0500", "+43.2220+076.8512+0800.000/")
    )
    meta = metadata_of(data)
    assert meta.capture_time == "2024-03-17T08:05:09+05:00"
    assert (meta.gps_lat_microdeg, meta.gps_lon_microdeg) == (43_222_000, 76_851_200)
    assert meta.duration_ms == 2000


def test_android_video_location_in_udta() -> None:
    xyz = box(b"\xa9xyz", struct.pack(">HH", 18, 0x15C7) + b"-33.8688+151.2093/")
    meta = metadata_of(mp4(mvhd(0, 600, 1200), box(b"udta", xyz)))
    assert (meta.gps_lat_microdeg, meta.gps_lon_microdeg) == (-33_868_800, 151_209_300)


def test_fragmented_mp4_duration_from_mehd() -> None:
    mvex = box(b"mvex", full_box(b"mehd", 0, struct.pack(">I", 9000)))
    assert metadata_of(mp4(mvhd(0, 1000, 0), mvex)).duration_ms == 9000


@pytest.mark.parametrize(
    "data",
    [
        ftyp(b"isom", b"isom") + box(b"mdat", b"\x00" * 100),  # no moov: recording never closed
        ftyp(b"isom", b"isom") + struct.pack(">I", 4) + b"moov" + b"\x00" * 32,  # size < header
        ftyp(b"isom", b"isom") + box(b"moov", b"\x00\x00\x00\x00mvhd"),  # size 0 inside
        ftyp(b"isom", b"isom") + box(b"moov", box(b"mvhd", b"\x07")),  # unknown version
        ftyp(b"isom", b"isom") + box(b"free", b"") * 20_000,  # endless tiny boxes
    ],
)
def test_damaged_mp4_gives_decode_error_quickly(data: bytes) -> None:
    started = time.perf_counter()
    meta = metadata_of(data)
    assert meta.decode_error == ERROR_DAMAGED
    assert time.perf_counter() - started < 2


def test_unseekable_stream_is_reported_not_raised() -> None:
    meta = extract_metadata(io.BufferedReader(UnseekableStream()), "video/mp4")
    assert meta.decode_error == ERROR_UNREADABLE


def test_avi_duration_and_size() -> None:
    avih = struct.pack("<10I", 40_000, 0, 0, 0, 250, 0, 1, 0, 720, 576) + b"\x00" * 16
    hdrl = b"hdrl" + b"avih" + struct.pack("<I", len(avih)) + avih
    riff_list = b"LIST" + struct.pack("<I", len(hdrl)) + hdrl
    data = b"RIFF" + struct.pack("<I", 4 + len(riff_list)) + b"AVI " + riff_list
    assert sniff_mime(data[:SNIFF_BYTES], "x") == "video/x-msvideo"
    meta = metadata_of(data)
    assert (meta.duration_ms, meta.width, meta.height) == (10_000, 720, 576)


def test_flac_duration() -> None:
    sample_rate, samples = 48_000, 48_000 * 7 + 24_000
    packed = (sample_rate << 44) | (1 << 41) | (15 << 36) | samples
    streaminfo = b"\x10\x00\x10\x00" + b"\x00" * 6 + packed.to_bytes(8, "big") + b"\x00" * 16
    data = b"fLaC" + bytes([0x80]) + len(streaminfo).to_bytes(3, "big") + streaminfo
    assert metadata_of(data).duration_ms == 7500


def mp3_frame(payload: bytes = b"") -> bytes:
    header = b"\xff\xfb\x90\x64"  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz, joint stereo
    size = 144 * 128_000 // 44_100  # 417 bytes per frame, no padding
    return header + payload + b"\x00" * (size - 4 - len(payload))


def test_constant_bitrate_mp3_duration() -> None:
    id3 = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10
    data = id3 + mp3_frame() * 300 + b"TAG" + b"\x00" * 125
    assert metadata_of(data).duration_ms == 417 * 300 * 8 // 128


def test_variable_bitrate_mp3_duration_from_xing() -> None:
    xing = b"\x00" * 32 + b"Xing" + struct.pack(">II", 1, 1000)
    data = mp3_frame(xing) + mp3_frame() * 10
    assert metadata_of(data).duration_ms == 1000 * 1152 * 1000 // 44_100


def test_documents_and_unknown_files_have_no_metadata() -> None:
    assert extract_metadata(io.BytesIO(b"%PDF-1.4\n"), "application/pdf") == MediaMetadata()
    assert extract_metadata(io.BytesIO(b"\x00" * 10), "application/zip") == MediaMetadata()
