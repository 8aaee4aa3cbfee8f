"""Report benchmark (issue 5): 500 incidents over 20 stations with 100 photos of 3264x2448.

Target: rendered and signed in under 15 s, peak memory under 400 MB. The vault is filled first
(not timed); each report is then made in a fresh process, so that its peak resident memory is
the report's own and not the set-up's, and the time is split between gathering the data, the
layout, the images (thumbnails read from the vault) and signing.
Run: `.venv/bin/python benchmarks/bench_reports.py` (`--photos N --incidents N` for a quick run).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import random
import resource
import tempfile
import time
from pathlib import Path

from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.core.consent import ConsentState
from observer_app.logbook import checklist, incidents, media, mission, protocol_records, stations
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault

PASSPHRASE = "benchmark passphrase"
STATIONS = 20
WIDTH, HEIGHT = 3264, 2448
CONSENTS = (ConsentState.NO_PERSON, ConsentState.NOT_ASKED, ConsentState.WRITTEN)
CATEGORIES = ("ballot_stuffing", "group_voting", "campaigning", "pressure_on_voters", "other")


def photo(index: int) -> bytes:
    """A distinct, photo-like 3264x2448 JPEG (smooth noise scaled up, ~1 MB)."""
    rng = random.Random(index)
    small = Image.effect_noise((204, 153), 60 + index % 40).convert("L")
    tint = Image.new("RGB", small.size, (rng.randrange(256), rng.randrange(256), 120))
    picture = Image.blend(Image.merge("RGB", (small, small, small)), tint, 0.5)
    picture = picture.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def fill(vault_dir: Path, work: Path, incident_count: int, photo_count: int) -> None:
    session = LogbookSession(open_vault(vault_dir, PASSPHRASE))
    catalogue = load_catalogue()
    rng = random.Random(1)
    mission.set_mission(session, "Bench election", "2026-03-15", ["A=Alpha", "B=Beta"], False)
    codes = [f"{100 + n}" for n in range(STATIONS)]
    for code in codes:
        stations.add_station(session, catalogue, code, f"Школа № {code}", region="almaty_city")
        checklist.answer_item(session, catalogue, code, "VOT15", rng.choice(["good", "bad"]))
        protocol_records.record_protocol(
            session, catalogue, code,
            ["P1=1000", "P3=600", "P4=20", "P10=610", "P11[A]=400", "P11[B]=200"],
        )  # fmt: skip
    ids = []
    for n in range(incident_count):
        ids.append(
            incidents.add_incident(
                session,
                catalogue,
                codes[n % STATIONS],
                CATEGORIES[n % len(CATEGORIES)],
                f"Инцидент {n}: " + "член комиссии выдал бюллетени без паспорта. " * 6,
                time=f"2026-03-15T{8 + n % 12:02d}:{n % 60:02d}",
                witnesses=[f"Свидетель {n}"],
            )
        )
    for n in range(photo_count):
        path = work / f"photo-{n}.jpg"
        path.write_bytes(photo(n))
        link = media.Link("incident", ids[n * 5 % len(ids)])
        media.import_file(session, path, link, CONSENTS[n % len(CONSENTS)])
        path.unlink()
    session.close()


def make(vault_dir: str, out: str, audience: str) -> dict[str, float]:
    """Runs in a fresh process: one report, its timings and this process's peak memory."""
    from observer_app.core.audience import Audience
    from observer_app.logbook.reports import make_report
    from observer_app.reports.data import ReportOptions

    session = LogbookSession(open_vault(Path(vault_dir), PASSPHRASE))
    session.conn.execute("SELECT count(*) FROM events").fetchone()  # unlock before timing
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = make_report(session, ReportOptions(Audience(audience), "ru"), Path(out))
    total = time.perf_counter() - start
    session.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = result.timings
    return {
        "total": total,
        "gather": t.gather,
        "layout": t.layout,
        "images": t.images,
        "signing": t.signing,
        "write": t.write,
        "size_mb": result.size / 1e6,
        "baseline_mb": baseline,
        "peak_mb": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--photos", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        vault_dir = root / "vault"
        init_vault(vault_dir, PASSPHRASE, NewIdentity(name="Bench Observer"), KdfParams.for_tests())
        start = time.perf_counter()
        fill(vault_dir, root, args.incidents, args.photos)
        print(
            f"set-up: {args.incidents} incidents, {STATIONS} stations, {args.photos} photos "
            f"of {WIDTH}x{HEIGHT} imported in {time.perf_counter() - start:.1f} s (not timed)"
        )
        context = multiprocessing.get_context("spawn")
        for audience in ("internal", "public", "complaint"):
            with context.Pool(1) as pool:
                figures = pool.apply(
                    make, (str(vault_dir), str(root / f"{audience}.pdf"), audience)
                )
            verdict = "OK" if figures["total"] < 15 and figures["peak_mb"] < 400 else "OVER"
            print(
                f"{audience:<9} total {figures['total']:6.2f} s = gather {figures['gather']:.2f}"
                f" + layout {figures['layout']:.2f} + images {figures['images']:.2f}"
                f" + signing {figures['signing']:.2f} + write {figures['write']:.2f};"
                f" PDF {figures['size_mb']:.1f} MB; peak RSS {figures['peak_mb']:.0f} MB"
                f" (open vault {figures['baseline_mb']:.0f} MB)  [{verdict}: < 15 s, < 400 MB]"
            )


if __name__ == "__main__":
    main()
