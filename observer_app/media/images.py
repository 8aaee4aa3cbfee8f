"""Safe decoding of photos, and re-encoding them with no metadata at all.

Everything that leaves the vault as a picture (thumbnails, report images, publication copies,
redactions) is made here from decoded pixels, never from the original bytes: a JPEG's EXIF holds
the observer's GPS position, camera serial numbers and the capture time, and reportlab would
embed them unchanged. Orientation is applied to the pixels because the metadata that says how to
rotate is stripped with the rest.

Photos come from untrusted hands (a seized phone's files, a bundle), so decoding is bounded: the
declared pixel count is checked against `MAX_PIXELS` before a single pixel is decoded, truncated
files are refused rather than padded with grey (Pillow's ``LOAD_TRUNCATED_IMAGES`` is left
False), and every decoder failure becomes `ImageDecodeError`. The bound is a local check, not a
change of Pillow's global ``MAX_IMAGE_PIXELS``, so it is thread-safe and cannot leak into other
callers. Everything works on bytes in memory: nothing is ever written to disk.
"""

from __future__ import annotations

import io
from typing import Final, Literal

from PIL import Image, ImageCms, ImageDraw

from observer_app.errors import UserActionError
from observer_app.i18n import _

#: Largest photo decoded (width x height, as declared in the file's header).
MAX_PIXELS: Final = 80_000_000

OutputFormat = Literal["JPEG", "PNG"]

_ORIENTATION_TAG: Final = 0x0112

# EXIF orientation -> the transposition that makes the stored pixels upright (as exif_transpose).
_UPRIGHT: Final[dict[int, Image.Transpose]] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_BACKGROUND: Final = (255, 255, 255)
_PLACEHOLDER_GREY: Final = (176, 176, 176)
_PLACEHOLDER_INK: Final = (112, 112, 112)


class ImageDecodeError(UserActionError):
    """The bytes are not a photo this program can decode: damaged, unsupported or too large."""


