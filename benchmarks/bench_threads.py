"""Threads and lock benchmark (issue 12): does a window lock in a second, and what do workers
cost?

On a real vault of N events (default 20,000 notes, one feed), with a strong key derivation
(Argon2id 64 MiB, as a real vault): the first timeline page of 100 rows read by a worker on its
own read-only connection (the first one includes opening and keying that connection), the
same page on the session's writer, `lock()` while two workers page the timeline round and round
(cancel, interrupt, wait, close, zero), `unlock(passphrase)`, and the locked memory (VmLck) of
the writer and three workers after each read the whole vault, against the budget planned under
this process's RLIMIT_MEMLOCK. Goals: a worker's page < 20 ms, lock < 1 s, unlock < 1 s.
One line per figure with its goal and "ok" or "not ok".
Run: `.venv/bin/python benchmarks/bench_threads.py` (`--events N`, `--dir D`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from observer_app.core.ids import new_id
from observer_app.core.paging import Cursor
from observer_app.core.timeline_filter import ALL_EVENTS
from observer_app.errors import OperationCancelled
from observer_app.logbook.session import DatabaseError, LogbookSession, open_session
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.logbook.timeline import timeline_page
from observer_app.process_limits import locked_memory_now
from observer_app.vault.connection import Transaction
from observer_app.vault.header import KdfParams

PASSPHRASE = "benchmark passphrase"
REPEAT = 9  # medians: one page is a few ms, easily disturbed


def _line(label: str, value: float, unit: str, goal: float | None) -> None:
    verdict = "" if goal is None else ("ok" if value < goal else "not ok")
    goal_text = "" if goal is None else f"goal < {goal:g} {unit}"
    print(f"{label:<56} {value:10.2f} {unit:<3} {goal_text:<16} {verdict}")


def _fill(session: LogbookSession, events: int) -> None:
    with Transaction(session.conn):
        for index in range(events):
            session.append_in_transaction(
                "note.added",
                {"id": new_id(), "station": None, "text": f"заметка наблюдателя № {index}"},
            )


def _in_worker(session: LogbookSession, job: Callable[[], None]) -> float:
    """Run `job()` on a fresh worker thread; its duration in ms."""
    result: list[float] = []

    def run() -> None:
        with session.worker():
            start = time.perf_counter()
            job()
            result.append((time.perf_counter() - start) * 1000)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as temp:
        path = Path(temp) / "vault"
        init_vault(path, PASSPHRASE, NewIdentity(name="Bench"), KdfParams.strong())
        session = open_session(path, PASSPHRASE)
        _fill(session, args.events)
        print(f"vault of {args.events:,} events, strong key derivation")

        def first_page() -> None:
            timeline_page(session.conn, ALL_EVENTS, None, 100, newest_first=True)

        _line(
            "worker: first page of 100 (opening its connection)",
            _in_worker(session, first_page),
            "ms",
            None,
        )

        def median_page() -> float:
            times = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                first_page()
                times.append((time.perf_counter() - start) * 1000)
            return statistics.median(times)

        pages: list[float] = []
        _in_worker(session, lambda: pages.append(median_page()))
        _line("worker: newest 100 timeline rows (own connection)", pages[0], "ms", 20)
        _line("session thread: newest 100 rows (the writer)", median_page(), "ms", 20)

        started = threading.Barrier(3)

        def page_forever() -> None:
            with session.worker() as cancel:
                started.wait()
                cursor: Cursor | None = None
                try:
                    while not cancel():
                        page = timeline_page(session.conn, ALL_EVENTS, cursor, 100)
                        cursor = page.next
                except (OperationCancelled, DatabaseError):
                    pass

        workers = [threading.Thread(target=page_forever) for _ in range(2)]
        for worker in workers:
            worker.start()
        started.wait()
        start = time.perf_counter()
        session.lock()
        _line("lock() with two workers paging", (time.perf_counter() - start) * 1000, "ms", 1000)
        start = time.perf_counter()
        session.unlock(PASSPHRASE)
        _line(
            "unlock(passphrase) (Argon2id 64 MiB, open, check)",
            (time.perf_counter() - start) * 1000,
            "ms",
            1000,
        )

        def scan() -> None:
            for _ in session.conn.execute("SELECT payload FROM events"):
                pass

        scan()
        peaks: list[int] = []
        together = threading.Barrier(3)

        def scan_and_hold() -> None:
            with session.worker():
                scan()
                together.wait()
                peaks.append(locked_memory_now() or 0)
                together.wait()

        readers = [threading.Thread(target=scan_and_hold) for _ in range(3)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        plan = session.memory_plan
        limit = f"{plan.limit_kib} KiB" if plan.limit_kib is not None else "none"
        locked_kib = max(peaks) // 1024
        fits = plan.limit_kib is None or locked_kib < plan.limit_kib
        print(
            f"locked memory, writer + 3 workers after a full scan: {locked_kib:,} KiB"
            f" (limit {limit}, cache {plan.cache_kib} KiB per connection, planned at most"
            f" {plan.planned_kib:,} KiB) {'ok' if fits else 'not ok'}"
        )
        session.close()


if __name__ == "__main__":
    main()
