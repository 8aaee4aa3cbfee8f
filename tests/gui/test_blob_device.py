"""The player's QIODevice over an encrypted blob: exact bytes at random seeks, safe from several
threads (Qt's FFmpeg backend reads from its own), and no plaintext file anywhere.

The content is a real video imported into a real vault; the device gets its reader from
`logbook.media.open_playback`, as the window will.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QIODevice

from observer_app.gui.media.blob_device import BlobDevice
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from tests.media.media_support import imported_video

CHUNK = 1 << 20


@pytest.fixture
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The system temp folder is one only this test uses, so that anything left there shows."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


@pytest.fixture
def video(session: LogbookSession, tmp_path: Path) -> tuple[str, bytes]:
    originals = tmp_path / "card"
    originals.mkdir()
    return imported_video(session, originals)


def distinctive_slice(original: bytes, start: int) -> bytes:
    """64 bytes of compressed noise at or after `start` (AVI padding is runs of zeros)."""
    for offset in range(start, len(original) - 64, 64):
        piece = original[offset : offset + 64]
        if len(set(piece)) > 40:
            return piece
    raise AssertionError("no noisy slice in the video")


def opened_device(session: LogbookSession, media_id: str) -> BlobDevice:
    device = BlobDevice(media.open_playback(session, media_id))
    assert device.open(QIODevice.OpenModeFlag.ReadOnly)
    return device


def test_random_seeks_read_the_exact_bytes(
    session: LogbookSession, video: tuple[str, bytes]
) -> None:
    media_id, original = video
    device = opened_device(session, media_id)
    assert not device.isSequential()
    assert device.size() == len(original) > 2 * CHUNK
    picks = random.Random(1415)
    offsets = [0, CHUNK - 1, CHUNK, 2 * CHUNK + 5, len(original) - 1]
    offsets += [picks.randrange(len(original)) for _ in range(60)]
    for offset in offsets:
        length = picks.choice([1, 188, 32_768, CHUNK + 3])
        assert device.seek(offset)
        assert device.pos() == offset
        data = bytes(device.read(length))
        assert data == original[offset : offset + length]
        assert device.pos() == offset + len(data)
    assert device.seek(len(original)) and device.atEnd() and bytes(device.read(10)) == b""
    assert not device.seek(-1) and not device.seek(len(original) + 1)
    device.close()
    assert not device.isOpen()


def test_it_is_read_only(session: LogbookSession, video: tuple[str, bytes]) -> None:
    media_id, _original = video
    device = BlobDevice(media.open_playback(session, media_id))
    assert not device.open(QIODevice.OpenModeFlag.ReadWrite)
    assert device.open(QIODevice.OpenModeFlag.ReadOnly)
    assert device.openMode() & QIODevice.OpenModeFlag.Unbuffered  # no plaintext read-ahead
    assert device.write(b"x") == -1
    device.close()


def test_concurrent_reads_each_get_their_own_slice(
    session: LogbookSession, video: tuple[str, bytes]
) -> None:
    """Four threads call readData (as Qt's read does) on one device at once: each call reads at
    the position and advances it atomically, so every slice is delivered once and exactly."""
    media_id, original = video
    device = opened_device(session, media_id)
    block = 65_536
    slices: list[bytes] = []
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def drain() -> None:
        try:
            start.wait()
            while data := device.readData(block):
                slices.append(data)
        except BaseException as error:  # reported on the test's thread
            failures.append(error)

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    device.close()
    assert failures == []
    expected = {original[i : i + block] for i in range(0, len(original), block)}
    assert len(slices) == len(expected) and set(slices) == expected


def test_a_player_thread_reads_while_the_gui_thread_closes(
    session: LogbookSession, video: tuple[str, bytes]
) -> None:
    media_id, original = video
    device = opened_device(session, media_id)
    wrong: list[int] = []
    reads = threading.Semaphore(0)
    stop = threading.Event()

    def demux() -> None:  # seeks and reads as FFmpeg's demuxer thread does
        picks = random.Random(7)
        while not stop.is_set():
            offset = picks.randrange(len(original))
            if not device.seek(offset):
                return  # closed
            data = bytes(device.read(50_000))
            if data and data != original[offset : offset + len(data)]:
                wrong.append(offset)
            reads.release()

    player = threading.Thread(target=demux)
    player.start()
    for _ in range(30):  # let the player thread read a while, asking what the GUI asks
        assert reads.acquire(timeout=10)
        assert device.size() == len(original) and device.isOpen()
    device.close()
    stop.set()
    player.join(timeout=10)
    assert not player.is_alive() and wrong == []
    assert not device.isOpen() and device.readData(10) is None


def test_no_plaintext_file_is_left_anywhere(
    session: LogbookSession, video: tuple[str, bytes], private_tempdir: Path
) -> None:
    media_id, original = video
    device = opened_device(session, media_id)
    for offset in range(0, len(original), 200_000):
        device.seek(offset)
        device.read(150_000)
    device.close()
    assert list(private_tempdir.rglob("*")) == []
    slices = [distinctive_slice(original, at) for at in (4096, CHUNK + 4096, 2 * CHUNK + 4096)]
    scanned = 0
    for root in (session.vault.path, Path(tempfile.gettempdir())):
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                scanned += 1
                for piece in slices:
                    assert piece not in data, path
    assert scanned >= 2  # the database and the blob, at least
    fds = Path(f"/proc/{os.getpid()}/fd")
    open_files = {os.path.realpath(fd) for fd in fds.iterdir()} if fds.is_dir() else set()
    assert not any(name.endswith((".avi", ".tmp")) for name in open_files)
