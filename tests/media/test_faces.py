"""Face suggestions with the CenterFace network shipped in resources/models/.

What these tests prove: the pipeline (decode, orientation, scaling down and back, padding,
bounds) puts boxes where real faces are: the small stock photo in invalid_image01137.jpg, the
astronaut portrait (public domain, tests/data/media/SOURCES.md), and that face pasted into a
large picture; that orientation is applied before detection; that a face upside down is still
suggested; that two threads may detect at once; and that nothing is found in blank pictures.
How well it finds faces in crowds, small or dim, against the Haar cascade it replaced:
`benchmarks/bench_faces.py`. It is a suggestion tool: the person reviews every box.
"""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import add_station
from observer_app.media.faces import suggest_faces
from observer_app.media.images import ImageDecodeError
from observer_app.media.redaction import Box

DATA = Path(__file__).resolve().parent.parent / "data" / "media"
REAL_FACE_CENTRE = (28, 38)  # in invalid_image01137.jpg (88x64): the girl's face
ASTRONAUT_FACE = (175, 50, 275, 185)  # left, top, right, bottom in astronaut.jpg (512x512)


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def encoded(image: Image.Image, image_format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


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


def test_the_astronaut_is_found() -> None:
    boxes = suggest_faces(sample("astronaut.jpg"))
    assert len(boxes) == 1
    left, top, right, bottom = ASTRONAUT_FACE
    assert contains(boxes[0], (left + right) / 2, (top + bottom) / 2)
    assert boxes[0].x <= left + 15 and boxes[0].right >= right - 15  # the whole face, padded
    assert boxes[0].y <= top + 15 and boxes[0].bottom >= bottom - 15
    assert boxes[0].w <= 2 * (right - left) and boxes[0].h <= 2 * (bottom - top)


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
    # Control: without the tag the face is found where the stored pixels hold it, sideways.
    untagged = suggest_faces(encoded(stored, "JPEG", quality=95))
    assert len(untagged) == 1
    assert contains(untagged[0], REAL_FACE_CENTRE[1], 88 - 1 - REAL_FACE_CENTRE[0])
    assert not contains(untagged[0], *REAL_FACE_CENTRE)


def test_face_in_a_large_picture_is_boxed_in_full_size_coordinates() -> None:
    face = Image.open(DATA / "astronaut.jpg").convert("RGB").crop(ASTRONAUT_FACE)
    picture = Image.new("RGB", (3000, 2000), (120, 120, 120))
    picture.paste(face.resize((500, 675)), (2000, 500))  # x5 the portrait's face
    boxes = suggest_faces(encoded(picture, "JPEG", quality=90))
    assert len(boxes) == 1
    box = boxes[0]
    assert inside(box, (3000, 2000))
    # The face's centre and most of it, scaled back from the 1024-pixel working copy.
    assert contains(box, 2000 + 250, 500 + 337)
    assert 350 <= box.w <= 800 and 450 <= box.h <= 1000


def test_a_face_upside_down_is_suggested_too() -> None:
    upside_down = Image.open(DATA / "astronaut.jpg").convert("RGB").rotate(180)
    boxes = suggest_faces(encoded(upside_down, "JPEG", quality=90))
    left, top, right, bottom = ASTRONAUT_FACE
    assert len(boxes) == 1
    assert contains(boxes[0], 512 - (left + right) / 2, 512 - (top + bottom) / 2)


def test_two_threads_may_detect_at_once() -> None:
    """OpenCV's networks are not thread-safe: each call has its own, so results agree."""
    expected = suggest_faces(sample("astronaut.jpg"))
    results: list[list[Box]] = []
    threads = [
        threading.Thread(target=lambda: results.append(suggest_faces(sample("astronaut.jpg"))))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected, expected]


@pytest.mark.parametrize("size", [(1, 1), (10, 10), (640, 480)])
def test_blank_pictures_have_no_faces(size: tuple[int, int]) -> None:
    assert suggest_faces(encoded(Image.new("RGB", size, (90, 120, 150)), "JPEG")) == []


def test_full_size_photo_runs_in_bounded_time() -> None:
    data = sample("mobile_jolla.jpg")  # a leaf: anything reported here is a false alarm
    started = time.perf_counter()
    boxes = suggest_faces(data)
    elapsed = time.perf_counter() - started
    print(f"faces on 3264x2448: {elapsed * 1000:.0f} ms, {len(boxes)} suggestions")
    assert elapsed < 20
    assert boxes == []


def test_undecodable_picture_is_a_decode_error() -> None:
    with pytest.raises(ImageDecodeError):
        suggest_faces(sample("heic_IMG_5195.HEIC")[:1000])


def test_the_service_suggests_the_face_of_an_imported_photo(session: LogbookSession) -> None:
    add_station(session, load_catalogue(), "101", "Школа-гимназия №12")
    imported = media.import_file(session, DATA / "astronaut.jpg", media.Link("station", "101"))
    boxes = media.suggest_faces(session, imported.id)
    left, top, right, bottom = ASTRONAUT_FACE
    assert len(boxes) == 1 and contains(boxes[0], (left + right) / 2, (top + bottom) / 2)
