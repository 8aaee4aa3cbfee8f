"""Records benchmark (issue 3): 100,000 incidents in a vault, then the reads the UI needs.

Goals: the newest 100 incidents of a station < 50 ms; a full-text search < 100 ms; the catalogue
loaded and validated < 100 ms. Incidents are appended as signed journal events in batches (one
transaction each), with the body the `incident add` service writes, so the projections and the
full-text index are maintained exactly as in use. The vault uses the cheap test KDF: unlocking is
measured by bench_journal.py, not here.
Run: `/work/venv/bin/python benchmarks/bench_records.py` (`--incidents N` for a shorter run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from observer_app.core.catalogue import load_catalogue
from observer_app.core.ids import new_id
from observer_app.core.timeline_filter import TimelineFilter
from observer_app.core.timeutil import format_utc, parse_utc
from observer_app.logbook import stations
from observer_app.logbook.search import query_words
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.logbook.timeline import timeline
from observer_app.vault.connection import Transaction
from observer_app.vault.header import KdfParams
from observer_app.vault.projection.incidents import INCIDENT_ADDED
from observer_app.vault.queries.incidents import (
    get_incident,
    incident_histories,
    newest_incidents,
)
from observer_app.vault.queries.search import search as search_words
from observer_app.vault.store import open_vault

PASSPHRASE = "benchmark passphrase"
BATCH = 5000
STATIONS = 50
WORDS = (
    "бюллетень",
    "бюллетени",
    "вброс",
    "урна",
    "ящик",
    "комиссия",
    "председатель",
    "секретарь",
    "наблюдатель",
    "протокол",
    "копия",
    "подпись",
    "список",
    "избиратель",
    "очередь",
    "кабина",
    "полиция",
    "давление",
    "карусель",
    "автобус",
    "сайлау",
    "учаске",
    "бюллетень",
    "жәшік",
    "комиссия",
    "төраға",
    "байқаушы",
    "хаттама",
    "тізім",
    "сайлаушы",
    "кезек",
    "қысым",
    "полиция",
    "автобус",
    "мектеп",
    "ballot",
    "box",
    "observer",
    "protocol",
    "police",
    "queue",
    "list",
    "pressure",
)
RARE = "фальсификация"


def measure(label: str, action: Callable[[], Any], goal_ms: float | None, runs: int = 30) -> float:
    action()  # warm the page cache and statement cache, as a GUI that is already open would
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    median, worst = statistics.median(samples), max(samples)
    verdict = "" if goal_ms is None else ("  ok" if median < goal_ms else "  SLOW")
    goal = "" if goal_ms is None else f" (goal < {goal_ms:.0f} ms)"
    print(f"{label:<58} median {median:7.2f} ms, max {worst:7.2f} ms{goal}{verdict}")
    return median


def search(conn: Any, text: str, limit: int) -> Any:
    """A search as `search TEXT` makes it: stems and category names resolved first."""
    return search_words(conn, query_words(load_catalogue(), text), limit)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    count = parser.parse_args().incidents
    rng = random.Random(2026)
    catalogue = load_catalogue()
    categories = list(catalogue.incident_categories)
    with tempfile.TemporaryDirectory() as tmp:
        vault_dir = Path(tmp) / "vault"
        init_vault(vault_dir, PASSPHRASE, NewIdentity(name="Bench"), KdfParams.for_tests())
        session = LogbookSession(open_vault(vault_dir, PASSPHRASE))
        codes = [f"{100 + i}" for i in range(STATIONS)]
        for code in codes:
            stations.add_station(session, catalogue, code, f"Школа № {code}", region="almaty_city")
        day_start = parse_utc("2026-03-15T01:00:00Z").timestamp()
        start = time.perf_counter()
        for offset in range(0, count, BATCH):
            with Transaction(session.conn):
                for index in range(offset, min(count, offset + BATCH)):
                    category = rng.choice(categories)
                    words = rng.sample(WORDS, 8)
                    if index % 5000 == 0:
                        words.append(RARE)
                    moment = day_start + rng.randrange(0, 16 * 3600)
                    body = {
                        "id": new_id(),
                        "station": rng.choice(codes),
                        "category": category.id,
                        "severity": category.default_severity,
                        "seen": "directly",
                        "status": "unmarked",
                        "follow_up": "none_needed",
                        "text": " ".join(words),
                        "persons": [],
                        "witnesses": [],
                        "at": format_utc(dt.datetime.fromtimestamp(moment, dt.UTC)),
                    }
                    session.append_in_transaction(INCIDENT_ADDED, body, tz="Asia/Almaty")
        elapsed = time.perf_counter() - start
        print(
            f"append {count} incidents (signed, projected, indexed): {elapsed:.1f} s "
            f"({count / elapsed:,.0f}/s)"
        )
        session.close()

        session = LogbookSession(open_vault(vault_dir, PASSPHRASE))
        conn = session.conn
        station = codes[17]
        per_station = conn.execute(
            "SELECT count(*) FROM incidents WHERE station = ?", (station,)
        ).fetchone()[0]
        print(f"station {station} holds {per_station} incidents")
        measure(
            "newest 100 incidents of one station",
            lambda: newest_incidents(conn, station=station, limit=100),
            50,
        )
        measure("newest 100 incidents, all stations", lambda: newest_incidents(conn, limit=100), 50)
        measure(
            "newest 100 critical incidents of one station",
            lambda: newest_incidents(conn, station=station, severity="critical", limit=100),
            50,
        )
        measure(
            "full-text search, common word (top 50)",
            lambda: search(conn, "бюллетень", 50),
            100,
        )
        measure(
            "full-text search, two words as substrings (top 50)",
            lambda: search(conn, "сайлау хаттам", 50),
            100,
        )
        measure("full-text search, rare word", lambda: search(conn, RARE.upper(), 50), 100)
        incident = newest_incidents(conn, station=station, limit=1)[0]
        measure(
            "incident by id with its history",
            lambda: incident_histories(
                conn, incident.feed, [get_incident(conn, incident.id) or incident]
            ),
            None,
        )
        measure(
            f"log --station ({per_station} incidents: select, parse, describe)",
            lambda: list(timeline(conn, TimelineFilter(station=station))),
            None,
            runs=5,
        )
        by_kind = TimelineFilter(category="ballot_stuffing", severity="critical")
        measure(
            "log --category ballot_stuffing --severity critical",
            lambda: list(timeline(conn, by_kind)),
            None,
            runs=5,
        )
        measure("catalogue load + validate", load_catalogue, 100)
        session.close()


if __name__ == "__main__":
    main()
