"""A real, multi-chunk video imported into a real vault, shared by the playback tests."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import add_station

#: Noise frames compress badly: 50 of them make ~2.9 MB, three 1 MiB blob chunks.
FRAMES = 50


def write_video(path: Path, frames: int = FRAMES) -> bytes:
    """A Motion-JPEG AVI written by OpenCV; returns its bytes."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (320, 240))
    noise = np.random.default_rng(15)
    for _frame in range(frames):
        writer.write(noise.integers(0, 255, (240, 320, 3), dtype=np.uint8))
    writer.release()
    return path.read_bytes()


def two_colour_video(path: Path) -> Path:
    """An MJPEG AVI whose first frame is red on the left and blue on the right, then green."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 360))
    first = np.zeros((360, 640, 3), dtype=np.uint8)
    first[:, :320] = (0, 0, 255)  # OpenCV's frames are BGR
    first[:, 320:] = (255, 0, 0)
    writer.write(first)
    for _ in range(9):
        writer.write(np.full((360, 640, 3), (0, 255, 0), dtype=np.uint8))
    writer.release()
    return path


def imported_video(session: LogbookSession, folder: Path) -> tuple[str, bytes]:
    """The id of the video imported into `session`'s vault and the original file's bytes."""
    add_station(session, load_catalogue(), "101", "Школа-гимназия №12")
    original = write_video(folder / "polling-station.avi")
    result = media.import_file(
        session, folder / "polling-station.avi", media.Link("station", "101")
    )
    return result.id, original
