"""Face suggestions with OpenCV's bundled Haar cascade.

What these tests prove: the pipeline (decode, orientation, scaling down and back, padding,
bounds) puts boxes where faces are, on the one real face among the samples (a small stock photo
in invalid_image01137.jpg) and on a drawn face in a large picture; that orientation is applied
before detection; and that nothing is found in blank pictures. They do not measure how well the
cascade finds faces in crowds, in profile or in poor light: it is a suggestion tool, and the
person reviews every box.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from observer_app.media.faces import suggest_faces
from observer_app.media.images import ImageDecodeError
from observer_app.media.redaction import Box

DATA = Path(__file__).resolve().parent.parent / "data" / "media"
REAL_FACE_CENTRE = (28, 38)  # in invalid_image01137.jpg (88x64): the girl's face


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def encoded(image: Image.Image, image_format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def drawn_face(size: int) -> Image.Image:
    """A shaded cartoon face: dark eyes and brows, light nose bridge, dark mouth."""
    face = Image.new("L", (size, size), 120)
    draw = ImageDraw.Draw(face)

    def at(*values: float) -> list[float]:
        return [value * size / 200 for value in values]

    draw.ellipse(at(40, 20, 160, 185), fill=200)
    draw.rectangle(at(40, 20, 160, 45), fill=70)
    draw.ellipse(at(58, 68, 92, 88), fill=40)
    draw.ellipse(at(108, 68, 142, 88), fill=40)
    draw.rectangle(at(55, 55, 95, 62), fill=60)
    draw.rectangle(at(105, 55, 145, 62), fill=60)
    draw.rectangle(at(94, 90, 106, 125), fill=230)
    draw.ellipse(at(85, 120, 115, 132), fill=120)
    draw.ellipse(at(70, 142, 130, 158), fill=60)
    return face.filter(ImageFilter.GaussianBlur(3 * size / 200))


def contains(box: Box, x: float, y: float) -> bool:
    return box.x <= x < box.right and box.y <= y < box.bottom


def inside(box: Box, size: tuple[int, int]) -> bool:
    return box.x >= 0 and box.y >= 0 and box.right <= size[0] and box.bottom <= size[1]


def test_the_real_face_in_the_samples_is_found() -> None:
    boxes = suggest_faces(sample("invalid_image01137.jpg"))
    assert len(boxes) == 1
    assert contains(boxes[0], *REAL_FACE_CENTRE)
    assert inside(boxes[0], (88, 64))
    assert 30 <= boxes[0].w <= 60 and 30 <= boxes[0].h <= 60


def test_orientation_is_applied_before_detection() -> None:
    upright = Image.open(DATA / "invalid_image01137.jpg").convert("RGB")
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # as a camera held sideways stores it
    exif = Image.Exif()
    exif[0x0112] = 6
    tagged = encoded(stored, "JPEG", quality=95, exif=exif.tobytes())
    boxes = suggest_faces(tagged)
    assert len(boxes) == 1
    assert contains(boxes[0], *REAL_FACE_CENTRE)  # upright coordinates
    assert inside(boxes[0], (88, 64))
    # Control: the same sideways pixels without the tag hold no upright face.
    assert suggest_faces(encoded(stored, "JPEG", quality=95)) == []


def test_face_in_a_large_picture_is_boxed_in_full_size_coordinates() -> None:
    picture = Image.new("L", (3000, 2000), 120)
    picture.paste(drawn_face(600), (2000, 500))
    boxes = suggest_faces(encoded(picture.convert("RGB"), "JPEG", quality=90))
    assert len(boxes) == 1
    box = boxes[0]
    assert inside(box, (3000, 2000))
    # Eyes to mouth of the drawn face, scaled back from the 1024-pixel working copy and padded.
    for x, y in ((2000 + 180, 500 + 200), (2000 + 420, 500 + 200), (2000 + 300, 500 + 470)):
        assert contains(box, x, y)
    assert 450 <= box.w <= 900 and 450 <= box.h <= 900


def test_upside_down_face_is_not_suggested() -> None:
    picture = Image.new("L", (800, 600), 120)
    picture.paste(drawn_face(300).rotate(180), (250, 150))
    assert suggest_faces(encoded(picture)) == []
    picture.paste(drawn_face(300), (250, 150))
    assert len(suggest_faces(encoded(picture))) == 1


@pytest.mark.parametrize("size", [(1, 1), (10, 10), (640, 480), (4000, 3000)])
def test_blank_pictures_have_no_faces(size: tuple[int, int]) -> None:
    assert suggest_faces(encoded(Image.new("RGB", size, (90, 120, 150)), "JPEG")) == []


def test_full_size_photo_runs_in_bounded_time() -> None:
    data = sample("mobile_jolla.jpg")  # a leaf: what the cascade reports here are false alarms
    started = time.perf_counter()
    boxes = suggest_faces(data)
    elapsed = time.perf_counter() - started
    print(f"faces on 3264x2448: {elapsed * 1000:.0f} ms, {len(boxes)} suggestions")
    assert elapsed < 20
    assert all(inside(box, (3264, 2448)) and box.w > 0 and box.h > 0 for box in boxes)


def test_undecodable_picture_is_a_decode_error() -> None:
    with pytest.raises(ImageDecodeError):
        suggest_faces(sample("heic_IMG_5195.HEIC")[:1000])
