"""Handoff benchmark (issue 6): export and import of a bundle vs the stock `age` command.

A bundle with 1 GB of media (ten files) and 10,000 events by default. Export and import each
run in a child process (so its peak memory, ru_maxrss from wait4, is its own) and are timed
against `age` on the same bytes in the same run:

- export vs `age -r RECIPIENT -o out.age plain.tar`, where plain.tar is the bundle's own
  plaintext (obtained with `age -d`, benchmark data only: random bytes and generated notes);
- import vs `age -d -i KEY -o plain.tar <parts>`.

Our export and import run pyrage in a child process of their own (observer_app/handoff/
age/process.py); its peak memory is printed separately. Our export also fsyncs every part,
drops it from the page cache and reads it back, and our import hashes, re-encrypts and fsyncs
every media blob and commits the events: `age` does none of that, so the figures are also
given against `age` followed by an fsync of its output.
The issue asks for a speed ratio (age time / our time) of at least 0.5 for each direction.

Run: `/work/venv/bin/python benchmarks/bench_handoff.py [--media-mb 1024] [--events 10000]`
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PASSPHRASE = "benchmark passphrase"
MEDIA_FILES = 10


def _session(path: Path) -> Any:
    from observer_app.logbook.session import LogbookSession
    from observer_app.vault.store import open_vault

    return LogbookSession(open_vault(path, PASSPHRASE))


def setup(root: Path, media_mb: int, events: int) -> None:
    """Two vaults, enrolled; the observer with `events` events and `media_mb` MB of media."""
    from observer_app.core.catalogue import load_catalogue
    from observer_app.handoff.enroll.accept import accept_package
    from observer_app.handoff.enroll.issue import issue_package
    from observer_app.handoff.enroll.request import write_request
    from observer_app.logbook import media, stations
    from observer_app.logbook.setup import NewIdentity, init_vault
    from observer_app.vault.header import KdfParams

    kdf = KdfParams.for_tests()
    init_vault(root / "coordinator", PASSPHRASE, NewIdentity("Bench", "coordinator"), kdf)
    init_vault(root / "observer", PASSPHRASE, NewIdentity("Bench observer"), kdf)
    coordinator, observer = _session(root / "coordinator"), _session(root / "observer")
    stations.add_station(coordinator, load_catalogue(), "101", "Bench station")
    stick = root / "enroll"
    stick.mkdir()
    request = write_request(observer, stick)
    accept_package(observer, issue_package(coordinator, request.path, stick, ["101"]).path)

    source = root / "source"
    source.mkdir()
    per_file = max(1, media_mb // MEDIA_FILES)
    block = os.urandom(1024 * 1024)
    link = media.Link("station", "101")
    for index in range(MEDIA_FILES):
        path = source / f"video-{index}.bin"
        with open(path, "wb") as handle:
            for chunk in range(per_file):
                handle.write(block[:-16] + index.to_bytes(8, "big") + chunk.to_bytes(8, "big"))
        media.import_file(observer, path, link)
        path.unlink()
    add_events(
        observer, events - int(observer.conn.execute("SELECT count(*) FROM events").fetchone()[0])
    )
    coordinator.close()
    observer.close()


def add_events(observer: Any, count: int) -> None:
    """A polling day's mix through the real services, batched into one transaction: four
    checklist answers to one note (notes also feed the full-text index)."""
    from observer_app.core.catalogue import AnswerType, load_catalogue
    from observer_app.logbook import checklist, notes
    from observer_app.logbook.session import LogbookSession
    from observer_app.vault.connection import Transaction

    class Batched(LogbookSession):
        def record(
            self,
            event_type: str,
            body: Any,
            tz: Any = None,
            time_utc: Any = None,
            draft_id: Any = None,
        ) -> Any:
            # Generated entries have no drafts: `draft_id` is accepted as `record` takes it.
            return self.append_in_transaction(event_type, body, tz, time_utc)

    batched = Batched(observer.vault)
    catalogue = load_catalogue()
    items = [item.id for item in catalogue.items() if item.type is AnswerType.YES_NO_DK]
    with Transaction(batched.conn):
        for index in range(count):
            if index % 5 == 4:
                notes.add_note(
                    batched, f"{index // 60 + 7:02d}:{index % 60:02d} очередь, спокойно", "101"
                )
            else:
                item = items[index % len(items)]
                checklist.answer_item(batched, catalogue, "101", item, ("yes", "no")[index % 2])


def without_memory_security() -> None:
    """Diagnostic only: open vaults without SQLCipher's `cipher_memory_security` (which wipes
    and locks every allocation and costs ~85 us per SQL statement here)."""
    import sqlcipher3

    from observer_app.vault import connection

    def connect_keyed(db_path: Path, database_key: bytes) -> Any:
        conn = sqlcipher3.connect(str(db_path), isolation_level=None, check_same_thread=True)
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA cipher_memory_security = OFF")
        conn.execute(f"PRAGMA key = \"x'{database_key.hex()}'\"")
        return conn

    connection.connect_keyed = connect_keyed  # type: ignore[assignment]


def child(phase: str, root: Path) -> None:
    """One timed phase in this (child) process; prints a JSON line."""
    if os.environ.get("BENCH_MEMORY_SECURITY") == "off":
        without_memory_security()
    if phase == "export":
        from observer_app.handoff.bundle.exporter import export_bundle

        observer = _session(root / "observer")
        observer.conn.execute("SELECT count(*) FROM events").fetchone()  # unlock outside timing
        start = time.perf_counter()
        result = export_bundle(observer, root / "stick")
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in result.paths)
        print(
            json.dumps(
                {
                    "seconds": seconds,
                    "bytes": size,
                    "events": result.manifest.event_count,
                    "age_child_rss": age_child_rss(),
                }
            )
        )
    else:
        from observer_app.handoff.bundle.importer import import_bundle

        coordinator = _session(root / "coordinator")
        coordinator.conn.execute("SELECT count(*) FROM events").fetchone()
        parts = sorted((root / "stick").glob("olb-*.age"))
        start = time.perf_counter()
        outcome = import_bundle(coordinator, parts)
        seconds = time.perf_counter() - start
        if outcome.status != "accepted":
            raise SystemExit(f"import {outcome.status}: {outcome.reason}")
        print(
            json.dumps(
                {"seconds": seconds, "events": outcome.new_events, "age_child_rss": age_child_rss()}
            )
        )


def age_child_rss() -> int:
    """Peak RSS in bytes of the largest finished child of this process (the age child)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def run_child(phase: str, root: Path) -> tuple[dict[str, Any], int]:
    """Run a phase in a child process; returns its result and its peak RSS in bytes."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", phase, "--workdir", str(root)],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{phase} failed ({proc.returncode})")
    return json.loads(output), usage.ru_maxrss * 1024


def timed_command(command: list[str], out: Path) -> tuple[float, float, int]:
    """Seconds for `command`, seconds including an fsync of `out`, and its peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(command)
    _pid, status, usage = os.wait4(proc.pid, 0)
    plain = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed")
    with open(out, "rb") as handle:
        os.fsync(handle.fileno())
    return plain, time.perf_counter() - start, usage.ru_maxrss * 1024


