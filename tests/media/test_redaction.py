"""Redaction: covered areas lose their detail, everything else stays, no metadata survives."""

from __future__ import annotations

import io
import itertools
import math
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from observer_app.errors import UsageError
from observer_app.media.images import ImageDecodeError, decode_upright
from observer_app.media.redaction import Box, RedactionStyle, redact, validate_boxes

DATA = Path(__file__).resolve().parent.parent / "data" / "media"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def checkerboard(width: int = 400, height: int = 300, square: int = 4) -> Image.Image:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for top in range(0, height, square):
        for left in range((top // square % 2) * square, width, 2 * square):
            draw.rectangle((left, top, left + square - 1, top + square - 1), fill="black")
    return image


def text_picture() -> Image.Image:
    image = Image.new("RGB", (800, 200), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40) if FONT.exists() else ImageFont.load_default(40)
    draw.text((20, 20), "Protocol 101: 1234 votes", fill="black", font=font)
    draw.text((20, 110), "Observer A. Ivanov", fill="black", font=font)
    return image


def spread(image: Image.Image, box: Box) -> float:
    region = image.crop((box.x, box.y, box.right, box.bottom)).convert("L")
    return float(ImageStat.Stat(region).stddev[0])


def outside_unchanged(before: Image.Image, after: Image.Image, boxes: list[Box]) -> bool:
    mask = Image.new("L", before.size, 255)
    for box in boxes:
        ImageDraw.Draw(mask).rectangle((box.x, box.y, box.right - 1, box.bottom - 1), fill=0)
    difference = ImageChops.difference(before.convert("RGB"), after.convert("RGB"))
    return ImageChops.multiply(difference.convert("L"), mask).getbbox() is None


# --- boxes ------------------------------------------------------------------------------------


def test_box_parse_and_print() -> None:
    assert Box.parse("10,20,300,200") == Box(10, 20, 300, 200)
    assert Box.parse(" 1 , 2 ,3, 4 ") == Box(1, 2, 3, 4)
    assert str(Box(1, 2, 3, 4)) == "1,2,3,4"
    assert (Box(1, 2, 3, 4).right, Box(1, 2, 3, 4).bottom) == (4, 6)


@pytest.mark.parametrize("text", ["", "1,2,3", "1,2,3,4,5", "a,b,c,d", "-1,0,5,5", "1.5,2,3,4"])
def test_box_parse_refuses_nonsense(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        Box.parse(text)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "boxes",
    [
        [],
        [Box(0, 0, 0, 10)],
        [Box(0, 0, 10, -1)],
        [Box(-1, 0, 10, 10)],
        [Box(0, -5, 10, 10)],
        [Box(391, 0, 10, 10)],
        [Box(0, 291, 10, 10)],
        [Box(0, 0, 10, 10), Box(300, 200, 101, 1)],
    ],
)
def test_boxes_must_be_inside_the_picture(boxes: list[Box]) -> None:
    with pytest.raises(UsageError):
        validate_boxes(boxes, (400, 300))
    with pytest.raises(UsageError):
        redact(png(checkerboard()), boxes)


def test_boxes_are_checked_against_the_upright_size() -> None:
    data = sample("orientation_landscape_6.jpg")  # stored 450x600, upright 600x450
    redact(data, [Box(500, 350, 100, 100)])
    with pytest.raises(UsageError):
        redact(data, [Box(350, 500, 100, 100)])


def test_unknown_style_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        redact(png(checkerboard()), [Box(0, 0, 10, 10)], "smudge")  # type: ignore[arg-type]


def test_undecodable_picture_is_a_decode_error() -> None:
    with pytest.raises(ImageDecodeError):
        redact(b"not a picture", [Box(0, 0, 1, 1)])


# --- styles ----------------------------------------------------------------------------------


def test_fill_is_opaque_black_and_nothing_else_changes() -> None:
    original = checkerboard()
    boxes = [Box(10, 10, 100, 50), Box(200, 150, 199, 149)]
    result = opened(redact(png(original), boxes))
    assert result.format == "PNG"
    for box in boxes:
        region = result.crop((box.x, box.y, box.right, box.bottom))
        assert region.getextrema() == ((0, 0), (0, 0), (0, 0))
    assert outside_unchanged(original, result, boxes)


@pytest.mark.parametrize("style", ["blur", "pixelate"])
@pytest.mark.parametrize(
    ("picture", "box"),
    [
        (checkerboard(), Box(50, 40, 200, 160)),
        (checkerboard(square=2), Box(0, 0, 64, 64)),  # a small box: blocks at least 16 px
        (text_picture(), Box(10, 10, 700, 70)),
        (text_picture(), Box(10, 100, 500, 70)),
    ],
)
def test_blur_and_pixelate_destroy_detail_inside_only(
    style: RedactionStyle, picture: Image.Image, box: Box
) -> None:
    result = opened(redact(png(picture), [box], style))
    before, after = spread(picture, box), spread(result, box)
    assert after < 0.2 * before, (before, after)  # detail (std-dev) drops by more than 80 %
    assert outside_unchanged(picture, result, [box])


def test_pixelate_blocks_are_at_least_an_eighth_of_the_box() -> None:
    box = Box(0, 0, 320, 160)
    result = opened(redact(png(checkerboard(400, 300, 3)), [box], "pixelate"))
    region = result.crop((box.x, box.y, box.right, box.bottom))
    block = max(16, math.ceil(max(box.w, box.h) / 8))  # 40 px
    assert len(region.getcolors(10_000) or []) <= math.ceil(box.w / block) * math.ceil(
        box.h / block
    )
    row = [region.getpixel((x, 0)) for x in range(box.w)]
    runs = [len(list(group)) for _value, group in itertools.groupby(row)]
    assert min(runs) >= block


def test_different_texts_blur_to_nearly_the_same_pixels() -> None:
    """Two names in the same place: black-on-white before, within a few grey levels after."""
    first, second = text_picture(), text_picture()
    draw = ImageDraw.Draw(second)
    draw.rectangle((0, 100, 800, 200), fill="white")
    font = ImageFont.truetype(str(FONT), 40) if FONT.exists() else ImageFont.load_default(40)
    draw.text((20, 110), "Observer B. Petrova", fill="black", font=font)
    area = (10, 100, 510, 170)
    before = ImageChops.difference(first.crop(area), second.crop(area)).convert("L")
    assert before.getextrema()[1] == 255
    for style in ("blur", "pixelate"):
        a = opened(redact(png(first), [Box(10, 100, 500, 70)], style)).crop(area)
        b = opened(redact(png(second), [Box(10, 100, 500, 70)], style)).crop(area)
        after = ImageChops.difference(a, b).convert("L")
        assert ImageStat.Stat(after).extrema[0][1] <= 16, style  # measured: 3 (blur), 15 (pixelate)


def neighbour_detail(image: Image.Image, box: Box) -> float:
    """Mean difference between horizontally adjacent pixels: fine detail, not large shapes."""
    region = image.crop((box.x, box.y, box.right, box.bottom)).convert("L")
    shifted = region.crop((1, 0, region.width, region.height))
    trimmed = region.crop((0, 0, region.width - 1, region.height))
    return float(ImageStat.Stat(ImageChops.difference(shifted, trimmed)).mean[0])


# --- real photos -----------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["fill", "blur", "pixelate"])
def test_photo_redaction_is_an_upright_metadata_free_jpeg(style: RedactionStyle) -> None:
    data = sample("orientation_landscape_6.jpg")
    box = Box(400, 20, 150, 120)  # upright coordinates: top right
    started = time.perf_counter()
    result = redact(data, [box], style)
    assert time.perf_counter() - started < 2
    image = opened(result)
    assert image.format == "JPEG" and image.size == (600, 450)
    assert not image.getexif() and "icc_profile" not in image.info
    assert b"Exif" not in result and b"ICC_PROFILE" not in result
    if style == "fill":
        assert ImageStat.Stat(image.crop((402, 22, 548, 138))).mean[0] < 8


@pytest.mark.parametrize("style", ["fill", "blur", "pixelate"])
def test_photo_redaction_covers_the_box_in_upright_coordinates(style: RedactionStyle) -> None:
    data = sample("orientation_landscape_6.jpg")
    box = Box(400, 20, 150, 120)
    upright = decode_upright(data)
    image = opened(redact(data, [box], style, output_format="PNG"))
    assert image.size == upright.size == (600, 450)
    assert outside_unchanged(upright, image, [box])
    if style == "fill":
        assert image.crop((400, 20, 550, 140)).getextrema() == ((0, 0), (0, 0), (0, 0))
    elif style == "blur":
        assert neighbour_detail(image, box) < 0.2 * neighbour_detail(upright, box)
    else:
        blocks = math.ceil(150 / 19) * math.ceil(120 / 19)  # blocks of ceil(150 / 8) = 19 px
        region = image.crop((400, 20, 550, 140))
        assert len(region.getcolors(100_000) or []) <= blocks


def test_gps_photo_redaction_carries_no_position() -> None:
    result = redact(sample("gps_DSCN0010.jpg"), [Box(0, 0, 64, 64)])
    for marker in (b"Exif", b"GPS", b"NIKON", b"COOLPIX"):
        assert marker not in result


def test_png_output_on_request_for_a_jpeg() -> None:
    data = sample("gps_DSCN0010.jpg")
    result = redact(data, [Box(0, 0, 10, 10)], output_format="PNG")
    assert result.startswith(b"\x89PNG")


def test_redaction_speed_on_a_full_size_photo() -> None:
    data = sample("mobile_jolla.jpg")
    boxes = [Box(1000, 800, 600, 600), Box(0, 0, 300, 100)]
    for style in ("fill", "blur", "pixelate"):
        started = time.perf_counter()
        result = redact(data, boxes, style)
        elapsed = time.perf_counter() - started
        print(f"redact 3264x2448 ({style}): {elapsed * 1000:.0f} ms")
        assert opened(result).size == (3264, 2448)
        assert elapsed < 5
