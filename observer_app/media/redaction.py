"""Covering parts of a photo (faces, badges, number plates) for an anonymised copy.

The result is a new picture made from decoded, upright pixels and encoded with no metadata, so
the original's GPS, camera data and capture time go with nothing that is published. Boxes are in
the upright picture's pixel coordinates: what the person saw on screen when drawing them.

Filling is the default because it leaves nothing to recover. Blur and pixelation are for
pictures where an opaque block would mislead; both are made deliberately coarse (blocks of at
least an eighth of the box, a blur over a downscaled copy applied twice) because fine
pixelation and light blur of faces and text can be reversed or recognised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageDraw, ImageFilter

from observer_app.core.media_terms import REDACTION_STYLES, RedactionStyle
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.media.images import (
    OutputFormat,
    decode_upright,
    encode_without_metadata,
    publication_format,
)

STYLES: Final = REDACTION_STYLES

_MIN_BLOCK: Final = 16
_BOX_TEXT = re.compile(r"\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*")


@dataclass(frozen=True)
class Box:
    """A rectangle in the upright picture: left, top, width, height in pixels."""

    x: int
    y: int
    w: int
    h: int

    @classmethod
    def parse(cls, text: str) -> Box:
        """``"x,y,w,h"`` as typed on the command line (``--box 10,20,300,200``)."""
        match = _BOX_TEXT.fullmatch(text)
        if match is None:
            raise UsageError(
                _("A box is written x,y,width,height in pixels, not {text}.").format(text=text)
            )
        x, y, w, h = (int(part) for part in match.groups())
        return cls(x, y, w, h)

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


def validate_boxes(boxes: Sequence[Box], size: tuple[int, int]) -> None:
    """Refuse boxes that are empty or reach outside a picture of `size` (upright)."""
    width, height = size
    if not boxes:
        raise UsageError(_("Give at least one area to cover."))
    for box in boxes:
        if box.w <= 0 or box.h <= 0:
            raise UsageError(_("The area {box} is empty.").format(box=str(box)))
        if box.x < 0 or box.y < 0 or box.right > width or box.bottom > height:
            raise UsageError(
                _("The area {box} reaches outside the picture ({width}x{height}).").format(
                    box=str(box), width=width, height=height
                )
            )


def redact(
    data: bytes,
    boxes: Sequence[Box],
    style: RedactionStyle = "fill",
    *,
    output_format: OutputFormat | None = None,
) -> bytes:
    """The upright picture with `boxes` covered, encoded with no metadata.

    The format is PNG for a PNG original and JPEG (quality 90) otherwise, unless
    `output_format` says which.
    """
    if style not in STYLES:
        raise UsageError(_("Unknown redaction style {style}.").format(style=style))
    image_format = output_format or publication_format(data)
    image = decode_upright(data, keep_alpha=image_format == "PNG")
    validate_boxes(boxes, image.size)
    cover(image, boxes, style)
    return encode_without_metadata(image, image_format, quality=90)


def cover(image: Image.Image, boxes: Sequence[Box], style: RedactionStyle) -> None:
    """Cover `boxes` of `image` in place: what `redact` does to the pixels, also used by the
    window's preview on a scaled-down copy (the blocks scale with the box, so it looks alike)."""
    for box in boxes:
        _cover(image, box, style)


def _cover(image: Image.Image, box: Box, style: RedactionStyle) -> None:
    area = (box.x, box.y, box.right, box.bottom)
    if style == "fill":
        colour = (0, 0, 0, 255) if image.mode == "RGBA" else (0, 0, 0)
        ImageDraw.Draw(image).rectangle((box.x, box.y, box.right - 1, box.bottom - 1), colour)
        return
    region = image.crop(area)
    longest = max(box.w, box.h)
    block = max(_MIN_BLOCK, math.ceil(longest / 8))
    small_size = (max(1, math.ceil(box.w / block)), max(1, math.ceil(box.h / block)))
    small = region.resize(small_size, Image.Resampling.BOX)  # each pixel: a block's average
    if style == "pixelate":
        covered = small.resize(region.size, Image.Resampling.NEAREST)
    else:
        radius = max(1.0, longest / 4)
        covered = small.resize(region.size, Image.Resampling.BILINEAR)
        covered = covered.filter(ImageFilter.GaussianBlur(radius))
        covered = covered.filter(ImageFilter.GaussianBlur(radius))
    image.paste(covered, area)