def drop_cache(paths: list[Path]) -> None:
    """Evict files from the page cache so both sides read them from the disk alike."""
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--media-mb", type=int, default=1024)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, help="keep the vaults and bundle here")
    parser.add_argument(
        "--memory-security",
        choices=("on", "off"),
        default="on",
        help="diagnostic: 'off' runs export and import without cipher_memory_security",
    )
    parser.add_argument("--child", choices=("export", "import"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workdir)
        return
    os.environ["BENCH_MEMORY_SECURITY"] = args.memory_security
    if shutil.which("age") is None:
        raise SystemExit("the stock `age` command is needed (Debian package age)")
    temporary = None if args.workdir else tempfile.TemporaryDirectory(dir="/var/tmp")
    root = args.workdir or Path(temporary.name)  # type: ignore[union-attr]
    root.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        setup(root, args.media_mb, args.events)
        print(f"setup: {time.perf_counter() - started:.1f} s")
        (root / "stick").mkdir()
        exported, export_rss = run_child("export", root)
        parts = sorted((root / "stick").glob("olb-*.age"))
        coordinator = _session(root / "coordinator")
        key = root / "coordinator.key"
        key.write_text(coordinator.identity.age_identity + "\n")
        key.chmod(0o600)
        from observer_app.crypto.age_keys import recipient_of

        recipient = recipient_of(coordinator.identity.age_identity)
        coordinator.close()

        plain = root / "plain.tar"
        drop_cache(parts)
        age_d, age_d_sync, age_d_rss = timed_command(
            ["age", "-d", "-i", str(key), "-o", str(plain), *map(str, parts)], plain
        )
        again = root / "again.age"
        drop_cache([plain])
        age_e, age_e_sync, age_e_rss = timed_command(
            ["age", "-r", recipient, "-o", str(again), str(plain)], again
        )
        plain.unlink()
        again.unlink()
        drop_cache(parts)
        imported, import_rss = run_child("import", root)
    finally:
        if temporary is not None:
            temporary.cleanup()

    size = exported["bytes"]
    print(f"bundle: {mb(size)} in {len(parts)} part(s), {exported['events']:,} events")
    rows = (
        ("export", exported, age_e, age_e_sync, export_rss, age_e_rss),
        ("import", imported, age_d, age_d_sync, import_rss, age_d_rss),
    )
    for name, result, age, age_sync, rss, age_rss in rows:
        ours = result["seconds"]
        print(
            f"{name}: ours {ours:.2f} s ({mb(size / ours)}/s, peak RSS {mb(rss)}, "
            f"its age child {mb(result['age_child_rss'])}); "
            f"age {age:.2f} s ({mb(size / age)}/s, peak RSS {mb(age_rss)}), "
            f"age+fsync {age_sync:.2f} s; ratio age/ours {age / ours:.2f} "
            f"(with fsync {age_sync / ours:.2f})"
        )


if __name__ == "__main__":
    main()
