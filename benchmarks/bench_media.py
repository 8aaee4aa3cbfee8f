"""Media benchmark (issue 4): large-file import vs a same-run baseline, memory, photo throughput.

Baseline: read, hash (SHA-256) and encrypt the same bytes with the same cipher into a plain
file — what an import must do at least. Import adds MIME sniffing, metadata, the database row
and the signed event. Peak memory is the child's maximum RSS growth during the import.
Run: `.venv/bin/python benchmarks/bench_media.py [--mb 1024] [--photos 200]`
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import tempfile
import time
from pathlib import Path

from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.crypto.blob_cipher import encrypt_stream, new_blob_key
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.logbook.stations import add_station
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault

PASSPHRASE = "benchmark"


def make_big_file(path: Path, megabytes: int) -> None:
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as handle:
        for index in range(megabytes):
            handle.write(block[:-8] + index.to_bytes(8, "big"))


def baseline(path: Path, out: Path) -> float:
    start = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as src, open(out, "wb") as dst:
        encrypt_stream(src, dst, new_blob_key(), on_plaintext=digest.update)
        dst.flush()
        os.fsync(dst.fileno())
    return time.perf_counter() - start


def make_photos(folder: Path, count: int) -> list[Path]:
    """Distinct 3264x2448 JPEGs (a gradient with the index drawn in), like a phone's photos."""
    base = Image.radial_gradient("L").resize((3264, 2448)).convert("RGB")
    paths = []
    for index in range(count):
        image = base.copy()
        image.paste((index * 7 % 255, 90, 160), (index * 10, 100, index * 10 + 300, 400))
        path = folder / f"IMG_{index:04d}.jpg"
        image.save(path, "JPEG", quality=85)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=1024)
    parser.add_argument("--photos", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        init_vault(root / "vault", PASSPHRASE, NewIdentity(name="Bench"), KdfParams.for_tests())
        session = LogbookSession(open_vault(root / "vault", PASSPHRASE))
        add_station(session, load_catalogue(), "101", "Bench station")
        station = media.Link("station", "101")

        big = root / "video.mp4"
        make_big_file(big, args.mb)
        # Warm the page cache once so neither side pays for the first read of the file.
        baseline(big, root / "baseline.bin")
        base_s = baseline(big, root / "baseline.bin")
        (root / "baseline.bin").unlink()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        media.import_file(session, big, station)
        import_s = time.perf_counter() - start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        big.unlink()
        size_mb = args.mb * 1024 * 1024 / 1e6
        print(
            f"baseline read+hash+encrypt {args.mb} MiB: {base_s:6.2f} s "
            f"({size_mb / base_s:,.0f} MB/s)"
        )
        print(
            f"import {args.mb} MiB:                  {import_s:6.2f} s "
            f"({size_mb / import_s:,.0f} MB/s)"
        )
        print(f"speed ratio import/baseline: {base_s / import_s:.2f} (goal >= 0.7)")
        print(
            f"peak RSS growth during import: {(rss_after - rss_before) / 1024:.1f} MB "
            f"(process max RSS {rss_after / 1024:.0f} MB; goal: growth < 150 MB)"
        )

        photos_dir = root / "photos"
        photos_dir.mkdir()
        start = time.perf_counter()
        photos = make_photos(photos_dir, args.photos)
        print(f"(made {len(photos)} test photos in {time.perf_counter() - start:.1f} s)")
        start = time.perf_counter()
        for photo in photos:
            media.import_file(session, photo, station)
        photos_s = time.perf_counter() - start
        print(
            f"import {len(photos)} photos 3264x2448 with thumbnails: {photos_s:.2f} s "
            f"({photos_s / len(photos) * 1000:.0f} ms each; goal: 200 in < 20 s)"
        )
        thumbs = sum(
            1
            for p in photos[:5]
            if media.thumbnail_jpeg(
                session,
                session.conn.execute(
                    "SELECT id FROM media WHERE original_name = ?", (p.name,)
                ).fetchone()[0],
            )
        )
        assert thumbs == min(5, len(photos))
        session.close()


if __name__ == "__main__":
    main()
