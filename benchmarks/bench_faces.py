"""Face suggestions benchmark (issue 15): CenterFace (the app's detector) against the Haar cascade.

Pictures with real faces that scikit-image ships (the `bench` extra: `pip install -e
".[bench]"`): the astronaut portrait (`data.astronaut()`, one face) and the LFW subset
(`data.lfw_subset()`: 100 tight 25x25 face crops and 100 non-face crops). The crops are composed
into crowd scenes of 1024x768: faces at 20-80 pixels on a textured background with non-face
crops as distractors, in three variants: upright, tilted (up to +-25 degrees) and dim (contrast
and brightness down to 35-60 %).

Both detectors run their whole pipeline on encoded JPEG bytes (decode, working scale, padding):
CenterFace through the app's `observer_app.media.faces.suggest_faces` (a 1024x768 scene is
enlarged to its 2048-pixel working size), the cascade through the steps of the app's first
detector (1024-pixel working size, equalised grey, `detectMultiScale(1.1, 5, 24x24)`); "both"
is CenterFace plus the cascade's boxes that CenterFace did not find, to see whether keeping the
cascade beside it would help. A face counts as found when a box holds its centre and the box's
centre lies in the face; every other box is a false box. Prints recall per size band and
variant, false boxes and the median time per scene.
Run: `.venv/bin/python benchmarks/bench_faces.py` (`--scenes N` per variant, default 3;
`--threshold T` for CenterFace, default the app's).
"""

from __future__ import annotations

import argparse
import io
import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import cv2.data
import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from observer_app.media import faces
from observer_app.media.images import decode_upright, upright_size
from observer_app.media.redaction import Box

try:
    from skimage import data as skimage_data
except ImportError as missing:  # pragma: no cover - a benchmark-only dependency
    raise SystemExit('scikit-image is needed: pip install -e ".[bench]"') from missing

SCENE = (1024, 768)
BANDS = ((20, 32), (32, 48), (48, 80))
ASTRONAUT_FACE = (175, 50, 275, 185)
Detector = Callable[[bytes], list[Box]]
Rect = tuple[float, float, float, float]  # left, top, width, height


def haar_faces(data: bytes) -> list[Box]:
    """The app's first detector, kept here as the baseline (its module's steps, unchanged)."""
    width, height = upright_size(data)
    scale = min(1024 / max(width, height), 2.0)
    if scale < 1:
        image = decode_upright(data, max_side=1024)
    else:
        target = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = decode_upright(data).resize(target, Image.Resampling.BICUBIC)
    grey = cv2.equalizeHist(np.asarray(image.convert("L")))
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(24, 24))
    fx, fy = width / image.width, height / image.height
    boxes = []
    for x, y, w, h in found:
        left, top = max(0, math.floor((x - w * 0.15) * fx)), max(0, math.floor((y - h * 0.15) * fy))
        right = min(width, math.ceil((x + w * 1.15) * fx))
        bottom = min(height, math.ceil((y + h * 1.15) * fy))
        boxes.append(Box(left, top, right - left, bottom - top))
    return boxes


@dataclass
class Tally:
    found: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    false_boxes: int = 0
    pictures: int = 0
    scene_seconds: list[float] = field(default_factory=list)  # 1024x768 crowd scenes only

    def count(self, key: str, hit: bool) -> None:
        self.total[key] = self.total.get(key, 0) + 1
        self.found[key] = self.found.get(key, 0) + int(hit)

    def recall(self, key: str) -> str:
        total = self.total.get(key, 0)
        return f"{self.found.get(key, 0)}/{total}" if total else "-"


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    x, y, w, h = box
    return x + w / 2, y + h / 2


def _holds(box: tuple[float, float, float, float], point: tuple[float, float]) -> bool:
    x, y, w, h = box
    return x <= point[0] < x + w and y <= point[1] < y + h


def _rect(box: Box) -> Rect:
    return (box.x, box.y, box.w, box.h)


def matches(found: Box, truth: Rect) -> bool:
    box = _rect(found)
    return _holds(box, _centre(truth)) and _holds(truth, _centre(box))


def score(
    detector: Detector, jpeg: bytes, truths: list[tuple[str, Rect]], tally: Tally, scene: bool
) -> None:
    started = time.perf_counter()
    boxes = detector(jpeg)
    if scene:
        tally.scene_seconds.append(time.perf_counter() - started)
    tally.pictures += 1
    used: set[int] = set()
    for key, truth in truths:
        hit = next(
            (i for i, b in enumerate(boxes) if i not in used and matches(b, truth)),
            None,
        )
        if hit is not None:
            used.add(hit)
        tally.count(key, hit is not None)
    tally.false_boxes += len(boxes) - len(used)


def jpeg_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def background(rng: random.Random) -> Image.Image:
    """A textured, face-free backdrop: scikit-image's coffee, rocket or brick, blurred a bit."""
    choice = rng.choice([skimage_data.coffee, skimage_data.rocket, skimage_data.brick])
    picture = Image.fromarray(choice()).convert("RGB").resize(SCENE)
    return picture.filter(ImageFilter.GaussianBlur(2))


