"""Bounded decoding, upright thumbnails and metadata-free copies, on the real sample photos."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageFile, ImageOps, ImageStat
from PIL.PngImagePlugin import PngInfo

from observer_app.errors import UserActionError
from observer_app.media.images import (
    MAX_PIXELS,
    ImageDecodeError,
    decode_upright,
    make_thumbnail,
    placeholder_thumbnail,
    strip_for_publication,
    upright_size,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "media"
HEIF_PLUGIN = ".heic" in Image.registered_extensions()
METADATA_MARKERS = (b"Exif", b"GPS", b"NIKON", b"Canon", b"ICC_PROFILE", b"http://ns.adobe.com")


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def mean_difference(first: Image.Image, second: Image.Image) -> float:
    difference = ImageChops.difference(first.convert("RGB"), second.convert("RGB"))
    return sum(ImageStat.Stat(difference).mean) / 3


def upright_reference(data: bytes) -> Image.Image:
    """What a colour-managed viewer shows: EXIF orientation applied, embedded profile -> sRGB."""
    image = Image.open(io.BytesIO(data))
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image).convert("RGB")
    if not icc:
        return upright
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    converted = ImageCms.profileToProfile(upright, source, ImageCms.createProfile("sRGB"))
    assert converted is not None
    return converted


def brightness(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    return float(ImageStat.Stat(image.crop(box).convert("L")).mean[0])


def assert_no_metadata(data: bytes) -> None:
    image = opened(data)
    assert not image.getexif()
    assert not image.getexif().get_ifd(0x8825)
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "dpi"):
        assert key not in image.info
    for marker in METADATA_MARKERS:
        assert marker not in data


# --- upright thumbnails ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "size"),
    [("orientation_landscape_6.jpg", (512, 384)), ("orientation_portrait_8.jpg", (384, 512))],
)
def test_thumbnails_are_upright(name: str, size: tuple[int, int]) -> None:
    thumbnail = opened(make_thumbnail(sample(name)))
    assert thumbnail.format == "JPEG" and thumbnail.size == size
    reference = upright_reference(sample(name)).resize(size)
    stored = Image.open(DATA / name).convert("RGB").resize(size)  # the same pixels, not rotated
    assert mean_difference(thumbnail, reference) < 6
    assert mean_difference(thumbnail, stored) > 4 * mean_difference(thumbnail, reference)
    # The sky is at the top of both upright pictures: the top strip is the brightest edge.
    width, height = size
    top = brightness(thumbnail, (0, 0, width, height // 8))
    for other_edge in (
        (0, height * 7 // 8, width, height),
        (0, 0, width // 8, height),
        (width * 7 // 8, 0, width, height),
    ):
        assert top > 1.4 * brightness(thumbnail, other_edge)
    assert_no_metadata(make_thumbnail(sample(name)))


def test_full_size_phone_photo_thumbnail_and_speed() -> None:
    data = sample("mobile_jolla.jpg")
    thumbnail = make_thumbnail(data)
    assert opened(thumbnail).size == (512, 384)
    assert_no_metadata(thumbnail)
    started = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        make_thumbnail(data)
    per_photo = (time.perf_counter() - started) / rounds
    print(f"thumbnail of a 3264x2448 JPEG: {per_photo * 1000:.1f} ms")
    assert per_photo < 0.5  # measured ~30 ms; generous for a loaded CI machine


def test_thumbnail_keeps_small_pictures_small_and_respects_max_side() -> None:
    assert opened(make_thumbnail(sample("Canon_40D.jpg"))).size == (100, 68)
    assert opened(make_thumbnail(sample("gps_DSCN0010.jpg"), max_side=160)).size == (160, 120)


def test_thumbnail_of_a_gps_photo_carries_no_position() -> None:
    assert_no_metadata(make_thumbnail(sample("gps_DSCN0010.jpg")))
    assert_no_metadata(make_thumbnail(sample("Canon_40D.jpg")))


def test_decode_upright_full_size_matches_exif_transpose() -> None:
    data = sample("orientation_portrait_8.jpg")
    decoded = decode_upright(data)
    reference = upright_reference(data)
    assert decoded.mode == "RGB" and decoded.size == reference.size == (450, 600)
    assert mean_difference(decoded, reference) < 0.5
    # The file has Apple's "Generic RGB" profile (gamma 1.8): its colours are converted to sRGB.
    unmanaged = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    assert mean_difference(decoded, unmanaged) > 5
    assert decoded.info == {}
    assert upright_size(data) == (450, 600)


# --- publication copies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["gps_DSCN0010.jpg", "Canon_40D.jpg", "orientation_landscape_6.jpg", "mobile_jolla.jpg"]
)
def test_publication_copy_has_no_metadata_and_is_upright(name: str) -> None:
    original = sample(name)
    copy = strip_for_publication(original)
    assert_no_metadata(copy)
    image = opened(copy)
    reference = upright_reference(original)
    assert image.format == "JPEG" and image.size == reference.size
    assert mean_difference(image, reference) < 5  # JPEG quality 90


def png_with_everything(mode: str = "RGBA") -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "NIKON"
    exif.get_ifd(0x8825)[1] = "N"
    image = Image.new(mode, (40, 30), (200, 10, 10, 128) if mode == "RGBA" else (200, 10, 10))
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    text = PngInfo()
    text.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta xmlns:x="http://ns.adobe.com/xap/1.0/"/>')
    text.add_text("Comment", "GPS 43.46N")
    image.save(buffer, "PNG", exif=exif.tobytes(), icc_profile=icc, pnginfo=text)
    data = buffer.getvalue()
    assert b"NIKON" in data and b"iCCP" in data and b"eXIf" in data and b"iTXt" in data
    return data


def test_png_stays_png_keeps_transparency_and_loses_metadata() -> None:
    copy = strip_for_publication(png_with_everything())
    assert copy.startswith(b"\x89PNG")
    assert_no_metadata(copy)
    for chunk in (b"iCCP", b"eXIf", b"iTXt", b"tEXt", b"zTXt"):
        assert chunk not in copy
    assert opened(copy).mode == "RGBA"
    assert opened(copy).getpixel((5, 5)) == (200, 10, 10, 128)


def test_jpeg_comment_xmp_and_icc_are_removed() -> None:
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "NIKON"
    Image.new("RGB", (64, 48), "navy").save(
        buffer,
        "JPEG",
        exif=exif.tobytes(),
        icc_profile=icc,
        comment=b"observer Ivanov, station 101",
        xmp=b"<x:xmpmeta http://ns.adobe.com/xap/1.0/>secret</x:xmpmeta>",
    )
    original = buffer.getvalue()
    assert b"Ivanov" in original and b"ICC_PROFILE" in original
    for produced in (strip_for_publication(original), make_thumbnail(original)):
        assert_no_metadata(produced)
        assert b"Ivanov" not in produced and b"secret" not in produced


# --- odd modes -------------------------------------------------------------------------------


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def test_transparent_png_thumbnail_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    thumbnail = opened(make_thumbnail(encoded(image, "PNG")))
    assert thumbnail.mode == "RGB"
    assert all(channel > 245 for channel in thumbnail.getpixel((10, 10)))  # type: ignore[union-attr]


def test_sixteen_bit_grey_cmyk_and_palette_pictures_decode() -> None:
    grey16 = Image.new("I;16", (30, 20), 40_000)
    assert decode_upright(encoded(grey16, "PNG")).getpixel((1, 1)) == (156, 156, 156)
    cmyk = Image.new("CMYK", (30, 20), (0, 255, 255, 0))
    red = decode_upright(encoded(cmyk, "JPEG")).getpixel((5, 5))
    assert isinstance(red, tuple) and red[0] > 200 and red[1] < 60 and red[2] < 60
    palette = Image.new("P", (30, 20), 3)
    assert decode_upright(encoded(palette, "GIF")).mode == "RGB"


# --- broken and hostile input ---------------------------------------------------------------


def png_header_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("width", "height"),
    [(50_000, 50_000), (10_000, 9_000)],  # Pillow's own bomb limit; only ours (80 Mpx)
)
def test_decompression_bombs_are_refused_fast(width: int, height: int) -> None:
    assert width * height > MAX_PIXELS
    limit_before = Image.MAX_IMAGE_PIXELS
    bomb = png_header_claiming(width, height)
    for operation in (make_thumbnail, strip_for_publication, decode_upright, upright_size):
        started = time.perf_counter()
        with pytest.raises(ImageDecodeError):
            operation(bomb)
        assert time.perf_counter() - started < 1
    assert limit_before == Image.MAX_IMAGE_PIXELS  # the guard is local, not global


def test_truncated_jpeg_is_refused_not_padded_with_grey() -> None:
    data = sample("mobile_jolla.jpg")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    for cut in (len(data) // 2, 5_000, 700, 3):
        with pytest.raises(ImageDecodeError):
            make_thumbnail(data[:cut])
        with pytest.raises(ImageDecodeError):
            strip_for_publication(data[:cut])


@pytest.mark.parametrize(
    "name",
    [
        "corrupted.jpg",
        "invalid_image01137.jpg",
        "invalid_image01551.jpg",
        "invalid_image02206.jpg",
        "heic_IMG_5195.HEIC",
    ],
)
def test_broken_samples_decode_or_fail_cleanly_and_quickly(name: str) -> None:
    data = sample(name)
    for operation in (make_thumbnail, strip_for_publication):
        started = time.perf_counter()
        try:
            result = operation(data)
        except ImageDecodeError as error:
            assert isinstance(error, UserActionError) and error.exit_code == 4
            assert error.message
        else:
            assert_no_metadata(result)
        assert time.perf_counter() - started < 2


def test_heic_without_a_plugin_is_a_decode_error() -> None:
    data = sample("heic_IMG_5195.HEIC")
    if HEIF_PLUGIN:
        assert opened(make_thumbnail(data)).format == "JPEG"
    else:
        with pytest.raises(ImageDecodeError):
            make_thumbnail(data)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 50])
def test_garbage_is_a_decode_error(data: bytes) -> None:
    with pytest.raises(ImageDecodeError):
        make_thumbnail(data)


# --- placeholders ----------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["photo", "video", "audio", "document", "other"])
def test_placeholder_is_a_neutral_grey_jpeg(label: str) -> None:
    data = placeholder_thumbnail(label)
    image = opened(data)
    assert image.format == "JPEG" and image.size == (512, 384)
    red, green, blue = ImageStat.Stat(image).mean
    assert 140 < red < 190 and abs(red - green) < 3 and abs(red - blue) < 3
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 5  # a drawing, not a flat field
    assert_no_metadata(data)
    assert placeholder_thumbnail(label) == data  # deterministic


def test_placeholders_differ_by_kind_and_size() -> None:
    drawings = {placeholder_thumbnail(label) for label in ("photo", "video", "audio", "document")}
    assert len(drawings) == 4
    assert opened(placeholder_thumbnail("video", max_side=128)).size == (128, 96)
