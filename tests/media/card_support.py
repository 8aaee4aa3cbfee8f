"""An SD card's DCIM folder as a camera leaves it, with the bad input an import meets: real
camera photos, one of them twice, a name that is not UTF-8, hidden junk, and broken files (an
undecodable JPEG, a truncated one, an image bomb, a truncated MP4)."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

DATA = Path(__file__).parent.parent / "data" / "media"
GOOD = ("gps_DSCN0010.jpg", "Canon_40D.jpg", "orientation_landscape_6.jpg")
#: A file name whose bytes are not UTF-8 (a camera or an old Windows wrote it).
NON_UTF8 = os.fsdecode(b"IMG_\xff\xfe.jpg")
BROKEN = ("undecodable.jpg", "cut.jpg", "bomb.png", "cut.mp4")


@dataclass(frozen=True)
class Card:
    root: Path  # the card's mount point
    dcim: Path
    good: tuple[Path, ...]  # distinct photos (the non-UTF-8 one included)
    duplicate: Path  # the same bytes as good[0], under another name
    broken: dict[str, Path]


def image_bomb() -> bytes:
    """A valid PNG header declaring 30000 x 30000 pixels (900 megapixels) over tiny data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\0" * 1000))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


def mp4_bytes(folder: Path) -> bytes:
    path = folder / "whole.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10, (320, 240))
    for index in range(20):
        writer.write(np.full((240, 320, 3), index * 10, dtype=np.uint8))
    writer.release()
    data = path.read_bytes()
    path.unlink()
    return data


def make_card(folder: Path) -> Card:
    root = folder / "SDCARD"
    dcim = root / "DCIM"
    camera = dcim / "100NIKON"
    other = dcim / "101PHONE"
    camera.mkdir(parents=True)
    other.mkdir()
    good = [shutil.copy(DATA / name, camera / name) for name in GOOD]
    good.append(shutil.copy(DATA / "gps_DSCN0021.jpg", other / NON_UTF8))
    duplicate = Path(shutil.copy(DATA / GOOD[0], other / "IMG_0001_copy.jpg"))
    jpeg = (DATA / "gps_DSCN0038.jpg").read_bytes()
    broken = {
        "undecodable.jpg": b"\xff\xd8\xff" + bytes(range(256)) * 40,
        "cut.jpg": jpeg[: len(jpeg) // 2],
        "bomb.png": image_bomb(),
        "cut.mp4": mp4_bytes(folder)[:4000],
    }
    broken_paths = {}
    for name, data in broken.items():
        broken_paths[name] = other / name
        broken_paths[name].write_bytes(data)
    (root / ".Trashes").mkdir()
    (root / ".Trashes" / "old.jpg").write_bytes(jpeg)
    (camera / "._DSCN0010.jpg").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    return Card(root, dcim, tuple(Path(p) for p in good), duplicate, broken_paths)
