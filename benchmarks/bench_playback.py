"""Playback benchmark (issue 15): a large video played and seeked from its encrypted blob.

A Motion-JPEG AVI of about `--mb` MB (default 1024) is written, imported into a real vault
(hash, encryption, thumbnail from its first frame), then measured: the first frame through Qt
Multimedia (`QMediaPlayer` on the `BlobDevice`, to a `QVideoSink`; goal < 1 s), the thumbnail's
first-frame decode through OpenCV on the reader, and random 64 KiB reads through the device
(what a seek costs: one or two 1 MiB chunks decrypted). One line per figure.
Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_playback.py [--mb 1024]
[--dir D]` (put it on the disk to measure: `/tmp` may be a tmpfs).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QEventLoop, QIODevice, QTimer, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink

from observer_app.core.catalogue import load_catalogue
from observer_app.gui.media.blob_device import BlobDevice
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.logbook.stations import add_station
from observer_app.media.video_frames import first_frame
from observer_app.vault.blobs import BlobStore, find_blob
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault

PASSPHRASE = "benchmark"


def write_video(path: Path, megabytes: int) -> int:
    """Noise frames at 1280x720 (~1.4 MB each as JPEG), eight distinct ones in turn."""
    noise = np.random.default_rng(15)
    frames = [noise.integers(0, 255, (720, 1280, 3), dtype=np.uint8) for _ in range(8)]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 25, (1280, 720))
    index = 0
    while True:
        writer.write(frames[index % len(frames)])
        index += 1
        if index % 100 == 0:
            print(f"  ... {index} frames written", flush=True)
            if path.stat().st_size >= megabytes * 1_000_000:
                break
    writer.release()
    return path.stat().st_size


def first_frame_in_player(session: LogbookSession, media_id: str) -> float:
    """Seconds from handing the device to the player until the first decoded frame arrives."""
    device = BlobDevice(media.open_playback(session, media_id))
    device.open(QIODevice.OpenModeFlag.ReadOnly)
    player = QMediaPlayer()
    audio = QAudioOutput()
    player.setAudioOutput(audio)
    sink = QVideoSink()
    player.setVideoSink(sink)
    loop = QEventLoop()
    arrived: list[float] = []

    def on_frame(frame: QVideoFrame) -> None:
        if frame.isValid() and not arrived:
            arrived.append(time.perf_counter())
            loop.quit()

    sink.videoFrameChanged.connect(on_frame)
    QTimer.singleShot(30_000, loop.quit)
    started = time.perf_counter()
    player.setSourceDevice(device, QUrl("evidence"))
    player.pause()
    loop.exec()
    player.stop()
    player.setSource(QUrl())
    device.close()
    if not arrived:
        raise SystemExit("no frame within 30 s")
    return arrived[0] - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    app = QGuiApplication([])
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        root = Path(folder)
        clip = root / "long-clip.avi"
        size = write_video(clip, args.mb)
        init_vault(root / "vault", PASSPHRASE, NewIdentity(name="Bench"), KdfParams.for_tests())
        session = LogbookSession(open_vault(root / "vault", PASSPHRASE))
        add_station(session, load_catalogue(), "101", "School 12")
        started = time.perf_counter()
        imported = media.import_file(session, clip, media.Link("station", "101"))
        import_s = time.perf_counter() - started
        clip.unlink()
        print(f"video: {size / 1e6:.0f} MB; import with first-frame thumbnail {import_s:.1f} s")
        item = media.require_media(session, imported.id)
        record = find_blob(session.conn, item.sha256)
        assert record is not None
        with BlobStore(session.vault.blobs_dir).open(record.file, record.key) as reader:
            started = time.perf_counter()
            first_frame(reader)
            elapsed = time.perf_counter() - started
            print(f"thumbnail's first frame (OpenCV on the reader): {elapsed:.2f} s")
        player_s = [first_frame_in_player(session, imported.id) for _ in range(3)]
        verdict = "ok" if max(player_s) < 1 else "not ok"
        print(
            f"first frame in the player: {', '.join(f'{s:.2f}' for s in player_s)} s "
            f"(goal < 1 s: {verdict})"
        )
        device = BlobDevice(media.open_playback(session, imported.id))
        device.open(QIODevice.OpenModeFlag.ReadOnly)
        picks = random.Random(15)
        times = []
        for _ in range(300):
            device.seek(picks.randrange(device.size() - 65_536))
            started = time.perf_counter()
            device.read(65_536)
            times.append((time.perf_counter() - started) * 1000)
        device.close()
        times.sort()
        print(
            f"random 64 KiB read through the device: median {statistics.median(times):.2f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.2f} ms"
        )
        session.close()
    del app


if __name__ == "__main__":
    main()