def crowd_scene(
    rng: random.Random, face_crops: list[Image.Image], other_crops: list[Image.Image], variant: str
) -> tuple[Image.Image, list[tuple[str, Rect]]]:
    """Faces on a grid of cells (one per cell, no overlaps), non-face crops in other cells."""
    scene = background(rng)
    truths: list[tuple[str, Rect]] = []
    cell = 110
    cells = [
        (cx, cy) for cx in range(0, SCENE[0] - cell, cell) for cy in range(0, SCENE[1] - cell, cell)
    ]
    rng.shuffle(cells)
    for index, (cx, cy) in enumerate(cells):
        is_face = index % 3 != 2
        source = rng.choice(face_crops if is_face else other_crops)
        low, high = BANDS[(index // 3) % len(BANDS)]  # faces and distractors in every band
        side = rng.randrange(low, high)
        crop = source.resize((side, side), Image.Resampling.BICUBIC)
        if variant == "tilted":
            crop = crop.rotate(
                rng.uniform(-25, 25),
                resample=Image.Resampling.BICUBIC,
                expand=False,
                fillcolor=(128, 128, 128),
            )
        if variant == "dim":
            crop = ImageEnhance.Contrast(crop).enhance(rng.uniform(0.35, 0.6))
            crop = ImageEnhance.Brightness(crop).enhance(rng.uniform(0.35, 0.6))
        x = cx + rng.randrange(0, cell - side)
        y = cy + rng.randrange(0, cell - side)
        scene.paste(crop, (x, y))
        if is_face:
            band = f"{low}-{high}px"
            truths.append((f"{variant} {band}", (x, y, side, side)))
    return scene, truths


def lfw_crops() -> tuple[list[Image.Image], list[Image.Image]]:
    crops = skimage_data.lfw_subset()  # 200 x 25 x 25 floats in 0..1: faces, then non-faces
    images = [Image.fromarray(np.uint8(np.clip(c, 0, 1) * 255)).convert("RGB") for c in crops]
    astronaut = Image.fromarray(skimage_data.astronaut()).crop(ASTRONAUT_FACE)
    return [*images[:100], astronaut.resize((100, 135))], images[100:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=3, help="crowd scenes per variant")
    parser.add_argument(
        "--threshold", type=float, default=faces.THRESHOLD, help="CenterFace's confidence"
    )
    parser.add_argument("--skip-single", action="store_true", help="crowd scenes only")
    args = parser.parse_args()

    def centerface(data: bytes) -> list[Box]:
        return faces.suggest_faces(data, threshold=args.threshold)

    def both(data: bytes) -> list[Box]:
        """CenterFace's boxes plus the cascade's that no CenterFace box already holds."""
        first = centerface(data)
        extra = [b for b in haar_faces(data) if not any(matches(b, _rect(f)) for f in first)]
        return first + extra

    detectors: dict[str, Detector] = {"centerface": centerface, "haar": haar_faces, "both": both}
    tallies = {name: Tally() for name in detectors}
    face_crops, other_crops = lfw_crops()

    astronaut = jpeg_of(Image.fromarray(skimage_data.astronaut()))
    for name, detector in detectors.items():
        x0, y0, x1, y1 = ASTRONAUT_FACE
        score(
            detector,
            astronaut,
            [("astronaut portrait", (x0, y0, x1 - x0, y1 - y0))],
            tallies[name],
            False,
        )

    # The LFW crops alone, each at 80x80 in a 160x160 grey frame: the detector sees one face.
    for index, crop in enumerate([] if args.skip_single else face_crops[:100]):
        frame = Image.new("RGB", (160, 160), (128, 128, 128))
        frame.paste(crop.resize((80, 80), Image.Resampling.BICUBIC), (40, 40))
        for name, detector in detectors.items():
            truth = [("lfw single 80px", (40.0, 40.0, 80.0, 80.0))]
            score(detector, jpeg_of(frame), truth, tallies[name], False)
        if index % 25 == 24:
            print(f"  ... {index + 1} LFW faces scored", flush=True)

    rng = random.Random(15)
    for variant in ("upright", "tilted", "dim"):
        for _scene in range(args.scenes):
            scene, truths = crowd_scene(rng, face_crops, other_crops, variant)
            jpeg = jpeg_of(scene)
            for name, detector in detectors.items():
                score(detector, jpeg, truths, tallies[name], True)
        print(f"  ... {variant} scenes scored", flush=True)

    keys = ["astronaut portrait", "lfw single 80px"] + [
        f"{variant} {low}-{high}px"
        for variant in ("upright", "tilted", "dim")
        for low, high in BANDS
    ]
    print(f"{'faces found':28}" + "".join(f"{name:>14}" for name in detectors))
    for key in keys:
        print(f"{key:28}" + "".join(f"{tallies[name].recall(key):>14}" for name in detectors))
    for name, tally in tallies.items():
        found = sum(tally.found.values())
        total = sum(tally.total.values())
        print(
            f"{name}: recall {found}/{total} ({100 * found / total:.0f} %), "
            f"false boxes {tally.false_boxes} in {tally.pictures} pictures "
            f"(scenes hold {len(other_crops)} kinds of non-face crops), "
            f"{1000 * statistics.median(tally.scene_seconds):.0f} ms a 1024x768 scene (median)"
        )


if __name__ == "__main__":
    main()
