"""Offline face suggestions for redaction, with the CenterFace network on OpenCV's DNN module.

The model ships in `resources/models/` (`media/centerface.py`), so nothing is downloaded at run
time. It finds profiles, tilted, dim and small faces that OpenCV's Haar cascade missed (the
cascade was this module's first detector; `benchmarks/bench_faces.py` prints both), yet these
stay suggestions that the person accepts, edits or adds to, never a decision to publish.

Detection runs on the upright picture scaled so its longer side is at most `WORK_SIDE` pixels
(small pictures are enlarged up to twice, so that faces of about 10 pixels still reach the
network); boxes are scaled back to the upright picture's pixels and padded a little, since a
redaction must cover hair line and chin too. Pixels are decoded by Pillow in memory and handed
to OpenCV as an array: no file is involved.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from PIL import Image

from observer_app.media import centerface
from observer_app.media.images import decode_upright, upright_size
from observer_app.media.redaction import Box

#: A missed face is published, a false box costs a click: 2048 pixels (not 1024) finds faces of
#: 20-32 pixels in a 1024-pixel scene nearly twice as often, for ~3 s instead of ~1 s (off the
#: GUI thread).
WORK_SIDE: Final = 2048
#: CenterFace's confidence for a suggestion: at 0.35 (not the authors' 0.5) it found 86 % of the
#: benchmark's faces with no false box (`benchmarks/bench_faces.py` prints both at any value).
THRESHOLD: Final = 0.35

_MAX_ENLARGEMENT: Final = 2.0
_PADDING: Final = 0.1  # of the detected width or height, on each side


def suggest_faces(data: bytes, threshold: float = THRESHOLD) -> list[Box]:
    """Boxes around the faces found in a photo, in upright pixel coordinates, top to bottom."""
    width, height = upright_size(data)
    image = _working_picture(data, width, height)
    found = centerface.detect(np.asarray(image.convert("RGB")), threshold)
    factor_x = width / image.width
    factor_y = height / image.height
    boxes = [
        _to_picture((x, y, w, h), factor_x, factor_y, (width, height)) for x, y, w, h, _s in found
    ]
    return sorted(boxes, key=lambda box: (box.y, box.x))


def _working_picture(data: bytes, width: int, height: int) -> Image.Image:
    """The upright picture at the detector's working scale (decoded small when it is large)."""
    scale = min(WORK_SIDE / max(width, height), _MAX_ENLARGEMENT)
    if scale < 1:
        return decode_upright(data, max_side=WORK_SIDE)
    full = decode_upright(data)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    return full.resize(target, Image.Resampling.BICUBIC)


def _to_picture(
    found: tuple[float, float, float, float],
    factor_x: float,
    factor_y: float,
    size: tuple[int, int],
) -> Box:
    """A detection in working pixels -> a padded box in picture pixels, inside the picture."""
    x, y, w, h = found
    left = math.floor((x - w * _PADDING) * factor_x)
    top = math.floor((y - h * _PADDING) * factor_y)
    right = math.ceil((x + w * (1 + _PADDING)) * factor_x)
    bottom = math.ceil((y + h * (1 + _PADDING)) * factor_y)
    left, top = max(0, left), max(0, top)
    right, bottom = min(size[0], right), min(size[1], bottom)
    return Box(left, top, right - left, bottom - top)
