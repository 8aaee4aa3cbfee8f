"""Offline face suggestions for redaction, with OpenCV's Haar cascade.

The detector's data ships inside opencv-python-headless 4.x (``cv2.data.haarcascades``; 5.0
dropped it, hence the ``<5`` pin), so nothing is downloaded at run time. Haar cascades miss
profiles, small and partly hidden faces and find the odd face in foliage: these are suggestions
that the person accepts, edits or adds to, never a decision to publish.

Detection runs on the upright picture scaled so its longer side is at most `WORK_SIDE` pixels
(small pictures are enlarged up to twice, so faces of 12 pixels or more reach the cascade's
24-pixel window); boxes are scaled back to the upright picture's pixels and padded, since the
cascade frames eyes to mouth and a redaction must also cover the forehead and chin.
Pixels are decoded by Pillow in memory and handed to OpenCV as an array: no file is involved.
"""

from __future__ import annotations

import math
from typing import Final

import cv2
import cv2.data
import numpy as np
from PIL import Image

from observer_app.errors import UserActionError
from observer_app.i18n import _
from observer_app.media.images import decode_upright, upright_size
from observer_app.media.redaction import Box

WORK_SIDE: Final = 1024
CASCADE_FILE: Final = "haarcascade_frontalface_default.xml"

_MAX_ENLARGEMENT: Final = 2.0
_PADDING: Final = 0.15  # of the detected width or height, on each side
_MIN_WINDOW: Final = 24


def suggest_faces(data: bytes) -> list[Box]:
    """Boxes around the frontal faces found in a photo, in upright pixel coordinates."""
    width, height = upright_size(data)
    scale = min(WORK_SIDE / max(width, height), _MAX_ENLARGEMENT)
    if scale < 1:
        image = decode_upright(data, max_side=WORK_SIDE)
    else:
        full = decode_upright(data)
        target = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = full.resize(target, Image.Resampling.BICUBIC)
    grey = cv2.equalizeHist(np.asarray(image.convert("L")))
    detector = _load_detector()
    found = detector.detectMultiScale(
        grey, scaleFactor=1.1, minNeighbors=5, minSize=(_MIN_WINDOW, _MIN_WINDOW)
    )
    factor_x = width / image.width
    factor_y = height / image.height
    boxes = [
        _to_picture((int(x), int(y), int(w), int(h)), factor_x, factor_y, (width, height))
        for x, y, w, h in found
    ]
    return sorted(boxes, key=lambda box: (box.y, box.x))


def _load_detector() -> cv2.CascadeClassifier:
    """A fresh classifier per call: OpenCV's are not safe to share between threads."""
    path = cv2.data.haarcascades + CASCADE_FILE
    detector = cv2.CascadeClassifier(path)
    if detector.empty():
        raise UserActionError(_("The face detector's data is missing from this installation."))
    return detector


def _to_picture(
    found: tuple[int, int, int, int], factor_x: float, factor_y: float, size: tuple[int, int]
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
