"""Smoke test: Qt Multimedia's player decodes a video from the encrypted blob through the
BlobDevice (its FFmpeg backend reading from its own threads), with no plaintext file."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QIODevice, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink
from pytestqt.qtbot import QtBot

from observer_app.core.catalogue import load_catalogue
from observer_app.gui.media.blob_device import BlobDevice
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import add_station
from tests.media.media_support import two_colour_video


class ThreadRecordingDevice(BlobDevice):
    """The device as the window uses it, noting which threads call readData."""

    def __init__(self, reader: media.PlaybackReader) -> None:
        super().__init__(reader)
        self.readers: set[int] = set()

    def readData(self, maxlen: int, /) -> bytes | None:
        self.readers.add(threading.get_ident())
        return super().readData(maxlen)


def test_the_player_shows_the_first_frame_from_the_blob(
    qtbot: QtBot, session: LogbookSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_temp = tmp_path / "system-temp"
    private_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_temp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_temp))
    add_station(session, load_catalogue(), "101", "Школа-гимназия №12")
    clip = two_colour_video(tmp_path / "clip.avi")
    imported = media.import_file(session, clip, media.Link("station", "101"))
    device = ThreadRecordingDevice(media.open_playback(session, imported.id))
    assert device.open(QIODevice.OpenModeFlag.ReadOnly)
    player = QMediaPlayer()
    audio = QAudioOutput()  # set always: without one an audio track stalls the player
    player.setAudioOutput(audio)
    sink = QVideoSink()
    player.setVideoSink(sink)
    frames: list[QVideoFrame] = []
    sink.videoFrameChanged.connect(lambda frame: frames.append(QVideoFrame(frame)))
    player.setSourceDevice(device, QUrl("evidence"))  # a neutral name: FFmpeg logs it
    player.pause()  # loads and shows the first frame without running the clock
    qtbot.waitUntil(lambda: any(frame.isValid() for frame in frames), timeout=15_000)
    assert player.error() == QMediaPlayer.Error.NoError
    picture = next(frame for frame in frames if frame.isValid()).toImage()
    assert (picture.width(), picture.height()) == (640, 360)
    left, right = picture.pixelColor(160, 180), picture.pixelColor(480, 180)
    assert left.red() > 200 and left.blue() < 60  # red on the left, as encoded
    assert right.blue() > 200 and right.red() < 60
    qtbot.waitUntil(lambda: player.duration() > 0, timeout=15_000)
    assert 900 <= player.duration() <= 1100  # ten frames at 10 per second
    player.stop()
    player.setSource(QUrl())
    device.close()
    assert device.readers - {threading.get_ident()}  # FFmpeg read from its own threads
    # ...and from the blob: no file written to temp (PulseAudio leaves an empty runtime folder).
    assert [path for path in private_temp.rglob("*") if not path.is_dir()] == []
