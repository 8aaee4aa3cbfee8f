"""Window import benchmark (issue 15): 200 camera photos through the evidence import dialog,
against the CLI's way (one `media.import_file` per file) in the same process.

The photos are made from the real camera samples in tests/data/media (their EXIF kept: capture
time, camera, GPS), scaled to 3264x2448 like a phone's and each marked so that no two are alike.
Each side imports the same files into its own fresh vault (test key derivation: the import, not
the unlock, is measured), thumbnails included. The window side is the real dialog: the batch on
the generic worker, progress per file and overall to the GUI thread, the summary at the end; the
worst GUI-thread stall during it is printed too. Goal: window throughput >= 0.8 of the CLI's.
Run: `.venv/bin/python benchmarks/bench_import_window.py [--photos 200]`
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_gui import StallMeter
from PIL import Image
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from observer_app.core.catalogue import load_catalogue
from observer_app.gui.actions import Commands
from observer_app.gui.dialogs.evidence_import_dialog import EvidenceImportDialog
from observer_app.logbook import media, stations
from observer_app.logbook.media_batch import BatchSummary
from observer_app.logbook.session import LogbookSession, open_session
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams

PASSPHRASE = "benchmark passphrase for the import"
SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "media"
CAMERA_SAMPLES = ("gps_DSCN0010.jpg", "gps_DSCN0021.jpg", "gps_DSCN0038.jpg", "Canon_40D.jpg")


def make_photos(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    bases = []
    for name in CAMERA_SAMPLES:
        with Image.open(SAMPLES / name) as source:
            exif = source.info.get("exif", b"")
            bases.append((source.convert("RGB").resize((3264, 2448)), exif))
    paths = []
    for index in range(count):
        image, exif = bases[index % len(bases)]
        marked = image.copy()
        for bit in range(12):  # the index in black and white squares
            shade = (255, 255, 255) if index >> bit & 1 else (0, 0, 0)
            marked.paste(shade, (bit * 60, 0, bit * 60 + 60, 60))
        path = folder / f"DSC_{index:04d}.JPG"
        marked.save(path, "JPEG", quality=88, exif=exif)
        paths.append(path)
    return paths


def fresh_session(folder: Path) -> LogbookSession:
    init_vault(folder, PASSPHRASE, NewIdentity(name="Bench"), KdfParams.for_tests())
    session = open_session(folder, PASSPHRASE)
    stations.add_station(session, load_catalogue(), "101", "Школа № 101")
    return session


def cli_way(session: LogbookSession, photos: list[Path]) -> float:
    link = media.Link("station", "101")
    start = time.perf_counter()
    for path in photos:
        media.import_file(session, path, link, refuse_damaged=True)
    return time.perf_counter() - start


def window_way(
    session: LogbookSession, card: Path, measure_stalls: bool
) -> tuple[float, float, BatchSummary]:
    catalogue = load_catalogue()
    dialog = EvidenceImportDialog(
        Commands(session, catalogue), catalogue, station="101", paths=[card]
    )
    dialog.show()
    results: list[BatchSummary] = []
    loop = QEventLoop()  # the event loop as the application runs it (idle waits, no spinning)
    dialog.run.imported.connect(results.append)
    dialog.run.imported.connect(loop.quit)
    meter = StallMeter()
    if measure_stalls:
        meter.start()
    start = time.perf_counter()
    dialog.start()
    loop.exec()
    elapsed = time.perf_counter() - start
    stall = meter.stop() if measure_stalls else 0.0
    dialog.close()
    return elapsed, stall, results[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=200)
    args = parser.parse_args()
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        photos = make_photos(root / "card" / "DCIM" / "100CAMERA", args.photos)
        size_mb = sum(p.stat().st_size for p in photos) / 1e6
        print(f"{len(photos)} photos, {size_mb:.0f} MB, 3264x2448 with the samples' EXIF")
        for path in photos:  # page cache warm for both sides
            path.read_bytes()
        cli_session = fresh_session(root / "cli")
        cli_s = cli_way(cli_session, photos)
        cli_session.close()
        # Throughput without the stall meter (its 5 ms timer takes the GIL 200 times a second
        # from the worker), then the stalls in a second run of its own.
        window_session = fresh_session(root / "window")
        window_s, _none, summary = window_way(window_session, root / "card", False)
        imported = len(summary.media_ids)
        window_session.close()
        stall_session = fresh_session(root / "window-stalls")
        _elapsed, stall_ms, _summary = window_way(stall_session, root / "card", True)
        stall_session.close()
    app.processEvents()
    cli_rate, window_rate = len(photos) / cli_s, imported / window_s
    ratio = window_rate / cli_rate
    print(f"CLI way (import_file per file): {cli_s:.1f} s, {cli_rate:.1f} photos/s")
    print(f"window (dialog, worker, progress): {window_s:.1f} s, {window_rate:.1f} photos/s")
    print(f"imported in the window: {imported} of {len(photos)}")
    print(
        f"window / CLI throughput: {ratio:.2f} (goal >= 0.8: {'ok' if ratio >= 0.8 else 'NOT ok'})"
    )
    print(f"worst GUI-thread stall during the import: {stall_ms:.0f} ms (goal < 100 ms)")


if __name__ == "__main__":
    main()