def open_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open lazily (header only) and refuse a photo too large before any pixel is decoded."""
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ImageDecodeError(_("The picture is too large to open safely.")) from exc
    except Exception as exc:  # any decoder failure on untrusted bytes means "cannot decode"
        raise ImageDecodeError(_("The file is not a picture this program can read.")) from exc
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageDecodeError(_("The file is not a picture this program can read."))
    if width * height > max_pixels:
        raise ImageDecodeError(_("The picture is too large to open safely."))
    return image


def upright_size(data: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[int, int]:
    """Width and height of the photo as displayed (EXIF orientation applied), from its header."""
    image = open_image(data, max_pixels=max_pixels)
    width, height = image.size
    return (height, width) if _orientation(image) in (5, 6, 7, 8) else (width, height)


def decode_upright(
    data: bytes,
    max_side: int | None = None,
    *,
    keep_alpha: bool = False,
    max_pixels: int = MAX_PIXELS,
) -> Image.Image:
    """Decoded pixels, upright, in RGB (RGBA with `keep_alpha`), with no metadata attached.

    With `max_side`, the result fits in a `max_side` square; a JPEG is then decoded at a reduced
    DCT scale (Pillow's ``draft``), several times faster than decoding the full size.
    """
    if max_side is not None and max_side < 1:
        raise ValueError("max_side must be positive")
    image = open_image(data, max_pixels=max_pixels)
    try:
        orientation = _orientation(image)
        if max_side is not None and image.format in ("JPEG", "MPO"):
            # draft keeps both sides >= the request, so a square request suits any rotation.
            image.draft(None, (max_side, max_side))
        image.load()
        icc_profile = image.info.get("icc_profile")
        pixels = _to_rgb(image, keep_alpha=keep_alpha)
        if max_side is not None:
            pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        if isinstance(icc_profile, bytes) and icc_profile and pixels.mode in ("RGB", "RGBA"):
            pixels = _to_srgb(pixels, icc_profile)
        transpose = _UPRIGHT.get(orientation)
        if transpose is not None:
            pixels = pixels.transpose(transpose)
    except ImageDecodeError:
        raise
    except Exception as exc:  # truncated data, broken Huffman tables, unsupported modes...
        raise ImageDecodeError(_("The picture's data is damaged and cannot be decoded.")) from exc
    pixels.info = {}
    return pixels


def encode_without_metadata(
    image: Image.Image, image_format: OutputFormat = "JPEG", *, quality: int = 90
) -> bytes:
    """Encode pixels alone: no EXIF, XMP, IPTC, ICC profile, comment or text chunk.

    Only what the encoder is told is written, and it is told nothing but the format and
    quality; any ``info`` the image still carries is dropped on a copy.
    """
    if image.info:
        image = image.copy()
        image.info = {}
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=quality)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def make_thumbnail(data: bytes, max_side: int = 512, quality: int = 80) -> bytes:
    """A small upright JPEG made from decoded pixels, for the vault's previews and reports."""
    return encode_without_metadata(decode_upright(data, max_side), "JPEG", quality=quality)


def strip_for_publication(data: bytes) -> bytes:
    """A full-size upright copy with every piece of metadata removed.

    PNG stays PNG (lossless, transparency kept); everything else becomes a JPEG of quality 90.
    """
    image_format = publication_format(data)
    image = decode_upright(data, keep_alpha=image_format == "PNG")
    return encode_without_metadata(image, image_format, quality=90)


def publication_format(data: bytes) -> OutputFormat:
    """The format a clean copy of `data` is written in: PNG for PNG, JPEG for anything else."""
    return "PNG" if data.startswith(b"\x89PNG\r\n\x1a\n") else "JPEG"


def placeholder_thumbnail(label: str, max_side: int = 512) -> bytes:
    """A neutral grey picture standing in for a file that cannot be shown.

    `label` is the item's kind ("photo", "video", "audio", "document", anything else) and picks
    a simple drawing; no text, so the placeholder needs no font and no translation.
    """
    if max_side < 16:
        raise ValueError("max_side must be at least 16")
    width, height = max_side, max_side * 3 // 4
    image = Image.new("RGB", (width, height), _PLACEHOLDER_GREY)
    draw = ImageDraw.Draw(image)
    unit = height / 12
    cx, cy = width / 2, height / 2
    line = max(1, round(unit / 3))
    if label == "video":
        draw.polygon(
            [(cx - 2 * unit, cy - 3 * unit), (cx - 2 * unit, cy + 3 * unit), (cx + 3 * unit, cy)],
            fill=_PLACEHOLDER_INK,
        )
    elif label == "audio":
        draw.ellipse([cx - 3 * unit, cy + unit, cx - unit, cy + 3 * unit], fill=_PLACEHOLDER_INK)
        draw.rectangle(
            [cx - unit - line, cy - 3 * unit, cx - unit, cy + 2 * unit], fill=_PLACEHOLDER_INK
        )
        draw.line(
            [(cx - unit, cy - 3 * unit), (cx + 2 * unit, cy - 2 * unit)], _PLACEHOLDER_INK, line
        )
    elif label == "document":
        draw.rectangle(
            [cx - 3 * unit, cy - 4 * unit, cx + 3 * unit, cy + 4 * unit],
            outline=_PLACEHOLDER_INK,
            width=line,
        )
        for row in range(-2, 3):
            y = cy + row * 1.3 * unit
            draw.line([(cx - 2 * unit, y), (cx + 2 * unit, y)], _PLACEHOLDER_INK, line)
    else:
        frame = [cx - 4 * unit, cy - 3 * unit, cx + 4 * unit, cy + 3 * unit]
        draw.rectangle(frame, outline=_PLACEHOLDER_INK, width=line)
        draw.polygon(
            [
                (cx - 3.5 * unit, cy + 2.5 * unit),
                (cx - unit, cy - unit),
                (cx + unit, cy + 2.5 * unit),
            ],
            fill=_PLACEHOLDER_INK,
        )
        draw.ellipse(
            [cx + 1.5 * unit, cy - 2.2 * unit, cx + 2.7 * unit, cy - unit], fill=_PLACEHOLDER_INK
        )
    return encode_without_metadata(image, "JPEG", quality=80)


def _orientation(image: Image.Image) -> int:
    """EXIF orientation 1-8; 1 when absent or nonsense (a damaged EXIF never stops a decode)."""
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _to_rgb(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """RGB (or RGBA) pixels from any mode; transparency is flattened onto white otherwise."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        image = image.point(lambda value: value * (1 / 256)).convert("L")  # 16-bit to 8-bit
    elif image.mode == "F":
        image = image.convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    if not has_alpha:
        return image if image.mode == "RGB" else image.convert("RGB")
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    if keep_alpha:
        return rgba
    flattened = Image.new("RGB", rgba.size, _BACKGROUND)
    flattened.paste(rgba, mask=rgba.getchannel("A"))
    return flattened


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """Colours converted from the embedded profile, since the profile itself is not kept."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        target = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(image, source, target, outputMode=image.mode)
    except Exception:  # a broken or non-RGB profile: keep the colours as decoded
        return image
    return converted if converted is not None else image
