"""Journal benchmark (issue 2): unlock, 100,000 signed appends, reopen, verify speed.

Prints figures and ratios against a baseline measured in the same run: plain INSERTs of the same
rows into an unencrypted stdlib sqlite3 database.
Run: `.venv/bin/python benchmarks/bench_journal.py`
(`--events N` for a shorter run).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from observer_app.core.ids import new_id
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault import journal
from observer_app.vault.connection import Transaction
from observer_app.vault.header import KdfParams
from observer_app.vault.projection.notes import NOTE_ADDED
from observer_app.vault.store import open_vault
from observer_app.vault.verify import verify_journal

PASSPHRASE = "benchmark passphrase"
BATCH = 1000


def timed(label: str, start: float) -> float:
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {elapsed:8.3f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    count = parser.parse_args().events
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        vault_dir = root / "vault"
        init_vault(vault_dir, PASSPHRASE, NewIdentity(name="Bench"), KdfParams.strong())
        start = time.perf_counter()
        vault = open_vault(vault_dir, PASSPHRASE)
        unlock = timed("unlock (Argon2id 64 MiB, t=3) + first read", start)
        session = LogbookSession(vault)
        bodies = [
            {"id": new_id(), "station": "101", "text": f"Наблюдение номер {i}: всё спокойно"}
            for i in range(count)
        ]
        start = time.perf_counter()
        rows = []
        for offset in range(0, count, BATCH):
            with Transaction(session.conn):
                for body in bodies[offset : offset + BATCH]:
                    event = journal.append(
                        session.conn, session.identity.author, NOTE_ADDED, body, "Asia/Almaty"
                    )
                    rows.append(
                        (
                            event.feed,
                            event.seq,
                            event.hash,
                            event.prev,
                            event.time_utc,
                            event.tz,
                            event.type,
                            event.payload,
                            event.signature,
                        )
                    )
        append_s = timed(f"append {count} signed events (batches of {BATCH})", start)
        session.close()

        plain = sqlite3.connect(root / "plain.db", isolation_level=None)
        plain.execute("PRAGMA journal_mode=WAL")
        plain.execute("PRAGMA synchronous=FULL")
        plain.execute(
            "CREATE TABLE events (feed TEXT, seq INT, hash TEXT UNIQUE, prev TEXT,"
            " time_utc TEXT, tz TEXT, type TEXT, payload BLOB, signature BLOB,"
            " PRIMARY KEY (feed, seq))"
        )
        start = time.perf_counter()
        for offset in range(0, count, BATCH):
            plain.execute("BEGIN")
            plain.executemany(
                "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?)", rows[offset : offset + BATCH]
            )
            plain.execute("COMMIT")
        plain_s = timed("baseline: plain sqlite3 INSERT of the same rows", start)
        plain.close()

        start = time.perf_counter()
        vault = open_vault(vault_dir, PASSPHRASE)
        vault.conn.execute("SELECT count(*) FROM events").fetchone()
        reopen = timed("reopen the vault", start)
        start = time.perf_counter()
        report = verify_journal(vault.conn)
        verify_s = timed("journal verify (signatures, chain, replay)", start)
        assert report.ok, report.problems
        vault.close()
        print()
        print(f"unlock: {unlock:.3f} s (goal < 0.5 s); reopen: {reopen:.3f} s")
        print(
            f"appends: {count / append_s:,.0f} events/s; plain inserts: {count / plain_s:,.0f}/s;"
            f" ratio append/plain time = {append_s / plain_s:.1f}x"
        )
        print(f"journal verify: {report.events / verify_s:,.0f} events/s (goal >= 3,000/s)")


if __name__ == "__main__":
    main()
