"""Gallery benchmark (issue 15): a grid of 1,000 photos scrolled end to end, step by step, with
the previews decrypted in batches off the GUI thread as the grid shows them.

Goal: no single GUI-thread stall over 100 ms. Stalls are measured as in `bench_gui.py`: a 5 ms
timer on the GUI thread records how late each tick came; the worst lateness is printed, with
the time to the first screenful of previews and how many batches the scroll took. The vault is
made with the test key derivation (the grid, not the unlock, is measured), its photos distinct
small JPEGs imported through the real service (encrypted, thumbnails made).
Run: `.venv/bin/python benchmarks/bench_gallery.py` (`--items N` for a shorter run).
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_gui import StallMeter, spin, until
from PIL import Image
from PySide6.QtWidgets import QApplication

from observer_app.core.catalogue import load_catalogue
from observer_app.gui.dialogs.gallery_dialog import GalleryDialog
from observer_app.logbook import media, stations
from observer_app.logbook.session import open_session
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams

PASSPHRASE = "benchmark passphrase for the gallery"


def photo(number: int) -> bytes:
    """A distinct 640x480 JPEG: a colour field and the number drawn as squares."""
    colour = (number * 37 % 256, number * 91 % 256, number * 53 % 256)
    image = Image.new("RGB", (640, 480), colour)
    for bit in range(16):  # the number in black and white squares: no two alike
        shade = (255, 255, 255) if number >> bit & 1 else (0, 0, 0)
        image.paste(shade, (bit * 40, 0, bit * 40 + 40, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def make_vault(folder: Path, count: int) -> None:
    catalogue = load_catalogue()
    init_vault(folder, PASSPHRASE, NewIdentity(name="Bench"), KdfParams.for_tests())
    session = open_session(folder, PASSPHRASE)
    try:
        for code in ("101", "102"):
            stations.add_station(session, catalogue, code, f"Школа № {code}")
        for number in range(count):
            data = photo(number)
            media.import_stream(
                session,
                io.BytesIO(data),
                f"IMG_{number:04d}.jpg",
                media.Link("station", "101" if number % 2 else "102"),
                total=len(data),
            )
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as temp:
        vault = Path(temp) / "vault"
        begin = time.perf_counter()
        make_vault(vault, args.items)
        print(f"vault of {args.items:,} photos made in {time.perf_counter() - begin:.1f} s")
        session = open_session(vault, PASSPHRASE)
        try:
            meter = StallMeter()
            meter.start()
            begin = time.perf_counter()
            dialog = GalleryDialog(session, load_catalogue())
            dialog.resize(1280, 720)
            dialog.show()
            model, grid = dialog.model, dialog.grid
            until(lambda: model.preview_count > 0 and not model.loading)
            spin(50)
            print(
                f"gallery opened, first screenful of previews in "
                f"{time.perf_counter() - begin:.2f} s; worst stall {meter.stop():.0f} ms"
            )
            meter.start()
            begin = time.perf_counter()
            bar = grid.verticalScrollBar()
            while True:
                bar.setValue(bar.value() + bar.pageStep())
                spin(30)  # a person paging down: the grid repaints, batches run meanwhile
                if bar.value() >= bar.maximum() and not model.canFetchMore(model.index(-1)):
                    break
            spin(500)
            elapsed = time.perf_counter() - begin
            print(
                f"scrolled {model.rowCount():,} items end to end in {elapsed:.1f} s, "
                f"{model.batches} preview batches, {model.preview_count} previews held; "
                f"worst GUI-thread stall {meter.stop():.0f} ms (goal < 100 ms)"
            )
            meter.start()
            for choice in (1, 2, 0):
                dialog.station.setCurrentIndex(choice)
                spin(100)
            print(f"station filter changed 3 times; worst stall {meter.stop():.0f} ms")
            dialog.close()
            dialog.model.close()
        finally:
            session.close()
    app.quit()


if __name__ == "__main__":
    main()
