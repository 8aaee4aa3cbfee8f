"""Coordinator benchmark (issue 17): many observers' bundles into one vault, then the views.

By default 100 observers with 1,000 events each (the issue's figures); `--observers` and
`--events` scale it down. Observers' vaults are built with the real services (two worker
processes), each with its own station and every second one sharing station 101 with figures
that differ; their bundles are then imported one after another into the coordinator's vault,
timed bundle by bundle. Printed: events per second of the import, the mean time of the first
and of the last ten bundles (flat: no cost that grows with what the vault holds), the first
page of `log --all`, `protocol compare`, `summary` and `export csv` on the result.

The issue's targets: first page < 100 ms; compare and summary < 1 s each; CSV < 5 s.
Run: `.venv/bin/python benchmarks/bench_coordinator.py [--observers 100] [--events 1000]`;
`--root /tmp/perf_bench/coordinator` builds there once and measures the kept vault's views
on later runs (a newer schema is migrated when the vault is opened).
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

PASSPHRASE = "benchmark passphrase"
FIGURES = ["P1=1000", "P2=900", "P3=600", "P4=400", "P11[A]=350", "P11[B]=230"]


def _session(path: Path) -> Any:
    from observer_app.logbook.session import LogbookSession
    from observer_app.vault.store import open_vault

    return LogbookSession(open_vault(path, PASSPHRASE))


def _batched(session: Any) -> Any:
    """The same session, recording into the caller's transaction (one commit per observer)."""
    from observer_app.logbook.session import LogbookSession

    class Batched(LogbookSession):
        def record(self, event_type: str, body: Any, tz: Any = None, time_utc: Any = None,
                   draft_id: Any = None) -> Any:  # fmt: skip
            return self.append_in_transaction(event_type, body, tz, time_utc)

    return Batched(session.vault)


def setup_coordinator(root: Path, observers: int) -> None:
    from observer_app.core.catalogue import load_catalogue
    from observer_app.logbook import mission, stations
    from observer_app.logbook.setup import NewIdentity, init_vault
    from observer_app.vault.header import KdfParams

    init_vault(root / "coordinator", PASSPHRASE, NewIdentity("Bench", "coordinator"),
               KdfParams.for_tests())  # fmt: skip
    coordinator = _session(root / "coordinator")
    catalogue = load_catalogue()
    mission.set_mission(coordinator, "Bench", "2026-03-15", ["A=Alpha", "B=Beta"], False)
    regions = ["almaty_city", "aktobe", "astana"]
    stations.add_station(coordinator, catalogue, "101", "Shared station", region=regions[0])
    for index in range(observers):
        code = str(200 + index)
        stations.add_station(
            coordinator, catalogue, code, f"Station {code}", region=regions[index % 3]
        )
    coordinator.close()


def make_observer(args: tuple[Path, int, int]) -> None:
    """One observer's vault: enrolled (request and package through files, the coordinator
    opened briefly under a lock), a polling day of `events` events, and its bundle."""
    root, index, events = args
    from observer_app.core.catalogue import AnswerType, load_catalogue
    from observer_app.handoff.enroll.accept import accept_package
    from observer_app.handoff.enroll.issue import issue_package
    from observer_app.handoff.enroll.request import write_request
    from observer_app.logbook import checklist, handoff, incidents, mission, notes, visits
    from observer_app.logbook.protocol_records import record_protocol
    from observer_app.logbook.setup import NewIdentity, init_vault
    from observer_app.vault.connection import Transaction
    from observer_app.vault.header import KdfParams

    path = root / f"observer-{index:03d}"
    init_vault(path, PASSPHRASE, NewIdentity(f"Observer {index:03d}"), KdfParams.for_tests())
    observer = _session(path)
    stick = root / f"enroll-{index:03d}"
    stick.mkdir()
    request = write_request(observer, stick)
    own = str(200 + index)
    assigned = [own, "101"] if index % 2 == 0 else [own]
    with LOCK:
        coordinator = _session(root / "coordinator")
        package = issue_package(coordinator, request.path, stick, assigned)
        coordinator.close()
    accept_package(observer, package.path)
    mission.set_mission(observer, "Bench", "2026-03-15", ["A=Alpha", "B=Beta"], False)
    catalogue = load_catalogue()
    items = [item.id for item in catalogue.items() if item.type is AnswerType.YES_NO_DK]
    categories = [category.id for category in catalogue.incident_categories]
    batched = _batched(observer)
    figures = FIGURES if index % 4 else [*FIGURES[:2], "P3=610", *FIGURES[3:]]
    held = int(observer.conn.execute("SELECT count(*) FROM events").fetchone()[0])
    with Transaction(batched.conn):
        for code in assigned:
            visits.start_visit(batched, code, "2026-03-15T07:30")
            record_protocol(batched, catalogue, code, figures)
        done = held + 2 * len(assigned)
        for step in range(max(0, events - done)):
            code = assigned[step % len(assigned)]
            if step % 3 == 0:
                incidents.add_incident(
                    batched, catalogue, code, categories[step % len(categories)],
                    f"Наблюдение {step}: бюллетени в урне", time="2026-03-15T10:00",
                )  # fmt: skip
            elif step % 3 == 1:
                item = items[step % len(items)]
                checklist.answer_item(batched, catalogue, code, item, ("yes", "no")[step % 2])
            else:
                notes.add_note(batched, f"{step}: очередь, спокойно", code)
    out = root / f"bundle-{index:03d}"
    out.mkdir()
    handoff.export_bundle(observer, out)
    observer.close()


