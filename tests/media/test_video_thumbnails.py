"""A video's thumbnail is its first frame, decoded from the encrypted blob (no plaintext file);
a video that does not decode keeps the placeholder and is imported all the same."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import add_station
from observer_app.media import video_frames
from observer_app.media.images import ImageDecodeError
from observer_app.vault.blobs import BlobStore, find_blob
from tests.media.media_support import two_colour_video

STATION = media.Link("station", "101")


@pytest.fixture
def observer(session: LogbookSession) -> LogbookSession:
    add_station(session, load_catalogue(), "101", "Школа-гимназия №12")
    return session


def test_the_thumbnail_is_the_first_frame(
    observer: LogbookSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_temp = tmp_path / "system-temp"
    private_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_temp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_temp))
    result = media.import_file(observer, two_colour_video(tmp_path / "clip.avi"), STATION)
    item = media.require_media(observer, result.id)
    assert item.kind == "video"
    thumb = media.thumbnail_jpeg(observer, result.id)
    assert thumb is not None and thumb.startswith(b"\xff\xd8") and b"Exif\x00\x00" not in thumb
    picture = Image.open(io.BytesIO(thumb)).convert("RGB")
    assert picture.size == (512, 288)  # 640x360 scaled to fit 512
    red, _g, blue = picture.getpixel((64, 144))  # type: ignore[misc]
    assert red > 200 and blue < 60
    red, _g, blue = picture.getpixel((448, 144))  # type: ignore[misc]
    assert blue > 200 and red < 60
    assert os.listdir(private_temp) == []  # FFmpeg read the blob itself, through the reader


def test_a_video_that_does_not_decode_keeps_the_placeholder(
    observer: LogbookSession, tmp_path: Path
) -> None:
    clip = tmp_path / "broken.avi"
    clip.write_bytes(b"RIFF\x00\x10\x00\x00AVI LIST" + os.urandom(200_000))
    result = media.import_file(observer, clip, STATION)
    item = media.require_media(observer, result.id)
    assert item.kind == "video" and item.size == 200_016
    assert media.thumbnail_jpeg(observer, result.id) is None
    assert media.placeholder_jpeg(item).startswith(b"\xff\xd8")
    assert media.original_bytes(observer, item) == clip.read_bytes()


def test_a_truncated_video_is_imported_whole(observer: LogbookSession, tmp_path: Path) -> None:
    whole = two_colour_video(tmp_path / "clip.avi").read_bytes()
    clip = tmp_path / "cut.avi"
    clip.write_bytes(whole[: len(whole) // 2])
    result = media.import_file(observer, clip, STATION)
    item = media.require_media(observer, result.id)
    assert media.original_bytes(observer, item) == whole[: len(whole) // 2]
    thumb = media.thumbnail_jpeg(observer, result.id)
    assert thumb is None or thumb.startswith(b"\xff\xd8")  # a frame if one decodes, else none


def test_frames_larger_than_the_picture_limit_are_refused(
    observer: LogbookSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = media.import_file(observer, two_colour_video(tmp_path / "clip.avi"), STATION)
    record = find_blob(observer.conn, media.require_media(observer, result.id).sha256)
    assert record is not None
    monkeypatch.setattr(video_frames, "MAX_PIXELS", 640 * 360 - 1)  # the limit, made small
    with (
        BlobStore(observer.vault.blobs_dir).open(record.file, record.key) as reader,
        pytest.raises(ImageDecodeError),
    ):
        video_frames.first_frame(reader)