def _init_worker(lock: Any) -> None:
    global LOCK
    LOCK = lock


LOCK: Any = None


def timed(label: str, action: Any, goal_s: float) -> bool:
    """Once, as a user runs the command (the page cache warm, as after the import)."""
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    ok = seconds < goal_s
    verdict = "ok" if ok else "not ok"
    print(f"{label:<34} {seconds * 1000:9.1f} ms (goal < {goal_s * 1000:.0f} ms)  {verdict}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--observers", type=int, default=100)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument(
        "--root",
        type=Path,
        help="build into this folder once and, when run again, measure the views of the"
        " coordinator vault kept there without building it (e.g. /tmp/perf_bench/coordinator)",
    )
    args = parser.parse_args()
    if args.root is not None:
        args.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not (args.root / IMPORTED).exists():
            build(args.root, args.observers, args.events, args.workers)
        else:
            print(f"reusing the coordinator vault in {args.root}")
        print((args.root / IMPORTED).read_text(), end="")
        views(args.root)
        return
    root = Path(tempfile.mkdtemp(prefix="bench-coordinator-"))
    try:
        build(root, args.observers, args.events, args.workers)
        print((root / IMPORTED).read_text(), end="")
        views(root)
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


IMPORTED = "import-figures.txt"  # written when every bundle is imported; marks a kept build


def build(root: Path, observers: int, events: int, workers: int) -> None:
    """The observers' vaults and bundles, imported into the coordinator's vault; the import's
    figures are kept in `IMPORTED` (printed again when a kept build is measured)."""
    from observer_app.logbook import handoff

    print(f"{observers} observers x {events} events")
    start = time.perf_counter()
    setup_coordinator(root, observers)
    lock = multiprocessing.Lock()
    with multiprocessing.Pool(workers, _init_worker, (lock,)) as pool:
        pool.map(make_observer, [(root, i, events) for i in range(observers)])
    print(f"{'observers built in':<34} {time.perf_counter() - start:9.1f} s")

    coordinator = _session(root / "coordinator")
    coordinator.conn.execute("SELECT count(*) FROM events").fetchone()  # unlock untimed
    per_bundle: list[float] = []
    imported = 0
    for index in range(observers):
        parts = sorted((root / f"bundle-{index:03d}").iterdir())
        began = time.perf_counter()
        result = handoff.import_bundle(coordinator, parts)
        per_bundle.append(time.perf_counter() - began)
        assert result.outcome.ok, result.outcome.to_json()
        imported += result.outcome.new_events
    coordinator.close()
    total = sum(per_bundle)
    first, last = per_bundle[:10], per_bundle[-10:]
    (root / IMPORTED).write_text(
        f"{observers} observers x {events} events\n"
        f"{'import: events per second':<34} {imported / total:9.0f} /s ({imported} events)\n"
        f"{'import: first ten bundles, mean':<34} {statistics.mean(first) * 1000:9.1f} ms\n"
        f"{'import: last ten bundles, mean':<34} {statistics.mean(last) * 1000:9.1f} ms\n"
    )


def views(root: Path) -> None:
    """The coordinator's views on the imported vault, each against its goal."""
    from observer_app.core.catalogue import load_catalogue
    from observer_app.core.timeline_filter import ALL_EVENTS
    from observer_app.logbook.comparison import compare
    from observer_app.logbook.csv_export import export_csv
    from observer_app.logbook.summary import summary
    from observer_app.logbook.timeline import timeline_page

    coordinator = _session(root / "coordinator")
    coordinator.conn.execute("SELECT count(*) FROM events").fetchone()  # unlock untimed
    catalogue = load_catalogue()
    out = root / "csv"
    shutil.rmtree(out, ignore_errors=True)
    figures = [
        timed("log --all: first page", lambda: timeline_page(coordinator.conn, ALL_EVENTS), 0.1),
        timed("protocol compare", lambda: compare(coordinator, catalogue), 1.0),
        timed("summary", lambda: summary(coordinator, catalogue), 1.0),
        timed("export csv", lambda: export_csv(coordinator, catalogue, out), 5.0),
    ]
    differing = compare(coordinator, catalogue).disagreeing
    print(f"stations where observers disagree: {', '.join(differing) or '-'}")
    print("all figures ok" if all(figures) else "some figures not ok")
    coordinator.close()


if __name__ == "__main__":
    main()
